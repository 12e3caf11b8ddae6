"""Regulated teams (issue 9, case 9) and kept deadlines (case 6)."""

from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import CsCenterCommon

T0 = datetime(2026, 11, 16, 1, 0, 0)  # Monday 09:00 in Shanghai


@tagged("post_install", "-at_install")
class TestRegulatedTeams(CsCenterCommon):
    """Case 9: a company that also runs an IT helpdesk on helpdesk_mgmt keeps it as
    it was; the customer-service teams stay regulated."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.it_user = new_test_user(
            cls.env,
            login="it_helpdesk_user",
            groups="helpdesk_mgmt.group_helpdesk_user",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        cls.it_user2 = new_test_user(
            cls.env,
            login="it_helpdesk_user2",
            groups="helpdesk_mgmt.group_helpdesk_user",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        cls.helpdesk_manager = new_test_user(
            cls.env,
            login="it_helpdesk_manager",
            groups="helpdesk_mgmt.group_helpdesk_manager",
        )
        cls.team_it = cls.env["helpdesk.ticket.team"].create(
            {"name": "IT", "user_ids": [(6, 0, (cls.it_user | cls.it_user2).ids)]}
        )

    def _it_ticket(self, user=None, **kw):
        return self.Ticket.with_user(user or self.it_user).create(
            self._ticket_vals(team_id=self.team_it.id, **kw)
        )

    def test_case9_non_cs_user_on_non_cs_team_works_as_helpdesk(self):
        ticket = self._it_ticket()
        self.assertFalse(ticket.cs_regulated)
        self.assertFalse(ticket.first_owner_id)
        self.assertFalse(ticket.sudo().deadline_ids)
        # handler changes are not transfers, closing needs nothing, reopening by stage
        ticket.with_user(self.it_user).user_id = self.it_user2
        self.assertFalse(ticket.sudo().transfer_ids)
        ticket.with_user(self.it_user).stage_id = self.stage_done
        self.assertTrue(ticket.closed)
        self.assertTrue(ticket.closed_date)
        ticket.with_user(self.it_user).stage_id = self.stage_progress
        self.assertFalse(ticket.closed)

    def test_case9_non_cs_user_reads_the_cs_fields_of_the_form(self):
        """The fields cs_center adds to the ticket form read without AccessError for
        a helpdesk user outside the CS groups (the CS pages are for CS groups)."""
        ticket = self._it_ticket()
        names = [
            "cs_regulated",
            "transfer_count",
            "first_owner_id",
            "round_number",
            "deadline_state",
            "next_due_date",
            "request_kind",
            "is_first_owner",
            "priority_dispatch",
        ]
        values = ticket.with_user(self.it_user).read(names)[0]
        self.assertFalse(values["cs_regulated"])
        self.assertEqual(values["transfer_count"], 0)
        view = self.env.ref("cs_center.helpdesk_ticket_view_form")
        for page in ("cs_deadlines", "cs_closing"):
            self.assertIn(
                'groups="cs_center.group_cs_agent"',
                view.arch_db.split(f'name="{page}"')[1].split(">")[0],
            )

    def test_case9_cs_agent_on_non_cs_team_works_as_helpdesk(self):
        self.team_it.user_ids |= self.agent1
        ticket = self._it_ticket(user=self.agent1)
        self.assertFalse(ticket.first_owner_id)
        ticket.with_user(self.agent1).stage_id = self.stage_done
        self.assertTrue(ticket.closed)
        # the customer-service transitions do not apply there
        with self.assertRaisesMsg(UserError, "not a customer-service ticket"):
            ticket.with_user(self.agent1)._cs_reopen("again")

    def test_case9_non_cs_user_creates_on_a_cs_team_rules_still_apply(self):
        """No AccessError on the deadline policies any more; the rules hold."""
        with freeze_time(T0):
            ticket = self.Ticket.with_user(self.it_user).create(
                self._ticket_vals(
                    request_kind="complaint",
                    complaint_class="quality",
                    severity="major",
                )
            )
        self.assertTrue(ticket.cs_regulated)
        self.assertEqual(ticket.first_owner_id, self.it_user)
        self.assertTrue(ticket.sudo().deadline_ids)
        ticket.with_user(self.agent1).stage_id = self.stage_progress
        with self.assertRaisesMsg(UserError, "cannot be closed"):
            ticket.with_user(self.agent1).stage_id = self.stage_done
        self.assertFalse(ticket.closed)

    def test_case9_regulated_team_still_enforced(self):
        ticket = self._complaint(user=self.agent1, user_id=self.agent1.id)
        ticket.with_user(self.agent1).stage_id = self.stage_progress
        with self.assertRaisesMsg(UserError, "cannot be closed"):
            ticket.with_user(self.agent1).stage_id = self.stage_done
        with self.assertRaisesMsg(UserError, "stays on a customer-service team"):
            ticket.with_user(self.manager).team_id = self.team_it
        self.assertEqual(ticket.team_id, self.team_a)

    def test_case9_ticket_moved_into_a_cs_team_becomes_regulated(self):
        with freeze_time(T0):
            ticket = self._it_ticket(
                request_kind="complaint",
                complaint_class="quality",
                severity="general",
                user_id=self.it_user.id,
            )
        with freeze_time(T0 + timedelta(hours=5)):
            ticket.with_user(self.manager).write(
                {"team_id": self.team_a.id, "user_id": self.agent1.id}
            )
        self.assertTrue(ticket.cs_regulated)
        self.assertEqual(ticket.first_owner_id, self.agent1)
        feedback = ticket.deadline_ids.filtered(lambda d: d.target_type == "feedback")
        # the clock starts when the customer-service team receives it
        self.assertEqual(feedback.start_date, T0 + timedelta(hours=5))

    def test_case9_only_cs_manager_marks_teams(self):
        for user in (self.helpdesk_manager, self.supervisor, self.agent1):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.team_it.with_user(user).cs_regulated = True
        self.assertFalse(self.team_it.cs_regulated)
        with self.assertRaises(AccessError):
            self.env["helpdesk.ticket.team"].with_user(self.helpdesk_manager).create(
                {"name": "Sneaky", "cs_regulated": True}
            )
        # a plain team is still created by a helpdesk manager
        self.env["helpdesk.ticket.team"].with_user(self.helpdesk_manager).create(
            {"name": "Facilities"}
        )
        self.team_it.with_user(self.manager).cs_regulated = True
        self.assertTrue(self.team_it.cs_regulated)

    def test_case9_cs_team_flag_set_at_install(self):
        team = self.env.ref("cs_center.helpdesk_team_customer_service")
        self.assertTrue(team.cs_regulated)

    def test_case9_escalation_skips_non_regulated_tickets(self):
        with freeze_time(T0):
            ticket = self._complaint(user=self.agent1)
        self.team_a.cs_regulated = False
        self.assertFalse(ticket.cs_regulated)
        with freeze_time(T0 + timedelta(days=5)):
            self.env["cs.ticket.deadline"]._cron_escalate()
        self.assertFalse(ticket.sudo().deadline_ids.filtered("escalation_level"))


@tagged("post_install", "-at_install")
class TestDowngradeKeepsDeadline(CsCenterCommon):
    """Case 6: a complaint changed from major to general silently deleted its open
    48 h deadline. It is kept now: not applicable with the reason, or missed when it
    was already overdue; the change is logged on the ticket."""

    def _major(self):
        with freeze_time(T0):
            ticket = self._complaint(user=self.agent1, severity="major")
        resolution = ticket.deadline_ids.filtered(
            lambda d: d.target_type == "resolution"
        )
        self.assertEqual(resolution.due_date, T0 + timedelta(hours=48))
        return ticket, resolution

    def test_case6_downgrade_keeps_the_48h_deadline_not_applicable(self):
        ticket, resolution = self._major()
        with freeze_time(T0 + timedelta(hours=3)):
            ticket.with_user(self.agent1).severity = "general"
        self.assertTrue(resolution.exists())
        self.assertEqual(resolution.state, "cancelled")
        self.assertEqual(resolution.cancel_date, T0 + timedelta(hours=3))
        self.assertIn("General", resolution.cancel_reason)
        self.assertIn(
            "kept as Not applicable",
            ticket.message_ids[:1].body,
        )
        # the general policy's feedback deadline is added, counted from acceptance
        feedback = ticket.deadline_ids.filtered(lambda d: d.target_type == "feedback")
        self.assertEqual(feedback.due_date, T0 + timedelta(hours=24))
        # the cancelled deadline neither drives the summary nor escalates
        self.assertEqual(ticket.next_due_date, feedback.due_date)
        with freeze_time(T0 + timedelta(days=4)):
            self.env["cs.ticket.deadline"]._cron_escalate()
        self.assertEqual(resolution.escalation_level, 0)
        self.assertEqual(resolution.state, "cancelled")

    def test_case6_downgrade_of_an_overdue_deadline_keeps_the_breach(self):
        ticket, resolution = self._major()
        with freeze_time(T0 + timedelta(hours=50)):
            self.env["cs.ticket.deadline"]._cs_refresh_states()
            self.assertEqual(resolution.state, "overdue")
            ticket.with_user(self.agent1).severity = "general"
        self.assertTrue(resolution.exists())
        self.assertEqual(resolution.state, "missed")
        self.assertTrue(resolution.cancel_reason)

    def test_case6_upgrade_again_opens_a_new_deadline(self):
        ticket, resolution = self._major()
        with freeze_time(T0 + timedelta(hours=3)):
            ticket.with_user(self.agent1).severity = "general"
            ticket.with_user(self.agent1).severity = "major"
        resolutions = ticket.deadline_ids.filtered(
            lambda d: d.target_type == "resolution"
        )
        self.assertEqual(len(resolutions), 2)
        self.assertEqual(sorted(resolutions.mapped("state")), ["cancelled", "running"])

    def test_case6_the_deadline_cannot_be_removed_or_cancelled_by_a_client(self):
        ticket, resolution = self._major()
        for user in (self.agent1, self.supervisor, self.manager):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    resolution.with_user(user).unlink()
                with self.assertRaises(AccessError):
                    resolution.with_user(user).write(
                        {"cancel_date": T0, "cancel_reason": "x"}
                    )
                with self.assertRaises(AccessError):
                    ticket.with_user(user).write({"deadline_ids": [(2, resolution.id)]})
        self.assertEqual(resolution.state, "running")
