from odoo import api, models

from .cs_report_access import cs_report_check


class ReportServiceRegister(models.AbstractModel):
    _name = "report.cs_center.report_service_register"
    _description = "Service register sheet (服务登记簿)"

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self.env["helpdesk.ticket"].browse(docids)
        cs_report_check(self.env, docs, ["cs_center.group_cs_agent"])
        return {"doc_ids": docids, "doc_model": "helpdesk.ticket", "docs": docs}
