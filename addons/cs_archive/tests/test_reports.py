from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.cs_center.tests.report_common import CsReportCase

from .common import CsArchiveCommon


@tagged("post_install", "-at_install")
class TestArchiveCertificate(CsReportCase, CsArchiveCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket, cls.entry = cls._closed_complaint(name="热水器不加热")
        cls.salesperson = new_test_user(
            cls.env, login="cs_sales_arch", groups="base.group_user"
        )

    def test_certificate_states_hashes_and_last_check(self):
        check = self._check()
        self.assertEqual(check.result, "ok")
        logs_before = len(self.entry.sudo().read_log_ids)
        _pdf, text = self._render(
            "cs_archive.report_archive_certificate", self.entry, self.reader
        )
        self.assertInPdf(
            [
                "档案条目证明",
                self.entry.name,
                self.entry.sequence,
                self.entry.content_hash,
                self.entry.chain_hash,
                self.entry.prev_hash,
                "热水器不加热",
                self._qweb_value("datetime", check.check_date),
                "条记录已校验",
            ],
            text,
        )
        # printing the content is logged as an export (R27)
        logs = self.entry.sudo().read_log_ids
        self.assertGreater(len(logs), logs_before)
        self.assertIn("export", logs.mapped("access"))
        self.assertIn(self.reader, logs.mapped("user_id"))

    def test_who_prints(self):
        Report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        # the first owner reads (and prints) the entry of their own ticket
        self.assertTrue(
            Report.with_user(self.agent1)._render_qweb_html(
                "cs_archive.report_archive_certificate", self.entry.ids
            )
        )
        for user in (self.agent_b, self.salesperson, self.portal_user):
            with self.assertRaises(AccessError):
                Report.with_user(user)._render_qweb_html(
                    "cs_archive.report_archive_certificate", self.entry.ids
                )
