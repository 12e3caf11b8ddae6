from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

from .account_move import cs_check_links


class StockPicking(models.Model):
    _inherit = "stock.picking"

    cs_resolution_id = fields.Many2one(
        comodel_name="cs.resolution",
        string="Complaint resolution",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    cs_ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket",
        string="Helpdesk ticket",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )

    @api.model_create_multi
    def create(self, vals_list):
        cs_check_links(self, vals_list)
        return super().create(vals_list)

    def write(self, vals):
        cs_check_links(self, [vals])
        return super().write(vals)

    def _cs_check_return_quantities(self, field="product_qty"):
        """Returns of a proposal never exceed its approved quantities (R15)."""
        for resolution in self.cs_resolution_id:
            approved = resolution._cs_approved_qty_by_product()
            # sudo: all returns of the proposal count, whoever sees them
            moves = resolution.sudo().return_picking_ids.move_ids.filtered(
                lambda m: m.state != "cancel"
            )
            planned = {}
            for move in moves:
                qty = move.product_qty
                if field == "quantity":
                    qty = move.product_uom._compute_quantity(
                        move.quantity, move.product_id.uom_id
                    )
                planned[move.product_id] = planned.get(move.product_id, 0.0) + qty
            for product, qty in planned.items():
                if (
                    float_compare(
                        qty,
                        approved.get(product.id, 0.0),
                        precision_rounding=product.uom_id.rounding,
                    )
                    > 0
                ):
                    raise UserError(
                        self.env._(
                            "%(qty)s %(product)s exceed the %(approved)s approved by "
                            "%(name)s.",
                            qty=qty,
                            product=product.display_name,
                            approved=approved.get(product.id, 0.0),
                            name=resolution.display_name,
                        )
                    )

    def _action_done(self):
        linked = self.filtered("cs_resolution_id")
        if linked:
            linked._cs_check_return_quantities(field="quantity")
        res = super()._action_done()
        if linked:
            linked.cs_resolution_id._cs_refresh_reconciliation()
        return res

    def action_cancel(self):
        res = super().action_cancel()
        if self.cs_resolution_id:
            self.cs_resolution_id._cs_refresh_reconciliation()
        return res


class StockMove(models.Model):
    _inherit = "stock.move"

    @api.model_create_multi
    def create(self, vals_list):
        moves = super().create(vals_list)
        pickings = moves.picking_id.filtered("cs_resolution_id")
        if pickings:
            pickings._cs_check_return_quantities()
        return moves

    def write(self, vals):
        res = super().write(vals)
        if {"product_uom_qty", "product_id", "picking_id", "state"} & vals.keys():
            pickings = self.picking_id.filtered("cs_resolution_id")
            if pickings:
                pickings._cs_check_return_quantities()
        return res
