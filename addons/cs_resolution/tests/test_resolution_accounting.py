from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common_resolution import CsResolutionCommon


@tagged("post_install", "-at_install")
class TestCreditNote(CsResolutionCommon):
    def test_credit_note_from_invoice(self):
        proposal = self._approve(self._proposal(amount=300.0))
        proposal.with_user(self.agent1).action_create_credit_note()
        refund = proposal.credit_note_ids
        self.assertEqual(refund.move_type, "out_refund")
        self.assertEqual(refund.state, "draft")
        self.assertEqual(refund.reversed_entry_id, self.invoice)
        self.assertEqual(refund.cs_ticket_id, proposal.ticket_id)
        self.assertIn(refund, proposal.ticket_id.cs_move_ids)
        self.assertAlmostEqual(refund.amount_total, 300.0)
        self.assertEqual(proposal.credit_note_state, "draft")
        self.assertEqual(proposal.reconcile_state, "pending")
        # only accounting users post
        with self.assertRaises(AccessError):
            refund.with_user(self.agent1).action_post()
        with self.assertRaisesMsg(AccessError, "Only accounting users"):
            refund.with_user(self.manager).sudo(False)._cs_check_can_post()
        refund.with_user(self.accountant).action_post()
        self.assertEqual(proposal.credit_note_state, "posted")
        self.assertEqual(proposal.credited_amount, 300.0)
        self.assertEqual(proposal.reconcile_state, "matched")

    def test_standalone_credit_note(self):
        account = self.env["account.account"].search(
            [("account_type", "=", "income"), ("company_ids", "in", self.company.id)],
            limit=1,
        )
        self.company.cs_credit_account_id = account
        ticket = self._ticket_with_docs(invoice=False, delivery=False)
        proposal = self._approve(
            self._proposal(lines=[(False, 1.0, 150.0)], ticket=ticket)
        )
        proposal.with_user(self.agent1).action_create_credit_note()
        refund = proposal.credit_note_ids
        self.assertFalse(refund.reversed_entry_id)
        self.assertEqual(refund.invoice_line_ids.account_id, account)
        self.assertAlmostEqual(refund.amount_total, 150.0)

    def test_credit_above_approved_refused(self):
        proposal = self._approve(self._proposal(amount=300.0))
        proposal.with_user(self.agent1).action_create_credit_note()
        refund = proposal.credit_note_ids
        line = refund.invoice_line_ids
        with self.assertRaisesMsg(ValidationError, "above the approved amount"):
            refund.with_user(self.accountant).write(
                {"invoice_line_ids": [Command.update(line.id, {"price_unit": 301.0})]}
            )
        with self.assertRaisesMsg(ValidationError, "above the approved amount"):
            refund.with_user(self.accountant).write(
                {
                    "invoice_line_ids": [
                        Command.update(
                            line.id,
                            {
                                "tax_ids": [
                                    Command.set(
                                        self.env["account.tax"]
                                        .search(
                                            [
                                                ("type_tax_use", "=", "sale"),
                                                ("amount", ">", 0),
                                                ("company_id", "=", self.company.id),
                                            ],
                                            limit=1,
                                        )
                                        .ids
                                    )
                                ]
                            },
                        )
                    ]
                }
            )
        self.assertAlmostEqual(refund.amount_total, 300.0)
        # a second credit note would exceed too
        with self.assertRaisesMsg(UserError, "already has a credit note"):
            proposal.with_user(self.agent1).action_create_credit_note()

    def test_unposted_invoice_refused(self):
        draft = self._make_invoice(self.customer, self.product, 1, 100.0, post=False)
        ticket = self._complaint()
        ticket.sudo().cs_invoice_id = draft
        proposal = self._approve(self._proposal(amount=50.0, ticket=ticket))
        moves_before = self.env["account.move"].search_count([])
        with self.assertRaisesMsg(UserError, "not posted"):
            proposal.with_user(self.agent1).action_create_credit_note()
        self.assertEqual(self.env["account.move"].search_count([]), moves_before)
        self.assertFalse(proposal.credit_note_ids)

    def test_credit_note_needs_approval(self):
        proposal = self._proposal(amount=300.0)
        with self.assertRaisesMsg(UserError, "approved compensation"):
            proposal.with_user(self.agent1).action_create_credit_note()


