from datetime import timedelta

from markupsafe import escape

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class CsSurveyImprovement(models.Model):
    """Improvement plan after a low satisfaction result (R23): an activity for the
    supervisor on the ticket, followed up here until the plan is done."""

    _name = "cs.survey.improvement"
    _description = "Improvement after a low satisfaction result"
    _inherit = ["cs.workflow.mixin", "mail.thread"]
    _order = "state, deadline, id desc"
    _rec_name = "ticket_id"

    ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket", required=True, readonly=True, index=True
    )
    user_input_id = fields.Many2one(
        comodel_name="survey.user_input",
        string="Survey answer",
        readonly=True,
        ondelete="set null",
    )
    score = fields.Float(related="user_input_id.cs_score", string="Score")
    team_id = fields.Many2one(related="ticket_id.team_id", store=True)
    user_id = fields.Many2one(
        comodel_name="res.users", string="Supervisor", readonly=True, tracking=True
    )
    reason = fields.Text(readonly=True)
    deadline = fields.Date(readonly=True)
    activity_id = fields.Many2one(
        comodel_name="mail.activity", readonly=True, ondelete="set null"
    )
    plan = fields.Text(string="Improvement plan", tracking=True)
    state = fields.Selection(
        selection=[("open", "Open"), ("done", "Done")],
        default="open",
        required=True,
        readonly=True,
        tracking=True,
    )
    done_date = fields.Datetime(readonly=True)
    company_id = fields.Many2one(related="ticket_id.company_id", store=True)

    # created by the scorer, closed by action_done or by marking its activity
    # done; the supervisor writes the plan while it is open
    _cs_state_field = "state"
    _cs_workflow_fields = (
        "state",
        "done_date",
        "ticket_id",
        "user_input_id",
        "activity_id",
        "deadline",
        "reason",
        "user_id",
    )
    _cs_frozen_states = ("done",)
    _cs_unlink_states = ()
    _cs_no_client_create = True

    @api.model
    def _cs_create_for(self, user_inputs):
        """One open improvement per answer with a low result (idempotent)."""
        # sudo: only which answers already have an improvement is read
        existing = self.sudo().search([("user_input_id", "in", user_inputs.ids)])
        todo = user_inputs - existing.user_input_id
        if not todo:
            return self.browse()
        activity_type = self.env.ref("cs_survey.mail_activity_type_cs_improvement")
        today = fields.Date.context_today(self)
        deadline = today + timedelta(days=activity_type.delay_count or 3)
        vals_list = []
        for user_input in todo:
            ticket = user_input.cs_ticket_id
            supervisor = ticket.team_id.user_id or ticket.company_id.cs_manager_id
            vals_list.append(
                {
                    "ticket_id": ticket.id,
                    "user_input_id": user_input.id,
                    "user_id": supervisor.id,
                    "deadline": deadline,
                    "reason": self.env._(
                        "Satisfaction score %(score)s (threshold %(threshold)s)"
                        "%(alarm)s",
                        score=user_input.cs_score if user_input.cs_has_score else "-",
                        threshold=user_input.survey_id.cs_low_threshold,
                        alarm=self.env._(", a 'very dissatisfied' answer")
                        if user_input.user_input_line_ids.suggested_answer_id.filtered(
                            "cs_alarm"
                        )
                        else "",
                    ),
                }
            )
        # sudo: created by the scorer for the customer's answer (the customer has
        # no access to improvements); the supervisor then follows it up
        improvements = self.sudo()._cs_workflow_create(vals_list)
        for improvement in improvements:
            if not improvement.user_id:
                continue
            # sudo: the scorer (possibly the customer) schedules the supervisor's
            # activity on the ticket
            activity = improvement.ticket_id.sudo().activity_schedule(
                act_type_xmlid="cs_survey.mail_activity_type_cs_improvement",
                date_deadline=improvement.deadline,
                summary=self.env._("Improve after a low satisfaction result"),
                note=escape(improvement.reason),
                user_id=improvement.user_id.id,
            )
            improvement._cs_workflow_write({"activity_id": activity.id})
        return improvements

    def _cs_ensure_can_close(self):
        for improvement in self:
            if not (
                improvement.user_id == self.env.user
                or self.env.user.has_group("cs_center.group_cs_supervisor")
            ):
                raise AccessError(
                    self.env._(
                        "Only the supervisor of %(ticket)s can close its improvement.",
                        ticket=improvement.ticket_id.display_name,
                    )
                )

    def action_done(self):
        self._cs_ensure_can_close()
        for improvement in self:
            if improvement.state != "open":
                raise UserError(
                    self.env._(
                        "The improvement of %(ticket)s is already closed.",
                        ticket=improvement.ticket_id.display_name,
                    )
                )
            if not (improvement.plan or "").strip():
                raise UserError(
                    self.env._(
                        "Describe the improvement made before closing it (%(ticket)s).",
                        ticket=improvement.ticket_id.display_name,
                    )
                )
        self.check_access("write")
        # sudo: the supervisor checked above closes their own activity on the ticket
        self.sudo()._cs_workflow_write(
            {"state": "done", "done_date": fields.Datetime.now()}
        )
        for improvement in self.filtered("activity_id"):
            # sudo: the checked supervisor closes the improvement's activity
            improvement.activity_id.sudo().action_feedback(feedback=improvement.plan)
        return True


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _action_done(self, feedback=False, attachment_ids=None):
        # sudo: only the link of the improvement to its activity is read
        improvements = (
            self.env["cs.survey.improvement"]
            .sudo()
            .search([("activity_id", "in", self.ids), ("state", "=", "open")])
        )
        if improvements:
            improvements._cs_ensure_can_close()
        res = super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
        if improvements:
            vals = {"state": "done", "done_date": fields.Datetime.now()}
            if feedback:
                vals["plan"] = feedback
            # sudo: marking the activity done on the ticket is the follow-up
            improvements.sudo()._cs_workflow_write(vals)
        return res
