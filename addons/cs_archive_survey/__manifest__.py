# Copyright 2026 cs-center
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Customer Service Archive: Surveys and Callbacks",
    "summary": "Archives answered satisfaction surveys and recorded callbacks in "
    "the customer's tamper-evident service archive (客户服务档案)",
    "version": "18.0.1.0.0",
    "category": "After-Sales",
    "website": "https://github.com/cs-center/cs-center",
    "author": "cs-center",
    "maintainers": ["cs-center"],
    "license": "AGPL-3",
    "development_status": "Beta",
    "depends": ["cs_archive", "cs_survey"],
    "data": [
        "data/cs_archive_survey_templates.xml",
        "data/ir_cron_data.xml",
    ],
    "auto_install": True,
    "post_init_hook": "post_init_hook",
}
