import psycopg2
from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import CsArchiveCommon


@tagged("post_install", "-at_install")
class TestDisposal(CsArchiveCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # archived in 2012 as consultations (3 years): long expired
        with freeze_time("2012-03-01 10:00:00"):
            cls.old = cls.Entry.browse()
            for partner in (cls.customer, cls.customer2):
                cls.old |= cls.Entry._archive(
                    "consultation",
                    partner,
                    cls.company,
                    partner,
                    {"question": f"How to descale? ({partner.name})"},
                )
        source = cls.env["res.partner"].create({"name": "Recent source"})
        cls.recent = cls.Entry._archive(
            "complaint", cls.customer, cls.company, source, {"claim": "lid"}
        )
        cls.Disposal = cls.env["cs.archive.disposal"]

    def _request(self, entries, user=None):
        disposal = self.Disposal.with_user(user or self.arch_manager).create(
            {
                "company_id": self.company.id,
                "entry_ids": [fields.Command.set(entries.ids)],
                "reason": "Retention period over",
            }
        )
        disposal.action_request()
        return disposal

    def test_expiry_and_nearing_expiry(self):
        old = self.old[0]
        self.assertEqual(str(old.expiry_date), "2015-03-01")
        self.assertEqual(
            str(self.recent.expiry_date),
            str(
                self.recent.archive_date.date().replace(
                    year=self.recent.archive_date.year + 10
                )
            ),
        )
        nearing = self.Entry.with_user(self.arch_manager).search(
            [("nearing_expiry", "=", True)]
        )
        self.assertIn(old, nearing)
        self.assertNotIn(self.recent, nearing)
        expired = self.Entry.search([("expiry_date", "<", fields.Date.today())])
        self.assertEqual(expired & (self.old | self.recent), self.old)
        # shortening a period does not shorten what was archived with it
        complaint = self.recent.entry_type_id
        complaint.with_user(self.arch_manager).retention_years = 1
        self.recent.invalidate_recordset()
        self.assertEqual(
            self.recent.expiry_date.year, self.recent.archive_date.year + 10
        )
        with self.assertRaisesMsg(ValidationError, "at least one year"):
            complaint.with_user(self.arch_manager).retention_years = 0
        with self.assertRaises(AccessError):
            complaint.with_user(self.reader).retention_years = 20

    def test_disposal_before_expiry_refused(self):
        with self.assertRaisesMsg(UserError, "still within their retention period"):
            self._request(self.recent)
        # lengthening applies to existing entries
        self.old.entry_type_id.with_user(self.arch_manager).retention_years = 20
        with self.assertRaisesMsg(UserError, "still within their retention period"):
            self._request(self.old)

    @mute_logger("odoo.sql_db")
    def test_trigger_refuses_unexpired_even_with_approved_disposal(self):
        """Below the ORM: an 'approved' disposal forged with SQL still cannot
        blank an entry that has not expired."""
        cr = self.env.cr
        cr.execute(
            "INSERT INTO cs_archive_disposal (company_id, state, request_user_id, "
            "approve_user_id, reason) VALUES (%s, 'requested', %s, %s, 'x') "
            "RETURNING id",
            [self.company.id, self.arch_manager.id, self.arch_manager2.id],
        )
        disposal_id = cr.fetchone()[0]
        cr.execute(
            "INSERT INTO cs_archive_disposal_entry_rel VALUES (%s, %s)",
            [disposal_id, self.recent.id],
        )
        cr.execute(
            "UPDATE cs_archive_disposal SET state = 'approved' WHERE id = %s",
            [disposal_id],
        )
        with self.assertRaises(psycopg2.errors.InsufficientPrivilege) as cm:
            with cr.savepoint():
                cr.execute(
                    "SELECT set_config('cs_archive.disposal', %s, true)",
                    [str(disposal_id)],
                )
                cr.execute(
                    "UPDATE cs_archive_entry SET content_json = NULL, "
                    "content_html = NULL, partner_id = NULL, state = 'disposed', "
                    "disposal_id = %s WHERE id = %s",
                    [disposal_id, self.recent.id],
                )
        self.assertIn("not expired", str(cm.exception))
        # and an approved disposal is itself frozen
        with self.assertRaises(psycopg2.errors.InsufficientPrivilege):
            with cr.savepoint():
                cr.execute(
                    "DELETE FROM cs_archive_disposal WHERE id = %s", [disposal_id]
                )
        with self.assertRaises(psycopg2.errors.InsufficientPrivilege):
            with cr.savepoint():
                cr.execute(
                    "INSERT INTO cs_archive_disposal_entry_rel VALUES (%s, %s)",
                    [disposal_id, self.old[0].id],
                )

    def test_disposal_after_expiry_with_second_approver(self):
        old = self.old[0]
        seq, chain_hash, content_hash = old.sequence, old.chain_hash, old.content_hash
        with self.assertRaisesMsg(AccessError, "archive manager"):
            self.Disposal.with_user(self.reader).create({"reason": "x"})
        disposal = self._request(old)
        self.assertEqual(disposal.state, "requested")
        self.assertEqual(disposal.request_user_id, self.arch_manager)
        # the requester cannot approve alone
        with self.assertRaisesMsg(UserError, "another archive manager"):
            disposal.with_user(self.arch_manager).action_approve()
        with self.assertRaisesMsg(AccessError, "archive manager"):
            disposal.with_user(self.reader).action_approve()
        with self.assertRaisesMsg(AccessError, "Only a draft disposal"):
            disposal.with_user(self.arch_manager2).write({"reason": "changed"})
        disposal.with_user(self.arch_manager2).action_approve()
        self.assertEqual(disposal.state, "approved")
        self.assertEqual(disposal.approve_user_id, self.arch_manager2)
        self.assertTrue(disposal.approve_date)
        old.invalidate_recordset()
        tomb = old.sudo()
        self.assertEqual(tomb.state, "disposed")
        self.assertFalse(tomb.content_json)
        self.assertFalse(tomb.content_html)
        self.assertFalse(tomb.partner_id)
        self.assertNotIn("descale", tomb.name)
        self.assertEqual(
            (tomb.sequence, tomb.chain_hash, tomb.content_hash),
            (seq, chain_hash, content_hash),
        )
        self.assertEqual(tomb.disposal_id, disposal)
        self.assertEqual(tomb.disposal_id.reason, "Retention period over")
        # the chain still verifies, tombstone included
        report = self._check()
        self.assertEqual(report.result, "ok", report.details)
        self.assertEqual(report.entries_disposed, 1)
        # twice is refused, and the approved disposal cannot be undone
        with self.assertRaisesMsg(UserError, "already disposed"):
            self._request(old)
        with self.assertRaisesMsg(AccessError, "Only a draft disposal"):
            disposal.with_user(self.arch_manager).write({"reason": "x"})
        with self.assertRaisesMsg(UserError, "Only a draft disposal can be deleted"):
            disposal.with_user(self.arch_manager).unlink()

    def test_refuse_and_forged_tombstone_detected(self):
        disposal = self._request(self.old[1])
        disposal.with_user(self.arch_manager2).action_refuse("Keep it, litigation")
        self.assertEqual(disposal.state, "refused")
        self.assertTrue(self.old[1].sudo().content_json)
        # a tombstone made with the guard switched off has no approved disposal
        with self._tamper() as cr:
            cr.execute(
                "UPDATE cs_archive_entry SET content_json = NULL, content_html = NULL,"
                " state = 'disposed' WHERE id = %s",
                [self.old[1].id],
            )
        report = self._check()
        self.assertEqual(report.first_broken_entry_id, self.old[1])
        self.assertEqual(report.first_broken_fields, "disposal")
