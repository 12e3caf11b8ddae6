from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import CsPortalCommon


@tagged("post_install", "-at_install")
class TestPortalTracking(CsPortalCommon):
    def _close(self, ticket):
        ticket.with_user(self.agent1)._cs_confirm_satisfaction("phone")
        ticket.with_user(self.agent1).action_owner_signoff()
        ticket.with_user(self.agent1).stage_id = self.stage_done
        self.assertTrue(ticket.stage_id.closed)

    def _page(self, ticket, login="cs_portal", **params):
        self.authenticate(login, login)
        query = "&".join(f"{k}={v}" for k, v in params.items())
        return self.url_open(f"/my/ticket/{ticket.id}?{query}", allow_redirects=False)

    def _reopen(self, ticket, reason, login="cs_portal"):
        self.authenticate(login, login)
        return self.url_open(
            f"/my/ticket/{ticket.id}/reopen",
            data={"reason": reason, "csrf_token": self._csrf()},
            allow_redirects=False,
        )

    def test_tracking_page_shows_what_the_customer_is_told(self):
        ticket = self._ticket_with_docs()
        proposal = self._approve(
            self._proposal(
                amount=4321.5,
                ticket=ticket,
                facts="Seal glued by the night shift",
                cause="Glue dosing pump out of tolerance",
            )
        )
        proposal.with_user(self.agent1)._cs_notify_customer(
            "letter", "我们将为您更换新水壶。"
        )
        ticket.with_user(self.agent1)._cs_transfer(
            self.agent_b, self.team_b, "Agent on leave XYZZY"
        )
        response = self._page(ticket)
        self.assertEqual(response.status_code, 200)
        text = self._text(response)
        # promised times of the current round, in Chinese
        self.assertIn("o_cs_promise_feedback", text)
        self.assertIn("我们的承诺", text)
        # the transfer: the department, without names nor the internal reason
        self.assertIn("Team B", text)
        self.assertIn("o_cs_transfer", text)
        self.assertNotIn("XYZZY", text)
        # the approved outcome as told; never the internal form
        self.assertIn("我们将为您更换新水壶。", text)
        self.assertNotIn("night shift", text)
        self.assertNotIn("Glue dosing", text)
        self.assertNotIn("4,321.50", text)
        self.assertNotIn("4321.5", text)
        self.assertNotIn(proposal.name, text)

    def test_outcome_hidden_until_told(self):
        ticket = self._ticket_with_docs()
        self._approve(self._proposal(ticket=ticket, customer_message="尚未告知的方案"))
        text = self._text(self._page(ticket))
        self.assertNotIn("尚未告知的方案", text)
        self.assertNotIn("o_cs_outcome", text)

    def test_other_customer_refused(self):
        ticket = self._ticket_with_docs()
        response = self._page(ticket, login="cs_portal_other")
        # helpdesk_mgmt's page sends a customer without access back to /my
        self.assertEqual(response.status_code, 303)
        self.assertNotIn(ticket.name, response.text)
        self._close(ticket)
        response = self._reopen(ticket, "I want to reopen", login="cs_portal_other")
        self.assertEqual(response.status_code, 403)
        self.assertEqual(ticket.round_number, 1)
        self.assertTrue(ticket.stage_id.closed)
        response = self.url_open(
            f"/my/ticket/{ticket.id + 100000}/reopen",
            data={"reason": "x", "csrf_token": self._csrf()},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 403)

    def test_reopen_needs_reason_then_starts_a_round(self):
        ticket = self._ticket_with_docs()
        self._close(ticket)
        page = self._text(self._page(ticket))
        self.assertIn("o_cs_reopen", page)
        # the survey sent on closing is linked
        answer = self.env["survey.user_input"].search(
            [("cs_ticket_id", "=", ticket.id)]
        )
        self.assertTrue(answer)
        self.assertIn(answer.get_start_url().replace("&", "&amp;"), page)
        self.assertIn("/my/surveys", page)
        response = self._reopen(ticket, "   ")
        self.assertEqual(response.status_code, 303)
        self.assertIn("reopen_error=1", response.headers["Location"])
        self.assertEqual(ticket.round_number, 1)
        self.assertTrue(ticket.stage_id.closed)
        self.assertIn(
            "请说明您重新打开的原因", self._text(self._page(ticket, reopen_error=1))
        )
        response = self._reopen(ticket, "水壶又漏水了")
        self.assertEqual(response.status_code, 303)
        self.assertFalse(ticket.stage_id.closed)
        self.assertEqual(ticket.round_number, 2)
        self.assertEqual(ticket.round_ids.reopen_reason, "水壶又漏水了")
        self.assertEqual(ticket.round_ids.reopen_user_id, self.portal_user)
        # the new round has its own clocks
        self.assertTrue(ticket.deadline_ids.filtered(lambda d: d.round == 2))

    def test_reopen_only_closed_and_only_by_the_customer(self):
        ticket = self._ticket_with_docs()
        with self.assertRaisesMsg(UserError, "closed"):
            ticket.with_user(self.portal_user)._cs_portal_reopen("why")
        self._close(ticket)
        with self.assertRaises(AccessError):
            ticket.with_user(self.other_portal)._cs_portal_reopen("why")
        with self.assertRaises(AccessError):
            ticket.with_user(self.agent1)._cs_portal_reopen("why")
        with self.assertRaises(AccessError):
            ticket.with_user(self.portal_user).sudo()._cs_portal_reopen("why")
        self.assertEqual(ticket.round_number, 1)
        ticket.with_user(self.portal_user)._cs_portal_reopen("why")
        self.assertEqual(ticket.round_number, 2)
