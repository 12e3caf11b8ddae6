from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import CsArchiveSurveyCommon


@tagged("post_install", "-at_install")
class TestCallbackArchive(CsArchiveSurveyCommon):
    def _callback(self, agent=None):
        agent = agent or self.agent1
        ticket = self._complaint(user_id=agent.id)
        callback = self.Callback.with_user(agent)._cs_plan_confirmation(ticket)
        return ticket, callback.with_user(agent)

    def test_done_callback_archived(self):
        ticket, callback = self._callback()
        callback.write(
            {"reached": True, "satisfied": "no", "comments": "Still <b>noisy</b>"}
        )
        self.assertFalse(self._entries(callback))
        callback.action_done()
        entry = self._entries(callback)
        self.assertEqual(len(entry), 1)
        self.assertEqual(entry.entry_type_id.code, "callback")
        self.assertEqual(entry.partner_id, self.customer)
        self.assertEqual((entry.first_owner_id, entry.handler_id), (self.agent1,) * 2)
        payload = self._payload(entry)
        self.assertEqual(payload["customer"]["id"], self.customer.id)
        self.assertEqual(payload["reason"], "confirmation")
        self.assertEqual(payload["reason_label"], "Satisfaction confirmation")
        self.assertEqual(payload["due_date"], str(callback.due_date))
        self.assertTrue(payload["done_date"])
        self.assertEqual(payload["called_by"]["id"], self.agent1.id)
        self.assertTrue(payload["reached"])
        self.assertEqual(payload["satisfied"], "no")
        self.assertEqual(payload["comments"], "Still <b>noisy</b>")
        self.assertEqual(payload["ticket"]["number"], ticket.number)
        self.assertFalse(payload["confirmed_ticket"])
        html = str(entry.content_html)
        self.assertIn("Still &lt;b&gt;noisy&lt;/b&gt;", html)
        self.assertIn(ticket.number, html)
        self.assertEqual(self._check().result, "ok")
        # the hook run again, the job: still one entry; recording again refused
        callback.sudo()._cs_archive()
        self.assertEqual(self.Callback._cs_archive_backfill(), 0)
        with self.assertRaisesMsg(UserError, "already recorded"):
            callback.action_done()
        self.assertEqual(len(self._entries(callback)), 1)

    def test_satisfied_callback_by_supervisor(self):
        ticket, callback = self._callback()
        callback.write({"reached": True, "satisfied": "yes", "comments": "OK"})
        callback.with_user(self.supervisor).action_done()
        entry = self._entries(callback)
        payload = self._payload(entry)
        self.assertTrue(payload["confirmed_ticket"])
        self.assertEqual(payload["called_by"]["id"], self.supervisor.id)
        self.assertEqual(payload["assigned_to"]["id"], self.agent1.id)
        self.assertEqual(entry.handler_id, self.supervisor)
        self.assertTrue(ticket.satisfaction_confirm_date)

    def test_callback_not_done_not_archived(self):
        _ticket, callback = self._callback()
        callback.sudo()._cs_archive()
        self.assertFalse(self._entries(callback))
        # refused (not the caller's callback): nothing archived either
        with self.assertRaisesMsg(AccessError, "Only"):
            callback.with_user(self.agent2).action_done()
        self.assertFalse(self._entries(callback))
        callback.with_user(self.supervisor).action_cancel()
        self.assertEqual(callback.state, "cancel")
        callback.sudo()._cs_archive()
        self.assertEqual(self.Callback._cs_archive_backfill(), 0)
        self.assertFalse(self._entries(callback))

    def test_several_callbacks_in_one_batch(self):
        callbacks = self._callback()[1] | self._callback()[1]
        callbacks.write({"reached": False, "comments": "No answer"})
        callbacks.action_done()
        entries = self._entries(callbacks)
        self.assertEqual(len(entries), 2)
        self.assertEqual(entries[1].sequence, entries[0].sequence + 1)
        self.assertEqual({self._payload(e)["reached"] for e in entries}, {False})
        self.assertEqual(self._check().result, "ok")

    def test_batch_queries_do_not_grow_with_the_callbacks(self):
        def recorded(count):
            callbacks = self.Callback
            for _i in range(count):
                callbacks |= self._callback()[1].sudo()
            self._force(
                callbacks, state="done", done_user_id=self.agent1.id, reached=True
            )
            return callbacks

        def queries(callbacks):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self.assertEqual(len(callbacks._cs_archive()), len(callbacks))
            return self.env.cr.sql_log_count - before

        warm, one, four = recorded(1), recorded(1), recorded(4)
        queries(warm)  # caches filled once per process (defaults, ...)
        # one read of the archiving user may or may not hit the cache: +1 at most
        self.assertLessEqual(queries(four), queries(one) + 1)

    def test_backfill_archives_callbacks_done_before_install(self):
        _ticket, callback = self._callback()
        self._force(callback, state="done", done_user_id=self.agent1.id)
        self.assertFalse(self._entries(callback))
        self.assertEqual(self.Callback._cs_archive_backfill(), 1)
        self.assertEqual(len(self._entries(callback)), 1)

    def test_completeness_job_archives_missing_callbacks(self):
        _ticket, callback = self._callback()
        self._force(callback, state="done", done_user_id=self.agent1.id)
        cron = self.env.ref("cs_archive_survey.ir_cron_archive_missing_callbacks")
        cron.method_direct_trigger()
        cron.method_direct_trigger()  # run twice: still one entry
        self.assertEqual(len(self._entries(callback)), 1)

    def test_access_to_the_entry(self):
        _ticket, callback = self._callback()
        callback.write({"reached": True, "satisfied": "yes"})
        callback.action_done()
        entry = self._entries(callback)
        self.assertTrue(self._can_read(self.agent1, entry))
        self.assertFalse(self._can_read(self.agent2, entry))
        with self.assertRaises(AccessError):
            entry.with_user(self.agent2).read(["content_html"])
        self.assertFalse(self._can_read(self.agent_other_co, entry))
        self.assertTrue(self._can_read(self.reader, entry))
        entry.with_user(self.reader).read(["content_json"])
