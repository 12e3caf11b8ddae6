from datetime import date, datetime, timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import CsSurveyCommon

SEPT = date(2026, 9, 10)


@tagged("post_install", "-at_install")
class TestAppraisal(CsSurveyCommon):
    """A hand-computed month (September 2026, Asia/Shanghai) for two agents."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Employee = cls.env["hr.employee"]
        cls.agent3 = new_test_user(
            cls.env, login="cs_agent3", groups="cs_center.group_cs_agent"
        )
        cls.agent4 = new_test_user(
            cls.env, login="cs_agent4", groups="cs_center.group_cs_agent"
        )
        cls.team_a.user_ids = [(4, cls.agent3.id), (4, cls.agent4.id)]
        cls.emp_sup = Employee.create(
            {"name": "Supervisor", "user_id": cls.supervisor.id}
        )
        cls.emp1 = Employee.create(
            {"name": "Agent 1", "user_id": cls.agent1.id, "parent_id": cls.emp_sup.id}
        )
        cls.emp2 = Employee.create({"name": "Agent 2", "user_id": cls.agent2.id})
        cls.emp_b = Employee.create({"name": "Agent B", "user_id": cls.agent_b.id})
        cls.emp3 = Employee.create(
            {
                "name": "Agent 3 (left in September)",
                "user_id": cls.agent3.id,
                "departure_date": date(2026, 9, 15),
                "active": False,
            }
        )
        cls.emp4 = Employee.create(
            {
                "name": "Agent 4 (left in August)",
                "user_id": cls.agent4.id,
                "departure_date": date(2026, 8, 10),
                "active": False,
            }
        )
        cls.hr_user = new_test_user(cls.env, login="cs_hr", groups="hr.group_hr_user")
        cls.hr_manager = new_test_user(
            cls.env, login="cs_hr_manager", groups="hr.group_hr_manager"
        )
        cls.hr_other_co = new_test_user(
            cls.env,
            login="cs_hr_other",
            groups="hr.group_hr_user",
            company_id=cls.company2.id,
            company_ids=[(6, 0, cls.company2.ids)],
        )
        cls._satisfaction_fixture()
        cls._deadline_fixture()
        cls._ticket_fixture()
        cls.Period = cls.env["cs.appraisal.period"].with_user(cls.manager)

    # ------------------------------------------------------------------ fixture
    @classmethod
    def _score_row(cls, user, local_day, counted, points, answers=None, when=None):
        user_input = cls.env["survey.user_input"].create(
            {"survey_id": cls.survey.id, "partner_id": cls.customer.id}
        )
        with cls._cs_fixture():
            cls._score_row_create(
                user_input, user, local_day, counted, points, answers, when
            )

    @classmethod
    def _score_row_create(
        cls, user_input, user, local_day, counted, points, answers, when
    ):
        cls.env["cs.survey.score"].create(
            {
                "user_input_id": user_input.id,
                "company_id": cls.company.id,
                "team_id": cls.team_a.id,
                "rated_user_id": user.id,
                "dimension_id": cls.env.ref(
                    "cs_survey.cs_survey_dimension_agent_attitude"
                ).id,
                "date": when or datetime.combine(local_day, datetime.min.time()),
                "date_local": local_day,
                "counted_count": counted,
                "answer_count": answers or counted,
                "points": points,
            }
        )

    @classmethod
    def _satisfaction_fixture(cls):
        # agent 1: (360 + 190) / 6 = 91.67, 7 answers; October not counted
        cls._score_row(
            cls.agent1,
            date(2026, 9, 1),
            4,
            360,
            answers=5,
            when=datetime(2026, 8, 31, 16, 30),
        )
        cls._score_row(cls.agent1, date(2026, 9, 30), 2, 190)
        cls._score_row(cls.agent1, date(2026, 10, 1), 1, 0)
        # agent 2: 240 / 3 = 80
        cls._score_row(cls.agent2, date(2026, 9, 20), 3, 240)

    @classmethod
    def _deadlines(cls, ticket, target_type, dues, late=()):
        event = "closed" if target_type == "closure" else "first_reply"
        # deadlines are history created by the workflow only (cs.workflow.mixin)
        cls.env["cs.ticket.deadline"]._cs_workflow_create(
            [
                {
                    "ticket_id": ticket.id,
                    "target_type": target_type,
                    "met_event": event,
                    "start_date": due - timedelta(days=2),
                    "due_date": due,
                    "met_date": due + timedelta(hours=1)
                    if i in late
                    else due - timedelta(hours=1),
                }
                for i, due in enumerate(dues)
            ]
        )

    @classmethod
    def _deadline_fixture(cls):
        t1 = cls._complaint(cls, user=cls.agent1)
        t2 = cls._complaint(cls, user=cls.agent2)
        sept = [datetime(2026, 9, 2, 3, 0) + timedelta(hours=7 * i) for i in range(60)]
        # agent 1 closure: 19 met + 1 missed in September = 95%; the first is due
        # on 31 Aug 16:30 UTC = 1 Sep local (in), one on 31 Aug 15:30 UTC (out)
        cls._deadlines(
            t1,
            "closure",
            [datetime(2026, 8, 31, 16, 30)]
            + sept[:19]
            + [datetime(2026, 8, 31, 15, 30)],
            late={18},
        )
        # agent 1 feedback: 49 met + 1 missed = 98%
        cls._deadlines(t1, "feedback", sept[:50], late={7})
        # agent 2 closure: 1 met + 1 missed = 50%; no feedback deadline
        cls._deadlines(t2, "closure", sept[:2], late={1})

    @classmethod
    def _ticket_fixture(cls):
        Ticket = cls.env["helpdesk.ticket"]
        tickets = Ticket.browse(
            [cls._complaint(cls, user=cls.agent1).id for _i in range(5)]
        )
        clean1, clean2, transferred, reopened, october = tickets
        cls.env["cs.ticket.transfer"]._cs_workflow_create(
            {"ticket_id": transferred.id, "to_user_id": cls.agent2.id, "reason": "x"}
        )
        cr = cls.env.cr
        cr.execute(
            """
            UPDATE helpdesk_ticket SET stage_id = %s, closed_date = %s,
                   create_date = %s
             WHERE id = ANY(%s)
            """,
            [
                cls.stage_done.id,
                datetime(2026, 9, 12, 2, 0),
                datetime(2026, 9, 5, 2, 0),
                (clean1 | clean2 | transferred | reopened).ids,
            ],
        )
        cr.execute(
            "UPDATE helpdesk_ticket SET round_number = 2 WHERE id = %s", [reopened.id]
        )
        cr.execute(
            "UPDATE helpdesk_ticket SET stage_id = %s, closed_date = %s WHERE id = %s",
            [cls.stage_done.id, datetime(2026, 10, 5), october.id],
        )
        Ticket.invalidate_model()
        cls.closed_tickets = clean1 | clean2 | transferred | reopened

    def _penalty_fixture(self):
        """A penalty of 200 on agent 1 when cs_center has responsibility lines."""
        if "cs.responsibility" not in self.env:
            return 0
        ticket = self.closed_tickets[0]
        resolution = self.env["cs.resolution"].create(
            {"ticket_id": ticket.id, "currency_id": self.company.currency_id.id}
        )
        department = self.env["hr.department"].create({"name": "Service"})
        # penalty lines are decided before the approval (frozen with it)
        resp = self.env["cs.responsibility"].create(
            {
                "resolution_id": resolution.id,
                "department_id": department.id,
                "employee_id": self.emp1.id,
                "penalty_amount": 200.0,
            }
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE cs_resolution SET state = 'approved' WHERE id = %s", [resolution.id]
        )
        self.env.cr.execute(
            "UPDATE cs_responsibility SET closed_date = %s WHERE id = %s",
            [datetime(2026, 9, 12, 2, 0), resp.id],
        )
        self.env.invalidate_all()
        return 1

    def _line(self, period, employee):
        return period.score_ids.filtered(lambda s: s.employee_id == employee)

    # ------------------------------------------------------------------ tests
    def test_each_kpi_on_hand_computed_month(self):
        penalties = self._penalty_fixture()
        period = self.Period._cs_get_or_create("month", SEPT)
        self.assertEqual(
            (period.date_start, period.date_end), (date(2026, 9, 1), date(2026, 9, 30))
        )
        period.action_compute()
        line1 = self._line(period, self.emp1)
        self.assertEqual(line1.team_id, self.team_a)
        self.assertAlmostEqual(line1.satisfaction_score, 91.67)
        self.assertEqual(
            (line1.satisfaction_counted, line1.satisfaction_answers), (6, 7)
        )
        self.assertEqual(line1.satisfaction_verdict, "met")
        self.assertEqual((line1.closure_met, line1.closure_total), (19, 20))
        self.assertAlmostEqual(line1.closure_rate, 95.0)
        self.assertEqual(line1.closure_verdict, "met")
        self.assertEqual((line1.feedback_met, line1.feedback_total), (49, 50))
        self.assertAlmostEqual(line1.feedback_rate, 98.0)
        self.assertEqual(line1.feedback_verdict, "met")
        # first contact: 4 closed in September, one transferred, one reopened
        self.assertEqual((line1.fcr_count, line1.fcr_total), (2, 4))
        self.assertAlmostEqual(line1.fcr_rate, 50.0)
        self.assertEqual(line1.complaints_owned, 4)
        self.assertEqual(line1.penalty_count, penalties)
        self.assertAlmostEqual(line1.penalty_amount, 200.0 * penalties)
        # (40 * 91.67 + 25 * 95 + 25 * 98 + 10 * 50) / 100 - 5 per penalty
        self.assertAlmostEqual(line1.weighted_total, 89.92 - 5 * penalties)
        self.assertTrue(line1.all_met)
        line2 = self._line(period, self.emp2)
        self.assertAlmostEqual(line2.satisfaction_score, 80.0)
        self.assertEqual(line2.satisfaction_verdict, "not_met")
        self.assertAlmostEqual(line2.closure_rate, 50.0)
        self.assertEqual(line2.closure_verdict, "not_met")
        self.assertEqual(line2.feedback_verdict, "na")
        self.assertEqual(line2.fcr_verdict, "na")
        # (40 * 80 + 25 * 50) / 65
        self.assertAlmostEqual(line2.weighted_total, 68.46)
        self.assertFalse(line2.all_met)
        self.assertTrue(self._line(period, self.emp3), "left during the period")
        self.assertFalse(self._line(period, self.emp4), "left before the period")

    def test_team_turnover(self):
        period = self.Period._cs_get_or_create("month", SEPT)
        period.action_compute()
        team_a = period.team_line_ids.filtered(lambda t: t.team_id == self.team_a)
        # agent1, agent2, supervisor, agent3 at the start; agent3 left on 15 Sep
        self.assertEqual((team_a.headcount, team_a.departures), (4, 1))
        self.assertAlmostEqual(team_a.turnover_rate, 25.0)
        self.assertEqual(team_a.turnover_verdict, "not_met")
        team_b = period.team_line_ids.filtered(lambda t: t.team_id == self.team_b)
        self.assertEqual((team_b.headcount, team_b.departures), (1, 0))
        self.assertEqual(team_b.turnover_verdict, "met")
        # August: agent4 left then (5 at the start of August)
        august = self.Period._cs_get_or_create("month", date(2026, 8, 3))
        august.action_compute()
        team_a_aug = august.team_line_ids.filtered(lambda t: t.team_id == self.team_a)
        self.assertEqual((team_a_aug.headcount, team_a_aug.departures), (5, 1))

    def test_quarter_and_targets_are_data(self):
        self.env.ref("cs_survey.cs_appraisal_kpi_satisfaction").target = 95
        quarter = self.Period._cs_get_or_create("quarter", SEPT)
        self.assertEqual(
            (quarter.date_start, quarter.date_end),
            (date(2026, 7, 1), date(2026, 9, 30)),
        )
        quarter.action_compute()
        line1 = self._line(quarter, self.emp1)
        self.assertAlmostEqual(line1.satisfaction_score, 91.67)
        self.assertEqual(line1.satisfaction_verdict, "not_met")
        year = self.Period._cs_get_or_create("year", SEPT)
        year.action_compute()
        # the October answer joins in the year: (360 + 190 + 0) / 7
        self.assertAlmostEqual(self._line(year, self.emp1).satisfaction_score, 78.57)

    def test_published_scores_frozen_for_everyone(self):
        period = self.Period._cs_get_or_create("month", SEPT)
        period.action_compute()
        with self.assertRaisesMsg(AccessError, "Only a customer-service manager"):
            period.with_user(self.agent1).action_publish()
        with self.assertRaisesMsg(AccessError, "workflow's own actions"):
            period.write({"state": "published"})
        period.action_publish()
        line = self._line(period, self.emp1)
        for user in (self.manager, self.hr_manager):
            with self.assertRaisesMsg(Exception, "frozen|not allowed|access|workflow"):
                line.with_user(user).write({"satisfaction_score": 100})
        with self.assertRaisesMsg(AccessError, "workflow's own actions"):
            line.sudo().write({"satisfaction_score": 100})
        with self.assertRaisesMsg(AccessError, "cannot be deleted"):
            line.sudo().unlink()
        with self.assertRaisesMsg(AccessError, "cannot be deleted"):
            period.sudo().unlink()
        with self.assertRaisesMsg(AccessError, "workflow's own actions"):
            period.team_line_ids[:1].sudo().write({"headcount": 1})
        with self.assertRaisesMsg(UserError, "cannot be recomputed"):
            period.sudo()._cs_compute()
        self.assertAlmostEqual(line.satisfaction_score, 91.67)

    def test_recompute_makes_new_version(self):
        period = self.Period._cs_get_or_create("month", SEPT)
        period.action_compute()
        period.action_publish()
        # a late answer arrives; recomputing the published month makes version 2
        self._score_row(self.agent1, date(2026, 9, 29), 1, 0)
        v2 = period.action_compute()
        self.assertNotEqual(v2, period)
        self.assertEqual((v2.version, v2.state, v2.previous_id), (2, "draft", period))
        self.assertAlmostEqual(self._line(v2, self.emp1).satisfaction_score, 78.57)
        self.assertAlmostEqual(self._line(period, self.emp1).satisfaction_score, 91.67)
        self.assertEqual(self.Period._cs_get_or_create("month", SEPT), v2)
        # HR reads the published version only until v2 is published
        hr_lines = (
            self.env["cs.appraisal.score"]
            .with_user(self.hr_user)
            .search([("employee_id", "=", self.emp1.id)])
        )
        self.assertEqual(hr_lines.period_id, period)
        # the appraisal shows the latest published version of its period
        appraisal = self.env["hr.appraisal"].create(
            {"employee_id": self.emp1.id, "date_close": date(2026, 9, 30)}
        )
        self.assertEqual(appraisal.cs_period_start, date(2026, 9, 1))
        self.assertEqual(appraisal.cs_score_ids.period_id, period)
        self.assertIn("91.7", appraisal.cs_scores_html)
        v2.action_publish()
        appraisal.invalidate_recordset()
        self.assertEqual(appraisal.cs_score_ids.period_id, v2)
        self.assertIn("78.6", appraisal.cs_scores_html)
        appraisal.cs_period_type = "quarter"
        self.assertFalse(appraisal.cs_score_ids)
        self.assertIn("No published", appraisal.cs_scores_html)
        # the employee reads their appraisal's scores
        appraisal.cs_period_type = "month"
        self.assertTrue(appraisal.with_user(self.agent1).cs_scores_html)

    def test_access_per_role(self):
        period = self.Period._cs_get_or_create("month", SEPT)
        period.action_compute()
        Score = self.env["cs.appraisal.score"]
        # lines come from the aggregation only, even in a draft
        draft_line = self._line(period, self.emp1).with_user(self.manager)
        with self.assertRaisesMsg(AccessError, "workflow's own actions"):
            draft_line.write({"satisfaction_score": 100})
        with self.assertRaisesMsg(AccessError, "created by the workflow only"):
            Score.with_user(self.manager).create(
                {"period_id": period.id, "employee_id": self.emp2.id}
            )
        # drafts are for CS managers only
        self.assertFalse(Score.with_user(self.hr_user).search([]))
        self.assertFalse(Score.with_user(self.agent1).search([]))
        self.assertTrue(Score.with_user(self.manager).search([]))
        for user in (self.agent1, self.supervisor, self.hr_user):
            with self.assertRaisesMsg(AccessError, "."):
                period.with_user(user).action_compute()
        period.action_publish()
        employees = period.score_ids.employee_id
        self.assertEqual(Score.with_user(self.agent1).search([]).employee_id, self.emp1)
        self.assertEqual(
            Score.with_user(self.supervisor).search([]).employee_id,
            employees & (self.emp1 | self.emp2 | self.emp_sup | self.emp3),
        )
        self.assertNotIn(
            self.emp_b, Score.with_user(self.supervisor).search([]).employee_id
        )
        self.assertEqual(
            Score.with_user(self.hr_user).search([]).employee_id, employees
        )
        self.assertEqual(
            Score.with_user(self.hr_manager).search([]).employee_id, employees
        )
        self.assertFalse(Score.with_user(self.hr_other_co).search([]))
        with self.assertRaisesMsg(AccessError, "."):
            Score.with_user(self.portal_user).search([])
        with self.assertRaisesMsg(AccessError, "."):
            Score.with_user(self.agent_other_co).browse(
                self._line(period, self.emp1).id
            ).read(["satisfaction_score"])
        teams = self.env["cs.appraisal.team"]
        self.assertEqual(
            teams.with_user(self.supervisor).search([]).team_id, self.team_a
        )
        with self.assertRaisesMsg(AccessError, "."):
            teams.with_user(self.agent1).search([])
