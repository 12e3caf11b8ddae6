from odoo.tests import HttpCase, tagged

from .common import CsCenterCommon


@tagged("post_install", "-at_install")
class TestClosingTour(HttpCase, CsCenterCommon):
    def test_agent_closes_ticket_in_browser(self):
        ticket = self._complaint(user=self.agent1, user_id=self.agent1.id)
        ticket.stage_id = self.stage_progress
        self.start_tour(
            f"/odoo/action-helpdesk_mgmt.helpdesk_ticket_action/{ticket.id}",
            "cs_center_closing_tour",
            login="cs_agent1",
        )
        self.assertEqual(ticket.satisfaction_confirm_user_id, self.agent1)
        self.assertEqual(ticket.satisfaction_note, "Satisfied, no further need")
        self.assertEqual(ticket.owner_signoff_user_id, self.agent1)
        self.assertTrue(ticket.closed)
