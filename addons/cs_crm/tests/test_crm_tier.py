import xmlrpc.client

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, tagged

from .common_crm import CsCrmCommon


@tagged("post_install", "-at_install")
class TestSalesTeamOnTickets(CsCrmCommon):
    def test_from_customer(self):
        ticket = self._complaint_of(self.customer_a)
        self.assertEqual(ticket.cs_sales_team_id, self.crm_team_a)
        self.assertEqual(ticket.cs_salesperson_id, self.sales_a1)
        proposal = self._proposal(ticket=ticket)
        self.assertEqual(proposal.cs_sales_team_id, self.crm_team_a)
        self.assertEqual(proposal.cs_salesperson_id, self.sales_a1)

    def test_contact_takes_company_team(self):
        contact = self.env["res.partner"].create(
            {"name": "Buyer at A", "parent_id": self.customer_a.id}
        )
        # a contact without its own salesperson: the commercial partner's
        contact.user_id = False
        ticket = self._complaint_of(contact)
        self.assertEqual(ticket.cs_sales_team_id, self.crm_team_a)

    def test_plain_write_refused(self):
        ticket = self._complaint_of(self.customer_a)
        for user in (self.agent1, self.supervisor, self.manager):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    ticket.with_user(user).write(
                        {"cs_sales_team_id": self.crm_team_b.id}
                    )
                with self.assertRaises(AccessError):
                    ticket.with_user(user).write({"cs_sales_overridden": True})
        with self.assertRaises(AccessError):
            self.Ticket.with_user(self.agent1).create(
                self._ticket_vals(cs_sales_team_id=self.crm_team_b.id)
            )
        proposal = self._proposal(ticket=ticket)
        with self.assertRaises(AccessError):
            proposal.with_user(self.agent1).write(
                {"cs_sales_team_id": self.crm_team_b.id}
            )
        self.assertEqual(ticket.cs_sales_team_id, self.crm_team_a)
        self.assertEqual(proposal.cs_sales_team_id, self.crm_team_a)

    def test_supervisor_override_with_reason(self):
        ticket = self._complaint_of(self.customer_a)
        proposal = self._proposal(ticket=ticket)
        with self.assertRaisesMsg(AccessError, "Only a CS supervisor"):
            ticket.with_user(self.agent1)._cs_set_sales(
                self.crm_team_b, self.sales_b1, "wrong team"
            )
        with self.assertRaisesMsg(ValidationError, "reason"):
            ticket.with_user(self.supervisor)._cs_set_sales(
                self.crm_team_b, self.sales_b1, "  "
            )
        wizard = (
            self.env["cs.sales.override.wizard"]
            .with_user(self.supervisor)
            .create(
                {
                    "ticket_id": ticket.id,
                    "team_id": self.crm_team_b.id,
                    "user_id": self.sales_b1.id,
                    "reason": "Customer moved to region B",
                }
            )
        )
        wizard.action_confirm()
        self.assertEqual(ticket.cs_sales_team_id, self.crm_team_b)
        self.assertEqual(ticket.cs_salesperson_id, self.sales_b1)
        self.assertTrue(ticket.cs_sales_overridden)
        self.assertEqual(proposal.cs_sales_team_id, self.crm_team_b)
        self.assertIn("Customer moved to region B", ticket.message_ids[0].body)
        # the customer's change of partner keeps the supervisor's choice
        ticket.with_user(self.agent1).write({"partner_id": self.customer_none.id})
        self.assertEqual(ticket.cs_sales_team_id, self.crm_team_b)

    def test_override_refused_under_approval(self):
        proposal = self._proposal_of(self.customer_a)
        proposal.with_user(self.agent1).action_submit()
        with self.assertRaisesMsg(UserError, "under approval"):
            proposal.ticket_id.with_user(self.supervisor)._cs_set_sales(
                self.crm_team_b, self.sales_b1, "reason"
            )

    def test_override_other_company_team_refused(self):
        team_other = self.env["crm.team"].create(
            {"name": "Other company sales", "company_id": self.company2.id}
        )
        ticket = self._complaint_of(self.customer_a)
        with self.assertRaisesMsg(ValidationError, "another company"):
            ticket.with_user(self.supervisor)._cs_set_sales(
                team_other, self.env["res.users"], "reason"
            )


