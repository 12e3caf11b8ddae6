# Copyright 2026 cs-center
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Customer Service First Response (Hotline and Online Chat)",
    "summary": "Hotline call log fed by the PBX (HTTP events, CSV import), online chat "
    "first-response clock, answered-in-time rates (R6)",
    "version": "18.0.1.0.0",
    "category": "After-Sales",
    "website": "https://github.com/cs-center/cs-center",
    "author": "cs-center",
    "maintainers": ["cs-center"],
    "license": "AGPL-3",
    "development_status": "Beta",
    "depends": ["cs_center", "im_livechat"],
    "data": [
        "security/ir.model.access.csv",
        "security/cs_contact_security.xml",
        "data/cs_contact_data.xml",
        "data/ir_cron_data.xml",
        "views/cs_call_views.xml",
        "views/cs_first_response_report_views.xml",
        "views/cs_call_import_wizard_views.xml",
        "views/discuss_channel_views.xml",
        "views/cs_contact_menus.xml",
    ],
    "demo": ["demo/cs_contact_demo.xml"],
}
