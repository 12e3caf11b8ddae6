from datetime import datetime, time

import pytz
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

PERIOD_TYPES = [("month", "Month"), ("quarter", "Quarter"), ("year", "Year")]
PERIOD_MONTHS = {"month": 1, "quarter": 3, "year": 12}
VERDICTS = [("met", "Met"), ("not_met", "Not met"), ("na", "No data")]


def period_start(day, period_type):
    """First day of the period of `period_type` containing `day`."""
    if period_type == "year":
        return day.replace(month=1, day=1)
    if period_type == "quarter":
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    return day.replace(day=1)


def period_end(start, period_type):
    return start + relativedelta(months=PERIOD_MONTHS[period_type], days=-1)


def utc_bounds(start, end, tz_name):
    """Naive UTC datetimes [from, to) of local calendar days start..end."""
    tz = pytz.timezone(tz_name or "UTC")

    def to_utc(day):
        local = tz.localize(datetime.combine(day, time.min))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    return to_utc(start), to_utc(end + relativedelta(days=1))


class CsAppraisalPeriod(models.Model):
    _name = "cs.appraisal.period"
    _description = "Appraisal scores of a period (one version)"
    _inherit = ["cs.workflow.mixin", "mail.thread"]
    # computed and published by a CS manager's actions only; a published
    # version is frozen for everyone (HR, superuser included): recomputing makes
    # a new version. A draft is created with its type and start, nothing else.
    _cs_state_field = "state"
    _cs_workflow_fields = ("score_ids", "team_line_ids")
    _cs_client_fields = ("company_id", "period_type", "date_start")
    _cs_editable_fields = {"draft": ()}
    _cs_frozen_states = ("published",)
    _cs_unlink_states = ("draft",)
    _order = "date_start desc, period_type, version desc"

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.company,
        readonly=True,
    )
    period_type = fields.Selection(
        selection=PERIOD_TYPES, required=True, default="month", readonly=True
    )
    date_start = fields.Date(required=True, readonly=True)
    date_end = fields.Date(compute="_compute_date_end", store=True)
    version = fields.Integer(default=1, required=True, readonly=True)
    previous_id = fields.Many2one(
        comodel_name="cs.appraisal.period", string="Previous version", readonly=True
    )
    state = fields.Selection(
        selection=[("draft", "Draft"), ("published", "Published")],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
    )
    computed_date = fields.Datetime(readonly=True)
    published_date = fields.Datetime(readonly=True)
    published_user_id = fields.Many2one(
        comodel_name="res.users", string="Published by", readonly=True
    )
    score_ids = fields.One2many(
        comodel_name="cs.appraisal.score", inverse_name="period_id", readonly=True
    )
    team_line_ids = fields.One2many(
        comodel_name="cs.appraisal.team", inverse_name="period_id", readonly=True
    )

    _sql_constraints = [
        (
            "version_uniq",
            "unique(company_id, period_type, date_start, version)",
            "This version of the period already exists.",
        ),
    ]

    @api.depends("period_type", "date_start", "version")
    def _compute_name(self):
        labels = dict(PERIOD_TYPES)
        for period in self:
            if not period.date_start:
                period.name = False
                continue
            start = period.date_start
            if period.period_type == "month":
                label = start.strftime("%Y-%m")
            elif period.period_type == "quarter":
                label = f"{start.year}-Q{(start.month - 1) // 3 + 1}"
            else:
                label = str(start.year)
            period.name = f"{labels[period.period_type]} {label} v{period.version}"

    @api.depends("period_type", "date_start")
    def _compute_date_end(self):
        for period in self:
            period.date_end = period.date_start and period_end(
                period.date_start, period.period_type
            )

    @api.constrains("date_start", "period_type")
    def _check_date_start(self):
        bad = self.filtered(
            lambda p: p.date_start != period_start(p.date_start, p.period_type)
        )
        if bad:
            raise ValidationError(
                self.env._(
                    "A period starts on the first day of its month, quarter or year "
                    "(%(periods)s).",
                    periods=", ".join(bad.mapped("name")),
                )
            )

    def _check_manager(self):
        if not self.env.user.has_group("cs_center.group_cs_manager"):
            raise AccessError(
                self.env._(
                    "Only a customer-service manager can compute or publish "
                    "appraisal scores."
                )
            )

    # ------------------------------------------------------------------ actions
    @api.model
    def _cs_get_or_create(self, period_type, day, company=None):
        """The latest version of the period containing `day`, or a new draft."""
        self._check_manager()
        company = company or self.env.company
        start = period_start(day, period_type)
        period = self.search(
            [
                ("company_id", "=", company.id),
                ("period_type", "=", period_type),
                ("date_start", "=", start),
            ],
            order="version desc",
            limit=1,
        )
        return period or self._cs_workflow_create(
            [
                {
                    "company_id": company.id,
                    "period_type": period_type,
                    "date_start": start,
                }
            ]
        )

    def action_compute(self):
        """Compute the draft; a published period gets a new draft version."""
        self._check_manager()
        result = self.browse()
        for period in self:
            if period.state == "published":
                latest = self.search(
                    [
                        ("company_id", "=", period.company_id.id),
                        ("period_type", "=", period.period_type),
                        ("date_start", "=", period.date_start),
                    ],
                    order="version desc",
                    limit=1,
                )
                if latest.state == "draft":
                    period = latest
                else:
                    period = self._cs_workflow_create(
                        [
                            {
                                "company_id": period.company_id.id,
                                "period_type": period.period_type,
                                "date_start": period.date_start,
                                "version": latest.version + 1,
                                "previous_id": latest.id,
                            }
                        ]
                    )
            period._cs_compute()
            result |= period
        return result

    def action_publish(self):
        self._check_manager()
        not_draft = self.filtered(lambda p: p.state != "draft")
        if not_draft:
            raise UserError(
                self.env._(
                    "Only a computed draft can be published (%(periods)s).",
                    periods=", ".join(not_draft.mapped("name")),
                )
            )
        not_computed = self.filtered(lambda p: not p.computed_date)
        if not_computed:
            raise UserError(
                self.env._(
                    "Compute %(periods)s before publishing it.",
                    periods=", ".join(not_computed.mapped("name")),
                )
            )
        self._cs_workflow_write(
            {
                "state": "published",
                "published_date": fields.Datetime.now(),
                "published_user_id": self.env.uid,
            }
        )
        return True

    # ------------------------------------------------------------------ computation
    def _cs_agent_employees(self):
        """Employees of the company whose user is a CS agent, including those who
        left during the period."""
        self.ensure_one()
        group = self.env.ref("cs_center.group_cs_agent")
        # sudo: the CS manager computing scores needs every agent's employee
        return (
            self.env["hr.employee"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("company_id", "=", self.company_id.id),
                    ("user_id", "!=", False),
                    ("user_id.groups_id", "in", group.ids),
                    "|",
                    ("active", "=", True),
                    ("departure_date", ">=", self.date_start),
                ]
            )
        )

    def _cs_compute(self):
        """Rewrite the draft's lines from the aggregation."""
        self.ensure_one()
        if self.state != "draft":
            raise UserError(self.env._("A published period cannot be recomputed."))
        vals_list, team_vals = self._cs_compute_vals()
        with self._cs_workflow_step("cs.appraisal.score", "cs.appraisal.team"):
            self.score_ids.unlink()
            self.team_line_ids.unlink()
            self.env["cs.appraisal.score"].create(vals_list)
            self.env["cs.appraisal.team"].create(team_vals)
            self.computed_date = fields.Datetime.now()
        return True

    def _cs_compute_vals(self):
        """Aggregate every KPI with _read_group (a fixed number of queries
        whatever the number of agents and tickets): (employee lines, team lines)."""
        self.ensure_one()
        company = self.company_id
        start, end = self.date_start, self.date_end
        start_utc, end_utc = utc_bounds(start, end, company.partner_id.tz)
        kpis = self.env["cs.appraisal.kpi"]._for_company(company)
        employees = self._cs_agent_employees()
        users = employees.user_id
        uids = users.ids
        # sudo on the sources: the CS manager aggregates the whole company; the
        # result is filtered on the company explicitly
        # sudo: see above
        Score = self.env["cs.survey.score"].sudo()
        # sudo: see above
        Deadline = self.env["cs.ticket.deadline"].sudo()
        # sudo: see above
        Ticket = self.env["helpdesk.ticket"].sudo()

        satisfaction = Score._cs_aggregate(
            [
                ("company_id", "=", company.id),
                ("rated_user_id", "in", uids),
                ("date_local", ">=", start),
                ("date_local", "<=", end),
            ],
            ["rated_user_id"],
        )

        def deadline_counts(target_type):
            res = {}
            for user, state, count in Deadline._read_group(
                [
                    ("company_id", "=", company.id),
                    ("first_owner_id", "in", uids),
                    ("target_type", "=", target_type),
                    ("state", "in", ("met", "missed")),
                    ("due_date", ">=", start_utc),
                    ("due_date", "<", end_utc),
                ],
                ["first_owner_id", "state"],
                ["__count"],
            ):
                res.setdefault(user.id, {})[state] = count
            return res

        closure = deadline_counts("closure")
        feedback = deadline_counts("feedback")
        response = self._cs_response_rates(users, start_utc, end_utc, feedback)
        closed_domain = [
            ("company_id", "=", company.id),
            ("first_owner_id", "in", uids),
            ("stage_id.closed", "=", True),
            ("closed_date", ">=", start_utc),
            ("closed_date", "<", end_utc),
        ]
        closed = dict(
            Ticket._read_group(closed_domain, ["first_owner_id"], ["__count"])
        )
        first_contact = dict(
            Ticket._read_group(
                closed_domain
                + [("round_number", "=", 1), ("transfer_ids", "=", False)],
                ["first_owner_id"],
                ["__count"],
            )
        )
        owned = dict(
            Ticket._read_group(
                [
                    ("company_id", "=", company.id),
                    ("first_owner_id", "in", uids),
                    ("request_kind", "=", "complaint"),
                    ("create_date", ">=", start_utc),
                    ("create_date", "<", end_utc),
                ],
                ["first_owner_id"],
                ["__count"],
            )
        )
        penalties = self._cs_penalties(employees, start, end)
        teams = self._cs_user_teams(users)

        def rate(done, total):
            return round(100.0 * done / total, 2) if total else None

        vals_list = []
        for employee in employees:
            user = employee.user_id
            sat, counted, answers = satisfaction.get(user, (None, 0, 0))
            clo = closure.get(user.id, {})
            fee = feedback.get(user.id, {})
            clo_total = clo.get("met", 0) + clo.get("missed", 0)
            fee_total = fee.get("met", 0) + fee.get("missed", 0)
            fcr_total = closed.get(user, 0)
            values = {
                "satisfaction": sat,
                "closure": rate(clo.get("met", 0), clo_total),
                "feedback": response.get(user.id),
                "fcr": rate(first_contact.get(user, 0), fcr_total),
            }
            pen_count, pen_amount = penalties.get(employee.id, (0, 0.0))
            vals_list.append(
                {
                    "period_id": self.id,
                    "employee_id": employee.id,
                    "user_id": user.id,
                    "team_id": teams.get(user.id),
                    "satisfaction_score": sat or 0.0,
                    "satisfaction_answers": answers,
                    "satisfaction_counted": counted,
                    "satisfaction_verdict": kpis.get(
                        "satisfaction", self.env["cs.appraisal.kpi"]
                    )._verdict(sat),
                    "closure_met": clo.get("met", 0),
                    "closure_total": clo_total,
                    "closure_rate": values["closure"] or 0.0,
                    "closure_verdict": kpis.get(
                        "closure", self.env["cs.appraisal.kpi"]
                    )._verdict(values["closure"]),
                    "feedback_met": fee.get("met", 0),
                    "feedback_total": fee_total,
                    "feedback_rate": values["feedback"] or 0.0,
                    "feedback_verdict": kpis.get(
                        "feedback", self.env["cs.appraisal.kpi"]
                    )._verdict(values["feedback"]),
                    "fcr_count": first_contact.get(user, 0),
                    "fcr_total": fcr_total,
                    "fcr_rate": values["fcr"] or 0.0,
                    "fcr_verdict": kpis.get(
                        "fcr", self.env["cs.appraisal.kpi"]
                    )._verdict(values["fcr"]),
                    "complaints_owned": owned.get(user, 0),
                    "penalty_count": pen_count,
                    "penalty_amount": pen_amount,
                    "weighted_total": self._cs_weighted_total(kpis, values, pen_count),
                }
            )
        turnover = self._cs_turnover(start, end)
        team_vals = [
            {
                "period_id": self.id,
                "team_id": team_id,
                "headcount": headcount,
                "departures": departures,
                "turnover_rate": rate(departures, headcount) or 0.0,
                "turnover_verdict": kpis.get(
                    "turnover", self.env["cs.appraisal.kpi"]
                )._verdict(rate(departures, headcount)),
            }
            for team_id, (headcount, departures) in turnover.items()
        ]
        return vals_list, team_vals

    def _cs_response_rates(self, users, start_utc, end_utc, feedback):
        """Hook: the "response time met" KPI (0-100, None without data) per user
        id. Here the feedback deadlines met ({user id: {state: count}} given);
        cs_contact_survey weighs in hotline calls and online chats answered in
        time."""
        res = {}
        for user in users:
            counts = feedback.get(user.id, {})
            total = counts.get("met", 0) + counts.get("missed", 0)
            res[user.id] = (
                round(100.0 * counts.get("met", 0) / total, 2) if total else None
            )
        return res

    @api.model
    def _cs_weighted_total(self, kpis, values, penalty_count):
        """Weighted mean of the 0-100 KPIs that have data, minus the penalty
        points (weight of the penalty KPI per responsibility line), floored at 0."""
        weights = total = 0.0
        for code, value in values.items():
            kpi = kpis.get(code)
            if kpi and kpi.weight and value is not None:
                weights += kpi.weight
                total += kpi.weight * value
        score = total / weights if weights else 0.0
        penalty = kpis.get("penalty")
        if penalty:
            score -= penalty.weight * penalty_count
        return round(max(score, 0.0), 2)

    def _cs_user_teams(self, users):
        """{user id: their first CS team of the company} (by team sequence)."""
        self.ensure_one()
        self.env.cr.execute(
            """
            SELECT DISTINCT ON (r.res_users_id) r.res_users_id, t.id
              FROM helpdesk_ticket_team_res_users_rel r
              JOIN helpdesk_ticket_team t ON t.id = r.helpdesk_ticket_team_id
             WHERE r.res_users_id = ANY(%s) AND t.company_id = %s
             ORDER BY r.res_users_id, t.sequence, t.id
            """,
            [users.ids, self.company_id.id],
        )
        return dict(self.env.cr.fetchall())

    def _cs_turnover(self, start, end):
        """{team id: (headcount, departures)}: headcount = the team's employees
        not gone before the period starts; departures = those whose departure
        date falls in the period."""
        self.ensure_one()
        self.env["hr.employee"].flush_model(["user_id", "departure_date", "company_id"])
        self.env.cr.execute(
            """
            SELECT t.id,
                   COUNT(DISTINCT e.id) FILTER (
                       WHERE e.departure_date IS NULL OR e.departure_date >= %(start)s),
                   COUNT(DISTINCT e.id) FILTER (
                       WHERE e.departure_date BETWEEN %(start)s AND %(end)s)
              FROM helpdesk_ticket_team t
              JOIN helpdesk_ticket_team_res_users_rel r
                ON r.helpdesk_ticket_team_id = t.id
              JOIN hr_employee e ON e.user_id = r.res_users_id
             WHERE t.company_id = %(company)s AND t.active
               AND e.company_id = %(company)s
             GROUP BY t.id
            """,
            {"start": start, "end": end, "company": self.company_id.id},
        )
        return {team: (head, gone) for team, head, gone in self.env.cr.fetchall()}

    def _cs_penalties(self, employees, start, end):
        """{employee id: (count, amount)} of penalty deductions from cs_center's
        responsibility lines, when that model exists: lines of approved
        resolutions whose complaint closed in the period."""
        if "cs.responsibility" not in self.env:
            return {}
        # sudo: the CS manager aggregates penalties of the company's employees
        Resp = self.env["cs.responsibility"].sudo()
        fields_ = Resp._fields
        emp_field = next(
            (f for f in ("employee_id", "responsible_employee_id") if f in fields_),
            None,
        )
        amount_field = next(
            (f for f in ("penalty_amount", "penalty", "amount") if f in fields_), None
        )
        date_field = next(
            (
                f
                for f in ("penalty_date", "decision_date", "closed_date", "date")
                if f in fields_
            ),
            "create_date",
        )
        if not emp_field or not amount_field:
            return {}
        if fields_[date_field].type == "datetime":
            since, until = utc_bounds(start, end, self.company_id.partner_id.tz)
            period = [(date_field, ">=", since), (date_field, "<", until)]
        else:
            period = [(date_field, ">=", start), (date_field, "<=", end)]
        domain = [(emp_field, "in", employees.ids), (amount_field, ">", 0), *period]
        resolution = fields_.get("resolution_id")
        if resolution and "state" in self.env[resolution.comodel_name]._fields:
            domain.append(("resolution_id.state", "=", "approved"))
        elif "state" in fields_:
            domain.append(("state", "not in", ("cancel", "superseded", "draft")))
        return {
            employee.id: (count, amount)
            for employee, count, amount in Resp._read_group(
                domain, [emp_field], ["__count", f"{amount_field}:sum"]
            )
        }
