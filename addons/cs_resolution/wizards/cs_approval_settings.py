import logging

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import format_amount

from ..models.res_company_resolution import TIER_XMLIDS

_logger = logging.getLogger(__name__)


class CsApprovalSettings(models.TransientModel):
    """R12 approval authority on one screen for the CS manager: the two limits in
    the company currency and the approver of each tier. Saving writes the
    company's limits and the three tier definitions (their domains follow from
    the limits of every company)."""

    _name = "cs.approval.settings"
    _description = "Approval authority of complaint proposals"

    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    tier1_limit = fields.Monetary(
        string="First tier: up to and including",
        currency_field="currency_id",
        required=True,
    )
    tier2_limit = fields.Monetary(
        string="Third tier: from (inclusive)",
        currency_field="currency_id",
        required=True,
    )
    tier1_group_id = fields.Many2one(
        comodel_name="res.groups", string="First tier approver", required=True
    )
    tier2_group_id = fields.Many2one(
        comodel_name="res.groups", string="Second tier approver", required=True
    )
    tier3_group_id = fields.Many2one(
        comodel_name="res.groups", string="Third tier approver", required=True
    )
    rule_html = fields.Html(string="Rule", compute="_compute_rule_html", sanitize=False)

    @api.model
    def _cs_definitions(self):
        # sudo: the definitions are technical data shown on this screen
        return [self.env.ref(x).sudo() for x in TIER_XMLIDS]

    @api.model
    def default_get(self, fields_list):
        self._cs_check_manager()
        res = super().default_get(fields_list)
        company = self.env.company
        first, second, third = self._cs_definitions()
        res.update(
            {
                "company_id": company.id,
                "tier1_limit": company.cs_tier1_limit,
                "tier2_limit": company.cs_tier2_limit,
                "tier1_group_id": first.reviewer_group_id.id,
                "tier2_group_id": second.reviewer_group_id.id,
                "tier3_group_id": third.reviewer_group_id.id,
            }
        )
        return res

    @api.depends(
        "tier1_limit",
        "tier2_limit",
        "tier1_group_id",
        "tier2_group_id",
        "tier3_group_id",
    )
    def _compute_rule_html(self):
        for rec in self:
            currency = rec.currency_id or rec.company_id.currency_id
            low = format_amount(self.env, rec.tier1_limit, currency)
            high = format_amount(self.env, rec.tier2_limit, currency)
            rows = [
                (
                    self.env._("amount ≤ %(low)s", low=low),
                    rec.tier1_group_id.name or "-",
                ),
                (
                    self.env._("%(low)s < amount < %(high)s", low=low, high=high),
                    rec.tier2_group_id.name or "-",
                ),
                (
                    self.env._("amount ≥ %(high)s", high=high),
                    rec.tier3_group_id.name or "-",
                ),
            ]
            body = Markup("").join(
                Markup("<tr><td>%s</td><td>%s</td></tr>") % (escape(a), escape(b))
                for a, b in rows
            )
            rec.rule_html = Markup(
                "<p>%s</p><table class='table table-sm'><tbody>%s</tbody></table>"
            ) % (
                self.env._(
                    "Amounts of the proposal in the company currency (other "
                    "currencies converted at the proposal's date). A limit belongs "
                    "to the tier that says 'including'."
                ),
                body,
            )

    def _cs_check_manager(self):
        if not self.env.user.has_group("cs_center.group_cs_manager"):
            raise AccessError(
                self.env._("Only a CS manager can change the approval authority.")
            )

    def action_save(self):
        """Write the limits (company) and approvers (tier definitions), then the
        definitions' domains; after the CS manager check."""
        self.ensure_one()
        self._cs_check_manager()
        if self.company_id not in self.env.user.company_ids:
            raise AccessError(
                self.env._("You cannot change the approval authority of this company.")
            )
        # sudo: company settings and tier definitions are written by this screen
        # only after the check above
        self.company_id.sudo().write(
            {"cs_tier1_limit": self.tier1_limit, "cs_tier2_limit": self.tier2_limit}
        )
        groups = (self.tier1_group_id, self.tier2_group_id, self.tier3_group_id)
        for definition, group in zip(self._cs_definitions(), groups, strict=True):
            if definition.reviewer_group_id != group:
                definition.reviewer_group_id = group
        self.env["res.company"]._cs_sync_tier_definitions()
        _logger.info(
            "Approval authority of company %s changed by user %s: %s / %s",
            self.company_id.id,
            self.env.uid,
            self.tier1_limit,
            self.tier2_limit,
        )
        return {"type": "ir.actions.client", "tag": "reload"}
