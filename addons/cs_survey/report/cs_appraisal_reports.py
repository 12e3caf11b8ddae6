"""Appraisal sheets: published versions only (a draft is not a result)."""

from odoo import models
from odoo.exceptions import UserError


def _ensure_published(env, periods):
    if periods.filtered(lambda p: p.state != "published"):
        raise UserError(env._("Only published appraisal scores can be printed (R24)."))


class ReportAppraisalSheet(models.AbstractModel):
    _name = "report.cs_survey.report_appraisal_sheet"
    _inherit = "cs.report.mixin"
    _description = "Appraisal sheet of an employee and period"

    _cs_report_model = "cs.appraisal.score"
    _cs_report_groups = ("cs_center.group_cs_agent", "hr.group_hr_user")

    def _cs_report_ensure(self, docs):
        _ensure_published(self.env, docs.period_id)


class ReportAppraisalTeam(models.AbstractModel):
    _name = "report.cs_survey.report_appraisal_team"
    _inherit = "cs.report.mixin"
    _description = "Team appraisal summary of a period"

    _cs_report_model = "cs.appraisal.period"
    _cs_report_groups = ("cs_center.group_cs_supervisor", "hr.group_hr_user")

    def _cs_report_ensure(self, docs):
        _ensure_published(self.env, docs)
