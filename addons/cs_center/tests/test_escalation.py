from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .common import CsCenterCommon

T0 = datetime(2026, 11, 16, 1, 0, 0)


@tagged("post_install", "-at_install")
class TestEscalation(CsCenterCommon):
    def setUp(self):
        super().setUp()
        with freeze_time(T0):
            self.ticket = self._complaint(user=self.agent1, user_id=self.agent2.id)
        self.feedback = self.ticket.deadline_ids.filtered(
            lambda d: d.target_type == "feedback"
        )
        self.activity_type = self.env.ref("cs_center.mail_activity_type_cs_escalation")

    def _escalate(self, when):
        with freeze_time(when):
            return self.env["cs.ticket.deadline"]._cron_escalate(auto_commit=False)

    def _activities(self):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "helpdesk.ticket"),
                ("res_id", "=", self.ticket.id),
                ("activity_type_id", "=", self.activity_type.id),
            ]
        )

    def test_not_escalated_before_due(self):
        self.assertEqual(self._escalate(T0 + timedelta(hours=23)), 0)
        self.assertFalse(self._activities())
        self.assertEqual(self.feedback.escalation_level, 0)

    def test_ladder_owner_then_leader_then_manager(self):
        # just overdue: level 1, the first owner
        self._escalate(T0 + timedelta(hours=25))
        self.assertEqual(self.feedback.escalation_level, 1)
        self.assertEqual(self._activities().user_id, self.agent1)
        notes = self.ticket.message_ids.filtered(
            lambda m: "Escalated" in (m.body or "")
        )
        self.assertEqual(len(notes), 1)
        # 24 h later: team leader (the supervisor)
        self._escalate(T0 + timedelta(hours=49))
        self.assertEqual(self.feedback.escalation_level, 2)
        self.assertEqual(self._activities().user_id, self.agent1 | self.supervisor)
        # written set-based: what the ORM would have written (the recipient
        # follows the ticket, sees the activity; the note is internal)
        self.assertIn(self.supervisor.partner_id, self.ticket.message_partner_ids)
        mine = self.ticket.with_user(self.supervisor).activity_ids.filtered(
            lambda a: a.user_id == self.supervisor
        )
        self.assertEqual(mine.res_name, self.ticket.display_name)
        self.assertTrue(mine.automated)
        note = self.ticket.message_ids.filtered(
            lambda m: "Escalated" in (m.body or "")
        )[:1]
        self.assertEqual(note.subtype_id, self.env.ref("mail.mt_note"))
        self.assertTrue(note.is_internal)
        self.assertEqual(note.message_type, "notification")
        # 48 h after due: CS manager
        self._escalate(T0 + timedelta(hours=73))
        self.assertEqual(self.feedback.escalation_level, 3)
        self.assertEqual(
            self._activities().user_id, self.agent1 | self.supervisor | self.manager
        )

    def test_idempotent_when_run_twice(self):
        first = self._escalate(T0 + timedelta(hours=25))
        self.assertEqual(first, 1)
        second = self._escalate(T0 + timedelta(hours=25, minutes=5))
        self.assertEqual(second, 0)
        self.assertEqual(len(self._activities()), 1)

    def test_all_levels_at_once_each_once(self):
        # the job did not run for three days: every level once, in order
        self._escalate(T0 + timedelta(days=4))
        self.assertEqual(self.feedback.escalation_level, 3)
        report = self.ticket.deadline_ids.filtered(lambda d: d.target_type == "report")
        # due after 3 days, so overdue by 24 h: owner and team leader
        self.assertEqual(report.escalation_level, 2)
        closure = self.ticket.deadline_ids.filtered(
            lambda d: d.target_type == "closure"
        )
        self.assertEqual(closure.escalation_level, 0)  # due after 6 days
        self._escalate(T0 + timedelta(days=4, minutes=1))
        feedback_activities = self._activities().filtered(
            lambda a: "Feedback" in (a.summary or "")
        )
        self.assertEqual(len(feedback_activities), 3)

    def test_met_deadline_not_escalated(self):
        self.ticket.message_subscribe(partner_ids=self.customer.ids)
        with freeze_time(T0 + timedelta(hours=2)):
            self.ticket.with_user(self.agent2).message_post(
                body="Hello", subtype_xmlid="mail.mt_comment", message_type="comment"
            )
        self._escalate(T0 + timedelta(hours=25))
        self.assertEqual(self.feedback.escalation_level, 0)
        self.assertFalse(self._activities())

    def test_closed_ticket_not_escalated(self):
        self.ticket.with_user(self.supervisor)._cs_force_close("spam")
        self._escalate(T0 + timedelta(days=10))
        self.assertFalse(self._activities())

    def test_missing_team_leader_falls_back_to_manager(self):
        self.team_a.user_id = False
        self._escalate(T0 + timedelta(hours=49))
        self.assertEqual(self._activities().user_id, self.agent1 | self.manager)

    def test_batches(self):
        with freeze_time(T0):
            more = self.Ticket.with_user(self.agent1).create(
                [
                    self._ticket_vals(
                        request_kind="complaint",
                        complaint_class="quality",
                        severity="general",
                    )
                    for _i in range(5)
                ]
            )
        with freeze_time(T0 + timedelta(hours=25)):
            n = self.env["cs.ticket.deadline"]._cron_escalate(
                batch_size=2, auto_commit=False
            )
        self.assertEqual(n, 6)
        self.assertEqual(
            set(
                (more | self.ticket)
                .deadline_ids.filtered(lambda d: d.target_type == "feedback")
                .mapped("escalation_level")
            ),
            {1},
        )

    def test_cron_progress_api_one_batch_per_call(self):
        """As a scheduled job: one batch per call, reported with ir.cron's progress
        API (the runner commits and calls again while steps remain)."""
        with freeze_time(T0):
            self.Ticket.with_user(self.agent1).create(
                [
                    self._ticket_vals(
                        request_kind="complaint",
                        complaint_class="quality",
                        severity="general",
                    )
                    for _i in range(4)
                ]
            )
        cron = self.env.ref("cs_center.ir_cron_cs_escalate")
        Deadline = self.env["cs.ticket.deadline"]
        done = []
        with freeze_time(T0 + timedelta(hours=25)):
            for _call in range(4):
                progress = self.env["ir.cron.progress"].create(
                    {"cron_id": cron.id, "done": 0, "remaining": 0}
                )
                Deadline.with_context(ir_cron_progress_id=progress.id)._cron_escalate(
                    batch_size=2
                )
                done.append((progress.done, progress.remaining))
                if not progress.remaining:
                    break
        # 5 overdue feedback deadlines at level 1: 2 + 2 + 1
        self.assertEqual(done, [(2, 3), (2, 1), (1, 0)])
