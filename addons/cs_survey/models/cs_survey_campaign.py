import math
import random
from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class CsSurveyCoverageTarget(models.Model):
    """Survey coverage targets (R22): data, editable by CS managers."""

    _name = "cs.survey.coverage.target"
    _description = "Satisfaction survey coverage target"
    _order = "company_id, id"
    _rec_name = "company_id"

    company_id = fields.Many2one(
        comodel_name="res.company", help="Leave empty for every company."
    )
    yearly_rate = fields.Float(
        string="Customers surveyed per year (%)", required=True, default=40.0
    )
    cycle_years = fields.Integer(
        string="Every customer within (years)", required=True, default=3
    )
    recent_days = fields.Integer(
        string="Skip customers surveyed in the last (days)",
        required=True,
        default=180,
    )

    _sql_constraints = [
        (
            "values_check",
            "CHECK(yearly_rate > 0 AND yearly_rate <= 100 AND cycle_years > 0 "
            "AND recent_days >= 0)",
            "The yearly rate must be between 0 and 100%, the cycle at least one year "
            "and the skipped days not negative.",
        ),
    ]

    @api.model
    def _for_company(self, company):
        target = self.search(
            [("company_id", "in", [company.id, False])], order="company_id", limit=1
        )
        if not target:
            raise UserError(self.env._("Define a survey coverage target first."))
        return target


