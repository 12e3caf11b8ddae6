from odoo import api, fields, models
from odoo.exceptions import ValidationError

# the three tier definitions of R12 (data of this addon, kept on update)
TIER_XMLIDS = (
    "cs_resolution.tier_definition_cs_resolution_sales_manager",
    "cs_resolution.tier_definition_cs_resolution_deputy_gm",
    "cs_resolution.tier_definition_cs_resolution_gm",
)


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    cs_credit_product_id = fields.Many2one(
        comodel_name="product.product",
        string="Complaint credit product",
        help="Product of the lines of standalone complaint credit notes (no original "
        "invoice).",
    )
    cs_credit_account_id = fields.Many2one(
        comodel_name="account.account",
        string="Complaint credit account",
        help="Income account of complaint credit notes; empty: the product's account.",
    )
    cs_service_product_id = fields.Many2one(
        comodel_name="product.product",
        string="Paid service product",
        help="Product of the invoices of paid services.",
    )
    cs_review_day = fields.Integer(
        string="Monthly review due day",
        default=10,
        help="Day of the month by which the complaints closed the previous month are "
        "reviewed (R17).",
    )
    # R12 approval authority, in the company currency: tier 1 up to and including
    # the first limit, tier 2 above it and below the second, tier 3 from the second
    cs_tier1_limit = fields.Monetary(
        string="First tier up to (inclusive)",
        currency_field="currency_id",
        default=1000.0,
        help="Proposals whose amount in the company currency is at most this amount "
        "are approved by the first tier.",
    )
    cs_tier2_limit = fields.Monetary(
        string="Third tier from (inclusive)",
        currency_field="currency_id",
        default=5000.0,
        help="Proposals from this amount on are approved by the third tier; between "
        "the two limits (both excluded) by the second tier.",
    )

    @api.constrains("cs_tier1_limit", "cs_tier2_limit")
    def _check_cs_tier_limits(self):
        for company in self:
            if company.cs_tier1_limit <= 0 or (
                company.cs_tier2_limit <= company.cs_tier1_limit
            ):
                raise ValidationError(
                    self.env._(
                        "The approval limits of %(company)s must be positive and the "
                        "third tier's limit above the first tier's.",
                        company=company.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        self._cs_sync_tier_definitions()
        return companies

    @api.model
    def _cs_tier_domains(self):
        """The domains of the three tier definitions from every company's limits:
        plain amount conditions when all companies share the same limits, else one
        branch per set of limits with the companies that use it."""
        # sudo: every company's limits, whoever saves the settings
        groups = {
            (low, high): ids
            for low, high, ids in self.sudo()
            .with_context(active_test=False)
            ._read_group([], ["cs_tier1_limit", "cs_tier2_limit"], ["id:array_agg"])
        }

        def conditions(low, high):
            return (
                [("amount_company", "<=", low)],
                [("amount_company", ">", low), ("amount_company", "<", high)],
                [("amount_company", ">=", high)],
            )

        if len(groups) == 1:
            return [str(d) for d in conditions(*next(iter(groups)))]
        domains = [[], [], []]
        for (low, high), company_ids in sorted(groups.items()):
            for index, condition in enumerate(conditions(low, high)):
                branch = ["&"] * len(condition) + [
                    ("company_id", "in", company_ids),
                    *condition,
                ]
                if domains[index]:
                    domains[index] = ["|", *domains[index], *branch]
                else:
                    domains[index] = branch
        return [str(d) for d in domains]

    @api.model
    def _cs_sync_tier_definitions(self):
        """Write the tier definitions' domains from the companies' limits (called
        by the approval settings after their check, and when a company is
        created)."""
        domains = self._cs_tier_domains()
        for xmlid, domain in zip(TIER_XMLIDS, domains, strict=True):
            # sudo: the definitions are technical data, written from the settings
            definition = self.env.ref(xmlid, raise_if_not_found=False)
            if definition:
                definition.sudo().definition_domain = domain
