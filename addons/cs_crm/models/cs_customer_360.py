from collections import defaultdict
from datetime import date

from odoo import SUPERUSER_ID, api, fields, models

# who reads the figures at all (field ``groups``: refused over RPC to the others,
# dropped from their views); salespeople only for their own customers (below)
CS_360_GROUPS = (
    "cs_center.group_cs_agent,sales_team.group_sale_salesman,"
    "cs_resolution.group_cs_sales_dept_manager"
)
# who reads them for every customer of their companies
CS_360_ALL_CUSTOMERS = (
    "cs_center.group_cs_agent",
    "sales_team.group_sale_salesman_all_leads",
    "cs_resolution.group_cs_sales_dept_manager",
)


class CsCustomer360(models.AbstractModel):
    """Customer 360 figures for a commercial partner (customer and opportunity):
    computed for a whole recordset with one aggregation per figure
    (``_read_group``), never per record.

    Who reads them: customer-service staff, the sales department managers and
    the sales managers (all leads) for every customer; a salesperson for the
    customers they (or a salesperson of the team they lead) are responsible for,
    blank figures for the others; nobody else (HR, warehouse, finance without a
    sales role...): the fields carry ``groups``."""

    _name = "cs.customer.360.mixin"
    _description = "Customer-service figures of a customer"

    cs_open_ticket_count = fields.Integer(
        string="Open tickets", compute="_compute_cs_360", groups=CS_360_GROUPS
    )
    cs_open_major_count = fields.Integer(
        string="Open major complaints", compute="_compute_cs_360", groups=CS_360_GROUPS
    )
    cs_overdue_count = fields.Integer(
        string="Overdue deadlines", compute="_compute_cs_360", groups=CS_360_GROUPS
    )
    cs_callback_due_count = fields.Integer(
        string="Callbacks due", compute="_compute_cs_360", groups=CS_360_GROUPS
    )
    cs_satisfaction_last = fields.Float(
        string="Last satisfaction",
        compute="_compute_cs_360",
        groups=CS_360_GROUPS,
        digits=(5, 1),
    )
    cs_satisfaction_avg = fields.Float(
        string="Average satisfaction",
        compute="_compute_cs_360",
        groups=CS_360_GROUPS,
        digits=(5, 1),
    )
    cs_satisfaction_count = fields.Integer(
        string="Satisfaction answers", compute="_compute_cs_360", groups=CS_360_GROUPS
    )
    cs_approved_amount_year = fields.Monetary(
        string="Complaints approved this year",
        compute="_compute_cs_360",
        groups=CS_360_GROUPS,
        currency_field="cs_company_currency_id",
        help="Sum of the approved proposals of this calendar year, in the company "
        "currency.",
    )
    cs_company_currency_id = fields.Many2one(
        comodel_name="res.currency",
        compute="_compute_cs_360",
        groups=CS_360_GROUPS,
    )

    cs_360_visible = fields.Boolean(
        string="Customer-service figures shown",
        compute="_compute_cs_360",
        groups=CS_360_GROUPS,
    )

    def _cs_360_commercial(self):
        """{record: commercial partner id} (overridden by each model)."""
        raise NotImplementedError

    def _cs_360_own(self, user):
        """The records whose figures a salesperson ``user`` reads: customers whose
        salesperson is the user or a member of a sales team the user leads
        (overridden by models with a salesperson of their own)."""
        commercial = self._cs_360_commercial()
        # sudo: the responsible salesperson and team of the customers, for the check
        partners = self.env["res.partner"].sudo().browse(set(commercial.values()))
        own = {
            p.id
            for p in partners
            if p.user_id
            and (p.user_id == user or p.user_id.sale_team_id.user_id == user)
        }
        return self.filtered(lambda rec: commercial.get(rec) in own)

    def _cs_360_readable(self):
        """The records of ``self`` whose figures the real user (``env.uid``, never
        the context nor ``env.su``) reads; the superuser (jobs) reads all."""
        if self.env.uid == SUPERUSER_ID:
            return self
        # sudo: the real user's groups, whatever the environment
        user = self.env["res.users"].sudo().browse(self.env.uid)
        if user.share:
            return self.browse()
        if any(user.has_group(xmlid) for xmlid in CS_360_ALL_CUSTOMERS):
            return self
        if user.has_group("sales_team.group_sale_salesman"):
            return self._cs_360_own(user)
        return self.browse()

    def _cs_360_figures(self, partner_ids):
        """{figure: {commercial partner id: value}}, one aggregation per figure,
        for the customers ``_cs_360_readable`` let through only: aggregated
        figures of the user's companies (salespeople do not read deadlines,
        answers or proposals themselves)."""
        env = self.env
        companies = env.companies.ids
        today = fields.Date.context_today(self)
        figures = defaultdict(lambda: defaultdict(float))
        # sudo: counts only, of the customers the user may see (_cs_360_readable)
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
            # sudo: counts only, of the customers the user may see
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
            # sudo: counts only, of the customers the user may see
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
        # sudo: scores only, of the customers the user may see
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
            # sudo: the approved total only, of the customers the user may see
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
        return figures

    @api.depends_context("uid", "company", "allowed_company_ids")
    def _compute_cs_360(self):
        readable = self._cs_360_readable()
        commercial = readable._cs_360_commercial()
        ids = list({pid for pid in commercial.values() if pid})
        figures = self._cs_360_figures(ids) if ids else defaultdict(dict)
        currency = self.env.company.currency_id
        for rec in self:
            rec.cs_360_visible = rec in readable
            # blank figures for the customers the user is not responsible for
            pid = commercial.get(rec)
            rec.cs_open_ticket_count = figures["open"].get(pid, 0)
            rec.cs_open_major_count = figures["major"].get(pid, 0)
            rec.cs_overdue_count = figures["overdue"].get(pid, 0)
            rec.cs_callback_due_count = figures["callbacks"].get(pid, 0)
            rec.cs_satisfaction_avg = figures["sat_avg"].get(pid, 0.0)
            rec.cs_satisfaction_last = figures["sat_last"].get(pid, 0.0)
            rec.cs_satisfaction_count = figures["sat_count"].get(pid, 0)
            rec.cs_approved_amount_year = figures["approved"].get(pid, 0.0)
            rec.cs_company_currency_id = currency