class CsSurveyCampaign(models.Model):
    """A satisfaction campaign (R19, R22): a random sample of active customers,
    stratified by segment, skipping those surveyed recently and favouring those
    not surveyed within the cycle."""

    _name = "cs.survey.campaign"
    _description = "Satisfaction survey campaign"
    _inherit = ["cs.workflow.mixin", "mail.thread"]
    _order = "date desc, id desc"

    name = fields.Char(required=True, translate=True)
    kind = fields.Selection(
        selection=[
            ("yearly", "Yearly"),
            ("post_delivery", "After delivery (within a year)"),
            ("ad_hoc", "Ad hoc"),
        ],
        required=True,
        default="yearly",
    )
    survey_id = fields.Many2one(
        comodel_name="survey.survey",
        required=True,
        domain=[("cs_is_satisfaction", "=", True)],
    )
    date = fields.Date(required=True, default=fields.Date.context_today)
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.company,
    )
    segment = fields.Selection(
        selection=lambda self: (
            self.env["res.partner"]
            ._fields["cs_segment"]
            ._description_selection(self.env)
        ),
        help="Only this segment; empty for every active customer.",
    )
    sample_size = fields.Integer(
        help="Ad hoc campaigns: how many customers to survey (0 = yearly target).",
    )
    send_email = fields.Boolean(
        default=True,
        help="Mail each customer their link; untick to only list the surveys on the "
        "customers' portal (e.g. when calling them).",
    )
    state = fields.Selection(
        selection=[("draft", "Draft"), ("sampled", "Sampled"), ("sent", "Sent")],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
    )
    line_ids = fields.One2many(
        comodel_name="cs.survey.campaign.line", inverse_name="campaign_id"
    )
    population_count = fields.Integer(
        string="Active customers", compute="_compute_stats"
    )
    sample_count = fields.Integer(string="Sampled", compute="_compute_stats")
    sent_count = fields.Integer(string="Sent", compute="_compute_stats")
    answered_count = fields.Integer(string="Answered", compute="_compute_stats")
    year_coverage = fields.Float(
        string="Coverage this year (%)", compute="_compute_stats"
    )
    cycle_coverage = fields.Float(
        string="Coverage over the cycle (%)", compute="_compute_stats"
    )
    target_rate = fields.Float(string="Yearly target (%)", compute="_compute_stats")
    target_cycle_years = fields.Integer(
        string="Cycle (years)", compute="_compute_stats"
    )
    year_target_met = fields.Boolean(compute="_compute_stats")
    cycle_target_met = fields.Boolean(compute="_compute_stats")

    # ------------------------------------------------------------------ computes

    _cs_state_field = "state"
    _cs_workflow_fields = ("line_ids",)
    # a sent campaign is the record of who was surveyed: frozen
    _cs_frozen_states = ("sent",)
    _cs_unlink_states = ("draft", "sampled")

    @api.depends("line_ids", "date", "company_id")
    def _compute_stats(self):
        Line = self.env["cs.survey.campaign.line"]
        counts = defaultdict(dict)
        for campaign, state, count in Line._read_group(
            [("campaign_id", "in", self.ids)], ["campaign_id", "state"], ["__count"]
        ):
            counts[campaign.id][state] = count
        for campaign in self:
            target = self.env["cs.survey.coverage.target"]._for_company(
                campaign.company_id
            )
            population = campaign._population()
            by_state = counts.get(campaign.id, {})
            campaign.population_count = len(population)
            campaign.sample_count = sum(by_state.values())
            campaign.answered_count = by_state.get("answered", 0)
            campaign.sent_count = by_state.get("sent", 0) + campaign.answered_count
            year_start = campaign.date.replace(month=1, day=1)
            cycle_start = campaign.date - relativedelta(years=target.cycle_years)
            in_year = campaign._surveyed_since(population, year_start)
            in_cycle = campaign._surveyed_since(population, cycle_start)
            size = len(population) or 1
            campaign.year_coverage = round(100.0 * len(in_year) / size, 2)
            campaign.cycle_coverage = round(100.0 * len(in_cycle) / size, 2)
            campaign.target_rate = target.yearly_rate
            campaign.target_cycle_years = target.cycle_years
            campaign.year_target_met = campaign.year_coverage >= target.yearly_rate
            campaign.cycle_target_met = campaign.cycle_coverage >= 100.0

    # ------------------------------------------------------------------ helpers
    def _population(self):
        """Active customers of the campaign: partners with a segment (of the
        campaign's segment), of its company; after delivery: with a purchase in
        the year before the campaign."""
        self.ensure_one()
        domain = [
            ("cs_segment", "!=", False),
            ("company_id", "in", [self.company_id.id, False]),
        ]
        if self.segment:
            domain.append(("cs_segment", "=", self.segment))
        if self.kind == "post_delivery":
            # sudo: only which customers bought in the year is read, not tickets
            tickets = (
                self.env["helpdesk.ticket"]
                .sudo()
                ._read_group(
                    [
                        ("purchase_date", ">=", self.date - relativedelta(years=1)),
                        ("purchase_date", "<=", self.date),
                        ("partner_id", "!=", False),
                    ],
                    ["partner_id"],
                )
            )
            buyers = {p.commercial_partner_id.id for (p,) in tickets}
            domain.append(("id", "in", list(buyers)))
        return self.env["res.partner"].search(domain)

    def _last_surveyed(self, partners):
        """{partner id: last date a satisfaction survey was sent to them}."""
        # sudo: only the sending dates of satisfaction surveys are read
        rows = (
            self.env["survey.user_input"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "in", partners.ids),
                    ("survey_id.cs_is_satisfaction", "=", True),
                    ("cs_sent_date", "!=", False),
                ],
                ["partner_id"],
                ["cs_sent_date:max"],
            )
        )
        return {p.id: d.date() for p, d in rows}

    def _surveyed_since(self, partners, since):
        self.ensure_one()
        last = self._last_surveyed(partners)
        return {pid for pid, d in last.items() if d >= since}

    # ------------------------------------------------------------------ actions
    def _check_manager(self):
        if not self.env.user.has_group("cs_center.group_cs_manager"):
            raise AccessError(
                self.env._("Only a customer-service manager can run campaigns.")
            )

    def action_sample(self):
        self._check_manager()
        self.check_access("write")
        for campaign in self:
            if campaign.state == "sent":
                raise UserError(
                    self.env._(
                        "Campaign %(name)s was sent: make a new one.",
                        name=campaign.name,
                    )
                )
            with campaign._cs_workflow_step("cs.survey.campaign.line"):
                campaign.line_ids.filtered(lambda line: not line.user_input_id).unlink()
                picked = campaign._sample()
                self.env["cs.survey.campaign.line"].create(
                    [
                        {
                            "campaign_id": campaign.id,
                            "partner_id": partner.id,
                            "segment": partner.cs_segment,
                        }
                        for partner in picked
                    ]
                )
                campaign.state = "sampled"
        return True

    def _sample(self):
        """Pick the sample: stratified by segment, random within a segment, those
        not surveyed within the cycle first, never someone surveyed recently."""
        self.ensure_one()
        target = self.env["cs.survey.coverage.target"]._for_company(self.company_id)
        population = self._population()
        last = self._last_surveyed(population)
        recent_limit = self.date - relativedelta(days=target.recent_days)
        cycle_limit = self.date - relativedelta(years=target.cycle_years - 1)
        year_start = self.date.replace(month=1, day=1)
        already = set(self.line_ids.partner_id.ids)
        eligible = population.filtered(
            lambda p: (
                p.id not in already and (p.id not in last or last[p.id] < recent_limit)
            )
        )
        # overdue: surveyed before, but not within the cycle if skipped this year
        overdue = eligible.filtered(lambda p: p.id in last and last[p.id] < cycle_limit)
        if self.kind == "ad_hoc" and self.sample_size:
            size = self.sample_size
        else:
            surveyed_this_year = sum(
                1 for d in last.values() if year_start <= d <= self.date
            )
            size = max(
                math.ceil(target.yearly_rate * len(population) / 100.0)
                - surveyed_this_year,
                len(overdue),
                0,
            )
        size = min(size, len(eligible))
        if not size:
            return self.env["res.partner"]
        rng = random.Random()
        by_segment = defaultdict(list)
        for partner in eligible:
            # never surveyed within the cycle first, then at random
            tier = (
                0 if (partner.id not in last or last[partner.id] < cycle_limit) else 1
            )
            by_segment[partner.cs_segment].append((tier, rng.random(), partner.id))
        # proportional allocation per segment, largest remainder
        total = len(eligible)
        quotas = {s: size * len(m) / total for s, m in by_segment.items()}
        alloc = {s: int(q) for s, q in quotas.items()}
        rest = size - sum(alloc.values())
        for s in sorted(quotas, key=lambda s: quotas[s] - alloc[s], reverse=True)[
            :rest
        ]:
            alloc[s] += 1
        picked = []
        for segment, members in by_segment.items():
            members.sort()
            picked += [pid for _tier, _r, pid in members[: alloc[segment]]]
        return self.env["res.partner"].browse(picked)

    def action_send(self):
        self._check_manager()
        self.check_access("write")
        # sudo: the campaign creates the customers' answers (checked manager above)
        Input = self.env["survey.user_input"].sudo()
        for campaign in self:
            lines = campaign.line_ids.filtered(lambda line: not line.user_input_id)
            if not lines and campaign.state != "sent":
                raise UserError(
                    self.env._(
                        "Sample the customers of %(name)s first.", name=campaign.name
                    )
                )
            inputs = Input._cs_create_answers(
                [
                    Input._cs_prepare_vals(
                        campaign.survey_id,
                        line.partner_id,
                        cs_campaign_id=campaign.id,
                        cs_company_id=campaign.company_id.id,
                    )
                    for line in lines
                ]
            )
            by_partner = {i.partner_id.id: i.id for i in inputs}
            with campaign._cs_workflow_step("cs.survey.campaign.line"):
                for line in lines:
                    line.user_input_id = by_partner[line.partner_id.id]
                campaign.state = "sent"
            if campaign.send_email:
                inputs._cs_send_invitations()
        return True


