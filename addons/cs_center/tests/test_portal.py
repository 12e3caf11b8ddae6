from odoo import http
from odoo.tests import HttpCase, new_test_user, tagged

from .common import CsCenterCommon


@tagged("post_install", "-at_install")
class TestPortalConfirmation(HttpCase, CsCenterCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_portal = new_test_user(
            cls.env,
            login="cs_portal_other",
            groups="base.group_portal",
            partner_id=cls.customer2.id,
        )

    def setUp(self):
        super().setUp()
        self.ticket = self._complaint(user=self.agent1, user_id=self.agent1.id)
        self.ticket.stage_id = self.stage_progress

    def _close(self, login):
        self.authenticate(login, login)
        return self.url_open(
            "/ticket/close",
            data={
                "ticket_id": self.ticket.id,
                "stage_id": self.stage_done.id,
                "csrf_token": http.Request.csrf_token(self),
            },
            allow_redirects=False,
        )

    def test_customer_confirms_on_portal(self):
        # the customer reads Chinese, the first owner English
        self.env["res.lang"]._activate_lang("zh_CN")
        self.portal_user.lang = "zh_CN"
        self.agent1.lang = "en_US"
        page = self.url_open(f"/my/ticket/{self.ticket.id}")
        self.assertEqual(page.status_code, 200)
        response = self._close("cs_portal")
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.ticket.satisfaction_confirm_method, "portal")
        self.assertEqual(self.ticket.satisfaction_confirm_user_id, self.portal_user)
        # not closed before the first owner signs off; the owner is asked to
        self.assertFalse(self.ticket.closed)
        activity = self.ticket.activity_ids.filtered(lambda a: a.user_id == self.agent1)
        # in the first owner's language, not the customer's
        self.assertIn("sign off", activity.summary)
        self.ticket.with_user(self.agent1).action_owner_signoff()
        self.ticket.with_user(self.agent1).stage_id = self.stage_done
        self.assertTrue(self.ticket.closed)

    def test_signed_off_ticket_closes_from_portal(self):
        self.ticket.with_user(self.agent1)._cs_confirm_satisfaction("phone")
        self.ticket.with_user(self.agent1).action_owner_signoff()
        self._close("cs_portal")
        self.assertTrue(self.ticket.closed)

    def test_other_customer_refused(self):
        response = self._close("cs_portal_other")
        self.assertEqual(response.status_code, 403)
        self.assertFalse(self.ticket.satisfaction_confirm_date)
        self.assertFalse(self.ticket.closed)

    def test_non_cs_ticket_closes_from_portal_as_in_helpdesk(self):
        """Case 9: a ticket of another team closes at once, as with helpdesk_mgmt,
        but still through POST and only for a customer who can see it."""
        team_it = self.env["helpdesk.ticket.team"].create({"name": "IT"})
        self.ticket = self.Ticket.create(
            self._ticket_vals(team_id=team_it.id, stage_id=self.stage_progress.id)
        )
        self.assertFalse(self.ticket.cs_regulated)
        response = self._close("cs_portal_other")
        self.assertEqual(response.status_code, 403)
        self.assertFalse(self.ticket.closed)
        response = self._close("cs_portal")
        self.assertEqual(response.status_code, 302)
        self.assertTrue(self.ticket.closed)
        self.assertFalse(self.ticket.satisfaction_confirm_date)

    def test_get_refused(self):
        self.authenticate("cs_portal", "cs_portal")
        response = self.url_open(
            f"/ticket/close?ticket_id={self.ticket.id}&stage_id={self.stage_done.id}",
            allow_redirects=False,
        )
        self.assertNotIn(response.status_code, (200, 302, 303))
        self.assertFalse(self.ticket.satisfaction_confirm_date)
