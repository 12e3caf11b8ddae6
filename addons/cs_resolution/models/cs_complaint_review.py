import logging
from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

_logger = logging.getLogger(__name__)


class CsComplaintReview(models.Model):
    _name = "cs.complaint.review"
    _description = "Monthly review of closed complaints"
    _inherit = ["cs.workflow.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "period_start desc, id desc"

    # created by the monthly job only; the CS manager writes the decisions and
    # publishes (action); a published review is frozen; never deleted
    _cs_state_field = "state"
    _cs_workflow_fields = ("company_id",)
    _cs_editable_fields = {"open": ("user_id", "decision")}
    _cs_frozen_states = ("done",)
    _cs_unlink_states = ()
    _cs_no_client_create = True

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(comodel_name="res.company", required=True, index=True)
    period_start = fields.Date(required=True, readonly=True)
    period_end = fields.Date(required=True, readonly=True)
    due_date = fields.Date(required=True, readonly=True)
    user_id = fields.Many2one(comodel_name="res.users", string="Reviewer")
    ticket_ids = fields.Many2many(
        comodel_name="helpdesk.ticket",
        relation="cs_complaint_review_ticket_rel",
        column1="review_id",
        column2="ticket_id",
        string="Closed complaints",
        readonly=True,
    )
    ticket_count = fields.Integer(compute="_compute_counts")
    responsibility_ids = fields.Many2many(
        comodel_name="cs.responsibility",
        compute="_compute_responsibility_ids",
        string="Responsibility lines",
    )
    state = fields.Selection(
        selection=[("open", "To review"), ("done", "Published")],
        default="open",
        required=True,
        readonly=True,
        tracking=True,
    )
    decision = fields.Html(string="Published decisions")
    can_publish = fields.Boolean(compute="_compute_can_publish")

    _sql_constraints = [
        (
            "period_uniq",
            "unique(company_id, period_start)",
            "There is one review per company and month.",
        ),
    ]

    @api.depends("period_start")
    def _compute_name(self):
        for rec in self:
            rec.name = self.env._(
                "Complaint review %(period)s",
                period=rec.period_start and rec.period_start.strftime("%Y-%m") or "",
            )

    def _compute_counts(self):
        for rec in self:
            rec.ticket_count = len(rec.ticket_ids)

    def _compute_responsibility_ids(self):
        lines = self.env["cs.responsibility"].search(
            [("ticket_id", "in", self.ticket_ids.ids)]
        )
        for rec in self:
            rec.responsibility_ids = lines.filtered(
                lambda r, rec=rec: r.ticket_id in rec.ticket_ids
            )

    @api.depends("state")
    @api.depends_context("uid")
    def _compute_can_publish(self):
        manager = self.env.user.has_group("cs_center.group_cs_manager")
        for rec in self:
            rec.can_publish = manager and rec.state == "open"

    def _ensure_can_publish(self):
        if not self.env.user.has_group("cs_center.group_cs_manager"):
            raise AccessError(
                self.env._("Only a CS manager publishes the monthly review.")
            )
        self.check_access("write")
        if self.filtered(lambda r: r.state != "open"):
            raise UserError(self.env._("This review is already published."))

    def action_publish(self):
        self._ensure_can_publish()
        self._cs_workflow_write({"state": "done"})
        self.activity_ids.action_feedback(feedback=self.env._("Published"))
        return True

    @api.model
    def _cron_create_monthly_reviews(self, today=None):
        """R17: on the 1st, the review of last month's closed complaints for the CS
        manager, due on the configured day (10th). Idempotent: one review per
        company and month (INSERT ... ON CONFLICT), safe with two workers; the
        progress goes to ir.cron, which commits when the job returns."""
        today = today or fields.Date.context_today(self)
        self.env.flush_all()
        start = date(today.year, today.month, 1) - relativedelta(months=1)
        end = date(today.year, today.month, 1) - relativedelta(days=1)
        self.env.cr.execute(
            """
            INSERT INTO cs_complaint_review
                   (company_id, period_start, period_end, due_date, state,
                    create_uid, write_uid, create_date, write_date)
            SELECT c.id, %(start)s, %(end)s,
                   %(month)s::date + (LEAST(GREATEST(COALESCE(c.cs_review_day, 10), 1),
                                            28) - 1),
                   'open', %(uid)s, %(uid)s, now() at time zone 'UTC',
                   now() at time zone 'UTC'
              FROM res_company c
             WHERE c.active
            ON CONFLICT (company_id, period_start) DO NOTHING
            RETURNING id
            """,
            {
                "start": start,
                "end": end,
                "month": date(today.year, today.month, 1),
                "uid": self.env.uid,
            },
        )
        ids = [r[0] for r in self.env.cr.fetchall()]
        reviews = self.browse(ids)
        if not reviews:
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            return reviews
        reviews.invalidate_model()
        with reviews._cs_workflow_step():
            reviews._compute_name()
        # closed complaints of the period, all companies at once
        self.env.cr.execute(
            """
            INSERT INTO cs_complaint_review_ticket_rel (review_id, ticket_id)
            SELECT r.id, t.id
              FROM cs_complaint_review r
              JOIN helpdesk_ticket t ON t.company_id = r.company_id
             WHERE r.id = ANY(%(ids)s)
               AND t.request_kind = 'complaint'
               AND t.closed_date >= r.period_start
               AND t.closed_date < r.period_end + 1
            ON CONFLICT DO NOTHING
            """,
            {"ids": ids},
        )
        reviews.invalidate_model(["ticket_ids"])
        managers = self.env["res.users"].search(
            [("groups_id", "in", self.env.ref("cs_center.group_cs_manager").ids)],
            order="id",
        )
        for review in reviews:
            company = review.company_id
            user = (
                company.cs_manager_id
                or managers.filtered(
                    lambda u, c=company: c in u.company_ids and u.id != 1
                )[:1]
            )
            review._cs_workflow_write({"user_id": user.id})
            if user:
                review.activity_schedule(
                    "mail.mail_activity_data_todo",
                    date_deadline=review.due_date,
                    summary=self.env._("Review last month's closed complaints"),
                    user_id=user.id,
                )
        self.env["ir.cron"]._notify_progress(done=len(reviews), remaining=0)
        _logger.info(
            "cs_resolution: %s monthly complaint reviews created", len(reviews)
        )
        return reviews
