from collections import defaultdict

from odoo import api, fields, models

from .cs_survey_score import local_date


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

    # ------------------------------------------------------------------ hooks
    def _mark_done(self):
        res = super()._mark_done()
        self.filtered(lambda i: i.survey_id.cs_is_satisfaction)._cs_score()
        return res

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
        questions (dimension, rated agents) and levels (points, counted)."""
        # sudo: score rows are derived data written by the scorer only, from
        # answers whose completion the survey itself has checked
        Score = self.env["cs.survey.score"].sudo()
        inputs = self.sudo().filtered(lambda i: i.state == "done")
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

    def _cs_send_invitations(self):
        """Mail each customer their personal link (one mail per answer)."""
        template = self.env.ref("cs_survey.mail_template_cs_survey_invite")
        for user_input in self.filtered(lambda i: i.partner_id.email):
            template.send_mail(
                user_input.id, email_layout_xmlid="mail.mail_notification_light"
            )
