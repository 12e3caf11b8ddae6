{
    "name": "Customer Service Centre: Dashboard",
    "summary": "The CS manager's dashboard (客服中心看板): tickets, deadline "
    "compliance, approvals waiting, reconciliation, satisfaction and callbacks",
    "version": "18.0.1.0.0",
    "category": "After-Sales",
    "website": "https://github.com/cs-center/cs-center",
    "author": "cs-center",
    "maintainers": ["cs-center"],
    "license": "AGPL-3",
    "development_status": "Beta",
    "depends": ["board", "cs_center", "cs_resolution", "cs_survey"],
    "data": ["views/cs_dashboard_views.xml"],
}
