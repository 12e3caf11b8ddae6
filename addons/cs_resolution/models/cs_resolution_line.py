from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CsResolutionLine(models.Model):
    """Lines of a proposal: governed by the proposal's state through the workflow
    layer (``_cs_parent_field``): changed in draft only, frozen under approval
    and in every decided state; the subtotal is never written by a client."""

    _name = "cs.resolution.line"
    _description = "Complaint resolution line"
    _inherit = ["cs.workflow.mixin"]
    _order = "resolution_id, sequence, id"
    _check_company_auto = True

    _cs_parent_field = "resolution_id"

    resolution_id = fields.Many2one(
        comodel_name="cs.resolution", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        related="resolution_id.company_id", store=True, precompute=True
    )
    currency_id = fields.Many2one(related="resolution_id.currency_id")
    product_id = fields.Many2one(comodel_name="product.product", check_company=True)
    name = fields.Char(string="Description")
    quantity = fields.Float(
        default=1.0, digits="Product Unit of Measure", required=True
    )
    price_unit = fields.Monetary(string="Unit price", required=True, default=0.0)
    subtotal = fields.Monetary(compute="_compute_subtotal", store=True)

    @api.depends("quantity", "price_unit")
    def _compute_subtotal(self):
        for line in self:
            line.subtotal = line.quantity * line.price_unit

    @api.constrains("quantity", "price_unit")
    def _check_values(self):
        bad = self.filtered(lambda line: line.quantity <= 0 or line.price_unit < 0)
        if bad:
            raise ValidationError(
                self.env._(
                    "Resolution lines need a positive quantity and a price that is not "
                    "negative: %(lines)s",
                    lines=", ".join(
                        (line.name or line.product_id.display_name or "?")
                        for line in bad
                    ),
                )
            )
