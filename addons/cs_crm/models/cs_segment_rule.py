from odoo import api, fields, models


class CsSegmentRule(models.Model):
    """R10/R22: when a customer counts as new or key, as data a CS manager edits
    (Helpdesk › Configuration › Customer-service centre › Customer segments)."""

    _name = "cs.segment.rule"
    _description = "New and key customer rules"
    _rec_name = "company_id"

    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.company,
        ondelete="cascade",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    new_days = fields.Integer(
        string="New customer for (days)",
        default=60,
        required=True,
        help="A customer is new when their first won opportunity or first posted "
        "invoice (whichever came first) is at most this many days old.",
    )
    new_from_opportunity = fields.Boolean(string="First won opportunity", default=True)
    new_from_invoice = fields.Boolean(string="First posted invoice", default=True)
    key_category_ids = fields.Many2many(
        comodel_name="res.partner.category",
        string="Key customer tags",
        help="Customers with one of these tags are key customers.",
    )
    key_revenue_months = fields.Integer(
        string="Revenue over (months)", default=12, required=True
    )
    key_revenue_threshold = fields.Monetary(
        string="Key customer from revenue",
        currency_field="currency_id",
        default=100000.0,
        help="Customers whose invoiced revenue (untaxed, credit notes deducted, "
        "company currency) over the period reaches this amount are key customers. "
        "Zero: revenue does not make key customers.",
    )

    _sql_constraints = [
        ("company_uniq", "unique(company_id)", "One rule per company."),
        (
            "positive",
            "CHECK(new_days > 0 AND key_revenue_months > 0)",
            "Days and months must be positive.",
        ),
    ]

    @api.model
    def _cs_rule_for(self, company):
        """The company's rule, or the defaults when it has none (unsaved record)."""
        # sudo: the company's rule, read by the segment job and agents
        rule = self.sudo().search([("company_id", "=", company.id)], limit=1)
        # sudo: defaults as an unsaved record
        return rule or self.sudo().new({"company_id": company.id})
