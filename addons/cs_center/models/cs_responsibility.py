import logging
import threading
from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

_logger = logging.getLogger(__name__)

DISCIPLINARY_TYPES = [
    ("none", "None"),
    ("warning", "Warning"),
    ("demerit", "Demerit"),
    ("major_demerit", "Major demerit"),
    ("dismissal", "Dismissal"),
]


class CsResponsibility(models.Model):
    _name = "cs.responsibility"
    _description = "Complaint responsibility line"
    _order = "id desc"
    _check_company_auto = True

    resolution_id = fields.Many2one(
        comodel_name="cs.resolution", required=True, ondelete="cascade", index=True
    )
    ticket_id = fields.Many2one(
        related="resolution_id.ticket_id", store=True, index=True, precompute=True
    )
    company_id = fields.Many2one(
        related="resolution_id.company_id", store=True, index=True, precompute=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    department_id = fields.Many2one(
        comodel_name="hr.department", required=True, check_company=True
    )
    employee_id = fields.Many2one(comodel_name="hr.employee", check_company=True)
    loss_amount = fields.Monetary(string="Loss")
    penalty_amount = fields.Monetary(string="Penalty deduction")
    disciplinary_type = fields.Selection(
        selection=DISCIPLINARY_TYPES, default="none", required=True
    )
    note = fields.Text()
    closed_date = fields.Datetime(related="ticket_id.closed_date", store=True)

    @api.constrains("loss_amount", "penalty_amount")
    def _check_amounts(self):
        if self.filtered(lambda r: r.loss_amount < 0 or r.penalty_amount < 0):
            raise ValidationError(
                self.env._("Losses and penalty deductions cannot be negative.")
            )

    def _cs_check_resolution_editable(self, resolutions):
        if self.env.su:
            return
        frozen = resolutions.filtered(lambda r: r.state in ("superseded", "cancel"))
        if frozen:
            raise ValidationError(
                self.env._(
                    "The responsibility of %(names)s is kept as history.",
                    names=", ".join(frozen.mapped("display_name")),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._cs_check_resolution_editable(
            self.env["cs.resolution"].browse(
                {v["resolution_id"] for v in vals_list if v.get("resolution_id")}
            )
        )
        return super().create(vals_list)

    def write(self, vals):
        self._cs_check_resolution_editable(self.resolution_id)
        return super().write(vals)

    def unlink(self):
        self._cs_check_resolution_editable(self.resolution_id)
        return super().unlink()


class CsComplaintReview(models.Model):
    _name = "cs.complaint.review"
    _description = "Monthly review of closed complaints"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "period_start desc, id desc"

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
        tracking=True,
    )
    decision = fields.Html(string="Published decisions")

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

    def action_publish(self):
        self.check_access("write")
        self.write({"state": "done"})
        self.activity_ids.action_feedback(feedback=self.env._("Published"))
        return True

    @api.model
    def _cron_create_monthly_reviews(self, today=None, auto_commit=None):
        """R17: on the 1st, the review of last month's closed complaints for the CS
        manager, due on the configured day (10th). Idempotent: one review per
        company and month (INSERT ... ON CONFLICT), safe with two workers."""
        if auto_commit is None:
            auto_commit = not getattr(threading.current_thread(), "testing", False)
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
            return reviews
        reviews.invalidate_model()
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
            review.user_id = user
            if user:
                review.activity_schedule(
                    "mail.mail_activity_data_todo",
                    date_deadline=review.due_date,
                    summary=self.env._("Review last month's closed complaints"),
                    user_id=user.id,
                )
        if auto_commit:
            self.env.cr.commit()  # pylint: disable=invalid-commit
        _logger.info("cs_center: %s monthly complaint reviews created", len(reviews))
        return reviews
