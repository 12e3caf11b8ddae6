# Copyright 2026 cs-center
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from .cs_appraisal_period import VERDICTS


class CsAppraisalScore(models.Model):
    """One employee's KPIs in one version of a period."""

    _name = "cs.appraisal.score"
    _description = "Appraisal scores of an employee"
    _inherit = ["cs.workflow.mixin"]
    # lines come from the period's computation only, frozen with the period
    _cs_parent_field = "period_id"
    _cs_no_client_create = True
    _cs_unlink_states = ()
    _order = "period_id desc, team_id, employee_id"
    _rec_name = "employee_id"

    period_id = fields.Many2one(
        comodel_name="cs.appraisal.period",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
    )
    company_id = fields.Many2one(related="period_id.company_id", store=True)
    period_type = fields.Selection(related="period_id.period_type", store=True)
    date_start = fields.Date(related="period_id.date_start", store=True)
    date_end = fields.Date(related="period_id.date_end", store=True)
    version = fields.Integer(related="period_id.version", store=True)
    state = fields.Selection(related="period_id.state", store=True)
    employee_id = fields.Many2one(
        comodel_name="hr.employee", required=True, readonly=True, index=True
    )
    user_id = fields.Many2one(comodel_name="res.users", readonly=True, index=True)
    team_id = fields.Many2one(comodel_name="helpdesk.ticket.team", readonly=True)
    satisfaction_score = fields.Float(readonly=True)
    satisfaction_counted = fields.Integer(string="Counted answers", readonly=True)
    satisfaction_answers = fields.Integer(string="Answers", readonly=True)
    satisfaction_verdict = fields.Selection(selection=VERDICTS, readonly=True)
    closure_met = fields.Integer(string="Complaints closed on time", readonly=True)
    closure_total = fields.Integer(string="Complaints due", readonly=True)
    closure_rate = fields.Float(string="Handled on time (%)", readonly=True)
    closure_verdict = fields.Selection(selection=VERDICTS, readonly=True)
    feedback_met = fields.Integer(string="Responses on time", readonly=True)
    feedback_total = fields.Integer(string="Responses due", readonly=True)
    feedback_rate = fields.Float(string="Response deadlines met (%)", readonly=True)
    feedback_verdict = fields.Selection(selection=VERDICTS, readonly=True)
    fcr_count = fields.Integer(string="Resolved at first contact", readonly=True)
    fcr_total = fields.Integer(string="Tickets closed", readonly=True)
    fcr_rate = fields.Float(
        string="First-contact resolution (%)",
        readonly=True,
        help="Tickets closed in the period whose first owner is the employee, closed "
        "in their first round (never reopened) and never transferred, over all the "
        "tickets closed in the period with that first owner.",
    )
    fcr_verdict = fields.Selection(selection=VERDICTS, readonly=True)
    complaints_owned = fields.Integer(readonly=True)
    penalty_count = fields.Integer(string="Penalties", readonly=True)
    penalty_amount = fields.Float(string="Penalty deductions", readonly=True)
    weighted_total = fields.Float(readonly=True)
    all_met = fields.Boolean(
        string="All KPIs met", compute="_compute_all_met", store=True
    )

    @api.depends(
        "satisfaction_verdict", "closure_verdict", "feedback_verdict", "fcr_verdict"
    )
    def _compute_all_met(self):
        for line in self:
            verdicts = {
                line.satisfaction_verdict,
                line.closure_verdict,
                line.feedback_verdict,
                line.fcr_verdict,
            }
            line.all_met = "not_met" not in verdicts


class CsAppraisalTeam(models.Model):
    """Staff turnover of a team in one version of a period."""

    _name = "cs.appraisal.team"
    _description = "Appraisal scores of a team"
    _inherit = ["cs.workflow.mixin"]
    # lines come from the period's computation only, frozen with the period
    _cs_parent_field = "period_id"
    _cs_no_client_create = True
    _cs_unlink_states = ()
    _order = "period_id desc, team_id"
    _rec_name = "team_id"

    period_id = fields.Many2one(
        comodel_name="cs.appraisal.period",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
    )
    company_id = fields.Many2one(related="period_id.company_id", store=True)
    state = fields.Selection(related="period_id.state", store=True)
    team_id = fields.Many2one(
        comodel_name="helpdesk.ticket.team", required=True, readonly=True
    )
    headcount = fields.Integer(readonly=True)
    departures = fields.Integer(readonly=True)
    turnover_rate = fields.Float(string="Turnover (%)", readonly=True)
    turnover_verdict = fields.Selection(selection=VERDICTS, readonly=True)
