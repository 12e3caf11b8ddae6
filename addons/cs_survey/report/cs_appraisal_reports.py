"""Appraisal sheets: published versions only (a draft is not a result)."""

from odoo import api, models
from odoo.exceptions import UserError

from odoo.addons.cs_center.report.cs_report_access import cs_report_check


def _ensure_published(env, periods):
    if periods.filtered(lambda p: p.state != "published"):
        raise UserError(env._("Only published appraisal scores can be printed (R24)."))


class ReportAppraisalSheet(models.AbstractModel):
    _name = "report.cs_survey.report_appraisal_sheet"
    _description = "Appraisal sheet of an employee and period"

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self.env["cs.appraisal.score"].browse(docids)
        cs_report_check(
            self.env, docs, ["cs_center.group_cs_agent", "hr.group_hr_user"]
        )
        _ensure_published(self.env, docs.period_id)
        return {"doc_ids": docids, "doc_model": "cs.appraisal.score", "docs": docs}


class ReportAppraisalTeam(models.AbstractModel):
    _name = "report.cs_survey.report_appraisal_team"
    _description = "Team appraisal summary of a period"

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self.env["cs.appraisal.period"].browse(docids)
        cs_report_check(
            self.env, docs, ["cs_center.group_cs_supervisor", "hr.group_hr_user"]
        )
        _ensure_published(self.env, docs)
        return {"doc_ids": docids, "doc_model": "cs.appraisal.period", "docs": docs}
