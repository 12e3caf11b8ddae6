from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common_resolution import CsResolutionCommon


@tagged("post_install", "-at_install")
class TestTierRouting(CsResolutionCommon):
    def _group_for(self, amount):
        proposal = self._proposal(amount=amount)
        proposal.with_user(self.agent1).action_submit()
        self.assertEqual(proposal.state, "to_approve")
        self.assertEqual(len(proposal.review_ids), 1)
        return proposal.review_ids.reviewer_group_id

    def test_boundaries_inclusive(self):
        sdm = self.env.ref("cs_resolution.group_cs_sales_dept_manager")
        dgm = self.env.ref("cs_resolution.group_cs_deputy_gm")
        gm = self.env.ref("cs_resolution.group_cs_gm")
        for amount, group in [
            (999.99, sdm),
            (1000.0, sdm),
            (1000.01, dgm),
            (4999.99, dgm),
            (5000.0, gm),
            (5000.01, gm),
        ]:
            with self.subTest(amount=amount):
                self.assertEqual(self._group_for(amount), group)

    def test_other_currency_converted(self):
        usd = self.env.ref("base.USD")
        eur = self.env.ref("base.EUR")
        other = usd if self.company.currency_id != usd else eur
        other.active = True
        self.env["res.currency.rate"].create(
            {"currency_id": other.id, "rate": 0.1, "company_id": self.company.id}
        )
        # 600 in the other currency = 6000 in company currency → General Manager
        proposal = self._proposal(amount=600.0, currency_id=other.id)
        self.assertAlmostEqual(proposal.amount_company, 6000.0, places=2)
        proposal.with_user(self.agent1).action_submit()
        self.assertEqual(
            proposal.review_ids.reviewer_group_id,
            self.env.ref("cs_resolution.group_cs_gm"),
        )

    def test_thresholds_are_editable_data(self):
        definition = self.env.ref(
            "cs_resolution.tier_definition_cs_resolution_sales_manager"
        )
        definition.definition_domain = "[('amount_company', '<=', 2000)]"
        dgm_def = self.env.ref("cs_resolution.tier_definition_cs_resolution_deputy_gm")
        dgm_def.definition_domain = (
            "[('amount_company', '>', 2000), ('amount_company', '<', 5000)]"
        )
        self.assertEqual(
            self._group_for(1500.0),
            self.env.ref("cs_resolution.group_cs_sales_dept_manager"),
        )


