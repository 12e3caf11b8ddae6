from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import CsCenterCommon


@tagged("post_install", "-at_install")
class TestClosing(CsCenterCommon):
    def _in_progress(self):
        ticket = self._complaint(user=self.agent1, user_id=self.agent1.id)
        ticket.with_user(self.agent1).stage_id = self.stage_progress
        return ticket

    def test_close_refused_without_confirmation_and_signoff(self):
        ticket = self._in_progress()
        with self.assertRaisesMsg(UserError, "satisfaction is not confirmed"):
            ticket.with_user(self.agent1).write({"stage_id": self.stage_done.id})
        # every closed stage, not only "Done"
        with self.assertRaisesMsg(UserError, "has not signed off"):
            ticket.with_user(self.manager).write({"stage_id": self.stage_cancelled.id})
        self.assertEqual(ticket.stage_id, self.stage_progress)

    def test_close_refused_without_signoff(self):
        ticket = self._in_progress()
        ticket.with_user(self.agent1)._cs_confirm_satisfaction("phone", "All good")
        with self.assertRaisesMsg(UserError, "has not signed off"):
            ticket.with_user(self.agent1).write({"stage_id": self.stage_done.id})
        self.assertFalse(ticket.closed)

    def test_signoff_only_by_first_owner_after_confirmation(self):
        ticket = self._in_progress()
        with self.assertRaisesMsg(UserError, "Confirm the customer's satisfaction"):
            ticket.with_user(self.agent1).action_owner_signoff()
        ticket.with_user(self.agent2)._cs_confirm_satisfaction("visit")
        self.assertEqual(ticket.satisfaction_confirm_user_id, self.agent2)
        self.assertEqual(ticket.satisfaction_confirm_method, "visit")
        for user in (self.agent2, self.supervisor):
            with self.assertRaisesMsg(AccessError, "Only the first owner"):
                ticket.with_user(user).action_owner_signoff()
        ticket.with_user(self.agent1).action_owner_signoff()
        self.assertEqual(ticket.owner_signoff_user_id, self.agent1)

    def test_close_allowed_with_confirmation_and_signoff(self):
        ticket = self._in_progress()
        ticket.with_user(self.agent1)._cs_confirm_satisfaction("phone")
        ticket.with_user(self.agent1).action_owner_signoff()
        ticket.with_user(self.agent1).write({"stage_id": self.stage_done.id})
        self.assertTrue(ticket.closed)
        self.assertTrue(ticket.closed_date)

    def test_create_directly_closed_refused(self):
        with self.assertRaisesMsg(UserError, "cannot be closed"):
            self.Ticket.with_user(self.agent1).create(
                self._ticket_vals(stage_id=self.stage_done.id)
            )

    def test_force_close_by_supervisor_with_reason(self):
        ticket = self._in_progress()
        ticket.with_user(self.supervisor)._cs_force_close("Customer unreachable")
        self.assertTrue(ticket.closed)
        self.assertTrue(ticket.force_closed)
        self.assertEqual(ticket.force_close_user_id, self.supervisor)
        self.assertIn("Customer unreachable", ticket.message_ids[0].body)

    def test_force_close_refused_for_agent_and_without_reason(self):
        ticket = self._in_progress()
        with self.assertRaisesMsg(AccessError, "supervisor"):
            ticket.with_user(self.agent1)._cs_force_close("I want to")
        with self.assertRaisesMsg(UserError, "needs a reason"):
            ticket.with_user(self.supervisor)._cs_force_close("")
        # the context flag alone does not bypass the rule
        with self.assertRaises(UserError):
            ticket.with_user(self.agent1).with_context(cs_force_close=True).write(
                {"stage_id": self.stage_done.id}
            )
        self.assertFalse(ticket.closed)

    def test_reopen_as_new_round_keeps_history(self):
        ticket = self._in_progress()
        ticket.with_user(self.agent1)._cs_confirm_satisfaction("phone", "ok")
        ticket.with_user(self.agent1).action_owner_signoff()
        ticket.with_user(self.agent1).write({"stage_id": self.stage_done.id})
        first_deadlines = ticket.deadline_ids
        # a plain stage change back is refused: reopening is a new round
        with self.assertRaisesMsg(UserError, "new round"):
            ticket.with_user(self.agent1).write({"stage_id": self.stage_progress.id})
        with self.assertRaisesMsg(UserError, "reason"):
            ticket.with_user(self.agent1)._cs_reopen("")
        ticket.with_user(self.agent1)._cs_reopen("Customer rejects the discount")
        self.assertFalse(ticket.closed)
        self.assertEqual(ticket.round_number, 2)
        self.assertFalse(ticket.satisfaction_confirm_date)
        self.assertFalse(ticket.owner_signoff_date)
        self.assertEqual(ticket.first_owner_id, self.agent1)
        history = ticket.round_ids
        self.assertEqual(len(history), 1)
        self.assertEqual(history.round, 1)
        self.assertEqual(history.satisfaction_note, "ok")
        self.assertEqual(history.reopen_reason, "Customer rejects the discount")
        # the old round's deadlines are kept; the new round has its own
        self.assertTrue(first_deadlines.exists())
        new = ticket.deadline_ids.filtered(lambda d: d.round == 2)
        self.assertTrue(new)
        self.assertEqual(set(new.mapped("state")), {"running"})
        # closing the new round needs a new confirmation
        with self.assertRaisesMsg(UserError, "not confirmed"):
            ticket.with_user(self.agent1).write({"stage_id": self.stage_done.id})

    def test_reopen_refused_on_open_ticket(self):
        ticket = self._in_progress()
        with self.assertRaisesMsg(UserError, "Only closed tickets"):
            ticket.with_user(self.agent1)._cs_reopen("why")
        self.assertEqual(ticket.round_number, 1)
