def uninstall_hook(env):
    """Tier 1 back to the Sales Department Manager group (cs_resolution's default)."""
    definition = env.ref(
        "cs_resolution.tier_definition_cs_resolution_sales_manager",
        raise_if_not_found=False,
    )
    if definition:
        definition.write(
            {
                "review_type": "group",
                "reviewer_field_id": False,
                "reviewer_group_id": env.ref(
                    "cs_resolution.group_cs_sales_dept_manager"
                ).id,
            }
        )
