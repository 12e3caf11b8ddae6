from collections import defaultdict
from datetime import date

from odoo import fields, models


class CsCustomer360(models.AbstractModel):
    """Customer 360 figures for a commercial partner (customer and opportunity):
    computed for a whole recordset with one aggregation per figure
    (``_read_group``), never per record."""

    _name = "cs.customer.360.mixin"
    _description = "Customer-service figures of a customer"

    cs_open_ticket_count = fields.Integer(
        string="Open tickets", compute="_compute_cs_360"
    )
    cs_open_major_count = fields.Integer(
        string="Open major complaints", compute="_compute_cs_360"
    )
    cs_overdue_count = fields.Integer(
        string="Overdue deadlines", compute="_compute_cs_360"
    )
    cs_callback_due_count = fields.Integer(
        string="Callbacks due", compute="_compute_cs_360"
    )
    cs_satisfaction_last = fields.Float(
        string="Last satisfaction", compute="_compute_cs_360", digits=(5, 1)
    )
    cs_satisfaction_avg = fields.Float(
        string="Average satisfaction", compute="_compute_cs_360", digits=(5, 1)
    )
    cs_satisfaction_count = fields.Integer(
        string="Satisfaction answers", compute="_compute_cs_360"
    )
    cs_archive_count = fields.Integer(
        string="Archive entries", compute="_compute_cs_360"
    )
    cs_approved_amount_year = fields.Monetary(
        string="Complaints approved this year",
        compute="_compute_cs_360",
        currency_field="cs_company_currency_id",
        help="Sum of the approved proposals of this calendar year, in the company "
        "currency.",
    )
    cs_company_currency_id = fields.Many2one(
        comodel_name="res.currency",
        compute="_compute_cs_360",
    )

    def _cs_360_commercial(self):
        """{record: commercial partner id} (overridden by each model)."""
        raise NotImplementedError

    def _cs_360_figures(self, partner_ids):
        """{figure: {commercial partner id: value}}, one aggregation per figure;
        sudo: aggregated figures for the users' companies (salespeople do not read
        deadlines, answers or proposals)."""
        env = self.env
        companies = env.companies.ids
        today = fields.Date.context_today(self)
        figures = defaultdict(lambda: defaultdict(float))
        Ticket = env["helpdesk.ticket"].sudo()
        for partner, kind, severity, count in Ticket._read_group(
            [
                ("commercial_partner_id", "in", partner_ids),
                ("stage_id.closed", "=", False),
                ("company_id", "in", companies),
            ],
            ["commercial_partner_id", "request_kind", "severity"],
            ["__count"],
        ):
            figures["open"][partner.id] += count
            if kind == "complaint" and severity == "major":
                figures["major"][partner.id] += count
        for ticket, count in (
            env["cs.ticket.deadline"]
            .sudo()
            ._read_group(
                [
                    ("ticket_id.commercial_partner_id", "in", partner_ids),
                    ("state", "=", "overdue"),
                    ("company_id", "in", companies),
                ],
                ["ticket_id"],
                ["__count"],
            )
        ):
            figures["overdue"][ticket.commercial_partner_id.id] += count
        for partner, count in (
            env["cs.callback"]
            .sudo()
            ._read_group(
                [
                    ("partner_id.commercial_partner_id", "in", partner_ids),
                    ("state", "=", "todo"),
                    ("due_date", "<=", today),
                    ("company_id", "in", companies),
                ],
                ["partner_id"],
                ["__count"],
            )
        ):
            figures["callbacks"][partner.commercial_partner_id.id] += count
        Answer = env["survey.user_input"].sudo()
        last_ids = []
        for partner, avg, count, last_id in Answer._read_group(
            [
                ("partner_id.commercial_partner_id", "in", partner_ids),
                ("state", "=", "done"),
                ("cs_has_score", "=", True),
                "|",
                ("cs_ticket_id", "!=", False),
                ("cs_campaign_id", "!=", False),
                ("cs_company_id", "in", companies),
            ],
            ["partner_id"],
            ["cs_score:avg", "__count", "id:max"],
        ):
            # several contacts of one customer: weighted average, latest answer
            key = partner.commercial_partner_id.id
            total = figures["sat_avg"][key] * figures["sat_count"][key]
            figures["sat_count"][key] += count
            figures["sat_avg"][key] = (total + avg * count) / figures["sat_count"][key]
            last_ids.append(last_id)
        for answer in Answer.browse(sorted(last_ids)):
            figures["sat_last"][answer.partner_id.commercial_partner_id.id] = (
                answer.cs_score
            )
        year_start = date(today.year, 1, 1)
        for partner, amount in (
            env["cs.resolution"]
            .sudo()
            ._read_group(
                [
                    ("partner_id.commercial_partner_id", "in", partner_ids),
                    ("state", "=", "approved"),
                    ("approved_date", ">=", fields.Datetime.to_datetime(year_start)),
                    ("company_id", "in", companies),
                ],
                ["partner_id"],
                ["amount_company:sum"],
            )
        ):
            figures["approved"][partner.commercial_partner_id.id] += amount
        if "cs.archive.entry" in env:
            for partner, count in (
                env["cs.archive.entry"]
                .sudo()
                ._read_group(
                    [
                        ("partner_id.commercial_partner_id", "in", partner_ids),
                        ("company_id", "in", companies),
                    ],
                    ["partner_id"],
                    ["__count"],
                )
            ):
                figures["archive"][partner.commercial_partner_id.id] += count
        return figures

    def _compute_cs_360(self):
        commercial = self._cs_360_commercial()
        ids = list({pid for pid in commercial.values() if pid})
        figures = self._cs_360_figures(ids) if ids else defaultdict(dict)
        currency = self.env.company.currency_id
        for rec in self:
            pid = commercial.get(rec)
            rec.cs_open_ticket_count = figures["open"].get(pid, 0)
            rec.cs_open_major_count = figures["major"].get(pid, 0)
            rec.cs_overdue_count = figures["overdue"].get(pid, 0)
            rec.cs_callback_due_count = figures["callbacks"].get(pid, 0)
            rec.cs_satisfaction_avg = figures["sat_avg"].get(pid, 0.0)
            rec.cs_satisfaction_last = figures["sat_last"].get(pid, 0.0)
            rec.cs_satisfaction_count = figures["sat_count"].get(pid, 0)
            rec.cs_archive_count = figures["archive"].get(pid, 0)
            rec.cs_approved_amount_year = figures["approved"].get(pid, 0.0)
            rec.cs_company_currency_id = currency
