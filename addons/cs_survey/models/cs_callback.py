from datetime import timedelta

from dateutil.relativedelta import relativedelta
from markupsafe import escape

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from .cs_survey_score import local_date

REASONS = [
    ("new_customer", "New customer"),
    ("key_customer", "Key customer (monthly)"),
    ("major_complaint", "Major complaint after closing"),
    ("confirmation", "Satisfaction confirmation"),
]


class CsCallbackRule(models.Model):
    """When callbacks are due (R10): data, editable by CS managers."""

    _name = "cs.callback.rule"
    _description = "Callback rule"
    _order = "reason, id"
    _rec_name = "reason"

    reason = fields.Selection(selection=REASONS, required=True)
    delay_days = fields.Integer(
        string="Due after (days)",
        required=True,
        help="New customer: days after their first service; key customer: days "
        "after the start of each month; major complaint: days after closing.",
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        comodel_name="res.company", help="Leave empty for every company."
    )

    _sql_constraints = [
        (
            "delay_positive",
            "CHECK(delay_days >= 0)",
            "The delay of a callback rule cannot be negative.",
        ),
    ]

    @api.model
    def _delays(self):
        """A function (reason, company) -> delay in days or None, from one query
        (the company's own rule before the shared one)."""
        delays = {}
        for rule in self.search([("reason", "!=", False)], order="company_id desc, id"):
            delays[(rule.reason, rule.company_id.id)] = rule.delay_days

        def delay(reason, company):
            own = delays.get((reason, company.id))
            return own if own is not None else delays.get((reason, False))

        return delay


