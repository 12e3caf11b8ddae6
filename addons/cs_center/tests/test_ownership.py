from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import CsCenterCommon


@tagged("post_install", "-at_install")
class TestOwnership(CsCenterCommon):
    def test_creator_is_first_owner(self):
        ticket = self._complaint(user=self.agent1)
        self.assertEqual(ticket.first_owner_id, self.agent1)

    def test_first_owner_given_at_creation_is_refused(self):
        with self.assertRaisesMsg(AccessError, "First owner"):
            self.Ticket.with_user(self.agent1).create(
                self._ticket_vals(first_owner_id=self.agent2.id)
            )

    def test_email_ticket_owner_is_first_assigned_agent(self):
        # the mail gateway creates tickets as superuser
        ticket = self.Ticket.sudo().create(self._ticket_vals())
        self.assertFalse(ticket.first_owner_id)
        ticket.with_user(self.agent2).write({"user_id": self.agent2.id})
        self.assertEqual(ticket.first_owner_id, self.agent2)
        # a later assignment is a transfer, the owner stays
        ticket.with_user(self.agent2).write({"user_id": self.agent1.id})
        self.assertEqual(ticket.first_owner_id, self.agent2)
        self.assertEqual(ticket.transfer_ids.to_user_id, self.agent1)

    def test_owner_not_writable_by_handler_or_other_agent(self):
        ticket = self._complaint(user=self.agent1, user_id=self.agent2.id)
        for user in (self.agent2, self.agent1, self.supervisor, self.manager):
            with self.assertRaisesMsg(AccessError, "First owner"):
                ticket.with_user(user).write({"first_owner_id": self.agent2.id})
        # not even with the workflow's context key, which RPC callers can pass
        with self.assertRaises(AccessError):
            ticket.with_user(self.agent2).with_context(cs_internal_write=True).write(
                {"first_owner_id": self.agent2.id}
            )
        with self.assertRaises(AccessError):
            ticket.with_user(self.agent2).write({"owner_signoff_date": "2026-01-01"})
        self.assertEqual(ticket.first_owner_id, self.agent1)

    def test_supervisor_redesignates_with_reason(self):
        ticket = self._complaint(user=self.agent1)
        wizard = Form(
            self.env["cs.owner.redesignate.wizard"]
            .with_user(self.supervisor)
            .with_context(default_ticket_id=ticket.id)
        )
        wizard.new_owner_id = self.agent2
        wizard.reason = "Agent 1 on leave"
        wizard.save().action_confirm()
        self.assertEqual(ticket.first_owner_id, self.agent2)
        self.assertIn("Agent 1 on leave", ticket.message_ids[0].body)
        self.assertIn(self.agent2.partner_id, ticket.message_partner_ids)

    def test_agent_cannot_redesignate(self):
        ticket = self._complaint(user=self.agent1)
        with self.assertRaisesMsg(AccessError, "supervisor"):
            ticket.with_user(self.agent1)._cs_redesignate_owner(self.agent2, "me")
        with self.assertRaisesMsg(AccessError, "supervisor"):
            ticket.with_user(self.agent1).action_cs_redesignate_owner()
        self.assertEqual(ticket.first_owner_id, self.agent1)

    def test_redesignation_needs_reason(self):
        ticket = self._complaint(user=self.agent1)
        with self.assertRaisesMsg(UserError, "needs a reason"):
            ticket.with_user(self.supervisor)._cs_redesignate_owner(self.agent2, " ")
        self.assertEqual(ticket.first_owner_id, self.agent1)

    def test_transfer_keeps_owner_and_records_who_when_why(self):
        ticket = self._complaint(user=self.agent1, user_id=self.agent1.id)
        wizard = Form(
            self.env["cs.ticket.transfer.wizard"]
            .with_user(self.agent1)
            .with_context(default_ticket_id=ticket.id)
        )
        wizard.to_team_id = self.team_b
        wizard.to_user_id = self.agent_b
        wizard.reason = "Quality department must check the lot"
        wizard.save().action_confirm()
        self.assertEqual(ticket.user_id, self.agent_b)
        self.assertEqual(ticket.team_id, self.team_b)
        self.assertEqual(ticket.first_owner_id, self.agent1)
        transfer = ticket.transfer_ids
        self.assertEqual(len(transfer), 1)
        self.assertEqual(transfer.user_id, self.agent1)
        self.assertEqual(transfer.from_user_id, self.agent1)
        self.assertEqual(transfer.to_user_id, self.agent_b)
        self.assertEqual(transfer.to_team_id, self.team_b)
        self.assertEqual(transfer.reason, "Quality department must check the lot")
        self.assertTrue(transfer.date)
        # the first owner stays a follower and keeps seeing the ticket
        self.assertIn(self.agent1.partner_id, ticket.message_partner_ids)
        self.assertTrue(
            self.Ticket.with_user(self.agent1).search([("id", "=", ticket.id)])
        )
        # the assisting agent of another team sees it too
        self.assertTrue(
            self.Ticket.with_user(self.agent_b).search([("id", "=", ticket.id)])
        )

    def test_transfer_needs_reason_and_target(self):
        ticket = self._complaint(user=self.agent1)
        with self.assertRaisesMsg(UserError, "needs a reason"):
            ticket.with_user(self.agent1)._cs_transfer(self.agent2, False, "")
        with self.assertRaisesMsg(UserError, "Choose the agent or the team"):
            ticket.with_user(self.agent1)._cs_transfer(False, False, "why")
        with self.assertRaisesMsg(UserError, "employee"):
            ticket.with_user(self.agent1)._cs_transfer(self.portal_user, False, "why")
        self.assertFalse(ticket.transfer_ids)

    def test_transfer_history_is_read_only(self):
        ticket = self._complaint(user=self.agent1, user_id=self.agent1.id)
        ticket.with_user(self.agent1)._cs_transfer(self.agent2, False, "busy")
        transfer = ticket.transfer_ids.with_user(self.agent1)
        with self.assertRaises(AccessError):
            transfer.write({"reason": "rewritten"})
        with self.assertRaises(AccessError):
            transfer.unlink()
