from odoo import Command, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare

from .account_move import cs_link_step
from .cs_resolution import CREDIT_TYPES, RETURN_TYPES


class CsResolution(models.Model):
    """Documents of an approved proposal: the draft credit note (R14) and the
    return of the original delivery (R15), limited to the approved amounts."""

    _inherit = "cs.resolution"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------ credit note
    def _cs_check_agent(self):
        if self.env.user.has_group("cs_center.group_cs_agent"):
            self.check_access("write")
        elif self.env.user.has_group("account.group_account_invoice"):
            self.check_access("read")
        else:
            raise AccessError(
                self.env._("Only customer-service or accounting users can do this.")
            )

    def _prepare_credit_line_vals(self):
        self.ensure_one()
        company = self.company_id
        vals_list = []
        for line in self.line_ids:
            product = line.product_id or company.cs_credit_product_id
            vals = {
                "name": line.name or product.display_name or self.name,
                "quantity": line.quantity,
                "price_unit": line.price_unit,
                "tax_ids": [Command.clear()],
            }
            if product:
                vals["product_id"] = product.id
            if company.cs_credit_account_id:
                vals["account_id"] = company.cs_credit_account_id.id
            vals_list.append(vals)
        return vals_list

    def action_create_credit_note(self):
        """Approved compensation/discount/return → a draft customer credit note,
        reversing the original invoice when there is one."""
        self.ensure_one()
        self._cs_check_agent()
        if self.state != "approved" or self.resolution_type not in CREDIT_TYPES:
            raise UserError(
                self.env._(
                    "A credit note is made from an approved compensation, discount or "
                    "return proposal (%(name)s).",
                    name=self.display_name,
                )
            )
        if self.credit_note_state not in ("none", "cancel"):
            raise UserError(
                self.env._(
                    "%(name)s already has a credit note.", name=self.display_name
                )
            )
        # sudo: CS users have no accounting rights; the credit note is a draft built
        # from the approved proposal, and only accounting users can post it
        invoice = self.invoice_id.sudo()
        if invoice:
            if invoice.state != "posted":
                raise UserError(
                    self.env._(
                        "Invoice %(invoice)s is not posted: only a posted invoice can "
                        "be reversed by a credit note.",
                        invoice=invoice.display_name,
                    )
                )
            if invoice.currency_id != self.currency_id:
                raise UserError(
                    self.env._(
                        "The proposal is in %(cur)s but invoice %(invoice)s is in "
                        "%(inv_cur)s.",
                        cur=self.currency_id.name,
                        invoice=invoice.display_name,
                        inv_cur=invoice.currency_id.name,
                    )
                )
            # sudo: see above; the reversal only drafts a credit note of the invoice
            reversal = (
                self.env["account.move.reversal"]
                .sudo()
                .with_context(active_model="account.move", active_ids=invoice.ids)
                .create(
                    {
                        "move_ids": [Command.set(invoice.ids)],
                        "journal_id": invoice.journal_id.id,
                        "reason": self.name,
                        "date": fields.Date.context_today(self),
                    }
                )
            )
            reversal.refund_moves()
            refund = reversal.new_move_ids
            with cs_link_step(self.env, "account.move"):
                refund.write(
                    {
                        "invoice_line_ids": [Command.clear()]
                        + [Command.create(v) for v in self._prepare_credit_line_vals()],
                        "cs_resolution_id": self.id,
                        "cs_ticket_id": self.ticket_id.id,
                    }
                )
        else:
            # sudo: see above; a draft built from the approved lines only
            with cs_link_step(self.env, "account.move"):
                refund = (
                    self.env["account.move"]
                    # sudo: see above; a draft from the approved lines only
                    .sudo()
                    .with_company(self.company_id)
                    .create(
                        {
                            "move_type": "out_refund",
                            "partner_id": self.partner_id.commercial_partner_id.id,
                            "currency_id": self.currency_id.id,
                            "company_id": self.company_id.id,
                            "ref": self.name,
                            "invoice_date": fields.Date.context_today(self),
                            "cs_resolution_id": self.id,
                            "cs_ticket_id": self.ticket_id.id,
                            "invoice_line_ids": [
                                Command.create(v)
                                for v in self._prepare_credit_line_vals()
                            ],
                        }
                    )
                )
        self._cs_check_credit_limit()
        self._cs_refresh_reconciliation()
        self._cs_log(
            body=self.env._(
                "Draft credit note created: %(move)s", move=refund.display_name
            )
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": refund.id,
            "view_mode": "form",
        }

    def _cs_credited_totals(self):
        """{resolution id: (draft, posted)} in the proposal currency."""
        result = {}
        for rec in self:
            draft = posted = 0.0
            # sudo: totals of the proposal's own credit notes
            for move in rec.sudo().credit_note_ids:
                if move.state == "cancel":
                    continue
                amount = move.currency_id._convert(
                    move.amount_total,
                    rec.currency_id,
                    rec.company_id,
                    move.invoice_date or fields.Date.context_today(rec),
                )
                if move.state == "posted":
                    posted += amount
                else:
                    draft += amount
            result[rec.id] = (draft, posted)
        return result

    def _cs_check_credit_limit(self):
        totals = self._cs_credited_totals()
        for rec in self:
            draft, posted = totals[rec.id]
            if (
                float_compare(
                    draft + posted,
                    rec.approved_amount,
                    precision_rounding=rec.currency_id.rounding,
                )
                > 0
            ):
                raise ValidationError(
                    self.env._(
                        "The credit notes of %(name)s total %(total)s, above the "
                        "approved amount %(approved)s.",
                        name=rec.display_name,
                        total=draft + posted,
                        approved=rec.approved_amount,
                    )
                )

    # ------------------------------------------------------------------ return
    def action_create_return(self):
        """Approved return/re-processing → a return of the original delivery for
        the approved quantities still to return."""
        self.ensure_one()
        self._cs_check_agent()
        if self.state != "approved" or self.resolution_type not in RETURN_TYPES:
            raise UserError(
                self.env._(
                    "A return is made from an approved return or re-processing "
                    "proposal (%(name)s).",
                    name=self.display_name,
                )
            )
        # sudo: CS users have no inventory rights; quantities come from the approved
        # proposal and the warehouse validates the receipt
        delivery = self.delivery_id.sudo()
        if not delivery or delivery.state != "done":
            raise UserError(
                self.env._(
                    "%(name)s needs a validated original delivery to return from.",
                    name=self.display_name,
                )
            )
        remaining = self._cs_remaining_return_qty()
        if not any(q > 0 for q in remaining.values()):
            raise UserError(
                self.env._(
                    "Every approved quantity of %(name)s is already in a return.",
                    name=self.display_name,
                )
            )
        # sudo: see above; the return is limited to the approved quantities
        wizard = (
            self.env["stock.return.picking"]
            .sudo()
            .with_context(active_model="stock.picking", active_id=delivery.id)
            .create({"picking_id": delivery.id})
        )
        delivered = set()
        for line in wizard.product_return_moves:
            qty = min(remaining.get(line.product_id.id, 0.0), line.move_id.quantity)
            line.quantity = max(qty, 0.0)
            remaining[line.product_id.id] = remaining.get(line.product_id.id, 0.0) - qty
            delivered.add(line.product_id.id)
        missing = [
            pid for pid, q in remaining.items() if q > 0 and pid not in delivered
        ]
        if missing:
            raise UserError(
                self.env._(
                    "Products %(products)s are not in delivery %(delivery)s.",
                    products=", ".join(
                        self.env["product.product"]
                        .browse(missing)
                        .mapped("display_name")
                    ),
                    delivery=delivery.display_name,
                )
            )
        picking = wizard._create_return()
        with cs_link_step(self.env, "stock.picking"):
            picking.write(
                {"cs_resolution_id": self.id, "cs_ticket_id": self.ticket_id.id}
            )
        picking._cs_check_return_quantities()
        self._cs_refresh_reconciliation()
        self._cs_log(
            body=self.env._("Return created: %(picking)s", picking=picking.display_name)
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "stock.picking",
            "res_id": picking.id,
            "view_mode": "form",
        }

    def _cs_approved_qty_by_product(self):
        self.ensure_one()
        result = {}
        for line in self.line_ids:
            result[line.product_id.id] = (
                result.get(line.product_id.id, 0.0) + line.quantity
            )
        return result

    def _cs_remaining_return_qty(self):
        self.ensure_one()
        remaining = self._cs_approved_qty_by_product()
        # sudo: quantities of the proposal's own returns
        moves = self.sudo().return_picking_ids.move_ids.filtered(
            lambda m: m.state != "cancel"
        )
        for move in moves:
            remaining[move.product_id.id] = remaining.get(move.product_id.id, 0.0) - (
                move.product_qty
            )
        return remaining