@tagged("post_install", "-at_install")
class TestReturn(CsResolutionCommon):
    def _return_proposal(self, qty=4.0, price=100.0, rtype="return"):
        return self._approve(
            self._proposal(lines=[(self.product, qty, price)], rtype=rtype)
        )

    def test_return_for_approved_quantities(self):
        proposal = self._return_proposal()
        proposal.with_user(self.agent1).action_create_return()
        picking = proposal.return_picking_ids
        self.assertEqual(picking.return_id, self.delivery)
        self.assertEqual(picking.picking_type_code, "incoming")
        self.assertEqual(picking.move_ids.product_uom_qty, 4.0)
        self.assertEqual(picking.cs_ticket_id, proposal.ticket_id)
        self.assertEqual(proposal.return_state, "open")
        with self.assertRaisesMsg(UserError, "already in a return"):
            proposal.with_user(self.agent1).action_create_return()

    def test_return_above_approved_refused(self):
        proposal = self._return_proposal()
        proposal.with_user(self.agent1).action_create_return()
        picking = proposal.return_picking_ids.with_user(self.stock_user)
        with self.assertRaisesMsg(UserError, "exceed the 4.0 approved"):
            picking.move_ids.write({"product_uom_qty": 5.0})
        with self.assertRaisesMsg(UserError, "exceed the 4.0 approved"):
            self._receive(picking, qty=6.0)
        self.assertEqual(picking.state, "assigned")
        self._receive(picking)
        self.assertEqual(proposal.received_qty, 4.0)

    def test_reconciliation_states(self):
        proposal = self._return_proposal()
        self.assertEqual(proposal.reconcile_state, "pending")
        proposal.with_user(self.agent1).action_create_return()
        proposal.with_user(self.agent1).action_create_credit_note()
        refund = proposal.credit_note_ids
        # cannot post while the goods are not back
        with self.assertRaisesMsg(UserError, "0.0 of 4.0 approved units"):
            refund.with_user(self.accountant).action_post()
        self.assertEqual(refund.state, "draft")
        # a partial receipt closed short: mismatch
        picking = proposal.return_picking_ids
        picking.move_ids.quantity = 3.0
        picking.move_ids.picked = True
        picking.with_context(cancel_backorder=True)._action_done()
        self.assertEqual(proposal.received_qty, 3.0)
        self.assertEqual(proposal.reconcile_state, "mismatch")
        self.assertEqual(proposal.reconcile_reason, "received_less")
        finance = (
            self.env["cs.resolution"]
            .with_user(self.accountant)
            .search([("reconcile_state", "=", "mismatch")])
        )
        self.assertIn(proposal, finance)

    def test_matched_after_receipt_and_post(self):
        proposal = self._return_proposal()
        proposal.with_user(self.agent1).action_create_return()
        proposal.with_user(self.agent1).action_create_credit_note()
        self._receive(proposal.return_picking_ids.with_user(self.stock_user))
        self.assertEqual(proposal.reconcile_state, "pending")
        proposal.credit_note_ids.with_user(self.accountant).action_post()
        self.assertEqual(proposal.reconcile_state, "matched")
        self.assertFalse(proposal.reconcile_reason)

    def test_override_by_finance_manager(self):
        proposal = self._return_proposal()
        proposal.with_user(self.agent1).action_create_return()
        proposal.with_user(self.agent1).action_create_credit_note()
        with self.assertRaisesMsg(AccessError, "finance manager"):
            proposal.with_user(self.accountant)._cs_finance_override("urgent")
        with self.assertRaisesMsg(ValidationError, "reason"):
            proposal.with_user(self.finance_mgr)._cs_finance_override(" ")
        action = proposal.with_user(self.finance_mgr).action_finance_override()
        self.env[action["res_model"]].with_user(self.finance_mgr).with_context(
            **action["context"]
        ).create({"reason": "Customer is a key account"}).action_confirm()
        self.assertEqual(proposal.reconcile_override_user_id, self.finance_mgr)
        self.assertIn("key account", proposal.message_ids[0].body)
        proposal.credit_note_ids.with_user(self.accountant).action_post()
        self.assertEqual(proposal.reconcile_state, "mismatch")
        self.assertEqual(proposal.reconcile_reason, "credited_before_receipt")

    def test_mismatch_credited_less(self):
        proposal = self._approve(self._proposal(amount=300.0))
        proposal.with_user(self.agent1).action_create_credit_note()
        refund = proposal.credit_note_ids
        refund.with_user(self.accountant).write(
            {
                "invoice_line_ids": [
                    Command.update(refund.invoice_line_ids.id, {"price_unit": 200.0})
                ]
            }
        )
        refund.with_user(self.accountant).action_post()
        self.assertEqual(proposal.reconcile_state, "mismatch")
        self.assertEqual(proposal.reconcile_reason, "credited_less")

    def test_mismatch_received_more_and_credited_more(self):
        # rows changed behind the ORM's back (e.g. an import): the SQL refresh sees it
        proposal = self._return_proposal()
        proposal.with_user(self.agent1).action_create_return()
        self._receive(proposal.return_picking_ids)
        self.env.cr.execute(
            "UPDATE stock_move SET quantity = 5 WHERE picking_id = %s",
            [proposal.return_picking_ids.id],
        )
        proposal._cs_refresh_reconciliation()
        self.assertEqual(proposal.reconcile_reason, "received_more")
        comp = self._approve(self._proposal(amount=100.0))
        comp.with_user(self.agent1).action_create_credit_note()
        comp.credit_note_ids.with_user(self.accountant).action_post()
        self.env.cr.execute(
            "UPDATE cs_resolution SET approved_amount = 50 WHERE id = %s", [comp.id]
        )
        comp._cs_refresh_reconciliation(all_records=True)
        comp.invalidate_recordset()
        self.assertEqual(comp.reconcile_reason, "credited_more")

    def test_reprocess_matched_without_credit(self):
        proposal = self._return_proposal(rtype="reprocess")
        self.assertFalse(proposal.can_create_credit_note)
        proposal.with_user(self.agent1).action_create_return()
        self._receive(proposal.return_picking_ids)
        self.assertEqual(proposal.reconcile_state, "matched")
