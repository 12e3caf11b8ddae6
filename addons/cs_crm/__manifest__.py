# Copyright 2026 cs-center
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Customer Service Centre: CRM",
    "summary": "The sales side of complaints: sales team and salesperson on tickets "
    "and proposals, first approval tier to the sales team's leader, salespeople's "
    "read-only view of their customers' complaints",
    "version": "18.0.1.0.0",
    "category": "After-Sales",
    "website": "https://github.com/cs-center/cs-center",
    "author": "cs-center",
    "maintainers": ["cs-center"],
    "license": "AGPL-3",
    "development_status": "Beta",
    "depends": ["crm", "cs_resolution", "cs_survey", "helpdesk_mgmt_crm"],
    "data": [
        "security/ir.model.access.csv",
        "security/cs_crm_security.xml",
        "data/cs_crm_tier_data.xml",
        "data/cs_segment_data.xml",
        "wizards/cs_sales_override_wizard_views.xml",
        "views/helpdesk_ticket_views.xml",
        "views/cs_resolution_views.xml",
        "views/sales_views.xml",
        "views/cs_segment_views.xml",
    ],
    "demo": ["demo/cs_crm_demo.xml"],
    "auto_install": True,
    "uninstall_hook": "uninstall_hook",
}
