from datetime import timedelta

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

SEGMENT_FIELDS = {
    "cs_segment",
    "cs_is_new",
    "cs_is_key",
    "cs_segment_manual",
    "cs_segment_reason",
}
# who sets a segment by hand (with a reason, through _cs_set_segment)
SEGMENT_OVERRIDE_GROUPS = (
    "cs_center.group_cs_supervisor",
    "sales_team.group_sale_manager",
)


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    cs_segment = fields.Selection(selection_add=[("new", "New customer")])
    cs_is_new = fields.Boolean(string="New customer (rule)", readonly=True, copy=False)
    cs_is_key = fields.Boolean(string="Key customer (rule)", readonly=True, copy=False)
    cs_segment_manual = fields.Boolean(
        string="Segment set by hand", readonly=True, copy=False
    )
    cs_segment_reason = fields.Text(
        string="Reason for the segment", readonly=True, copy=False
    )

    # ------------------------------------------------------------------ guard
    def _cs_check_segment_vals(self, vals_list):
        """With the rules installed the segment and its flags are set by the
        rules and the override only (nobody writes them directly, managers
        included)."""
        if self._cs_segment_granted():
            return
        for vals in vals_list:
            if SEGMENT_FIELDS & set(vals):
                raise AccessError(
                    self.env._(
                        "The customer's segment and its flags are set by the segment "
                        "rules and by a manager's override with a reason only."
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        self._cs_check_segment_vals(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._cs_check_segment_vals([vals])
        return super().write(vals)

    # ------------------------------------------------------------------ override
    def _cs_set_segment(self, segment, reason):
        """A CS supervisor or a sales manager sets the segment by hand, with a
        reason logged on the customer; the rules no longer change it until the
        override is removed (segment False)."""
        # sudo: the real user's groups, whatever the environment
        user = self.env["res.users"].sudo().browse(self.env.uid)
        if user.share or not any(user.has_group(g) for g in SEGMENT_OVERRIDE_GROUPS):
            raise AccessError(
                self.env._(
                    "Only a CS supervisor or a sales manager can set a customer's "
                    "segment."
                )
            )
        self.check_access("read")
        if not (reason or "").strip():
            raise ValidationError(self.env._("Give the reason for the segment."))
        with self._cs_segment_step():
            # sudo: supervisors may not edit contacts; the caller is checked above
            self.sudo().write(
                {
                    "cs_segment": segment or False,
                    "cs_segment_manual": bool(segment),
                    "cs_segment_reason": reason.strip() if segment else False,
                }
            )
        labels = dict(self._fields["cs_segment"]._description_selection(self.env))
        for partner in self:
            # sudo: the override is logged on the customer (checked above)
            partner.sudo().message_post(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "Segment set to %(segment)s by %(user)s. Reason: %(reason)s",
                    segment=labels.get(segment, self.env._("the rules")),
                    user=self.env.user.name,
                    reason=reason.strip(),
                ),
                subtype_xmlid="mail.mt_note",
            )
        if not segment:
            self._cs_refresh_segments()
        return True

    # ------------------------------------------------------------------ rules
    @api.model
    def _cs_segment_facts(self, rule, today):
        """({partner: first date}, {key partner ids}) for one company's rule, by
        aggregation (commercial partners)."""
        env = self.env
        company = rule.company_id
        first = {}
        if rule.new_from_opportunity:
            for partner, closed in (
                env["crm.lead"]
                # sudo: the segment job reads every company's won opportunities
                .sudo()
                .with_context(active_test=False)
                ._read_group(
                    [
                        ("stage_id.is_won", "=", True),
                        ("partner_id", "!=", False),
                        ("company_id", "in", [company.id, False]),
                    ],
                    ["partner_id"],
                    ["date_closed:min"],
                )
            ):
                key = partner.commercial_partner_id.id
                day = closed and closed.date()
                if day and (key not in first or day < first[key]):
                    first[key] = day
        # sudo: the segment job reads every company's invoices
        moves = env["account.move"].sudo()
        if rule.new_from_invoice:
            for partner, day in moves._read_group(
                [
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("company_id", "=", company.id),
                ],
                ["commercial_partner_id"],
                ["invoice_date:min"],
            ):
                if day and (partner.id not in first or day < first[partner.id]):
                    first[partner.id] = day
        key = set()
        if rule.key_category_ids:
            key |= set(
                # sudo: the segment job reads every tagged customer
                self.sudo()
                .search([("category_id", "in", rule.key_category_ids.ids)])
                .commercial_partner_id.ids
            )
        if rule.key_revenue_threshold > 0:
            since = today - relativedelta(months=rule.key_revenue_months)
            for partner, amount in moves._read_group(
                [
                    ("move_type", "in", ("out_invoice", "out_refund")),
                    ("state", "=", "posted"),
                    ("company_id", "=", company.id),
                    ("invoice_date", ">", since),
                ],
                ["commercial_partner_id"],
                ["amount_untaxed_signed:sum"],
            ):
                if amount >= rule.key_revenue_threshold:
                    key.add(partner.id)
        return first, key

    @api.model
    def _cs_refresh_segments(self):
        """Apply the rules of every company: flags and segment (key before new
        before regular) of the customers not set by hand; returns the customers
        that became new (their callback is planned)."""
        today = fields.Date.context_today(self)
        is_new, is_key, known = set(), set(), set()
        # sudo: every company's rule, from a job
        companies = self.env["res.company"].sudo().search([("partner_id", "!=", False)])
        for company in companies:
            rule = self.env["cs.segment.rule"]._cs_rule_for(company)
            first, key = self._cs_segment_facts(rule, today)
            limit = today - timedelta(days=rule.new_days)
            is_new |= {pid for pid, day in first.items() if day >= limit}
            is_key |= key
            known |= set(first) | key
        # sudo: the segment job writes the flags of every customer (inside the grant)
        Partner = self.sudo().with_context(active_test=False)
        flagged = Partner.search(
            ["|", ("cs_is_new", "=", True), ("cs_is_key", "=", True)]
        )
        partners = Partner.browse(known) | flagged
        partners = partners.filtered(lambda p: not p.cs_segment_manual)
        was_new = set(partners.filtered("cs_is_new").ids)
        groups = {}
        for partner in partners:
            new, key = partner.id in is_new, partner.id in is_key
            segment = "key" if key else "new" if new else "regular"
            if partner.id not in known and partner.cs_segment in (False, "regular"):
                segment = partner.cs_segment
            groups.setdefault((new, key, segment), []).append(partner.id)
        with self._cs_segment_step():
            for (new, key, segment), ids in groups.items():
                records = Partner.browse(ids).filtered(
                    lambda p, n=new, k=key, s=segment: (
                        (
                            p.cs_is_new,
                            p.cs_is_key,
                            p.cs_segment,
                        )
                        != (n, k, s)
                    )
                )
                records.write(
                    {"cs_is_new": new, "cs_is_key": key, "cs_segment": segment}
                )
        became_new = Partner.browse(is_new - was_new) & partners
        self.env["cs.callback"]._cs_plan_rule_new_customers(became_new)
        return became_new

    @api.model
    def _cron_cs_refresh_segments(self):
        became_new = self._cs_refresh_segments()
        self.env["ir.cron"]._notify_progress(done=len(became_new), remaining=0)
