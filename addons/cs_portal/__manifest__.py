# Copyright 2026 cs-center
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Customer Service Portal",
    "summary": "Customer portal of the service centre: intake form per request kind "
    "with the service register, tracking of deadlines, transfers and the approved "
    "outcome, confirmation or reopening",
    "version": "18.0.1.0.0",
    "category": "After-Sales",
    "website": "https://github.com/cs-center/cs-center",
    "author": "cs-center",
    "maintainers": ["cs-center"],
    "license": "AGPL-3",
    "development_status": "Beta",
    "depends": ["cs_center", "cs_resolution", "cs_survey", "helpdesk_mgmt", "portal"],
    "data": [
        "security/ir.model.access.csv",
        "security/cs_portal_security.xml",
        "data/cs_portal_intake_data.xml",
        "views/cs_portal_intake_views.xml",
        "views/portal_intake_templates.xml",
        "views/portal_tracking_templates.xml",
    ],
    "demo": ["demo/cs_portal_demo.xml"],
    "assets": {
        "web.assets_tests": ["cs_portal/static/tests/tours/*.js"],
    },
}
