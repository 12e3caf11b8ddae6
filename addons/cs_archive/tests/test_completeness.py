from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import CsArchiveCommon


@tagged("post_install", "-at_install")
class TestCompleteness(CsArchiveCommon):
    def _closed_without_entry(self, closed=None):
        ticket, entry = closed or self._closed_complaint()
        # an entry lost before this addon existed, or by a failure: simulate by
        # closing a ticket whose entry belongs to another round
        ticket.with_user(self.agent1)._cs_reopen("Customer calls back")
        ticket._cs_confirm_satisfaction("phone")
        ticket.with_user(self.agent1).action_owner_signoff()
        # close through SQL: the ORM hook would archive it
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE helpdesk_ticket SET stage_id = %s WHERE id = %s",
            [self.stage_done.id, ticket.id],
        )
        ticket.invalidate_recordset()
        return ticket, entry

    def test_missing_entries_listed_and_archived_by_the_job(self):
        ticket, first = self._closed_without_entry()
        Missing = self.env["cs.archive.missing"]
        missing = Missing.with_user(self.reader).search([("ticket_id", "=", ticket.id)])
        self.assertEqual(len(missing), 1)
        self.assertEqual(missing.round_number, 2)
        self.assertEqual(Missing.search([]).ticket_id, ticket)
        # one batch per call (Odoo 18 cron progress API: the runner calls again)
        self.assertEqual(Missing._cron_archive_missing(batch_size=1), 1)
        self.assertFalse(Missing.search([("ticket_id", "=", ticket.id)]))
        second = self._entry(ticket)
        self.assertEqual(second.source_round, 2)
        self.assertNotEqual(second, first)
        # a ticket's entry records why it is archived: closed (the job is what
        # archives closed tickets, triggered by the close or hourly)
        self.assertIn('"archive_reason":"closed"', second.sudo().content_json)
        # idempotent
        self.assertEqual(Missing._cron_archive_missing(), 0)
        self.assertEqual(self._check().result, "ok")

    def test_archive_now_button_for_managers_only(self):
        ticket, _first = self._closed_without_entry()
        missing = self.env["cs.archive.missing"].search([("ticket_id", "=", ticket.id)])
        with self.assertRaisesMsg(AccessError, "archive manager"):
            missing.with_user(self.reader).action_archive_now()
        missing.with_user(self.arch_manager).action_archive_now()
        self.assertEqual(self._entry(ticket).source_round, 2)
        # archiving the same round twice does nothing
        self.assertFalse(ticket.sudo()._cs_archive())

    def test_job_reports_progress_one_batch_per_call(self):
        """Odoo 18's cron progress API: a batch per call, the rest reported as
        remaining (the runner commits and calls again)."""
        # both closed and archived first (closing runs the job in _close)
        closed = [self._closed_complaint(), self._closed_complaint(name="Other")]
        first, _e1 = self._closed_without_entry(closed[0])
        second, _e2 = self._closed_without_entry(closed[1])
        cron = self.env.ref("cs_archive.ir_cron_cs_archive_missing")
        _cron, progress = cron._add_progress()
        Missing = self.env["cs.archive.missing"].with_context(
            ir_cron_progress_id=progress.id
        )
        self.assertEqual(Missing._cron_archive_missing(batch_size=1), 1)
        self.assertEqual((progress.done, progress.remaining), (1, 1))
        self.assertEqual(Missing._cron_archive_missing(batch_size=1), 1)
        self.assertEqual((progress.done, progress.remaining), (1, 0))
        self.assertEqual(self._entry(first).source_round, 2)
        self.assertEqual(self._entry(second).source_round, 2)
        self.assertFalse(Missing.search([]))
        self.assertEqual(self._check().result, "ok")
