from odoo import fields, models


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
