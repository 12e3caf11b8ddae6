# Copyright 2026 cs-center
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Customers' answers to the satisfaction surveys feed appraisals and pay: once
sent they belong to the customer and to the scorer, not to the staff.

The guard is in ``create``/``write``/``unlink`` (so it holds for every caller,
sudo and the superuser included); the way through is the workflow grant of
``cs.workflow.mixin`` (stored on the cursor, never in the context), opened only by
the survey's own answering steps (``_mark_in_progress``, ``_save_lines``,
``_clear_inactive_conditional_answers``, ``_mark_done``: private methods the
survey controller calls after it checked the answer token), by the sending of
the surveys and by the scorer.

Scope: every answer of a survey flagged as customer satisfaction survey, and
every answer linked to a ticket or a campaign (whatever the survey); other
surveys (internal quizzes, recruitment, ...) behave as in Odoo.
"""

from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError

from odoo.addons.cs_center.models.cs_workflow_mixin import _GRANTS

from .cs_survey_score import local_date

ANSWER_MODELS = ("survey.user_input", "survey.user_input.line", "cs.survey.score")

# set by the sending and by the scorer only, on every answer
CS_FIELDS = {
    "cs_ticket_id",
    "cs_rated_user_ids",
    "cs_campaign_id",
    "cs_sent_date",
    "cs_company_id",
    "cs_score",
    "cs_has_score",
    "cs_answer_count",
    "cs_counted_count",
    "cs_low",
    "cs_score_ids",
}
# what the survey front end writes directly on an answer being filled in
OPEN_FIELDS = {"last_displayed_page_id", "survey_first_submitted", "nickname"}
# ... and after it is completed (navigation only)
DONE_FIELDS = {"last_displayed_page_id"}
# what a client may give when creating an answer (survey invitations, test entry)
CREATE_FIELDS = {
    "survey_id",
    "partner_id",
    "email",
    "nickname",
    "invite_token",
    "deadline",
    "test_entry",
    "predefined_question_ids",
    "is_session_answer",
    "access_token",
}


def cs_answer_granted(env, model_name):
    """True inside a workflow step that opened ``model_name`` (or while module
    data is loaded): the same grant as ``cs.workflow.mixin``."""
    if not env.registry.ready:
        return True
    return bool(env.cr.cache.get(_GRANTS, {}).get(model_name))


def cs_answer_step(env):
    """Open the answers, their lines and the score rows for the block."""
    return env["cs.workflow.mixin"]._cs_workflow_step(*ANSWER_MODELS)


class SurveyUserInput(models.Model):
    _inherit = "survey.user_input"

    cs_ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket",
        string="Ticket",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
    )
    cs_rated_user_ids = fields.Many2many(
        comodel_name="res.users",
        relation="cs_survey_user_input_rated_rel",
        column1="user_input_id",
        column2="user_id",
        string="Rated agents",
        readonly=True,
    )
    cs_campaign_id = fields.Many2one(
        comodel_name="cs.survey.campaign",
        string="Campaign",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
    )
    cs_sent_date = fields.Datetime(string="Sent on", readonly=True, index=True)
    cs_company_id = fields.Many2one(
        comodel_name="res.company",
        string="Company",
        readonly=True,
        default=lambda self: self.env.company,
    )
    cs_score = fields.Float(string="Satisfaction score", readonly=True)
    cs_has_score = fields.Boolean(string="Scored", readonly=True)
    cs_answer_count = fields.Integer(string="Answers given", readonly=True)
    cs_counted_count = fields.Integer(string="Counted answers", readonly=True)
    cs_low = fields.Boolean(string="Low result", readonly=True)
    cs_score_ids = fields.One2many(
        comodel_name="cs.survey.score", inverse_name="user_input_id", readonly=True
    )

    _sql_constraints = [
        (
            "cs_ticket_uniq",
            "unique(cs_ticket_id)",
            "A ticket gets one satisfaction survey only.",
        ),
        (
            "cs_campaign_partner_uniq",
            "unique(cs_campaign_id, partner_id)",
            "A customer is surveyed once per campaign.",
        ),
    ]

    # ------------------------------------------------------------------ guard
    def _cs_protected(self):
        """The answers under the guard (see the module docstring)."""
        # sudo: only the survey's flag and the links are read, for any caller
        return self.sudo().filtered(
            lambda i: (
                i.survey_id.cs_is_satisfaction or i.cs_ticket_id or i.cs_campaign_id
            )
        )

    @api.model_create_multi
    def create(self, vals_list):
        if not cs_answer_granted(self.env, self._name):
            # sudo: the survey's kind, for the check (visitors answer as public user)
            Survey = self.env["survey.survey"].sudo()
            for vals in vals_list:
                forbidden = set(vals) & CS_FIELDS
                survey = Survey.browse(
                    vals.get("survey_id") or self.env.context.get("default_survey_id")
                )
                if survey.exists() and survey.cs_is_satisfaction:
                    forbidden |= set(vals) - CREATE_FIELDS
                if forbidden:
                    raise AccessError(
                        self.env._(
                            "A customer's answer is created by the sending of the "
                            "survey; these fields are set by the survey workflow "
                            "only: %(fields)s",
                            fields=", ".join(sorted(forbidden)),
                        )
                    )
        return super().create(vals_list)

    def write(self, vals):
        if not cs_answer_granted(self.env, self._name):
            self._cs_check_answer_write(vals)
        return super().write(vals)

    def _cs_check_answer_write(self, vals):
        if set(vals) & CS_FIELDS:
            raise AccessError(
                self.env._(
                    "These answer fields are set by the survey workflow only: "
                    "%(fields)s",
                    fields=", ".join(sorted(set(vals) & CS_FIELDS)),
                )
            )
        protected = self._cs_protected()
        if not protected:
            return
        done = protected.filtered(lambda i: i.state == "done")
        if done and set(vals) - DONE_FIELDS:
            raise AccessError(
                self.env._(
                    "A customer's completed survey answer is read-only for "
                    "everyone (%(answers)s).",
                    answers=", ".join(done.mapped("display_name")),
                )
            )
        forbidden = set(vals) - OPEN_FIELDS
        if forbidden:
            raise AccessError(
                self.env._(
                    "A customer's survey answer is filled in by the customer only; "
                    "%(fields)s cannot be changed (%(answers)s).",
                    fields=", ".join(sorted(forbidden)),
                    answers=", ".join(protected.mapped("display_name")),
                )
            )

    @api.ondelete(at_uninstall=False)
    def _cs_unlink_except_customer_answer(self):
        if cs_answer_granted(self.env, self._name):
            return
        kept = self._cs_protected().filtered(
            lambda i: not i.test_entry or i.cs_ticket_id or i.cs_campaign_id
        )
        if kept:
            raise AccessError(
                self.env._(
                    "A customer's survey answer and its scores cannot be deleted "
                    "(%(answers)s).",
                    answers=", ".join(kept.mapped("display_name")),
                )
            )

    # ------------------------------------------------------------------ answering
    # The survey controller calls these after it checked the answer's token; they
    # are private (not callable over RPC).
    def _cs_check_not_done(self):
        done = self._cs_protected().filtered(lambda i: i.state == "done")
        if done:
            raise AccessError(
                self.env._(
                    "A customer's completed survey answer is read-only for "
                    "everyone (%(answers)s).",
                    answers=", ".join(done.mapped("display_name")),
                )
            )

    def _mark_in_progress(self):
        self._cs_check_not_done()
        with cs_answer_step(self.env):
            return super()._mark_in_progress()

    def _save_lines(self, question, answer, comment=None, overwrite_existing=True):
        self._cs_check_not_done()
        with cs_answer_step(self.env):
            return super()._save_lines(
                question, answer, comment=comment, overwrite_existing=overwrite_existing
            )

    def _clear_inactive_conditional_answers(self):
        self._cs_check_not_done()
        with cs_answer_step(self.env):
            return super()._clear_inactive_conditional_answers()

    def _mark_done(self):
        """Complete the answers and score those of satisfaction surveys (test
        entries are never scored); an answer already completed is left as it is
        (its date and its scores do not move)."""
        todo = self - self._cs_protected().filtered(lambda i: i.state == "done")
        if not todo:
            return True
        with cs_answer_step(self.env):
            res = super(SurveyUserInput, todo)._mark_done()
            todo.filtered(
                lambda i: i.survey_id.cs_is_satisfaction and not i.test_entry
            )._cs_score()
        return res

    # ------------------------------------------------------------------ hooks
    def _cs_check_answer_access(self, user):
        """A customer answers only their own survey: a logged-in user whose
        partner is not the answer's customer is refused (the survey controller
        calls this on every route that takes an answer token)."""
        self.ensure_one()
        if not self.survey_id.cs_is_satisfaction or not self.partner_id:
            return True
        # anonymous: the secret token mailed to the customer is the credential
        return user._is_public() or user.partner_id == self.partner_id

    # ------------------------------------------------------------------ scoring
    def _cs_agents_for(self, role):
        """Agents an answer rates, first owner first."""
        ticket = self.cs_ticket_id
        if role == "owner":
            return ticket.first_owner_id
        if role == "handler":
            return ticket.user_id
        agents = self.cs_rated_user_ids
        owner = ticket.first_owner_id & agents
        return owner | (agents - owner).sorted("id")

    def _cs_score(self):
        """(Re)build the score rows of completed answers from the mapping of
        questions (dimension, rated agents) and levels (points, counted).
        Private: called when the customer completes the answer and by the CS
        manager's logged rescoring (:meth:`survey.survey._cs_rescore`) only."""
        with cs_answer_step(self.env):
            return self._cs_score_granted()

    def _cs_score_granted(self):
        # sudo: score rows are derived data written by the scorer only, from
        # answers whose completion the survey itself has checked
        Score = self.env["cs.survey.score"].sudo()
        inputs = self.sudo().filtered(lambda i: i.state == "done" and not i.test_entry)
        Score.search([("user_input_id", "in", inputs.ids)]).unlink()
        vals_list = []
        alarms = self.browse()
        for user_input in inputs:
            survey = user_input.survey_id
            scale = survey.cs_scale_max or 5.0
            ticket = user_input.cs_ticket_id
            company = ticket.company_id or user_input.cs_company_id
            tz = company.partner_id.tz or "UTC"
            when = user_input.end_datetime or fields.Datetime.now()
            # (dimension, agent) -> [answers, counted, points]; agent False = nobody
            acc = defaultdict(lambda: [0, 0, 0.0])
            first_agent = {}
            alarm = False
            for line in user_input.user_input_line_ids:
                answer = line.suggested_answer_id
                if line.skipped or not answer:
                    continue
                question = line.question_id
                dimension = (
                    line.matrix_row_id.cs_dimension_id or question.cs_dimension_id
                )
                if not dimension:
                    continue
                alarm = alarm or answer.cs_alarm
                agents = (
                    user_input._cs_agents_for(question.cs_agent_role)
                    if question.cs_agent_role != "none"
                    else self.env["res.users"]
                )
                first_agent[dimension] = agents[:1].id
                for agent_id in agents.ids or [False]:
                    bucket = acc[(dimension, agent_id)]
                    bucket[0] += 1
                    if answer.cs_counted:
                        bucket[1] += 1
                        bucket[2] += answer.cs_points * 100.0 / scale
            total_answers = total_counted = 0
            total_points = 0.0
            for (dimension, agent_id), (answers, counted, points) in acc.items():
                in_total = not agent_id or agent_id == first_agent.get(dimension)
                if in_total:
                    total_answers += answers
                    total_counted += counted
                    total_points += points
                vals_list.append(
                    {
                        "user_input_id": user_input.id,
                        "survey_id": survey.id,
                        "ticket_id": ticket.id,
                        "team_id": ticket.team_id.id,
                        "partner_id": user_input.partner_id.id,
                        "company_id": company.id,
                        "rated_user_id": agent_id,
                        "dimension_id": dimension.id,
                        "date": when,
                        "date_local": local_date(when, tz),
                        "in_total": in_total,
                        "answer_count": answers,
                        "counted_count": counted,
                        "points": points,
                    }
                )
            score = round(total_points / total_counted, 2) if total_counted else 0.0
            low = alarm or bool(total_counted and score < survey.cs_low_threshold)
            user_input.write(
                {
                    "cs_score": score,
                    "cs_has_score": bool(total_counted),
                    "cs_answer_count": total_answers,
                    "cs_counted_count": total_counted,
                    "cs_low": low,
                }
            )
            if low and ticket:
                alarms |= user_input
        Score.create(vals_list)
        if alarms:
            self.env["cs.survey.improvement"]._cs_create_for(alarms)
        return True

    # ------------------------------------------------------------------ sending
    @api.model
    def _cs_prepare_vals(self, survey, partner, **extra):
        vals = {
            "survey_id": survey.id,
            "partner_id": partner.id,
            "email": partner.email,
            "nickname": partner.name,
            "cs_sent_date": fields.Datetime.now(),
        }
        if survey.is_attempts_limited:
            vals["invite_token"] = self._generate_invite_token()
        vals.update(extra)
        return vals

    @api.model
    def _cs_create_answers(self, vals_list):
        """Create the customers' answers (sending after closing, campaigns): the
        callers checked who sends; the links to the ticket, the campaign and the
        rated agents are set here only."""
        with cs_answer_step(self.env):
            # sudo: customers and agents cannot create answers for someone else
            return self.sudo().create(vals_list)

    @api.model
    def _cs_invitations_later(self, inputs):
        """Answers created by closing tickets: their invitation is rendered and
        mailed by the sending job, triggered now (within seconds in the cron
        worker), not in the closing transaction (rendering the mail template was
        most of a close; issue 13). ``cs_sent_date`` is set when it is sent; the
        job's selection (unsent answers of tickets) is what guarantees that none is
        forgotten. With the job switched off they are sent at once."""
        if not inputs:
            return
        cron = self.env.ref(
            "cs_survey.ir_cron_cs_send_survey_invitations", raise_if_not_found=False
        )
        # sudo: scheduling the sending job is not the closer's right; the trigger
        # carries nothing of the answers
        cron = cron and cron.sudo()
        if cron and cron.active:
            cron._trigger()
        else:
            inputs._cs_mark_sent_and_send()

    def _cs_mark_sent_and_send(self):
        with cs_answer_step(self.env):
            # sudo: the sending date is set by the workflow only
            self.sudo().write({"cs_sent_date": fields.Datetime.now()})
        self._cs_send_invitations()

    @api.model
    def _cron_cs_send_invitations(self, batch_size=200):
        """Sending job: the unsent invitations of closed tickets' answers, one batch
        per call (Odoo 18 cron progress API); two workers take different answers
        (SKIP LOCKED)."""
        cr = self.env.cr
        self.flush_model(["cs_ticket_id", "cs_sent_date", "state"])
        cr.execute(
            """
            SELECT id FROM survey_user_input
             WHERE cs_ticket_id IS NOT NULL AND cs_sent_date IS NULL
               AND state = 'new'
             ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED
            """,
            [batch_size],
        )
        ids = [r[0] for r in cr.fetchall()]
        # sudo: a scheduled job mailing the customers their own links
        self.sudo().browse(ids)._cs_mark_sent_and_send()
        remaining = 0
        if len(ids) == batch_size:
            cr.execute(
                "SELECT count(*) FROM survey_user_input WHERE cs_ticket_id IS NOT NULL"
                " AND cs_sent_date IS NULL AND state = 'new'"
            )
            remaining = cr.fetchone()[0]
        self.env["ir.cron"]._notify_progress(done=len(ids), remaining=remaining)
        return len(ids)

    def _cs_send_invitations(self):
        """Mail each customer their personal link (one mail per answer)."""
        template = self.env.ref("cs_survey.mail_template_cs_survey_invite")
        for user_input in self.filtered(lambda i: i.partner_id.email):
            template.send_mail(
                user_input.id, email_layout_xmlid="mail.mail_notification_light"
            )


class SurveyUserInputLine(models.Model):
    _inherit = "survey.user_input.line"

    def _cs_check_lines(self, inputs):
        if cs_answer_granted(self.env, self._name):
            return
        protected = inputs._cs_protected()
        if protected:
            raise AccessError(
                self.env._(
                    "The answers of a customer's survey are given by the customer "
                    "only and cannot be added, changed or deleted (%(answers)s).",
                    answers=", ".join(protected.mapped("display_name")),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._cs_check_lines(
            self.env["survey.user_input"].browse(
                [v["user_input_id"] for v in vals_list if v.get("user_input_id")]
            )
        )
        return super().create(vals_list)

    def write(self, vals):
        # sudo: the answers of the lines, for the check
        inputs = self.sudo().user_input_id
        if vals.get("user_input_id"):
            inputs |= self.env["survey.user_input"].browse(vals["user_input_id"])
        self._cs_check_lines(inputs)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _cs_unlink_except_customer_answer(self):
        # sudo: the answers of the lines, for the check
        self._cs_check_lines(self.sudo().user_input_id)
