import psycopg2

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import CsArchiveCommon


@tagged("post_install", "-at_install")
class TestImmutability(CsArchiveCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket, cls.entry = cls._closed_complaint()

    def test_orm_write_and_unlink_refused_for_every_role(self):
        roles = (
            self.agent1,
            self.supervisor,
            self.manager,
            self.reader,
            self.arch_manager,
            self.env.ref("base.user_admin"),
        )
        for user in roles:
            # refused by the access rights or by the model itself
            with self.assertRaises(AccessError):
                self.entry.with_user(user).write({"name": "forged"})
            with self.assertRaises(AccessError):
                self.entry.with_user(user).unlink()
        # not even the superuser
        with self.assertRaisesMsg(AccessError, "cannot be changed"):
            self.entry.sudo().write({"content_json": "{}"})
        with self.assertRaisesMsg(AccessError, "cannot be deleted"):
            self.entry.sudo().unlink()
        with self.assertRaisesMsg(AccessError, "never by hand"):
            self.Entry.sudo().create({"name": "forged"})
        self.assertEqual(
            self.entry.sudo().name, f"{self.ticket.number} {self.ticket.name}"
        )

    @mute_logger("odoo.sql_db")
    def test_raw_sql_update_and_delete_refused_by_trigger(self):
        cr = self.env.cr
        statements = [
            (
                "UPDATE cs_archive_entry SET content_json = '{}' WHERE id = %s",
                "cannot be changed",
            ),
            (
                "UPDATE cs_archive_entry SET sequence = sequence + 100 WHERE id = %s",
                "cannot be changed",
            ),
            ("DELETE FROM cs_archive_entry WHERE id = %s", "cannot be deleted"),
        ]
        for query, message in statements:
            with self.assertRaises(psycopg2.errors.InsufficientPrivilege) as cm:
                with cr.savepoint():
                    cr.execute(query, [self.entry.id])
            self.assertIn(message, str(cm.exception))
        with self.assertRaises(psycopg2.errors.InsufficientPrivilege):
            with cr.savepoint():
                cr.execute("TRUNCATE cs_archive_entry CASCADE")
        # naming a disposal that does not cover the entry does not help
        with self.assertRaises(psycopg2.errors.InsufficientPrivilege) as cm:
            with cr.savepoint():
                cr.execute("SET LOCAL cs_archive.disposal = '999999'")
                cr.execute(
                    "UPDATE cs_archive_entry SET content_json = NULL, "
                    "content_html = NULL, partner_id = NULL, state = 'disposed', "
                    "disposal_id = NULL WHERE id = %s",
                    [self.entry.id],
                )
        # the read log and the chain head are protected too
        self.entry.with_user(self.reader).read(["content_html"])
        for query in (
            "DELETE FROM cs_archive_read_log",
            "UPDATE cs_archive_read_log SET user_id = 1",
            "DELETE FROM cs_archive_chain",
            "UPDATE cs_archive_chain SET last_sequence = 0",
        ):
            with self.assertRaises(psycopg2.errors.InsufficientPrivilege):
                with cr.savepoint():
                    cr.execute(query)
        cr.execute(
            "SELECT content_json IS NOT NULL FROM cs_archive_entry WHERE id = %s",
            [self.entry.id],
        )
        self.assertTrue(cr.fetchone()[0])
        self.assertEqual(self._check().result, "ok")
