# Copyright 2026 cs-center
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, new_test_user, tagged

from .common import setup_contact

T0 = fields.Datetime.from_string("2026-11-20 02:00:00")


@tagged("post_install", "-at_install")
class TestChat(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_contact(cls)
        cls.visitor = new_test_user(
            cls.env, login="cc_visitor", groups="base.group_portal", name="Visitor Zhao"
        )
        cls.livechat = cls.env["im_livechat.channel"].create(
            {
                "name": "Website",
                "user_ids": [(6, 0, cls.c_agent1.ids)],
                "cs_team_id": cls.c_team.id,
            }
        )

    def _session(self, operator=None):
        operator = operator or self.c_agent1
        return self.env["discuss.channel"].create(
            {
                "name": "Visitor Zhao, cc_agent1",
                "channel_type": "livechat",
                "livechat_channel_id": self.livechat.id,
                "livechat_operator_id": operator.partner_id.id,
                "channel_member_ids": [
                    (0, 0, {"partner_id": self.visitor.partner_id.id}),
                    (0, 0, {"partner_id": operator.partner_id.id}),
                ],
            }
        )

    def _post(self, channel, user, body, at):
        with freeze_time(at):
            return channel.with_user(user).message_post(
                body=body, message_type="comment", subtype_xmlid="mail.mt_comment"
            )

    def test_first_response_met(self):
        chat = self._session()
        self._post(chat, self.visitor, "My kettle leaks", T0)
        self.assertEqual(chat.cs_visitor_first_date, T0)
        self.assertEqual(chat.cs_response_state, "pending")
        self.assertEqual(chat.cs_response_limit, 60)
        self.assertEqual(chat.cs_team_id, self.c_team)
        self._post(chat, self.visitor, "Hello?", T0 + timedelta(seconds=20))
        self._post(
            chat, self.c_agent1, "Hello, how can I help?", T0 + timedelta(seconds=45)
        )
        self.assertEqual(chat.cs_first_response_seconds, 45)
        self.assertEqual(chat.cs_response_state, "met")
        self.assertEqual(chat.cs_first_operator_id, self.c_agent1)
        self._post(chat, self.c_agent1, "Later message", T0 + timedelta(seconds=300))
        self.assertEqual(chat.cs_operator_first_date, T0 + timedelta(seconds=45))

    def test_first_response_missed_and_policy_per_channel(self):
        self.env["cs.response.policy"].create(
            {
                "name": "Website 30 s",
                "medium": "chat",
                "livechat_channel_id": self.livechat.id,
                "limit_seconds": 30,
            }
        )
        chat = self._session()
        self._post(chat, self.visitor, "Anyone there?", T0)
        self.assertEqual(chat.cs_response_limit, 30)
        self._post(
            chat, self.c_agent1, "Sorry for the wait", T0 + timedelta(seconds=40)
        )
        self.assertEqual(chat.cs_response_state, "missed")

    def test_unanswered_chat_missed_by_job(self):
        chat = self._session()
        self._post(chat, self.visitor, "Hello", T0)
        self.env["discuss.channel"]._cron_cs_mark_unanswered()
        self.assertEqual(chat.cs_response_state, "missed")
        self.assertEqual(self.env["discuss.channel"]._cron_cs_mark_unanswered(), 0)

    def test_measures_are_not_writable(self):
        chat = self._session()
        self._post(chat, self.visitor, "Hello", T0)
        for user in (self.c_agent1, self.c_manager):
            with self.assertRaises(AccessError):
                chat.with_user(user).write({"cs_response_state": "met"})
        with self.assertRaises(AccessError):
            chat.sudo().write({"cs_operator_first_date": T0})
        with self.assertRaises(AccessError):
            self.env["discuss.channel"].with_context(
                default_cs_response_state="met"
            ).create({"name": "x", "channel_type": "channel"})
        self.assertEqual(chat.cs_response_state, "pending")

    def test_ticket_from_chat(self):
        chat = self._session()
        self._post(chat, self.visitor, "My kettle leaks", T0)
        self._post(
            chat, self.c_agent1, "Sorry to hear that", T0 + timedelta(seconds=30)
        )
        self.assertTrue(chat.with_user(self.c_agent1).cs_can_create_ticket)
        chat.with_user(self.c_agent1).action_cs_create_ticket()
        ticket = chat.cs_ticket_id
        self.assertTrue(ticket)
        self.assertEqual(ticket.first_owner_id, self.c_agent1)
        self.assertEqual(ticket.partner_id, self.visitor.partner_id)
        self.assertEqual(ticket.team_id, self.c_team)
        self.assertEqual(
            ticket.channel_id, self.env.ref("cs_center.helpdesk_ticket_channel_chat")
        )
        self.assertEqual(ticket.first_reply_date, T0 + timedelta(seconds=30))
        transcript = ticket.message_ids.filtered(lambda m: "My kettle leaks" in m.body)
        self.assertTrue(transcript, "transcript in the chatter")
        with self.assertRaisesRegex(UserError, "already has ticket"):
            chat.with_user(self.c_agent1).action_cs_create_ticket()

    def test_ticket_from_chat_refused(self):
        chat = self._session()
        self._post(chat, self.visitor, "Hello", T0)
        self.assertFalse(chat.with_user(self.c_agent3).cs_can_create_ticket)
        with self.assertRaises(AccessError):
            chat.with_user(self.c_agent3).action_cs_create_ticket()
        with self.assertRaises(AccessError):
            chat.with_user(self.visitor).action_cs_create_ticket()
        chat.with_user(self.c_supervisor).action_cs_create_ticket()
        self.assertEqual(chat.cs_ticket_id.first_owner_id, self.c_agent1)

    def test_rates_per_operator(self):
        for i, wait in enumerate((10, 50, 90)):
            chat = self._session()
            start = T0 + timedelta(minutes=10 * i)
            self._post(chat, self.visitor, "Q", start)
            self._post(chat, self.c_agent1, "A", start + timedelta(seconds=wait))
        self.env.flush_all()
        rates = self.env["cs.first.response.report"]._cs_rates(
            [("medium", "=", "chat"), ("user_id", "=", self.c_agent1.id)], ["user_id"]
        )
        self.assertEqual(rates, [(self.c_agent1, 2, 3, 66.67)])
