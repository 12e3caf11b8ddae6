# Copyright 2026 cs-center
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, tagged

from .common import ago, iso, setup_contact


@tagged("post_install", "-at_install")
class TestCall(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_contact(cls)
        cls.Call = cls.env["cs.call"]

    def _store(self, *raw_events):
        events, errors = self.Call._cs_validate_events(list(raw_events))
        self.assertFalse(errors)
        res = self.Call._cs_apply_events(self.pbx, events)
        return self.Call.browse([r["id"] for r in res])

    def _answered(self, call_id, wait=10, agent="8001"):
        return self._store(
            {
                "call_id": call_id,
                "event": "ringing",
                "at": iso(ago(100)),
                "number": "13800138000",
            },
            {
                "call_id": call_id,
                "event": "answered",
                "at": iso(ago(100 - wait)),
                "agent": agent,
            },
        )

    def test_clients_cannot_create_or_change_measures(self):
        call = self._answered("g1", wait=50)
        self.assertEqual(call.response_state, "missed")
        for user in (self.c_agent1, self.c_supervisor, self.c_manager):
            with self.assertRaises(AccessError):
                self.Call.with_user(user).create(
                    {
                        "pbx_id": self.pbx.id,
                        "pbx_call_id": "fake",
                        "company_id": self.company.id,
                    }
                )
            for vals in (
                {"answered_at": call.rang_at},
                {"response_state": "met"},
                {"agent_id": self.c_agent2.id},
                {"outcome": "missed"},
            ):
                with self.assertRaises(AccessError):
                    call.with_user(user).write(vals)
            with self.assertRaises(AccessError):
                call.with_user(user).unlink()
        # the superuser gets no pass either
        with self.assertRaises(AccessError):
            call.sudo().write({"response_state": "met"})
        call.with_user(self.c_agent1).write({"note": "Customer asked about delivery"})
        self.assertEqual(call.response_state, "missed")

    def test_agent_sees_own_and_team_calls(self):
        own = self._answered("g2")
        other = self._store(
            {
                "call_id": "g3",
                "event": "ringing",
                "at": iso(ago(30)),
                "queue": "aftersales",
            }
        )
        Call = self.Call.with_user(self.c_agent1)
        self.assertIn(own, Call.search([]))
        self.assertNotIn(other, Call.search([]))
        self.assertIn(other, self.Call.with_user(self.c_supervisor).search([]))

    def test_ticket_from_answered_call(self):
        call = self._answered("g4")
        self.assertTrue(call.with_user(self.c_agent1).can_create_ticket)
        call.with_user(self.c_agent1).action_create_ticket()
        ticket = call.ticket_id
        self.assertTrue(ticket)
        self.assertEqual(ticket.first_owner_id, self.c_agent1)
        self.assertEqual(ticket.user_id, self.c_agent1)
        self.assertEqual(ticket.partner_id, self.c_customer)
        self.assertEqual(
            ticket.channel_id, self.env.ref("cs_center.helpdesk_ticket_channel_hotline")
        )
        with self.assertRaisesRegex(UserError, "already has ticket"):
            call.with_user(self.c_agent1).action_create_ticket()

    def test_ticket_from_call_refused_paths(self):
        call = self._answered("g5")
        # another agent of the team reads the call but did not answer it
        self.assertFalse(call.with_user(self.c_agent3).can_create_ticket)
        with self.assertRaisesRegex(AccessError, "Only the answering agent"):
            call.with_user(self.c_agent3).action_create_ticket()
        # an agent of another team does not even read it
        with self.assertRaises(AccessError):
            call.with_user(self.c_agent2).action_create_ticket()
        missed = self._store(
            {"call_id": "g6", "event": "ringing", "at": iso(ago(100))},
            {"call_id": "g6", "event": "ended", "at": iso(ago(50))},
        )
        with self.assertRaisesRegex(UserError, "Only an answered call"):
            missed.with_user(self.c_supervisor).action_create_ticket()
        # a supervisor opens it for the agent: the agent is the first owner
        call.with_user(self.c_supervisor).action_create_ticket()
        self.assertEqual(call.ticket_id.first_owner_id, self.c_agent1)

    def test_missed_call_callback(self):
        missed = self._store(
            {"call_id": "g7", "event": "ringing", "at": iso(ago(100))},
            {"call_id": "g7", "event": "ended", "at": iso(ago(50))},
        )
        self.assertEqual(missed.outcome, "missed")
        self.assertTrue(missed.callback_planned)
        self.assertEqual(missed.activity_ids.user_id, self.c_supervisor)
        outbound = self._store(
            {
                "call_id": "g8",
                "event": "ringing",
                "at": iso(ago(100)),
                "direction": "outbound",
            },
            {"call_id": "g8", "event": "ended", "at": iso(ago(50))},
        )
        self.assertEqual(outbound.response_state, "na")
        self.assertFalse(outbound.activity_ids, "no callback for our own calls")

    def test_policy_per_team(self):
        self.env["cs.response.policy"].create(
            {
                "name": "After-sales 20 s",
                "medium": "call",
                "team_id": self.c_team2.id,
                "limit_seconds": 20,
            }
        )
        call = self._store(
            {
                "call_id": "g9",
                "event": "ringing",
                "at": iso(ago(100)),
                "queue": "aftersales",
            },
            {"call_id": "g9", "event": "answered", "at": iso(ago(75)), "agent": "8002"},
        )
        self.assertEqual(call.limit_seconds, 20)
        self.assertEqual(call.response_state, "missed")
        other = self._answered("g10", wait=25)
        self.assertEqual(other.limit_seconds, 30)
        self.assertEqual(other.response_state, "met")
