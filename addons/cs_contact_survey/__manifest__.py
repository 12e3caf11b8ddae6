# Copyright 2026 cs-center
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Customer Service First Response in the Appraisal",
    "summary": "Bridge: the appraisal KPI 'response time met' weighs hotline calls "
    "and online chats answered in time with the feedback deadlines met",
    "version": "18.0.1.0.0",
    "category": "After-Sales",
    "website": "https://github.com/cs-center/cs-center",
    "author": "cs-center",
    "maintainers": ["cs-center"],
    "license": "AGPL-3",
    "development_status": "Beta",
    "depends": ["cs_contact", "cs_survey"],
    "auto_install": True,
    "data": [
        "security/ir.model.access.csv",
        "data/cs_response_weight_data.xml",
        "views/cs_response_weight_views.xml",
    ],
}
