"""Issue 9 regression tests: the archive's guards are cs.workflow.mixin grants, not
context keys; nothing a client sends opens them (case 2 and the archive's logs)."""

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..models.cs_archive_hashing import sha256_hex
from .common import CsArchiveCommon

# every context key the archive used to trust, and a few a client might try
CONTEXT_KEYS = {
    "cs_archive_disposal_workflow": True,
    "cs_archive_append": True,
    "cs_archive_check": True,
    "install_mode": True,
    "module": "cs_archive",
}


@tagged("post_install", "-at_install", "security")
class TestArchiveWorkflow(CsArchiveCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time("2012-03-01 10:00:00"):
            cls.old = cls.Entry._archive(
                "consultation",
                cls.customer,
                cls.company,
                cls.customer,
                {"question": "How to descale?"},
            )
        cls.ticket, cls.entry = cls._closed_complaint()
        cls.Disposal = cls.env["cs.archive.disposal"]
        cls.Log = cls.env["cs.archive.read.log"]
        cls.report = cls.Report._cs_check_company(cls.company)
        cls.clients = (cls.reader, cls.arch_manager, cls.manager)

    def _requested(self, user=None):
        disposal = self.Disposal.with_user(user or self.arch_manager).create(
            {
                "company_id": self.company.id,
                "entry_ids": [fields.Command.set(self.old.ids)],
                "reason": "Retention period over",
            }
        )
        disposal.action_request()
        return disposal

    # ------------------------------------------------------------------ case 2
    def test_case2_context_key_does_not_approve_own_disposal(self):
        disposal = self._requested()
        as_requester = disposal.with_user(self.arch_manager)
        for env_disposal in (
            as_requester.with_context(cs_archive_disposal_workflow=True),
            as_requester.with_context(**CONTEXT_KEYS),
            # a controller's sudo() with the request's context
            as_requester.sudo().with_context(cs_archive_disposal_workflow=True),
        ):
            for vals in (
                {"state": "approved"},
                {"state": "approved", "approve_user_id": self.arch_manager2.id},
                {"request_user_id": self.arch_manager2.id},
                {"approve_date": fields.Datetime.now()},
            ):
                with self.assertRaises(AccessError):
                    env_disposal.write(vals)
        with self.assertRaises(UserError):
            as_requester.with_context(**CONTEXT_KEYS).unlink()
        # nor created approved
        with self.assertRaises(AccessError):
            self.Disposal.with_user(self.arch_manager).with_context(
                **CONTEXT_KEYS
            ).create(
                {
                    "company_id": self.company.id,
                    "entry_ids": [fields.Command.set(self.old.ids)],
                    "state": "approved",
                    "request_user_id": self.arch_manager.id,
                    "approve_user_id": self.arch_manager2.id,
                }
            )
        self.assertEqual(disposal.state, "requested")
        self.assertFalse(disposal.approve_user_id)
        self.assertEqual(self.old.sudo().state, "archived")

    def test_case2_same_manager_cannot_approve_own_disposal(self):
        disposal = self._requested()
        with self.assertRaisesMsg(UserError, "another archive manager"):
            disposal.with_user(self.arch_manager).with_context(
                **CONTEXT_KEYS
            ).action_approve()
        self.assertEqual(disposal.state, "requested")
        self.assertTrue(self.old.sudo().content_json)

    def test_case2_second_manager_approves(self):
        disposal = self._requested()
        disposal.with_user(self.arch_manager2).action_approve()
        self.assertEqual(disposal.state, "approved")
        self.assertEqual(
            (disposal.request_user_id, disposal.approve_user_id),
            (self.arch_manager, self.arch_manager2),
        )
        self.assertEqual(self.old.sudo().state, "disposed")
        self.assertFalse(self.old.sudo().content_json)
        # the database guard's session setting does not outlive the action
        self.env.cr.execute("SELECT current_setting('cs_archive.disposal', true)")
        self.assertFalse(self.env.cr.fetchone()[0])
        # an approved disposal is frozen, whatever the context
        with self.assertRaises(AccessError):
            disposal.with_user(self.arch_manager2).with_context(**CONTEXT_KEYS).write(
                {"reason": "other"}
            )
        with self.assertRaises(UserError):
            disposal.with_user(self.arch_manager2).with_context(**CONTEXT_KEYS).unlink()
        self.assertEqual(self._check().result, "ok")

    def test_draft_disposal_editable_by_its_managers_only(self):
        disposal = self.Disposal.with_user(self.arch_manager).create(
            {"company_id": self.company.id, "reason": "x"}
        )
        disposal.with_user(self.arch_manager).write(
            {"entry_ids": [fields.Command.set(self.old.ids)], "reason": "Expired"}
        )
        with self.assertRaises(AccessError):
            disposal.with_user(self.reader).write({"reason": "y"})
        with self.assertRaises(AccessError):
            disposal.with_user(self.manager).write({"reason": "y"})
        with self.assertRaises(AccessError):
            disposal.with_user(self.arch_manager).write({"state": "requested"})
        disposal.with_user(self.arch_manager).unlink()
        self.assertFalse(disposal.exists())

    # ------------------------------------------------------------------ logs
    def test_entries_not_creatable_writable_deletable_by_any_client(self):
        for user in self.clients:
            for ctx in ({}, CONTEXT_KEYS):
                Entry = self.Entry.with_user(user).with_context(**ctx)
                with self.assertRaises(AccessError):
                    Entry.create({"name": "forged", "company_id": self.company.id})
                with self.assertRaises(AccessError):
                    Entry.sudo().create(
                        {"name": "forged", "company_id": self.company.id}
                    )
                with self.assertRaises(AccessError):
                    self.entry.with_user(user).with_context(**ctx).write(
                        {"name": "forged"}
                    )
                with self.assertRaises(AccessError):
                    self.entry.with_user(user).with_context(**ctx).sudo().write(
                        {"state": "disposed"}
                    )
                with self.assertRaises(AccessError):
                    self.entry.with_user(user).with_context(**ctx).unlink()
        self.assertEqual(self.entry.sudo().state, "archived")
        # while the archive's own path works: closing a ticket appends an entry
        _ticket, entry = self._closed_complaint(name="Another")
        self.assertTrue(entry)
        self.assertEqual(entry.prev_hash, self.entry.chain_hash)

    def test_integrity_reports_not_creatable_writable_deletable(self):
        for user in self.clients:
            for ctx in ({}, CONTEXT_KEYS):
                Report = self.Report.with_user(user).with_context(**ctx)
                with self.assertRaises(AccessError):
                    Report.create({"company_id": self.company.id, "result": "ok"})
                with self.assertRaises(AccessError):
                    Report.sudo().create(
                        {"company_id": self.company.id, "result": "ok"}
                    )
                with self.assertRaises(AccessError):
                    self.report.with_user(user).with_context(**ctx).write(
                        {"result": "broken"}
                    )
                with self.assertRaises(AccessError):
                    self.report.with_user(user).with_context(**ctx).sudo().unlink()
        self.assertEqual(self.report.result, "ok")
        # the check itself writes its report (archive managers' button)
        action = self.Report.with_user(self.arch_manager).action_run_check()
        self.assertEqual(self.Report.browse(action["res_id"]).result, "ok")
        with self.assertRaisesMsg(AccessError, "archive manager"):
            self.Report.with_user(self.manager).with_context(
                **CONTEXT_KEYS
            ).action_run_check()

    def test_read_logs_not_creatable_writable_deletable(self):
        self.entry.with_user(self.reader).read(["content_json"])
        log = self.Log.search([("entry_id", "=", self.entry.id)], limit=1)
        self.assertEqual(log.user_id, self.reader)
        for user in self.clients:
            for ctx in ({}, CONTEXT_KEYS):
                Log = self.Log.with_user(user).with_context(**ctx)
                vals = {
                    "entry_id": self.entry.id,
                    "company_id": self.company.id,
                    "user_id": user.id,
                }
                with self.assertRaises(AccessError):
                    Log.create(vals)
                with self.assertRaises(AccessError):
                    Log.sudo().create(vals)
                with self.assertRaises(AccessError):
                    log.with_user(user).with_context(**ctx).sudo().write(
                        {"user_id": self.manager.id}
                    )
                with self.assertRaises(AccessError):
                    log.with_user(user).with_context(**ctx).sudo().unlink()
        self.assertEqual(log.user_id, self.reader)

    def test_declarations(self):
        """What the adversarial RPC suite reads."""
        entry = self.Entry._cs_workflow_declaration()
        self.assertTrue(entry["no_client_create"])
        self.assertEqual(entry["unlink_states"], [])
        self.assertEqual(set(entry["frozen_states"]), {"archived", "disposed"})
        self.assertIn("content_json", entry["workflow_fields"])
        for model in ("cs.archive.integrity.report", "cs.archive.read.log"):
            declaration = self.env[model]._cs_workflow_declaration()
            self.assertTrue(declaration["no_client_create"], model)
            self.assertEqual(declaration["unlink_states"], [], model)
        disposal = self.Disposal._cs_workflow_declaration()
        self.assertEqual(disposal["state_field"], "state")
        self.assertEqual(disposal["unlink_states"], ["draft"])
        self.assertTrue(
            {"state", "request_user_id", "approve_user_id"}
            <= set(disposal["workflow_fields"])
        )
        self.assertNotIn("reason", disposal["workflow_fields"])

    # ------------------------------------------------------------------ archivable
    def test_ticket_rendering_is_the_qweb_template(self):
        html = str(self.entry.sudo().content_html)
        self.assertIn("<h4>Request</h4>", html)
        self.assertIn(self.ticket.number, html)
        self.assertIn("<h4>Deadlines</h4>", html)
        self.assertEqual(self.entry.rendering_hash, sha256_hex(html))

    def test_rendering_in_the_archiver_language(self):
        if not self.env["res.lang"]._lang_get("zh_CN"):
            self.skipTest("zh_CN not loaded")
        ticket = self.ticket.sudo().with_context(lang="zh_CN")
        payload = ticket._cs_archive_payloads("closed")[ticket.id]
        html = str(ticket._cs_archive_render(payload))
        self.assertIn("受理时间", html)
        self.assertIn(ticket.number, html)

    def test_only_regulated_tickets_archived_on_close(self):
        if "cs_regulated" not in self.Ticket._fields:
            self.skipTest("helpdesk.ticket.cs_regulated not installed yet")
        team = self.env["helpdesk.ticket.team"].create(
            {"name": "IT helpdesk", "user_ids": [(6, 0, self.agent1.ids)]}
        )
        self.assertFalse(team.cs_regulated)
        ticket = self.Ticket.create(
            {
                "name": "Printer",
                "description": "Out of toner",
                "team_id": team.id,
                "partner_id": self.customer.id,
            }
        )
        cron = self.env.ref("cs_archive.ir_cron_cs_archive_missing")
        Trigger = self.env["ir.cron.trigger"].sudo()
        before = Trigger.search_count([("cron_id", "=", cron.id)])
        ticket.write({"stage_id": self.stage_done.id})
        # no archive job triggered for a plain helpdesk team, nothing archived
        self.assertEqual(Trigger.search_count([("cron_id", "=", cron.id)]), before)
        self._run_archive_job()
        self.assertFalse(self._entry(ticket))
        self.assertFalse(ticket._cs_archivable())
        missing = self.env["cs.archive.missing"].search([("ticket_id", "=", ticket.id)])
        self.assertFalse(missing)
