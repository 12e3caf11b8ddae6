from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common_resolution import CsResolutionCommon


@tagged("post_install", "-at_install")
class TestResolution(CsResolutionCommon):
    def test_defaults_from_ticket(self):
        proposal = self._proposal(amount=100.0)
        self.assertEqual(proposal.invoice_id, self.invoice)
        self.assertEqual(proposal.delivery_id, self.delivery)
        self.assertEqual(proposal.partner_id, self.customer)
        self.assertTrue(proposal.name.startswith("RES/"))
        self.assertEqual(proposal.ticket_id.resolution_count, 1)

    def test_only_on_complaints(self):
        ticket = self.Ticket.with_user(self.agent1).create(self._ticket_vals())
        with self.assertRaisesMsg(ValidationError, "complaint tickets only"):
            self._proposal(amount=10.0, ticket=ticket)

    def test_bad_input(self):
        with self.assertRaisesMsg(ValidationError, "positive quantity"):
            self._proposal(lines=[(self.product, 0.0, 10.0)])
        with self.assertRaisesMsg(ValidationError, "positive quantity"):
            self._proposal(lines=[(self.product, 1.0, -10.0)])
        self.assertFalse(self.Resolution.search([]))
        zero = self._proposal(amount=0.0)
        with self.assertRaisesMsg(ValidationError, "must be positive"):
            zero.with_user(self.agent1).action_submit()
        empty = self._proposal(lines=[])
        with self.assertRaisesMsg(ValidationError, "must be positive"):
            empty.with_user(self.agent1).action_submit()
        self.assertEqual(zero.state, "draft")
        self.assertFalse(zero.review_ids)
        nj = self._proposal(amount=50.0, rtype="not_justified")
        with self.assertRaisesMsg(ValidationError, "no compensation"):
            nj.with_user(self.agent1).action_submit()
        with self.assertRaisesMsg(ValidationError, "needs a product"):
            self._proposal(lines=[(False, 1.0, 10.0)], rtype="return")

    def test_notify_refused_before_approval(self):
        proposal = self._proposal(amount=300.0)
        with self.assertRaisesMsg(UserError, "before approval"):
            proposal.with_user(self.agent1).action_notify_customer()
        proposal.with_user(self.agent1).action_submit()
        with self.assertRaisesMsg(UserError, "before approval"):
            proposal.with_user(self.agent1)._cs_notify_customer("email", "You get 300")
        self.assertFalse(proposal.notify_date)

    def test_notify_after_approval_sends_only_message(self):
        proposal = self._approve(self._proposal(amount=300.0))
        action = proposal.with_user(self.agent1).action_notify_customer()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.agent1)
            .with_context(**action["context"])
            .create({"method": "email", "message": "We refund 300 for the kettle."})
        )
        wizard.action_confirm()
        self.assertEqual(proposal.notify_method, "email")
        self.assertEqual(proposal.notify_user_id, self.agent1)
        message = proposal.ticket_id.message_ids[0]
        self.assertIn(self.customer, message.partner_ids)
        self.assertIn("We refund 300", message.body)
        self.assertNotIn("Leaking seal", message.body)  # internal facts never sent
        proposal.with_user(self.agent1).action_customer_accepts()
        self.assertEqual(proposal.customer_decision, "accepted")

    def test_supersede_keeps_history_read_only(self):
        first = self._approve(self._proposal(amount=300.0))
        first.with_user(self.agent1)._cs_notify_customer("phone", "300 offered")
        action = first.with_user(self.agent1).action_supersede()
        second = self.Resolution.browse(action["res_id"])
        self.assertEqual(first.state, "superseded")
        self.assertEqual(first.customer_decision, "rejected")
        self.assertEqual(second.previous_id, first)
        self.assertEqual(second.state, "draft")
        self.assertEqual(second.amount_total, 300.0)
        with self.assertRaisesMsg(AccessError, "can no longer be changed"):
            first.with_user(self.agent1).write({"facts": "rewritten"})
        with self.assertRaisesMsg(AccessError, "can no longer be changed"):
            first.line_ids.with_user(self.agent1).write({"price_unit": 1.0})
        with self.assertRaisesMsg(AccessError, "cannot be deleted"):
            first.line_ids.with_user(self.agent1).unlink()
        with self.assertRaisesMsg(AccessError, "frozen with the proposal's decision"):
            self.env["cs.responsibility"].with_user(self.supervisor).create(
                {
                    "resolution_id": first.id,
                    "department_id": self.env["hr.department"]
                    .create({"name": "Sales"})
                    .id,
                }
            )
        with self.assertRaisesMsg(AccessError, "cannot be deleted"):
            first.with_user(self.manager).unlink()
        self.assertEqual(first.line_ids.price_unit, 300.0)

    def test_not_justified_follow_up(self):
        self.invoice.sudo().invoice_user_id = self.supervisor
        proposal = self._proposal(lines=[], rtype="not_justified")
        self._approve(proposal)
        activity = proposal.ticket_id.activity_ids.filtered(
            lambda a: a.summary == "Collect the receivable"
        )
        self.assertEqual(activity.user_id, self.supervisor)
        self.assertFalse(proposal.can_create_credit_note)
        with self.assertRaisesMsg(UserError, "approved compensation"):
            proposal.with_user(self.agent1).action_create_credit_note()

    def test_form_views(self):
        for user in (self.agent1, self.deputy_gm, self.accountant, self.stock_user):
            arch = self.Resolution.with_user(user).get_view(view_type="form")["arch"]
            self.assertIn(b"validate_tier", arch)
        ticket = self._ticket_with_docs()
        with Form(self.Resolution.with_user(self.agent1)) as form:
            form.ticket_id = ticket
            form.resolution_type = "discount"
            with form.line_ids.new() as line:
                line.name = "Discount on next order"
                line.quantity = 1
                line.price_unit = 120
        proposal = form.record
        self.assertEqual(proposal.amount_total, 120.0)
        self.assertEqual(proposal.invoice_id, self.invoice)
        ticket_form = Form(ticket.with_user(self.agent1))
        self.assertEqual(ticket_form.resolution_count, 1)
        self.env["res.company"].get_view(view_type="form")
        for model in ("cs.offsite.request", "cs.complaint.review", "cs.responsibility"):
            self.env[model].get_view(view_type="list")