@tagged("post_install", "-at_install")
class TestFirstTierToLeader(CsCrmCommon):
    def test_routed_to_each_leader(self):
        for customer, leader in (
            (self.customer_a, self.lead_a),
            (self.customer_b, self.lead_b),
        ):
            with self.subTest(leader=leader.login):
                proposal = self._proposal_of(customer)
                proposal.with_user(self.agent1).action_submit()
                self.assertEqual(proposal.review_ids.reviewer_ids, leader)
                self.assertEqual(proposal.review_ids.todo_by, leader.name)
                proposal.with_user(leader).validate_tier()
                self.assertEqual(proposal.state, "approved")
                self.assertEqual(proposal.review_ids.done_by, leader)

    def test_cross_team_refused(self):
        proposal = self._proposal_of(self.customer_b)
        proposal.with_user(self.agent1).action_submit()
        # leader A cannot even read team B's proposal; the group's members are
        # not the reviewers either when the team has a leader
        for user in (self.lead_a, self.sales_mgr, self.sales_b1):
            with self.subTest(user=user.login):
                with self.assertRaises(UserError):
                    proposal.with_user(user).validate_tier()
                with self.assertRaises(UserError):
                    proposal.with_user(user).reject_tier()
        self.assertEqual(proposal.state, "to_approve")
        self.assertEqual(proposal.review_ids.status, "pending")

    def test_leader_who_is_also_group_member_refused_on_other_team(self):
        self.lead_a.groups_id += self.env.ref(
            "cs_resolution.group_cs_sales_dept_manager"
        )
        proposal = self._proposal_of(self.customer_b)
        proposal.with_user(self.agent1).action_submit()
        with self.assertRaisesMsg(UserError, "no review to do"):
            proposal.with_user(self.lead_a).validate_tier()
        proposal.with_user(self.lead_b).validate_tier()
        self.assertEqual(proposal.state, "approved")

    def test_fallback_to_group(self):
        for customer in (self.customer_none, self.customer):
            with self.subTest(customer=customer.name):
                proposal = self._proposal_of(customer)
                proposal.with_user(self.agent1).action_submit()
                group = self.env.ref("cs_resolution.group_cs_sales_dept_manager")
                self.assertIn(self.sales_mgr, proposal.review_ids.reviewer_ids)
                self.assertEqual(
                    proposal.review_ids.reviewer_ids,
                    group.users.filtered(lambda u: self.company in u.company_ids),
                )
                self.assertNotIn(self.lead_a, proposal.review_ids.reviewer_ids)
                proposal.with_user(self.sales_mgr).validate_tier()
                self.assertEqual(proposal.state, "approved")

    def test_archived_leader_falls_back(self):
        self.lead_a.active = False
        proposal = self._proposal_of(self.customer_a)
        proposal.with_user(self.agent1).action_submit()
        self.assertIn(self.sales_mgr, proposal.review_ids.reviewer_ids)
        self.assertNotIn(self.lead_a, proposal.review_ids.reviewer_ids)

    def test_upper_tiers_unchanged(self):
        dgm = self.env.ref("cs_resolution.group_cs_deputy_gm")
        gm = self.env.ref("cs_resolution.group_cs_gm")
        for amount, group, approver in (
            (2000.0, dgm, self.deputy_gm),
            (6000.0, gm, self.gm),
        ):
            with self.subTest(amount=amount):
                proposal = self._proposal_of(self.customer_a, amount=amount)
                proposal.with_user(self.agent1).action_submit()
                self.assertEqual(proposal.review_ids.reviewer_group_id, group)
                self.assertNotIn(self.lead_a, proposal.review_ids.reviewer_ids)
                with self.assertRaises(UserError):
                    proposal.with_user(self.lead_a).validate_tier()
                proposal.with_user(approver).validate_tier()
                self.assertEqual(proposal.state, "approved")

    def test_leader_cannot_write_review_or_proposal(self):
        proposal = self._proposal_of(self.customer_a)
        proposal.with_user(self.agent1).action_submit()
        with self.assertRaises(AccessError):
            proposal.review_ids.with_user(self.lead_a).write({"status": "approved"})
        with self.assertRaises(AccessError):
            proposal.with_user(self.lead_a).write({"facts": "changed"})
        self.assertEqual(proposal.state, "to_approve")


@tagged("post_install", "-at_install")
class TestFirstTierRpc(HttpCase, CsCrmCommon):
    def _rpc(self, user, method, proposal):
        try:
            return self.xmlrpc_object.execute_kw(
                self.env.cr.dbname,
                user.id,
                user.login,
                "cs.resolution",
                method,
                [[proposal.id]],
            )
        except xmlrpc.client.Fault as fault:
            if "cannot marshal None" in fault.faultString:
                return None  # the method ran; its answer could not be sent
            raise

    def test_cross_team_refused_over_rpc(self):
        proposal = self._proposal_of(self.customer_b)
        proposal.with_user(self.agent1).action_submit()
        for method in ("validate_tier", "reject_tier"):
            with self.subTest(method=method):
                with self.assertRaises(xmlrpc.client.Fault):
                    self._rpc(self.lead_a, method, proposal)
        with self.assertRaises(xmlrpc.client.Fault):
            self.xmlrpc_object.execute_kw(
                self.env.cr.dbname,
                self.lead_a.id,
                self.lead_a.login,
                "tier.review",
                "write",
                [proposal.review_ids.ids, {"status": "approved"}],
            )
        self.env.invalidate_all()
        self.assertEqual(proposal.state, "to_approve")
        self._rpc(self.lead_b, "validate_tier", proposal)
        self.env.invalidate_all()
        self.assertEqual(proposal.state, "approved")
        self.assertEqual(proposal.review_ids.done_by, self.lead_b)
