from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common_resolution import CsResolutionCommon


@tagged("post_install", "-at_install", "security")
class TestResolutionAccess(CsResolutionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.department = cls.env["hr.department"].create({"name": "Production"})
        cls.employee = cls.env["hr.employee"].create(
            {"name": "Wang Wu", "department_id": cls.department.id}
        )

    def _with_responsibility(self):
        proposal = self._proposal(amount=300.0)
        self.env["cs.responsibility"].with_user(self.supervisor).create(
            {
                "resolution_id": proposal.id,
                "department_id": self.department.id,
                "employee_id": self.employee.id,
                "loss_amount": 300.0,
                "penalty_amount": 50.0,
                "disciplinary_type": "warning",
            }
        )
        return proposal

    def test_agent_scope(self):
        proposal = self._proposal(amount=300.0)
        self.assertTrue(proposal.with_user(self.agent2).read(["name"]))
        with self.assertRaises(AccessError):
            proposal.with_user(self.agent_b).read(["name"])
        with self.assertRaises(AccessError):
            proposal.with_user(self.agent_other_co).read(["name"])
        with self.assertRaises(AccessError):
            proposal.with_user(self.portal_user).read(["name"])
        with self.assertRaises(AccessError):
            self.Resolution.with_user(self.portal_user).create(
                {"ticket_id": proposal.ticket_id.id}
            )

    def test_approvers_read_only(self):
        proposal = self._proposal(amount=300.0)
        for user in (self.sales_mgr, self.deputy_gm, self.gm):
            with self.subTest(user=user.login):
                self.assertTrue(proposal.with_user(user).read(["amount_total"]))
                with self.assertRaises(AccessError):
                    proposal.with_user(user).write({"facts": "x"})
                with self.assertRaises(AccessError):
                    proposal.with_user(user).action_submit()

    def test_finance_and_warehouse_read(self):
        proposal = self._approve(
            self._proposal(lines=[(self.product, 2, 50)], rtype="return")
        )
        for user in (self.accountant, self.stock_user):
            with self.subTest(user=user.login):
                self.assertEqual(
                    proposal.with_user(user).read(["approved_qty"])[0]["approved_qty"],
                    2,
                )
                with self.assertRaises(AccessError):
                    proposal.with_user(user).write({"facts": "x"})
        with self.assertRaises(AccessError):
            proposal.with_user(self.stock_user).action_create_credit_note()
        # the accountant makes the credit note from the proposal too
        proposal.with_user(self.accountant).action_create_credit_note()
        self.assertTrue(proposal.credit_note_ids)

    def test_hr_reads_responsibility(self):
        proposal = self._with_responsibility()
        self.assertEqual(proposal.loss_amount, 300.0)
        self.assertEqual(proposal.penalty_amount, 50.0)
        lines = (
            self.env["cs.responsibility"]
            .with_user(self.hr_user)
            .search([("employee_id", "=", self.employee.id)])
        )
        self.assertEqual(lines.penalty_amount, 50.0)
        self.assertEqual(lines.disciplinary_type, "warning")
        with self.assertRaises(AccessError):
            lines.with_user(self.hr_user).write({"penalty_amount": 0})
        with self.assertRaises(AccessError):
            self.env["cs.responsibility"].with_user(self.portal_user).search([])
        with self.assertRaises(AccessError):
            lines.with_user(self.agent_other_co).read(["loss_amount"])
        with self.assertRaises(AccessError):
            proposal.with_user(self.hr_user).read(["name"])

    def test_other_company_proposal_hidden(self):
        proposal = self._proposal(amount=300.0)
        self.assertFalse(
            self.Resolution.with_user(self.agent_other_co).search(
                [("id", "=", proposal.id)]
            )
        )
