from odoo import models


class ReportServiceRegister(models.AbstractModel):
    _name = "report.cs_center.report_service_register"
    _inherit = "cs.report.mixin"
    _description = "Service register sheet (服务登记簿)"

    _cs_report_model = "helpdesk.ticket"
    _cs_report_groups = ("cs_center.group_cs_agent",)