@tagged("post_install", "-at_install")
class TestTierApproval(CsResolutionCommon):
    def test_reviewer_approves(self):
        proposal = self._proposal(amount=2000.0)
        self._approve(proposal)
        self.assertEqual(proposal.approved_amount, 2000.0)
        self.assertEqual(proposal.review_ids.done_by, self.deputy_gm)

    def test_non_reviewer_refused(self):
        proposal = self._proposal(amount=2000.0)
        proposal.with_user(self.agent1).action_submit()
        for user in (self.sales_mgr, self.agent1, self.manager):
            with self.subTest(user=user.login):
                with self.assertRaisesMsg(UserError, "no review to do"):
                    proposal.with_user(user).validate_tier()
        self.assertEqual(proposal.state, "to_approve")
        self.assertEqual(proposal.review_ids.status, "pending")

    def test_reject(self):
        proposal = self._proposal(amount=300.0)
        proposal.with_user(self.agent1).action_submit()
        proposal.with_user(self.sales_mgr).reject_tier()
        self.assertEqual(proposal.state, "rejected")
        with self.assertRaisesMsg(AccessError, "can no longer be changed"):
            proposal.with_user(self.agent1).write({"facts": "changed"})

    def test_review_write_refused(self):
        proposal = self._proposal(amount=2000.0)
        proposal.with_user(self.agent1).action_submit()
        review = proposal.review_ids
        # the requester approving their own request, the reviewer approving
        # without the button, and somebody else: all refused
        for user in (self.agent1, self.deputy_gm, self.sales_mgr):
            with self.subTest(user=user.login):
                with self.assertRaisesMsg(AccessError, "cannot be written directly"):
                    review.with_user(user).write(
                        {"status": "approved", "done_by": user.id}
                    )
        with self.assertRaisesMsg(AccessError, "cannot be written directly"):
            review.with_user(self.agent1).write({"reviewer_ids": [(4, self.agent1.id)]})
        with self.assertRaisesMsg(AccessError, "cannot be written directly"):
            review.with_user(self.agent1).unlink()
        with self.assertRaisesMsg(AccessError, "cannot be written directly"):
            self.env["tier.review"].with_user(self.agent1).create(
                {
                    "model": "cs.resolution",
                    "res_id": proposal.id,
                    "definition_id": review.definition_id.id,
                    "status": "approved",
                }
            )
        with self.assertRaises(AccessError):  # approvers only read proposals
            proposal.with_user(self.deputy_gm).write(
                {"review_ids": [(1, review.id, {"status": "approved"})]}
            )
        with self.assertRaises(AccessError):
            proposal.with_user(self.agent1).write(
                {"review_ids": [(1, review.id, {"status": "approved"})]}
            )
        self.assertEqual(review.status, "pending")
        self.assertEqual(proposal.state, "to_approve")

    def test_request_validation_only_through_submit(self):
        proposal = self._proposal(amount=200.0)
        with self.assertRaisesMsg(UserError, "Submit for approval"):
            proposal.with_user(self.agent1).request_validation()
        self.assertFalse(proposal.review_ids)

    def test_state_write_refused(self):
        proposal = self._proposal(amount=200.0)
        with self.assertRaisesMsg(AccessError, "workflow's own actions"):
            proposal.with_user(self.agent1).write({"state": "approved"})
        with self.assertRaisesMsg(AccessError, "workflow's own actions"):
            proposal.with_user(self.manager).write({"approved_amount": 5})

    def test_no_edit_under_validation(self):
        proposal = self._proposal(amount=2000.0)
        proposal.with_user(self.agent1).action_submit()
        with self.assertRaisesMsg(AccessError, "its lines cannot be changed"):
            proposal.line_ids.with_user(self.agent1).write({"quantity": 5})
        with self.assertRaisesMsg(AccessError, "cannot be changed in this state"):
            proposal.with_user(self.agent1).write({"resolution_type": "discount"})
        self.assertEqual(proposal.amount_total, 2000.0)
        # the requester takes it back: draft again, reviews removed
        proposal.with_user(self.agent1).restart_validation()
        self.assertEqual(proposal.state, "draft")
        self.assertFalse(proposal.review_ids)

    def test_approved_amount_frozen(self):
        """The approved amount is frozen at approval: lines and amounts of an
        approved proposal cannot change (a new proposal supersedes it)."""
        proposal = self._approve(self._proposal(amount=800.0))
        self.assertEqual(proposal.approved_amount, 800.0)
        with self.assertRaisesMsg(AccessError, "can no longer be changed"):
            proposal.line_ids.with_user(self.agent1).write({"price_unit": 3000.0})
        with self.assertRaisesMsg(AccessError, "can no longer be changed"):
            proposal.with_user(self.agent1).write(
                {"line_ids": [(0, 0, {"name": "More", "price_unit": 10.0})]}
            )
        with self.assertRaisesMsg(AccessError, "its lines cannot be changed"):
            self.env["cs.resolution.line"].with_user(self.agent1).create(
                {"resolution_id": proposal.id, "name": "More", "price_unit": 10.0}
            )
        with self.assertRaisesMsg(AccessError, "can no longer be changed"):
            proposal.with_user(self.agent1).write({"facts": "rewritten"})
        self.assertEqual(proposal.state, "approved")
        self.assertEqual(proposal.approved_amount, 800.0)
        self.assertEqual(proposal.amount_total, 800.0)

    def test_approved_message_told_once(self):
        proposal = self._approve(
            self._proposal(amount=800.0, customer_message="We refund 800.")
        )
        proposal.with_user(self.agent1)._cs_notify_customer("phone", "We refund 800.")
        with self.assertRaisesMsg(AccessError, "can no longer be changed"):
            proposal.with_user(self.agent1).write({"customer_message": "Other"})
        self.assertEqual(proposal.customer_message, "We refund 800.")

    def test_comment_wizard_only_own_reviews(self):
        proposal = self._proposal(amount=2000.0)
        proposal.with_user(self.agent1).action_submit()
        wizard = (
            self.env["comment.wizard"]
            .with_user(self.sales_mgr)
            .create(
                {
                    "res_model": "cs.resolution",
                    "res_id": proposal.id,
                    "review_ids": [(6, 0, proposal.review_ids.ids)],
                    "validate_reject": "validate",
                    "comment": "ok",
                }
            )
        )
        with self.assertRaisesMsg(AccessError, "own pending reviews"):
            wizard.add_comment()
        self.assertEqual(proposal.state, "to_approve")
