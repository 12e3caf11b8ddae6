from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import CsArchiveCommon


@tagged("post_install", "-at_install", "security")
class TestSecurity(CsArchiveCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket, cls.entry = cls._closed_complaint()
        cls.reader_other_co = new_test_user(
            cls.env,
            login="cs_arch_reader_b",
            groups="cs_archive.group_cs_archive_reader",
            company_id=cls.company2.id,
            company_ids=[(6, 0, cls.company2.ids)],
        )

    def _can_read(self, user):
        return bool(self.Entry.with_user(user).search([("id", "=", self.entry.id)]))

    def test_access_per_role(self):
        # the first owner (and handler) reads the entries of their tickets
        self.assertTrue(self._can_read(self.agent1))
        self.entry.with_user(self.agent1).read(["content_html"])
        # another agent of the same team does not (R27: need to know)
        self.assertFalse(self._can_read(self.agent2))
        with self.assertRaises(AccessError):
            self.entry.with_user(self.agent2).read(["content_html"])
        # a supervisor or a CS manager is not an archive reader by default
        self.assertFalse(self._can_read(self.supervisor))
        self.assertFalse(self._can_read(self.manager))
        # archive readers and managers of the company read every entry
        self.assertTrue(self._can_read(self.reader))
        self.assertTrue(self._can_read(self.arch_manager))
        # not those of another company, not the portal
        self.assertFalse(self._can_read(self.reader_other_co))
        self.assertFalse(self._can_read(self.agent_other_co))
        with self.assertRaises(AccessError):
            self.Entry.with_user(self.portal_user).search([])
        with self.assertRaises(AccessError):
            self.entry.with_user(self.portal_user).read(["name"])

    def test_every_content_read_is_logged(self):
        self.reader.groups_id |= self.env.ref("base.group_allow_export")
        Log = self.env["cs.archive.read.log"]
        before = Log.search_count([("entry_id", "=", self.entry.id)])
        # the list (no content) is not a read of the content
        self.Entry.with_user(self.reader).search_read(
            [("id", "=", self.entry.id)], ["name", "partner_id"]
        )
        self.assertEqual(Log.search_count([("entry_id", "=", self.entry.id)]), before)
        # the form is
        self.entry.with_user(self.reader).web_read({"content_html": {}, "name": {}})
        self.entry.with_user(self.agent1).read(["content_json"])
        self.entry.with_user(self.reader).export_data(["name", "content_json"])
        logs = Log.search([("entry_id", "=", self.entry.id)], order="id")[before:]
        self.assertEqual(
            [(log.user_id, log.access) for log in logs],
            [(self.reader, "read"), (self.agent1, "read"), (self.reader, "export")],
        )
        # visible to archive managers only, and nobody changes it
        self.assertEqual(
            Log.with_user(self.arch_manager).search([("id", "in", logs.ids)]), logs
        )
        self.assertIn(logs[0], self.entry.with_user(self.arch_manager).read_log_ids)
        with self.assertRaises(AccessError):
            Log.with_user(self.reader).search([])
        with self.assertRaisesMsg(AccessError, "cannot be changed"):
            logs[0].sudo().write({"user_id": self.manager.id})
        with self.assertRaisesMsg(AccessError, "cannot be deleted"):
            logs[0].sudo().unlink()
        with self.assertRaisesMsg(AccessError, "written by Odoo"):
            Log.with_user(self.arch_manager).create(
                {"entry_id": self.entry.id, "user_id": self.reader.id}
            )

    def test_content_not_searchable(self):
        with self.assertRaisesMsg(AccessError, "not searchable"):
            self.Entry.with_user(self.reader).search(
                [("content_json", "ilike", "Broken kettle")]
            )
        self.assertTrue(
            self.Entry.sudo().search([("content_json", "ilike", "Broken kettle")])
        )

    def test_configuration_rights(self):
        complaint = self.env.ref("cs_archive.entry_type_complaint")
        with self.assertRaises(AccessError):
            complaint.with_user(self.manager).write({"retention_years": 1})
        complaint.with_user(self.arch_manager).write({"retention_years": 12})
        self.assertEqual(complaint.retention_years, 12)
        with self.assertRaisesMsg(AccessError, "archive manager"):
            self.entry.with_user(self.reader).action_request_disposal()

    def test_open_source_checks_access_to_the_source(self):
        action = self.entry.with_user(self.agent1).action_open_source()
        self.assertEqual(
            (action["res_model"], action["res_id"]), ("helpdesk.ticket", self.ticket.id)
        )
        # an archive reader reads the entry, not necessarily the ticket
        with self.assertRaises(AccessError):
            self.entry.with_user(self.reader).action_open_source()
