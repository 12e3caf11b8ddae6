import json
from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..models.cs_archive_hashing import CHAIN_COLUMNS, canonical_json, chain_input
from ..models.cs_archive_integrity_report import ENTRY_BY_ID_QUERY
from ..models.cs_archive_integrity_scan import CHAIN_REST_SQL, subject_input
from .common import CsArchiveCommon


@tagged("post_install", "-at_install")
class TestIntegrity(CsArchiveCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.entries = cls.Entry.browse()
        for i in range(5):
            _ticket, entry = cls._closed_complaint(name=f"Ticket {i}")
            cls.entries |= entry
        cls.entries = cls.entries.sorted("sequence")

    def test_intact_chain(self):
        report = self._check()
        self.assertEqual(report.result, "ok")
        self.assertGreaterEqual(report.entries_verified, 5)
        self.assertEqual(report.gap_count, 0)
        self.assertEqual(report.head_hash, self.entries[-1].chain_hash)
        # small batches give the same answer (keyset pagination)
        again = self.Report._cs_check_company(self.company, batch_size=2)
        self.assertEqual(again.result, "ok")
        self.assertEqual(again.entries_verified, report.entries_verified)

    def test_content_tampering_names_entry_and_field(self):
        victim = self.entries[2]
        payload = json.loads(victim.sudo().content_json)
        payload["customer"]["email"] = "someone.else@example.com"
        with self._tamper() as cr:
            cr.execute(
                "UPDATE cs_archive_entry SET content_json = %s WHERE id = %s",
                [json.dumps(payload), victim.id],
            )
        report = self._check()
        self.assertEqual(report.result, "broken")
        self.assertEqual(report.first_broken_entry_id, victim)
        self.assertEqual(report.first_broken_sequence, victim.sequence)
        self.assertEqual(report.first_broken_fields, "content.customer")
        self.assertEqual(report.broken_count, 1, "the next link still holds")

    def test_column_and_rendering_tampering(self):
        victim = self.entries[1]
        with self._tamper() as cr:
            cr.execute(
                "UPDATE cs_archive_entry SET first_owner_id = %s WHERE id = %s",
                [self.agent2.id, victim.id],
            )
        report = self._check()
        self.assertEqual(report.first_broken_entry_id, victim)
        self.assertEqual(report.first_broken_fields, "column.first_owner_id")
        victim2 = self.entries[3]
        with self._tamper() as cr:
            cr.execute(
                "UPDATE cs_archive_entry SET content_html = '<p>nothing</p>', "
                "partner_id = %s WHERE id = %s",
                [self.customer2.id, victim2.id],
            )
        report = self._check()
        self.assertEqual(report.broken_count, 2)
        self.assertEqual(report.first_broken_entry_id, victim)

    def test_recomputed_hash_breaks_the_next_link(self):
        """Someone edits an entry and recomputes its own hashes: the next entry's
        link to it breaks."""
        victim = self.entries[1]
        with self._tamper() as cr:
            cr.execute(
                "UPDATE cs_archive_entry SET chain_hash = %s WHERE id = %s",
                ["f" * 64, victim.id],
            )
        report = self._check()
        self.assertEqual(report.first_broken_entry_id, victim)
        self.assertIn("chain_hash", report.first_broken_fields)
        self.assertEqual(report.broken_count, 2)  # the victim and the next link

    def test_deleted_entries_are_gaps(self):
        middle, last = self.entries[2], self.entries[-1]
        middle_seq = middle.sequence
        with self._tamper() as cr:
            cr.execute("DELETE FROM cs_archive_entry WHERE id = %s", [middle.id])
        report = self._check()
        self.assertEqual(report.result, "broken")
        self.assertEqual(report.gap_count, 1)
        self.assertEqual(report.gaps, str(middle_seq))
        self.assertEqual(report.first_broken_sequence, middle_seq + 1)
        self.assertEqual(report.first_broken_fields, "prev_hash")
        # removing the tail is seen against the chain head
        with self._tamper() as cr:
            cr.execute("DELETE FROM cs_archive_entry WHERE id = %s", [last.id])
        report = self._check()
        self.assertIn("chain head", report.details)

    def test_check_button_and_cron(self):
        with self.assertRaisesMsg(AccessError, "archive manager"):
            self.Report.with_user(self.reader).action_run_check()
        action = self.Report.with_user(self.arch_manager).action_run_check()
        report = self.Report.browse(action["res_id"])
        self.assertEqual(report.result, "ok")
        self.assertEqual(report.user_id, self.arch_manager)
        reports = self.Report._cron_check_integrity(batch_size=3)
        self.assertIn(self.company, reports.company_id)
        self.assertEqual(set(reports.mapped("result")), {"ok"})
        # reports are evidence too
        with self.assertRaisesMsg(AccessError, "cannot be changed"):
            report.sudo().write({"result": "broken"})
        with self.assertRaisesMsg(AccessError, "cannot be deleted"):
            report.sudo().unlink()
        with self.assertRaisesMsg(AccessError, "written by the integrity check"):
            self.Report.with_user(self.arch_manager).create(
                {"company_id": self.company.id}
            )

    # ------------------------------------------------------------------ fast path
    def _count_slow_rows(self):
        """Patch the per-row check to count the rows the fast path hands over."""
        Report = type(self.Report)
        original = Report._cs_check_row
        calls = []

        def counting(report, row, state, anchor):
            calls.append(row[1])
            return original(report, row, state, anchor)

        return patch.object(Report, "_cs_check_row", counting), calls

    def test_fast_path_accepts_intact_entries_only(self):
        patcher, slow = self._count_slow_rows()
        with patcher:
            first = self._check()
        self.assertEqual(first.result, "ok")
        self.assertEqual(slow, [], "an intact chain is verified by the fast path")
        victim = self.entries[2]
        with self._tamper() as cr:
            cr.execute(
                "UPDATE cs_archive_entry SET name = 'forged' WHERE id = %s",
                [victim.id],
            )
        patcher, slow = self._count_slow_rows()
        with patcher:
            report = self._check()
        # the tampered entry, and the previous report's head (the anchor)
        self.assertEqual(slow, [victim.sequence, first.head_sequence])
        self.assertEqual(report.first_broken_entry_id, victim)
        self.assertEqual(report.first_broken_fields, "subject.name")

    def test_fast_path_renders_chain_input_like_python(self):
        """The chain input rendered by PostgreSQL is the bytes chain_input()
        renders, also for NULL, 0 and empty values and any customer name."""
        victim = self.entries[0]
        with self._tamper() as cr:
            cr.execute(
                "UPDATE cs_archive_entry SET handler_id = NULL, source_round = 0,"
                " res_id = 0, res_model = '', partner_id = NULL,"
                " name = %s WHERE id = %s",
                ['王 "芳"\\\n\t\x01\x7f é', victim.id],
            )
        cr = self.env.cr
        for sequence in self.entries.mapped("sequence"):
            cr.execute(
                f"SELECT {CHAIN_REST_SQL}, e.id FROM cs_archive_entry e"
                " WHERE e.company_id = %s AND e.sequence = %s",
                [self.company.id, sequence],
            )
            rest, entry_id = cr.fetchone()
            cr.execute(ENTRY_BY_ID_QUERY, [entry_id])
            row = cr.fetchone()
            columns = dict(
                zip(CHAIN_COLUMNS, [row[2], row[1], *row[3:12]], strict=True)
            )
            self.assertEqual(
                row[19] + rest,
                chain_input(row[19], columns, row[16], row[17], row[18]),
            )
            self.assertEqual(
                subject_input(row[12], row[13]),
                canonical_json([row[12] or None, row[13] or ""]),
            )
        for partner_id, name in ((None, None), (0, ""), (7, "a\u2028b\\/"), (3, False)):
            self.assertEqual(
                subject_input(partner_id, name),
                canonical_json([partner_id or None, name or ""]),
            )

    def test_fast_path_small_batches(self):
        """Batches of one row give the same report (the cursor is streamed)."""
        report = self.Report._cs_check_company(self.company, batch_size=1)
        self.assertEqual(report.result, "ok")
        self.assertEqual(report.head_hash, self.entries[-1].chain_hash)
