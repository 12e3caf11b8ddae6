# Copyright 2026 cs-center
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Customer Service Archive",
    "summary": "Tamper-evident customer-service archive (客户服务档案): hash-chained "
    "snapshots of closed tickets, retention and disposal, read log",
    "version": "18.0.1.0.0",
    "category": "After-Sales",
    "website": "https://github.com/cs-center/cs-center",
    "author": "cs-center",
    "maintainers": ["cs-center"],
    "license": "AGPL-3",
    "development_status": "Beta",
    "depends": ["cs_center", "cs_resolution"],
    "data": [
        "security/cs_archive_security.xml",
        "security/ir.model.access.csv",
        "data/cs_archive_entry_type_data.xml",
        "data/ir_cron_data.xml",
        "data/cs_archive_rendering_templates.xml",
        "views/cs_archive_entry_views.xml",
        "views/cs_archive_entry_type_views.xml",
        "views/cs_archive_disposal_views.xml",
        "views/cs_archive_integrity_report_views.xml",
        "views/cs_archive_missing_views.xml",
        "views/cs_archive_read_log_views.xml",
        "views/res_partner_views.xml",
        "views/cs_archive_menus.xml",
        "report/cs_archive_report_templates.xml",
    ],
    "demo": ["demo/cs_archive_demo.xml"],
}
