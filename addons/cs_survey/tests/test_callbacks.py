from datetime import date, timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..models.cs_survey_score import local_date
from .common import CsSurveyCommon


@tagged("post_install", "-at_install")
class TestCallbacks(CsSurveyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Callback = cls.env["cs.callback"]
        cls.newcomer = cls.env["res.partner"].create(
            {"name": "Newcomer Wang", "email": "wang@example.com"}
        )

    def _callbacks(self, partner, reason):
        return self.Callback.search(
            [("partner_id", "=", partner.id), ("reason", "=", reason)]
        )

    def test_new_customer_called_within_three_days_of_first_service(self):
        ticket = self._complaint(partner_id=self.newcomer.id)
        callback = self._callbacks(self.newcomer, "new_customer")
        self.assertEqual(len(callback), 1)
        first = local_date(ticket.create_date, "Asia/Shanghai")
        self.assertEqual(callback.due_date, first + timedelta(days=3))
        self.assertEqual(callback.ticket_id, ticket)
        self.assertEqual(callback.user_id, self.agent1)
        self.assertEqual(callback.activity_ids.date_deadline, callback.due_date)
        # the next ticket and the daily job do not plan another one
        self._complaint(partner_id=self.newcomer.id)
        self.Callback._cron_plan_callbacks()
        self.assertEqual(len(self._callbacks(self.newcomer, "new_customer")), 1)

    def test_new_customer_created_with_the_first_ticket(self):
        """A customer created in the same transaction as their first ticket (not
        flushed yet) gets the callback with that ticket, not with the second."""
        walk_in = self.env["res.partner"].create({"name": "Walk-in Zhao"})
        ticket = self._complaint(partner_id=walk_in.id)
        callback = self._callbacks(walk_in, "new_customer")
        self.assertEqual(callback.ticket_id, ticket)
        self.assertEqual(callback.user_id, ticket.first_owner_id)

    def test_new_customer_delay_is_data(self):
        self.env.ref("cs_survey.cs_callback_rule_new_customer").delay_days = 1
        ticket = self._complaint(partner_id=self.newcomer.id)
        callback = self._callbacks(self.newcomer, "new_customer")
        first = local_date(ticket.create_date, "Asia/Shanghai")
        self.assertEqual(callback.due_date, first + timedelta(days=1))

    def test_known_customer_is_not_new(self):
        ticket = self._complaint(partner_id=self.newcomer.id)
        with self._cs_fixture():
            self._callbacks(self.newcomer, "new_customer").unlink()
        # first service long ago
        self.env.cr.execute(
            "UPDATE helpdesk_ticket SET create_date = %s WHERE id = %s",
            [fields.Datetime.now() - timedelta(days=400), ticket.id],
        )
        self._complaint(partner_id=self.newcomer.id)
        self.assertFalse(self._callbacks(self.newcomer, "new_customer"))

    def test_key_customers_monthly_idempotent(self):
        with self.newcomer._cs_segment_step():
            self.newcomer.cs_segment = "key"
            self.customer2.cs_segment = "regular"
        Callback = self.Callback
        Callback._cs_plan_key_customers(today=date(2026, 11, 5))
        Callback._cs_plan_key_customers(today=date(2026, 11, 20))
        november = self._callbacks(self.newcomer, "key_customer")
        self.assertEqual(len(november), 1)
        self.assertEqual(november.due_date, date(2026, 11, 15))
        self.assertEqual(november.period_key, "2026-11")
        self.assertFalse(self._callbacks(self.customer2, "key_customer"))
        Callback._cs_plan_key_customers(today=date(2026, 12, 1))
        self.assertEqual(len(self._callbacks(self.newcomer, "key_customer")), 2)

    def test_daily_job_twice_plans_once_and_reports_progress(self):
        with self.newcomer._cs_segment_step():
            self.newcomer.cs_segment = "key"
        cron = self.env.ref("cs_survey.ir_cron_cs_plan_callbacks")
        progress = self.env["ir.cron.progress"].create({"cron_id": cron.id})
        Callback = self.Callback.with_context(ir_cron_progress_id=progress.id)
        first = Callback._cron_plan_callbacks()
        self.assertIn(self.newcomer, first.partner_id)
        self.assertEqual((progress.done, progress.remaining), (2, 0))
        # a second run (or a second worker) plans nothing more
        self.assertFalse(Callback._cron_plan_callbacks())
        cron.method_direct_trigger()
        self.assertEqual(len(self._callbacks(self.newcomer, "key_customer")), 1)

    def test_major_complaint_called_after_closing(self):
        ticket = self._closed_ticket(severity="major")
        callback = self._callbacks(self.customer, "major_complaint")
        self.assertEqual(callback.ticket_id, ticket)
        closed = local_date(ticket.closed_date, "Asia/Shanghai")
        self.assertEqual(callback.due_date, closed + timedelta(days=2))
        general = self._closed_ticket(severity="general")
        self.assertFalse(
            self.Callback.search(
                [("ticket_id", "=", general.id), ("reason", "=", "major_complaint")]
            )
        )

    def test_overdue_callbacks(self):
        ticket = self._complaint(partner_id=self.newcomer.id)
        callback = self._callbacks(self.newcomer, "new_customer")
        self.assertFalse(callback.is_overdue)
        self.env.cr.execute(
            "UPDATE cs_callback SET due_date = %s WHERE id = %s",
            [date.today() - timedelta(days=1), callback.id],
        )
        callback.invalidate_recordset()
        self.assertTrue(callback.is_overdue)
        self.assertIn(callback, self.Callback.search([("is_overdue", "=", True)]))
        self.assertTrue(ticket)

    def test_satisfied_callback_confirms_open_ticket(self):
        ticket = self._complaint(user_id=self.agent1.id)
        ticket.with_user(self.agent1).stage_id = self.stage_progress
        callback = self.Callback.with_user(self.agent1)._cs_plan_confirmation(ticket)
        callback = callback.with_user(self.agent1)
        self.assertEqual(callback.reason, "confirmation")
        # another agent of another team cannot record it
        with self.assertRaisesMsg(AccessError, "."):
            callback.with_user(self.agent_b).action_done()
        # workflow fields are not written directly
        with self.assertRaisesMsg(AccessError, "workflow's own actions"):
            callback.write({"state": "done"})
        callback.write({"reached": True, "comments": "Works again."})
        with self.assertRaisesMsg(UserError, "is satisfied"):
            callback.action_done()
        self.assertFalse(ticket.satisfaction_confirm_date)
        callback.satisfied = "yes"
        callback.action_done()
        self.assertEqual(callback.state, "done")
        self.assertTrue(callback.confirmed_ticket)
        self.assertEqual(ticket.satisfaction_confirm_method, "phone")
        self.assertEqual(ticket.satisfaction_confirm_user_id, self.agent1)
        self.assertIn("Works again.", ticket.satisfaction_note)
        # closing now only needs the owner's sign-off
        ticket.with_user(self.agent1).action_owner_signoff()
        ticket.with_user(self.agent1).stage_id = self.stage_done
        self.assertTrue(ticket.closed)
        with self.assertRaisesMsg(UserError, "already recorded"):
            callback.action_done()

    def test_unsatisfied_or_unreached_callback_does_not_confirm(self):
        ticket = self._complaint(user_id=self.agent1.id)
        callback = self.Callback.with_user(self.agent1)._cs_plan_confirmation(ticket)
        callback = callback.with_user(self.agent1)
        callback.write({"reached": True, "satisfied": "no", "comments": "Still noisy"})
        callback.action_done()
        self.assertFalse(callback.confirmed_ticket)
        self.assertFalse(ticket.satisfaction_confirm_date)

    def test_planning_a_confirmation_needs_the_ticket(self):
        ticket = self._complaint(user_id=self.agent1.id)
        with self.assertRaisesMsg(AccessError, "."):
            self.Callback.with_user(self.agent_other_co)._cs_plan_confirmation(ticket)
        with self.assertRaisesMsg(AccessError, "."):
            self.Callback.with_user(self.portal_user).search([])
