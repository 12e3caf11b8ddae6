import json

from odoo.tests import tagged

from ..models.cs_archive_entry import canonical_json, sha256_hex
from .common import CsArchiveCommon


@tagged("post_install", "-at_install")
class TestArchiving(CsArchiveCommon):
    def test_closing_a_ticket_writes_one_entry(self):
        ticket = self._complaint(
            user=self.agent1,
            user_id=self.agent1.id,
            product_spec="KT-1500",
            order_ref="SO-42",
            lot_ref="L7",
        )
        ticket.with_user(self.agent1).stage_id = self.stage_progress
        ticket.with_user(self.agent1)._cs_transfer(
            self.agent2, None, "Needs a technician"
        )
        ticket.with_user(self.agent1).message_post(
            body="We send you a new kettle.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=self.customer.ids,
        )
        ticket.with_user(self.agent1).message_post(
            body="internal: check the stock", subtype_xmlid="mail.mt_note"
        )
        attachment = self.env["ir.attachment"].create(
            {
                "name": "photo.txt",
                "raw": b"cracked lid",
                "res_model": "helpdesk.ticket",
                "res_id": ticket.id,
            }
        )
        self.assertFalse(self._entry(ticket))
        email = self.customer.email
        entry = self._close(ticket, self.agent1)
        self.assertEqual(len(entry), 1)
        self.assertEqual(entry.entry_type_id.code, "complaint")
        self.assertEqual(entry.partner_id, self.customer)
        self.assertEqual(entry.first_owner_id, self.agent1)
        self.assertEqual(entry.handler_id, self.agent2)
        self.assertEqual(entry.retention_years, 10)
        payload = json.loads(entry.sudo().content_json)
        # canonical JSON: sorted keys, no whitespace, UTF-8
        self.assertEqual(entry.sudo().content_json, canonical_json(payload))
        self.assertEqual(entry.content_hash, sha256_hex(entry.sudo().content_json))
        self.assertEqual(payload["customer"]["name"], self.customer.name)
        self.assertEqual(payload["customer"]["email"], email)
        self.assertEqual(payload["request"]["order_ref"], "SO-42")
        self.assertEqual(payload["ownership"]["first_owner"]["id"], self.agent1.id)
        self.assertEqual(
            payload["ownership"]["transfers"][0]["reason"], "Needs a technician"
        )
        self.assertTrue(payload["deadlines"]["all"])
        self.assertEqual(
            payload["deadlines"]["met"] + payload["deadlines"]["missed"],
            len([d for d in payload["deadlines"]["all"] if d["round"] == 1]),
        )
        bodies = [m["body"] for m in payload["messages"]]
        self.assertTrue(any("new kettle" in b for b in bodies))
        self.assertFalse(any("internal" in b for b in bodies), "notes are not archived")
        self.assertEqual(payload["attachments"][0]["checksum"], attachment.checksum)
        html = entry.sudo().content_html
        self.assertIn(self.customer.name, html)
        self.assertIn("Needs a technician", html)
        self.assertIn(attachment.checksum, html)
        # the customer changes later: the archive keeps what was true then
        self.customer.email = "new@example.com"
        self.assertIn(email, entry.sudo().content_json)

    def test_close_triggers_the_archive_job(self):
        """Closing costs a trigger, not a snapshot: the job archives within seconds
        (cron worker), and until then the ticket is listed as missing."""
        ticket = self._complaint(user=self.agent1, user_id=self.agent1.id)
        ticket.with_user(self.agent1).stage_id = self.stage_progress
        cron = self.env.ref("cs_archive.ir_cron_cs_archive_missing")
        Trigger = self.env["ir.cron.trigger"].sudo()
        before = Trigger.search_count([("cron_id", "=", cron.id)])
        ticket.with_user(self.agent1)._cs_confirm_satisfaction("phone", "Satisfied")
        ticket.with_user(self.agent1).action_owner_signoff()
        ticket.with_user(self.agent1).write({"stage_id": self.stage_done.id})
        self.assertFalse(self._entry(ticket))
        self.assertEqual(Trigger.search_count([("cron_id", "=", cron.id)]), before + 1)
        Missing = self.env["cs.archive.missing"]
        self.env.flush_all()  # the list is an SQL view
        self.assertTrue(Missing.search([("ticket_id", "=", ticket.id)]))
        self._run_archive_job()
        entry = self._entry(ticket)
        self.assertEqual(entry.source_round, 1)
        self.assertIn('"archive_reason":"closed"', entry.sudo().content_json)
        self.assertFalse(Missing.search([("ticket_id", "=", ticket.id)]))
        self.assertEqual(self._check().result, "ok")

    def test_close_archives_at_once_when_the_job_is_switched_off(self):
        """An administrator switched the archive job off: closing archives in its
        own transaction rather than waiting for a job that will not run."""
        self.env.ref("cs_archive.ir_cron_cs_archive_missing").active = False
        ticket = self._complaint(user=self.agent1, user_id=self.agent1.id)
        ticket.with_user(self.agent1).stage_id = self.stage_progress
        ticket.with_user(self.agent1)._cs_confirm_satisfaction("phone", "Satisfied")
        ticket.with_user(self.agent1).action_owner_signoff()
        ticket.with_user(self.agent1).write({"stage_id": self.stage_done.id})
        self.assertEqual(self._entry(ticket).source_round, 1)

    def test_reopen_before_the_job_archives_the_closed_round(self):
        """The job selects a ticket's current round: a round closed and reopened
        before the job ran is archived by the reopening."""
        ticket = self._complaint(user=self.agent1, user_id=self.agent1.id)
        ticket.with_user(self.agent1).stage_id = self.stage_progress
        ticket.with_user(self.agent1)._cs_confirm_satisfaction("phone", "Satisfied")
        ticket.with_user(self.agent1).action_owner_signoff()
        ticket.with_user(self.agent1).write({"stage_id": self.stage_done.id})
        self.assertFalse(self._entry(ticket))
        ticket.with_user(self.agent1)._cs_reopen("Customer calls again")
        first = self._entry(ticket)
        self.assertEqual(first.source_round, 1)
        self.assertEqual(ticket.round_number, 2)

    def test_consultation_and_reopened_rounds(self):
        ticket = self.Ticket.with_user(self.agent1).create(
            self._ticket_vals(request_kind="consultation", user_id=self.agent1.id)
        )
        first = self._close(ticket, self.agent1)
        self.assertEqual(first.entry_type_id.code, "consultation")
        self.assertEqual(first.retention_years, 3)
        ticket.with_user(self.agent1)._cs_reopen("Customer calls again")
        second = self._close(ticket, self.agent1)
        self.assertEqual(second.source_round, 2)
        self.assertEqual(second.sequence, first.sequence + 1)
        self.assertEqual(second.prev_hash, first.chain_hash)
        payload = json.loads(second.sudo().content_json)
        self.assertEqual(
            payload["previous_rounds"][0]["reopen_reason"], "Customer calls again"
        )

    def test_force_close_archives_too(self):
        ticket = self._complaint(user=self.agent1, user_id=self.agent1.id)
        ticket.with_user(self.agent1).stage_id = self.stage_progress
        ticket.with_user(self.supervisor)._cs_force_close("Customer unreachable")
        self._run_archive_job()
        entry = self._entry(ticket)
        self.assertTrue(entry)
        self.assertIn("Customer unreachable", entry.sudo().content_json)

    def test_archive_api_for_bridges(self):
        """The generic API a bridge (surveys, callbacks) calls."""
        entry = self.Entry._archive(
            "survey",
            self.customer,
            self.company,
            self.customer,
            {"score": 5, "answers": [{"q": "满意度", "a": "非常满意"}]},
        )
        self.assertEqual(entry.entry_type_id.code, "survey")
        self.assertEqual(entry.retention_years, 5)
        self.assertIn("非常满意", entry.sudo().content_json)  # UTF-8, not escaped
        self.assertIn("非常满意", entry.sudo().content_html)
        rendering = "<p>Score <b>5</b></p><script>alert(1)</script>"
        other = self.Entry._archive(
            "callback",
            self.customer2,
            self.company,
            self.customer2,
            {"done": True},
            rendering,
        )
        self.assertNotIn("<script>", other.sudo().content_html)
        self.assertEqual(other.prev_hash, entry.chain_hash)
        with self.assertRaisesMsg(Exception, "Unknown archive entry type"):
            self.Entry._archive(
                "nope", self.customer, self.company, self.customer, {"a": 1}
            )
        with self.assertRaisesMsg(Exception, "non-empty dict"):
            self.Entry._archive(
                "survey", self.customer, self.company, self.customer, {}
            )

    def test_customer_archive_in_order(self):
        _t1, e1 = self._closed_complaint()
        _t2, e2 = self._closed_complaint(name="Second")
        other = self.Ticket.with_user(self.agent1).create(
            self._ticket_vals(partner_id=self.customer2.id, user_id=self.agent1.id)
        )
        self._close(other, self.agent1)
        action = self.customer.with_user(self.reader).action_view_cs_archive()
        entries = self.Entry.with_user(self.reader).search(action["domain"])
        self.assertEqual(entries.sorted("sequence"), e1 | e2)
        self.assertEqual(self.customer.with_user(self.reader).cs_archive_entry_count, 2)
        # search by type and period
        found = self.Entry.with_user(self.reader).search(
            [
                ("partner_id", "=", self.customer.id),
                ("entry_type_id.code", "=", "complaint"),
                ("archive_date", ">=", e1.archive_date),
            ]
        )
        self.assertEqual(found, e1 | e2)

    def test_generic_snapshot_of_any_record(self):
        """Resolutions (cs.resolution) are archived by a generic snapshot: it
        must freeze any model's fields as JSON (checked here on a ticket, which
        has relations of every kind)."""
        ticket, _entry = self._closed_complaint()
        values = self.Ticket._cs_archive_generic(ticket.sudo())
        self.assertEqual(values["first_owner_id"]["id"], self.agent1.id)
        self.assertIsInstance(values["deadline_ids"], list)
        json.loads(canonical_json(values))