class CsCallback(models.Model):
    """A follow-up call (回访) with its due date and recorded outcome."""

    _name = "cs.callback"
    _description = "Customer callback"
    _inherit = ["cs.workflow.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "state, due_date, id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Customer",
        required=True,
        index=True,
        readonly=True,
    )
    ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket", index=True, readonly=True
    )
    reason = fields.Selection(selection=REASONS, required=True, readonly=True)
    period_key = fields.Char(
        readonly=True,
        help="Makes planning idempotent: one callback per customer, reason and key "
        "(the month for key customers, the ticket for complaints).",
    )
    due_date = fields.Date(required=True, readonly=True, tracking=True)
    user_id = fields.Many2one(
        comodel_name="res.users", string="Assigned to", tracking=True
    )
    state = fields.Selection(
        selection=[("todo", "To do"), ("done", "Done"), ("cancel", "Cancelled")],
        default="todo",
        required=True,
        readonly=True,
        tracking=True,
    )
    is_overdue = fields.Boolean(
        compute="_compute_is_overdue", search="_search_is_overdue"
    )
    reached = fields.Boolean(string="Customer reached", tracking=True)
    satisfied = fields.Selection(
        selection=[("yes", "Satisfied"), ("no", "Not satisfied")],
        tracking=True,
    )
    comments = fields.Text()
    done_date = fields.Datetime(readonly=True)
    done_user_id = fields.Many2one(comodel_name="res.users", readonly=True)
    confirmed_ticket = fields.Boolean(
        string="Confirmed the ticket's satisfaction", readonly=True
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        readonly=True,
        default=lambda self: self.env.company,
    )

    # planned by the jobs and the ticket workflow, recorded by action_done /
    # action_cancel only; a recorded callback is history (archived by the bridge)
    _cs_state_field = "state"
    _cs_workflow_fields = (
        "state",
        "done_date",
        "done_user_id",
        "confirmed_ticket",
        "due_date",
        "reason",
        "partner_id",
        "ticket_id",
        "period_key",
        "company_id",
    )
    _cs_frozen_states = ("done", "cancel")
    _cs_unlink_states = ()
    _cs_no_client_create = True

    _sql_constraints = [
        (
            "plan_uniq",
            "unique(partner_id, reason, period_key)",
            "This callback is already planned.",
        ),
    ]

    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for callback in self:
            callback.is_overdue = callback.state == "todo" and (
                callback.due_date < today
            )

    def _search_is_overdue(self, operator, value):
        today = fields.Date.context_today(self)
        domain = [("state", "=", "todo"), ("due_date", "<", today)]
        if (operator == "=") == bool(value):
            return domain
        return ["!", "&", *domain]

    # ------------------------------------------------------------------ planning
    @api.model
    def _cs_insert(self, rows):
        """Insert planned callbacks, skipping those already planned (safe when two
        workers plan at once), then give each its activity. rows: dicts with
        partner_id, ticket_id, reason, period_key, due_date, user_id, company_id."""
        if not rows:
            return self.browse()
        self.flush_model()
        uid = self.env.uid
        values = SQL(", ").join(
            SQL(
                "(%s, %s, %s, %s, %s, %s, %s, 'todo', %s, %s, "
                "now() at time zone 'UTC', now() at time zone 'UTC')",
                row["partner_id"],
                row["ticket_id"],
                row["reason"],
                row["period_key"],
                row["due_date"],
                row["user_id"],
                row["company_id"],
                uid,
                uid,
            )
            for row in rows
        )
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO cs_callback (partner_id, ticket_id, reason, period_key,
                       due_date, user_id, company_id, state, create_uid, write_uid,
                       create_date, write_date)
                VALUES %s
                ON CONFLICT (partner_id, reason, period_key) DO NOTHING
                RETURNING id
                """,
                values,
            )
        )
        ids = [r[0] for r in self.env.cr.fetchall()]
        callbacks = self.browse(ids)
        activity_type = self.env.ref("cs_survey.mail_activity_type_cs_callback")
        model_id = self.env["ir.model"]._get_id(self._name)
        activity_vals = [
            {
                "res_model_id": model_id,
                "res_id": callback.id,
                "activity_type_id": activity_type.id,
                "date_deadline": callback.due_date,
                "user_id": callback.user_id.id or self.env.uid,
                "summary": dict(REASONS)[callback.reason],
            }
            for callback in callbacks
        ]
        self.env["mail.activity"].create(activity_vals)
        return callbacks

    @api.model
    def _cs_plan_new_customers(self, partner_ids=None):
        """New customers: a callback due N days after their first service (their
        first ticket), once per customer."""
        cr = self.env.cr
        Ticket = self.env["helpdesk.ticket"]
        # only columns a new ticket's INSERT wrote: no flush of the fields the
        # workflow is still writing (one UPDATE per new ticket saved); the first
        # owner is read from the ORM below
        Ticket.flush_model(["partner_id", "create_date", "company_id", "team_id"])
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        where = "AND p.id = ANY(%(pids)s)" if partner_ids else ""
        if "cs_regulated" in self.env["helpdesk.ticket"]._fields:
            # only the tickets of customer-service teams are a "first service"
            # (a new ticket's stored flag is written at the flush: its team's)
            where += (
                " AND COALESCE(t.cs_regulated, (SELECT tm.cs_regulated"
                " FROM helpdesk_ticket_team tm WHERE tm.id = t.team_id))"
            )
        cr.execute(
            f"""
            SELECT DISTINCT ON (p.id) p.id, t.id, t.create_date, t.company_id
              FROM helpdesk_ticket t
              JOIN res_partner tp ON tp.id = t.partner_id
              JOIN res_partner p ON p.id = tp.commercial_partner_id
             WHERE NOT EXISTS (
                   SELECT 1 FROM cs_callback c
                    WHERE c.partner_id = p.id AND c.reason = 'new_customer')
               AND t.create_date >= %(since)s {where}
             ORDER BY p.id, t.create_date, t.id
            """,  # noqa: S608 - only the fixed filter above is formatted in
            {
                "pids": list(partner_ids or []),
                "since": fields.Datetime.now() - timedelta(days=60),
            },
        )
        found = cr.fetchall()
        if not found:
            return self.browse()
        # only customers whose first ticket ever is the one found
        cr.execute(
            """
            SELECT p.id FROM helpdesk_ticket t
              JOIN res_partner tp ON tp.id = t.partner_id
              JOIN res_partner p ON p.id = tp.commercial_partner_id
             WHERE p.id = ANY(%s)
             GROUP BY p.id HAVING MIN(t.create_date) >= %s
            """,
            [[r[0] for r in found], fields.Datetime.now() - timedelta(days=60)],
        )
        new = {r[0] for r in cr.fetchall()}
        delay_of = self.env["cs.callback.rule"]._delays()
        Company = self.env["res.company"]
        rows = []
        owners = {
            ticket.id: ticket.first_owner_id.id or None
            for ticket in Ticket.browse([r[1] for r in found])
        }
        for partner_id, ticket_id, created, company_id in found:
            company = Company.browse(company_id)
            delay = delay_of("new_customer", company)
            if partner_id not in new or delay is None:
                continue
            first = local_date(created, company.partner_id.tz)
            rows.append(
                {
                    "partner_id": partner_id,
                    "ticket_id": ticket_id,
                    "reason": "new_customer",
                    "period_key": "first",
                    "due_date": first + timedelta(days=delay),
                    "user_id": owners[ticket_id],
                    "company_id": company_id,
                }
            )
        return self._cs_insert(rows)

    @api.model
    def _cs_plan_key_customers(self, today=None):
        """Key customers: one callback per month (idempotent)."""
        delay_of = self.env["cs.callback.rule"]._delays()
        today = today or fields.Date.context_today(self)
        month_start = today.replace(day=1)
        month_end = month_start + relativedelta(months=1, days=-1)
        key = month_start.strftime("%Y-%m")
        partners = self.env["res.partner"].search([("cs_segment", "=", "key")])
        planned = set(
            self.search(
                [
                    ("partner_id", "in", partners.ids),
                    ("reason", "=", "key_customer"),
                    ("period_key", "=", key),
                ]
            ).partner_id.ids
        )
        rows = []
        for partner in partners:
            if partner.id in planned:
                continue
            company = partner.company_id or self.env.company
            delay = delay_of("key_customer", company)
            if delay is None:
                continue
            rows.append(
                {
                    "partner_id": partner.id,
                    "ticket_id": None,
                    "reason": "key_customer",
                    "period_key": key,
                    "due_date": min(month_start + timedelta(days=delay), month_end),
                    "user_id": partner.user_id.id or company.cs_manager_id.id or None,
                    "company_id": company.id,
                }
            )
        return self._cs_insert(rows)

    @api.model
    def _cs_plan_major_complaints(self, tickets):
        """Major complaints: a callback N days after closing."""
        delay_of = self.env["cs.callback.rule"]._delays()
        rows = []
        for ticket in tickets.filtered(
            lambda t: (
                t.request_kind == "complaint" and t.severity == "major" and t.partner_id
            )
        ):
            delay = delay_of("major_complaint", ticket.company_id)
            if delay is None:
                continue
            closed = local_date(
                ticket.closed_date or fields.Datetime.now(),
                ticket.company_id.partner_id.tz,
            )
            rows.append(
                {
                    "partner_id": ticket.partner_id.commercial_partner_id.id,
                    "ticket_id": ticket.id,
                    "reason": "major_complaint",
                    "period_key": f"{ticket.id}-{ticket.round_number}",
                    "due_date": closed + timedelta(days=delay),
                    "user_id": ticket.first_owner_id.id or None,
                    "company_id": ticket.company_id.id,
                }
            )
        return self._cs_insert(rows)

    @api.model
    def _cron_plan_callbacks(self):
        """Daily job. Idempotent: a callback is planned once per customer, reason
        and key (unique constraint, inserted with ON CONFLICT DO NOTHING), so a
        second run, or two workers at once, plan nothing more. Reports its
        progress with Odoo's ir.cron progress API (one step per kind)."""
        steps = (self._cs_plan_new_customers, self._cs_plan_key_customers)
        planned = self.browse()
        for done, step in enumerate(steps, start=1):
            planned |= step()
            self.env["ir.cron"]._notify_progress(done=done, remaining=len(steps) - done)
        return planned

    @api.model
    def _cs_plan_confirmation(self, ticket, due_date=None):
        """A callback to confirm the customer's satisfaction before closing."""
        ticket = ticket.with_env(self.env)
        ticket.check_access("write")
        # sudo: the agent checked above may plan a call on their ticket
        return self.sudo()._cs_insert(
            [
                {
                    "partner_id": ticket.partner_id.commercial_partner_id.id,
                    "ticket_id": ticket.id,
                    "reason": "confirmation",
                    "period_key": f"{ticket.id}-{ticket.round_number}",
                    "due_date": due_date or fields.Date.context_today(self),
                    "user_id": self.env.uid,
                    "company_id": ticket.company_id.id,
                }
            ]
        )

    # ------------------------------------------------------------------ outcome
    def action_done(self):
        """Record the outcome written on the callback; a satisfied customer of an
        open ticket confirms its satisfaction (R4)."""
        for callback in self:
            if not (
                callback.user_id == self.env.user
                or self.env.user.has_group("cs_center.group_cs_supervisor")
            ):
                raise AccessError(
                    self.env._(
                        "Only %(user)s or a supervisor can record this callback.",
                        user=callback.user_id.name or "-",
                    )
                )
            if callback.state != "todo":
                raise UserError(self.env._("This callback is already recorded."))
            if callback.reached and not callback.satisfied:
                raise UserError(
                    self.env._(
                        "Record whether the customer %(customer)s is satisfied.",
                        customer=callback.partner_id.display_name,
                    )
                )
        self.check_access("write")
        now = fields.Datetime.now()
        for callback in self:
            vals = {"state": "done", "done_date": now, "done_user_id": self.env.uid}
            ticket = callback.ticket_id
            if (
                callback.reached
                and callback.satisfied == "yes"
                and ticket
                and not ticket.stage_id.closed
                and not ticket.satisfaction_confirm_date
            ):
                note = self.env._(
                    "Callback: %(comments)s", comments=callback.comments or "-"
                )
                ticket._cs_confirm_satisfaction("phone", note)
                vals["confirmed_ticket"] = True
            # sudo: state fields are read-only in the form; the caller was checked
            callback.sudo()._cs_workflow_write(vals)
            callback.activity_ids.action_feedback(
                feedback=escape(callback.comments or "")
            )
        return True

    def action_cancel(self):
        if not self.env.user.has_group("cs_center.group_cs_supervisor"):
            raise AccessError(self.env._("Only a supervisor can cancel a callback."))
        self.check_access("write")
        not_todo = self.filtered(lambda c: c.state != "todo")
        if not_todo:
            raise UserError(self.env._("This callback is already recorded."))
        # sudo: state is read-only in the form; the caller was checked
        self.sudo()._cs_workflow_write({"state": "cancel"})
        self.activity_ids.unlink()
        return True