class CsSurveyCampaignLine(models.Model):
    _name = "cs.survey.campaign.line"
    _description = "Customer sampled in a campaign"
    _inherit = ["cs.workflow.mixin"]
    # the sample is drawn and sent by the campaign's actions only
    _cs_parent_field = "campaign_id"
    _cs_workflow_fields = ("campaign_id", "partner_id", "segment", "user_input_id")
    _cs_no_client_create = True
    _cs_unlink_states = ()
    _order = "campaign_id, id"
    _rec_name = "partner_id"

    campaign_id = fields.Many2one(
        comodel_name="cs.survey.campaign",
        required=True,
        ondelete="cascade",
        index=True,
    )
    partner_id = fields.Many2one(
        comodel_name="res.partner", string="Customer", required=True, index=True
    )
    segment = fields.Selection(
        selection=lambda self: (
            self.env["res.partner"]
            ._fields["cs_segment"]
            ._description_selection(self.env)
        ),
    )
    user_input_id = fields.Many2one(
        comodel_name="survey.user_input", string="Survey answer", ondelete="set null"
    )
    state = fields.Selection(
        selection=[
            ("planned", "Planned"),
            ("sent", "Sent"),
            ("answered", "Answered"),
        ],
        compute="_compute_state",
        store=True,
    )
    company_id = fields.Many2one(related="campaign_id.company_id", store=True)

    _sql_constraints = [
        (
            "partner_uniq",
            "unique(campaign_id, partner_id)",
            "A customer is surveyed once per campaign.",
        ),
    ]

    @api.depends("user_input_id", "user_input_id.state")
    def _compute_state(self):
        for line in self:
            if not line.user_input_id:
                line.state = "planned"
            elif line.user_input_id.state == "done":
                line.state = "answered"
            else:
                line.state = "sent"
