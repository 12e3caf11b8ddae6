# Copyright 2026 cs-center
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Customer Service Centre: Complaint Resolution",
    "summary": "Complaint resolution proposals with amount-based approval tiers, "
    "credit notes, returns, three-way reconciliation, responsibility and penalties, "
    "monthly review and off-site service requests",
    "version": "18.0.1.0.0",
    "category": "After-Sales",
    "website": "https://github.com/cs-center/cs-center",
    "author": "cs-center",
    "maintainers": ["cs-center"],
    "license": "AGPL-3",
    "development_status": "Beta",
    "depends": ["cs_center", "account", "stock", "base_tier_validation"],
    "data": [
        "security/cs_resolution_security.xml",
        "security/ir.model.access.csv",
        "data/cs_resolution_data.xml",
        "data/cs_tier_definition_data.xml",
        "wizards/cs_resolution_notify_wizard_views.xml",
        "wizards/cs_reconcile_override_wizard_views.xml",
        "wizards/cs_responsibility_reopen_wizard_views.xml",
        "views/cs_resolution_views.xml",
        "views/cs_responsibility_views.xml",
        "views/cs_offsite_request_views.xml",
        "views/cs_resolution_ticket_views.xml",
        "views/cs_resolution_settings_views.xml",
        "views/cs_resolution_menus.xml",
        "views/cs_resolution_reporting_views.xml",
        "report/cs_resolution_templates.xml",
        "report/cs_resolution_reports.xml",
    ],
    "demo": ["demo/cs_resolution_demo.xml"],
    "pre_init_hook": "pre_init_hook",
}
