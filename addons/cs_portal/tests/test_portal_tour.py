from odoo.tests import tagged

from .common import CsPortalCommon


@tagged("post_install", "-at_install")
class TestPortalTour(CsPortalCommon):
    def test_customer_submits_tracks_confirms_in_chinese(self):
        """In Chromium, in Simplified Chinese: the customer submits a complaint
        with the register fields and a photo, opens its tracking page, and, once
        the first owner has signed off, confirms and the ticket closes."""
        self.start_tour("/my/tickets/new", "cs_portal_intake_tour", login="cs_portal")
        ticket = self.env["helpdesk.ticket"].search([("name", "=", "电水壶漏水")])
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.request_kind, "complaint")
        self.assertEqual(ticket.team_id, self.team_a)
        self.assertEqual(ticket.register_product_id, self.product)
        self.assertEqual(ticket.lot_ref, "L2609-17")
        self.assertEqual(ticket.quantity_affected, 2)
        self.assertEqual(str(ticket.purchase_date), "2025-06-01")
        self.assertEqual(ticket.attachment_ids.mapped("mimetype"), ["image/png"])
        self.assertTrue(ticket.deadline_ids)
        # an agent takes it (first owner), then the customer confirms on the
        # portal and the first owner signs off
        ticket.with_user(self.agent1).write({"user_id": self.agent1.id})
        self.assertEqual(ticket.first_owner_id, self.agent1)
        self.start_tour(
            f"/my/ticket/{ticket.id}", "cs_portal_confirm_tour", login="cs_portal"
        )
        self.assertEqual(ticket.satisfaction_confirm_method, "portal")
        self.assertEqual(ticket.satisfaction_confirm_user_id, self.portal_user)
        self.assertFalse(ticket.stage_id.closed)
        ticket.with_user(self.agent1).action_owner_signoff()
        ticket.with_user(self.agent1).stage_id = self.stage_done
        self.assertTrue(ticket.stage_id.closed)
