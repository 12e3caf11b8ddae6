from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import CsCenterCommon


@tagged("post_install", "-at_install", "security")
class TestSecurity(CsCenterCommon):
    def setUp(self):
        super().setUp()
        self.ticket = self._complaint(user=self.agent1, user_id=self.agent1.id)
        self.ticket_other_co = self.Ticket.with_user(self.agent_other_co).create(
            self._ticket_vals(
                team_id=self.team_other_co.id, partner_id=self.customer2.id
            )
        )

    def _visible(self, user, ticket):
        return bool(self.Ticket.with_user(user).search([("id", "=", ticket.id)]))

    def test_agent_of_same_team_sees_it(self):
        self.assertTrue(self._visible(self.agent2, self.ticket))
        self.ticket.with_user(self.agent2).read(["name", "first_owner_id"])

    def test_agent_of_another_team_refused(self):
        self.assertFalse(self._visible(self.agent_b, self.ticket))
        with self.assertRaises(AccessError):
            self.ticket.with_user(self.agent_b).read(["name"])
        with self.assertRaises(AccessError):
            self.ticket.with_user(self.agent_b).write({"name": "x"})
        with self.assertRaises(AccessError):
            self.ticket.with_user(self.agent_b)._cs_transfer(
                self.agent_b, False, "mine"
            )
        # nor its deadlines
        self.assertFalse(
            self.env["cs.ticket.deadline"]
            .with_user(self.agent_b)
            .search([("ticket_id", "=", self.ticket.id)])
        )

    def test_agent_of_another_company_refused(self):
        self.assertFalse(self._visible(self.agent_other_co, self.ticket))
        self.assertFalse(self._visible(self.agent1, self.ticket_other_co))
        self.assertFalse(self._visible(self.manager, self.ticket_other_co))
        with self.assertRaises(AccessError):
            self.ticket.with_user(self.agent_other_co).read(["name"])
        self.assertFalse(
            self.env["cs.ticket.deadline"]
            .with_user(self.agent_other_co)
            .search([("ticket_id", "=", self.ticket.id)])
        )

    def test_supervisor_sees_team_manager_sees_all_of_company(self):
        ticket_b = self.Ticket.with_user(self.agent_b).create(
            self._ticket_vals(team_id=self.team_b.id)
        )
        self.assertTrue(self._visible(self.supervisor, self.ticket))
        self.assertFalse(self._visible(self.supervisor, ticket_b))
        self.assertTrue(self._visible(self.manager, ticket_b))
        self.assertTrue(self._visible(self.manager, self.ticket))

    def test_portal_user_sees_own_tickets_only(self):
        self.assertTrue(self._visible(self.portal_user, self.ticket))
        other = self._complaint(user=self.agent1, partner_id=self.customer2.id)
        self.assertFalse(self._visible(self.portal_user, other))
        with self.assertRaises(AccessError):
            other.with_user(self.portal_user).read(["name"])
        with self.assertRaises(AccessError):
            self.env["cs.ticket.deadline"].with_user(self.portal_user).search([])
        with self.assertRaises(AccessError):
            self.ticket.with_user(self.portal_user).write(
                {"owner_signoff_date": "2026-01-01 00:00:00"}
            )

    def test_policy_edits_managers_only(self):
        policy = self.env.ref("cs_center.cs_deadline_policy_feedback_general")
        for user in (self.agent1, self.supervisor):
            policy.with_user(user).read(["duration"])
            with self.assertRaises(AccessError):
                policy.with_user(user).write({"duration": 1})
            with self.assertRaises(AccessError):
                self.env["cs.escalation.level"].with_user(user).create(
                    {"name": "x", "level": 9, "recipient": "first_owner"}
                )
        policy.with_user(self.manager).write({"duration": 12})
        self.assertEqual(policy.duration, 12)

    def test_deadlines_not_writable_by_users(self):
        deadline = self.ticket.deadline_ids[:1]
        for user in (self.agent1, self.supervisor, self.manager):
            with self.assertRaises(AccessError):
                deadline.with_user(user).write({"met_date": "2026-01-01 00:00:00"})
            with self.assertRaises(AccessError):
                deadline.with_user(user).unlink()

    def test_assisting_agent_of_other_team_sees_ticket(self):
        self.assertFalse(self._visible(self.agent_b, self.ticket))
        self.ticket.with_user(self.agent1)._cs_transfer(self.agent_b, False, "expert")
        self.assertTrue(self._visible(self.agent_b, self.ticket))
