from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from .common import CsCenterCommon

# Monday 2026-11-16 09:00 in Shanghai = 01:00 UTC
MONDAY_9H = datetime(2026, 11, 16, 1, 0, 0)
FRIDAY_16H = datetime(2026, 11, 20, 8, 0, 0)  # Friday 16:00 Shanghai


@tagged("post_install", "-at_install")
class TestDeadlines(CsCenterCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls.env["resource.calendar"].create(
            {
                "name": "Shanghai office 9-17",
                "tz": "Asia/Shanghai",
                "hours_per_day": 8.0,
                "attendance_ids": [
                    (
                        0,
                        0,
                        {
                            "name": f"day {d}",
                            "dayofweek": str(d),
                            "hour_from": h_from,
                            "hour_to": h_to,
                            "day_period": period,
                        },
                    )
                    for d in range(5)
                    for h_from, h_to, period in (
                        (9, 13, "morning"),
                        (13, 17, "afternoon"),
                    )
                ],
            }
        )

    def _deadline(self, ticket, target):
        return ticket.deadline_ids.filtered(lambda d: d.target_type == target)

    def _create(self, when, **kw):
        with freeze_time(when):
            return self.Ticket.with_user(self.agent1).create(self._ticket_vals(**kw))

    def test_general_complaint_feedback_24h_and_report_and_closure(self):
        ticket = self._create(
            MONDAY_9H,
            request_kind="complaint",
            complaint_class="quality",
            severity="general",
        )
        self.assertEqual(
            set(ticket.deadline_ids.mapped("target_type")),
            {"feedback", "report", "closure"},
        )
        self.assertEqual(
            self._deadline(ticket, "feedback").due_date, MONDAY_9H + timedelta(hours=24)
        )
        # no calendar on the team: calendar days
        self.assertEqual(
            self._deadline(ticket, "report").due_date, MONDAY_9H + timedelta(days=3)
        )
        self.assertEqual(
            self._deadline(ticket, "closure").due_date, MONDAY_9H + timedelta(days=6)
        )
        self.assertEqual(ticket.deadline_state, "running")
        self.assertEqual(ticket.next_due_date, MONDAY_9H + timedelta(hours=24))

    def test_major_complaint_resolved_48h(self):
        ticket = self._create(
            MONDAY_9H,
            request_kind="complaint",
            complaint_class="quality",
            severity="major",
        )
        self.assertEqual(
            set(ticket.deadline_ids.mapped("target_type")),
            {"resolution", "report", "closure"},
        )
        self.assertEqual(
            self._deadline(ticket, "resolution").due_date,
            MONDAY_9H + timedelta(hours=48),
        )
        # met by the customer's confirmed satisfaction
        with freeze_time(MONDAY_9H + timedelta(hours=30)):
            ticket.with_user(self.agent1)._cs_confirm_satisfaction("phone")
        self.assertEqual(self._deadline(ticket, "resolution").state, "met")

    def test_working_calendar_skips_weekend(self):
        self.team_a.resource_calendar_id = self.calendar
        ticket = self._create(
            FRIDAY_16H,
            request_kind="complaint",
            complaint_class="quality",
            severity="general",
        )
        # 3 working days of 8 h from Friday 16:00: Fri 1 h + Mon 8 + Tue 8 + Wed 7
        # -> Wednesday 16:00 Shanghai = 08:00 UTC
        self.assertEqual(
            self._deadline(ticket, "report").due_date, datetime(2026, 11, 25, 8, 0)
        )
        # 6 working days -> the next Monday 16:00 Shanghai
        self.assertEqual(
            self._deadline(ticket, "closure").due_date, datetime(2026, 11, 30, 8, 0)
        )
        # the feedback policy counts calendar hours (24 h), weekend or not
        self.assertEqual(
            self._deadline(ticket, "feedback").due_date,
            FRIDAY_16H + timedelta(hours=24),
        )

    def test_public_holiday_in_calendar(self):
        self.team_a.resource_calendar_id = self.calendar
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Holiday",
                "calendar_id": self.calendar.id,
                "date_from": datetime(2026, 11, 23, 0, 0),  # Mon 08:00 Shanghai
                "date_to": datetime(2026, 11, 23, 12, 0),
            }
        )
        ticket = self._create(
            FRIDAY_16H,
            request_kind="complaint",
            complaint_class="quality",
            severity="general",
        )
        # Monday is a holiday: one more working day
        self.assertEqual(
            self._deadline(ticket, "report").due_date, datetime(2026, 11, 26, 8, 0)
        )

    def test_service_request_dispatch_same_day(self):
        ticket = self._create(MONDAY_9H, request_kind="service", service_type="paid")
        dispatch = self._deadline(ticket, "dispatch")
        # end of the acceptance day in the company's time zone (Shanghai)
        self.assertEqual(dispatch.due_date, datetime(2026, 11, 16, 15, 59, 59))
        # not dispatched that day: flagged for priority dispatch next morning
        with freeze_time(datetime(2026, 11, 16, 23, 0)):
            self.env["cs.ticket.deadline"]._cs_refresh_states()
        self.assertTrue(ticket.priority_dispatch)
        self.assertEqual(ticket.priority, "3")
        self.assertEqual(dispatch.state, "overdue")
        ticket.dispatch_user_id = self.agent2
        with freeze_time(datetime(2026, 11, 17, 1, 0)):
            ticket.with_user(self.agent1).action_cs_dispatch()
        self.assertFalse(ticket.priority_dispatch)
        self.assertEqual(dispatch.state, "missed")

    def test_dispatched_same_day_is_met(self):
        ticket = self._create(MONDAY_9H, request_kind="service", service_type="free")
        ticket.with_user(self.agent1).dispatch_user_id = self.agent2
        with freeze_time(MONDAY_9H + timedelta(hours=2)):
            ticket.with_user(self.agent1).action_cs_dispatch()
        self.assertEqual(self._deadline(ticket, "dispatch").state, "met")
        with freeze_time(datetime(2026, 11, 17, 1, 0)):
            self.env["cs.ticket.deadline"]._cs_refresh_states()
        self.assertFalse(ticket.priority_dispatch)

    def test_consultation_has_no_deadline(self):
        ticket = self._create(MONDAY_9H)
        self.assertFalse(ticket.deadline_ids)
        self.assertFalse(ticket.deadline_state)

    def test_policies_reapplied_when_severity_or_kind_changes(self):
        ticket = self._create(
            MONDAY_9H,
            request_kind="complaint",
            complaint_class="quality",
            severity="general",
        )
        with freeze_time(MONDAY_9H + timedelta(hours=1)):
            ticket.with_user(self.agent1).severity = "major"
        applicable = ticket.deadline_ids.filtered(lambda d: d.state != "cancelled")
        targets = set(applicable.mapped("target_type"))
        self.assertEqual(targets, {"resolution", "report", "closure"})
        # the general feedback deadline is kept, as not applicable (case 6)
        self.assertEqual(self._deadline(ticket, "feedback").state, "cancelled")
        # counted from acceptance, not from the change
        self.assertEqual(
            self._deadline(ticket, "resolution").due_date,
            MONDAY_9H + timedelta(hours=48),
        )
        with freeze_time(MONDAY_9H + timedelta(hours=2)):
            ticket.with_user(self.agent1).request_kind = "consultation"
        self.assertEqual(set(ticket.deadline_ids.mapped("state")), {"cancelled"})
        self.assertFalse(ticket.next_due_date)

    def test_policy_is_data(self):
        policy = self.env.ref("cs_center.cs_deadline_policy_feedback_general")
        policy.duration = 12
        ticket = self._create(
            MONDAY_9H,
            request_kind="complaint",
            complaint_class="quality",
            severity="general",
        )
        self.assertEqual(
            self._deadline(ticket, "feedback").due_date, MONDAY_9H + timedelta(hours=12)
        )
        policy.active = False
        ticket2 = self._create(
            MONDAY_9H,
            request_kind="complaint",
            complaint_class="quality",
            severity="general",
        )
        self.assertFalse(self._deadline(ticket2, "feedback"))

    def test_feedback_met_only_by_message_to_customer(self):
        ticket = self._create(
            MONDAY_9H,
            request_kind="complaint",
            complaint_class="quality",
            severity="general",
        )
        ticket.message_subscribe(partner_ids=self.customer.ids)
        feedback = self._deadline(ticket, "feedback")
        # a stage change is not feedback
        with freeze_time(MONDAY_9H + timedelta(hours=1)):
            ticket.with_user(self.agent1).stage_id = self.stage_progress
        # an internal note is not feedback
        with freeze_time(MONDAY_9H + timedelta(hours=2)):
            ticket.with_user(self.agent1).message_post(
                body="internal", subtype_xmlid="mail.mt_note", message_type="comment"
            )
        # a message from the customer is not feedback
        with freeze_time(MONDAY_9H + timedelta(hours=3)):
            ticket.message_post(
                body="any news?",
                author_id=self.customer.id,
                subtype_xmlid="mail.mt_comment",
                message_type="email",
            )
        self.assertFalse(feedback.met_date)
        self.assertEqual(feedback.state, "running")
        with freeze_time(MONDAY_9H + timedelta(hours=5)):
            ticket.with_user(self.agent1).message_post(
                body="We are on it",
                subtype_xmlid="mail.mt_comment",
                message_type="comment",
            )
        self.assertEqual(feedback.met_date, MONDAY_9H + timedelta(hours=5))
        self.assertEqual(feedback.state, "met")
        self.assertEqual(ticket.first_reply_date, MONDAY_9H + timedelta(hours=5))

    def test_late_feedback_is_missed(self):
        ticket = self._create(
            MONDAY_9H,
            request_kind="complaint",
            complaint_class="quality",
            severity="general",
        )
        with freeze_time(MONDAY_9H + timedelta(hours=30)):
            ticket.with_user(self.agent1).message_post(
                body="Sorry for the delay",
                partner_ids=self.customer.ids,
                subtype_xmlid="mail.mt_comment",
                message_type="comment",
            )
        self.assertEqual(self._deadline(ticket, "feedback").state, "missed")

    def test_states_running_at_risk_overdue(self):
        ticket = self._create(
            MONDAY_9H,
            request_kind="complaint",
            complaint_class="quality",
            severity="general",
        )
        feedback = self._deadline(ticket, "feedback")
        Deadline = self.env["cs.ticket.deadline"]
        with freeze_time(MONDAY_9H + timedelta(hours=17)):
            Deadline._cs_refresh_states()
        self.assertEqual(feedback.state, "running")
        with freeze_time(MONDAY_9H + timedelta(hours=19)):  # 75% of 24 h = 18 h
            Deadline._cs_refresh_states()
        self.assertEqual(feedback.state, "at_risk")
        self.assertEqual(ticket.deadline_state, "at_risk")
        with freeze_time(MONDAY_9H + timedelta(hours=25)):
            Deadline._cs_refresh_states()
        self.assertEqual(feedback.state, "overdue")
        self.assertEqual(ticket.deadline_state, "overdue")
        # stored: searchable and groupable
        self.assertIn(ticket, self.Ticket.search([("deadline_state", "=", "overdue")]))
        groups = dict(
            Deadline._read_group(
                [("ticket_id", "=", ticket.id)], ["state"], ["__count"]
            )
        )
        self.assertEqual(groups["overdue"], 1)

    def test_closing_meets_closure_and_misses_the_rest(self):
        ticket = self._create(
            MONDAY_9H,
            request_kind="complaint",
            complaint_class="quality",
            severity="general",
        )
        with freeze_time(MONDAY_9H + timedelta(hours=2)):
            ticket.with_user(self.agent1)._cs_confirm_satisfaction("phone")
            ticket.with_user(self.agent1).action_owner_signoff()
            ticket.with_user(self.agent1).stage_id = self.stage_done
        self.assertEqual(self._deadline(ticket, "closure").state, "met")
        # no report was filed and no message sent: missed, never escalated
        self.assertEqual(self._deadline(ticket, "report").state, "missed")
        self.assertEqual(self._deadline(ticket, "feedback").state, "missed")
        self.assertEqual(ticket.deadline_state, "missed")

    def test_investigation_report(self):
        ticket = self._create(
            MONDAY_9H,
            request_kind="complaint",
            complaint_class="quality",
            severity="general",
        )
        with self.assertRaisesMsg(Exception, "Write the investigation report"):
            ticket.with_user(self.agent1).action_cs_file_report()
        ticket.with_user(self.agent1).investigation_report = "<p>Seal defect, lot 7</p>"
        with freeze_time(MONDAY_9H + timedelta(days=1)):
            ticket.with_user(self.agent1).action_cs_file_report()
        self.assertEqual(self._deadline(ticket, "report").state, "met")
        self.assertEqual(
            ticket.investigation_report_date, MONDAY_9H + timedelta(days=1)
        )
        self.assertTrue(fields.Datetime.now())
