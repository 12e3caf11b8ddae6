from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models, tools

TARGET_TYPES = [
    ("feedback", "Feedback to the customer"),
    ("resolution", "Resolution"),
    ("report", "Investigation report"),
    ("closure", "Closure"),
    ("dispatch", "Dispatch"),
]

MET_EVENTS = [
    ("first_reply", "First message sent to the customer"),
    ("resolved", "Customer satisfaction confirmed"),
    ("report", "Investigation report filed"),
    ("closed", "Ticket closed"),
    ("dispatched", "Service job dispatched"),
]


class CsDeadlinePolicy(models.Model):
    _name = "cs.deadline.policy"
    _description = "Regulated deadline policy"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        comodel_name="res.company",
        help="Leave empty to apply to every company.",
    )
    target_type = fields.Selection(selection=TARGET_TYPES, required=True)
    met_event = fields.Selection(
        selection=MET_EVENTS,
        required=True,
        help="What meets the deadline. Feedback is met by the first message sent to "
        "the customer, not by a stage change.",
    )
    # Which tickets
    request_kind = fields.Selection(
        selection=[
            ("consultation", "Consultation"),
            ("complaint", "Complaint"),
            ("suggestion", "Suggestion"),
            ("service", "Service request"),
        ],
        required=True,
    )
    severity = fields.Selection(
        selection=[("general", "General"), ("major", "Major")],
        help="Leave empty for every severity.",
    )
    channel_ids = fields.Many2many(
        comodel_name="helpdesk.ticket.channel",
        string="Channels",
        help="Leave empty for every channel.",
    )
    team_ids = fields.Many2many(
        comodel_name="helpdesk.ticket.team",
        string="Teams",
        help="Leave empty for every team.",
    )
    # Target
    duration = fields.Float(
        required=True,
        default=24.0,
        help="Ignored when the unit is 'End of the day of acceptance'.",
    )
    unit = fields.Selection(
        selection=[
            ("hours", "Hours"),
            ("days", "Days"),
            ("same_day", "End of the day of acceptance"),
        ],
        required=True,
        default="hours",
    )
    use_working_time = fields.Boolean(
        string="Count working time",
        default=True,
        help="Count only the working hours of the team's calendar when the team has "
        "one (a day is then the calendar's hours per day).",
    )
    at_risk_percent = fields.Float(
        string="At risk after (%)",
        default=75.0,
        help="Share of the allowed time after which a running deadline is at risk.",
    )

    _sql_constraints = [
        (
            "duration_positive",
            "CHECK(unit = 'same_day' OR duration > 0)",
            "The duration of a deadline must be positive.",
        ),
        (
            "at_risk_range",
            "CHECK(at_risk_percent > 0 AND at_risk_percent <= 100)",
            "The at-risk share must be between 0 and 100%.",
        ),
    ]

    # ------------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        res = super().create(vals_list)
        self.env.registry.clear_cache()
        return res

    def write(self, vals):
        res = super().write(vals)
        self.env.registry.clear_cache()
        return res

    def unlink(self):
        res = super().unlink()
        self.env.registry.clear_cache()
        return res

    # ------------------------------------------------------------------ business
    @api.model
    @tools.ormcache("company_id")
    def _get_policy_ids(self, company_id):
        """Active policies of a company (cached; the cache is cleared in every worker
        when a policy changes)."""
        # sudo: policies are configuration read by every ticket creator; the result
        # is a tuple of ids, not data shown to the user
        return tuple(
            self.sudo()
            .search([("company_id", "in", [company_id, False])], order="sequence, id")
            .ids
        )

    def _matches(self, ticket):
        self.ensure_one()
        return (
            self.request_kind == ticket.request_kind
            and (not self.severity or self.severity == ticket.severity)
            and (not self.channel_ids or ticket.channel_id in self.channel_ids)
            and (not self.team_ids or ticket.team_id in self.team_ids)
        )

    def _compute_due(self, start, calendar, company):
        """Return (due, at_risk) naive UTC datetimes for a deadline accepted at
        ``start`` (naive UTC)."""
        self.ensure_one()
        if self.unit == "same_day":
            tz = pytz.timezone(calendar.tz or company.partner_id.tz or "UTC")
            local = pytz.utc.localize(start).astimezone(tz)
            end = tz.localize(datetime.combine(local.date(), time(23, 59, 59)))
            due = end.astimezone(pytz.utc).replace(tzinfo=None)
        elif calendar and self.use_working_time:
            hours = self.duration
            if self.unit == "days":
                hours = self.duration * (calendar.hours_per_day or 8.0)
            due = calendar.plan_hours(hours, start, compute_leaves=True)
            if not due:  # a calendar without any working time
                due = start + timedelta(hours=hours)
        else:
            delta = (
                timedelta(days=self.duration)
                if self.unit == "days"
                else timedelta(hours=self.duration)
            )
            due = start + delta
        at_risk = start + (due - start) * (self.at_risk_percent / 100.0)
        return due, at_risk

    def _prepare_deadline_vals(self, ticket, start):
        self.ensure_one()
        due, at_risk = self._compute_due(
            start, ticket.team_id.resource_calendar_id, ticket.company_id
        )
        return {
            "ticket_id": ticket.id,
            "policy_id": self.id,
            "target_type": self.target_type,
            "met_event": self.met_event,
            "round": ticket.round_number,
            "start_date": start,
            "due_date": due,
            "at_risk_date": at_risk,
        }
