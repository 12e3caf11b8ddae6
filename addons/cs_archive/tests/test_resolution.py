import json

from odoo.tests import tagged

from odoo.addons.cs_resolution.tests.common_resolution import CsResolutionCommon


@tagged("post_install", "-at_install")
class TestArchiveResolution(CsResolutionCommon):
    """The archive freezes the resolution proposals of the ticket (cs_center's
    cs.resolution), their approvals, credit notes and returns."""

    def test_resolution_credit_note_and_return_archived(self):
        proposal = self._approve(
            self._proposal(lines=[(self.product, 3.0, 100.0)], rtype="return")
        )
        proposal.with_user(self.agent1).action_create_credit_note()
        proposal.with_user(self.agent1).action_create_return()
        self.assertTrue(proposal.credit_note_ids and proposal.return_picking_ids)
        ticket = proposal.ticket_id
        ticket.with_user(self.agent1).stage_id = self.stage_progress
        ticket.with_user(self.agent1)._cs_confirm_satisfaction("phone")
        ticket.with_user(self.agent1).action_owner_signoff()
        ticket.with_user(self.agent1).write({"stage_id": self.stage_done.id})
        # the archive job closing triggers (the cron worker runs it in seconds)
        self.env["cs.archive.missing"]._cron_archive_missing()
        entry = self.env["cs.archive.entry"].search(
            [("res_model", "=", "helpdesk.ticket"), ("res_id", "=", ticket.id)]
        )
        payload = json.loads(entry.sudo().content_json)
        [archived] = payload["resolutions"]
        self.assertEqual(archived["id"], proposal.id)
        self.assertEqual(archived["resolution_type"], "return")
        [credit] = archived["credit_note_ids"]
        self.assertEqual(credit["id"], proposal.credit_note_ids.id)
        self.assertEqual(credit["move_type"], "out_refund")
        self.assertAlmostEqual(credit["amount_total"], 300.0)
        [picking] = archived["return_picking_ids"]
        self.assertEqual(picking["id"], proposal.return_picking_ids.id)
        self.assertEqual(picking["name"], proposal.return_picking_ids.display_name)
        self.assertEqual(
            [a["status"] for a in archived["approvals"]],
            proposal.review_ids.mapped("status"),
        )
        self.assertIn("approved", [a["status"] for a in archived["approvals"]])
        self.assertIn(proposal.return_picking_ids.name, entry.sudo().content_html)
