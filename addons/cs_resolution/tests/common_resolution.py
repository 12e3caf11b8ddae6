from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.cs_center.tests.common import CsCenterCommon


class CsResolutionCommon(CsCenterCommon):
    """Approvers of the three tiers, finance, warehouse and HR users, a posted
    customer invoice and a validated delivery of 10 kettles."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()

        def user(login, groups):
            return new_test_user(
                cls.env,
                login=login,
                groups="base.group_user," + groups,
                company_id=cls.company.id,
                company_ids=[(6, 0, cls.company.ids)],
            )

        cls.sales_mgr = user("cs_sdm", "cs_resolution.group_cs_sales_dept_manager")
        cls.deputy_gm = user("cs_dgm", "cs_resolution.group_cs_deputy_gm")
        cls.deputy_gm2 = user("cs_dgm2", "cs_resolution.group_cs_deputy_gm")
        cls.gm = user("cs_gm", "cs_resolution.group_cs_gm")
        cls.accountant = user("cs_acc", "account.group_account_invoice")
        cls.finance_mgr = user("cs_fin", "account.group_account_manager")
        cls.stock_user = user("cs_stock", "stock.group_stock_user")
        cls.hr_user = user("cs_hr", "hr.group_hr_user")
        cls.product = cls.env["product.product"].create(
            {
                "name": "Kettle K1",
                "type": "consu",
                "is_storable": True,
                "list_price": 100,
            }
        )
        cls.product2 = cls.env["product.product"].create(
            {
                "name": "Kettle lid",
                "type": "consu",
                "is_storable": True,
                "list_price": 20,
            }
        )
        cls.invoice = cls._make_invoice(cls.customer, cls.product, 10, 100.0)
        cls.delivery = cls._make_delivery(cls.customer, cls.product, 10)
        cls.Resolution = cls.env["cs.resolution"]

    @classmethod
    def _make_invoice(cls, partner, product, qty, price, post=True):
        move = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "quantity": qty,
                            "price_unit": price,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        if post:
            move.action_post()
        return move

    @classmethod
    def _make_delivery(cls, partner, product, qty):
        picking_type = cls.env.ref("stock.picking_type_out")
        stock = picking_type.default_location_src_id
        cls.env["stock.quant"]._update_available_quantity(product, stock, qty)
        customers = cls.env.ref("stock.stock_location_customers")
        picking = cls.env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "partner_id": partner.id,
                "location_id": stock.id,
                "location_dest_id": customers.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": product.name,
                            "product_id": product.id,
                            "product_uom_qty": qty,
                            "product_uom": product.uom_id.id,
                            "location_id": stock.id,
                            "location_dest_id": customers.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.action_assign()
        picking.move_ids.quantity = qty
        picking.move_ids.picked = True
        picking._action_done()
        return picking

    def _ticket_with_docs(self, invoice=True, delivery=True):
        ticket = self._complaint()
        ticket.sudo().write(
            {
                "cs_invoice_id": invoice and self.invoice.id or False,
                "cs_delivery_id": delivery and self.delivery.id or False,
            }
        )
        return ticket

    def _proposal(
        self, amount=None, lines=None, rtype="compensation", ticket=None, **kw
    ):
        ticket = ticket or self._ticket_with_docs()
        if lines is None:
            lines = [(self.product, 1.0, amount if amount is not None else 500.0)]
        vals = {
            "ticket_id": ticket.id,
            "resolution_type": rtype,
            "facts": "Leaking seal",
            "line_ids": [
                Command.create(
                    {
                        "product_id": p and p.id,
                        "name": p and p.name or "Compensation",
                        "quantity": q,
                        "price_unit": price,
                    }
                )
                for p, q, price in lines
            ],
        }
        vals.update(kw)
        return self.Resolution.with_user(self.agent1).create(vals).with_env(self.env)

    def _approve(self, proposal):
        proposal.with_user(self.agent1).action_submit()
        reviewer = {
            self.env.ref("cs_resolution.group_cs_sales_dept_manager"): self.sales_mgr,
            self.env.ref("cs_resolution.group_cs_deputy_gm"): self.deputy_gm,
            self.env.ref("cs_resolution.group_cs_gm"): self.gm,
        }[proposal.review_ids.reviewer_group_id]
        proposal.with_user(reviewer).validate_tier()
        self.assertEqual(proposal.state, "approved")
        return proposal

    def _receive(self, picking, qty=None):
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty if qty is None else qty
            move.picked = True
        picking._action_done()
        return picking
