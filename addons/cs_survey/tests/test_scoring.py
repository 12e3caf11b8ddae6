from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import AGENT_ROWS, CsSurveyCommon


@tagged("post_install", "-at_install")
class TestScoring(CsSurveyCommon):
    def _all(self, level, rows=AGENT_ROWS):
        return dict.fromkeys(rows, level)

    def test_score_excludes_dont_know_and_counts_answers(self):
        ticket = self._closed_ticket()
        user_input = self._answer(
            ticket.cs_survey_ids,
            overall="very_satisfied",  # 5 -> 100
            agent=self._all("satisfied"),  # 4 x 4 -> 80
            business={
                "product_quality": "very_satisfied",  # 100
                "service_quality": "satisfied",  # 80
                "price": "dont_know",  # not counted
                "delivery": "neutral",  # 60
            },
            text="Call before coming, please.",
        )
        # (100 + 4 * 80 + 100 + 80 + 60) / 8 counted answers
        self.assertTrue(user_input.cs_has_score)
        self.assertAlmostEqual(user_input.cs_score, 82.5)
        self.assertEqual(user_input.cs_counted_count, 8)
        self.assertEqual(user_input.cs_answer_count, 9)
        self.assertFalse(user_input.cs_low)
        price = user_input.cs_score_ids.filtered(
            lambda r: r.dimension_id.code == "price"
        )
        self.assertEqual((price.answer_count, price.counted_count), (1, 0))
        self.assertFalse(price.has_score)
        self.assertAlmostEqual(ticket.cs_survey_score, 82.5)
        by_dimension = self.Score._cs_aggregate(
            [("user_input_id", "=", user_input.id), ("in_total", "=", True)],
            ["dimension_id"],
        )
        self.assertEqual(
            by_dimension[self._ref("cs_survey_dimension_price")], (None, 0, 1)
        )
        self.assertEqual(
            by_dimension[self._ref("cs_survey_dimension_agent_skill")], (80.0, 1, 1)
        )

    def test_half_point_mean_gives_ninety(self):
        ticket = self._closed_ticket()
        user_input = self._answer(
            ticket.cs_survey_ids,
            overall="very_satisfied",
            business={"product_quality": "satisfied"},
        )
        self.assertAlmostEqual(user_input.cs_score, 90.0)  # mean 4.5 of 5

    def test_all_dont_know_gives_no_score(self):
        ticket = self._closed_ticket()
        user_input = self._answer(
            ticket.cs_survey_ids,
            overall="dont_know",
            business=self._all(
                "dont_know",
                rows=("product_quality", "service_quality", "price", "delivery"),
            ),
        )
        self.assertFalse(user_input.cs_has_score)
        self.assertEqual(user_input.cs_counted_count, 0)
        self.assertEqual(user_input.cs_answer_count, 5)
        self.assertFalse(user_input.cs_low, "no score is not a low score")
        self.assertFalse(user_input.cs_score_ids.filtered("has_score"))
        aggregate = self.Score._cs_aggregate(
            [("ticket_id", "=", ticket.id), ("in_total", "=", True)], ["ticket_id"]
        )
        self.assertEqual(aggregate[ticket], (None, 0, 5))
        self.assertFalse(
            self.env["cs.survey.improvement"].search([("ticket_id", "=", ticket.id)])
        )

    def test_per_agent_matrix_rates_every_agent_who_served(self):
        ticket = self._closed_ticket(agent=self.agent1, transfer_to=self.agent2)
        user_input = ticket.cs_survey_ids
        self.assertEqual(user_input.cs_rated_user_ids, self.agent1 | self.agent2)
        self._answer(
            user_input,
            overall="satisfied",
            agent={
                "attitude": "very_satisfied",
                "skill": "satisfied",
                "timeliness": "poor",
                "promise": "average",
            },
        )
        rows = user_input.cs_score_ids
        agent_rows = rows.filtered("rated_user_id")
        self.assertEqual(len(agent_rows), 8, "4 dimensions x 2 agents")
        self.assertEqual(
            agent_rows.filtered("in_total").rated_user_id,
            self.agent1,
            "the first owner's rows count once in the survey total",
        )
        by_agent = self.Score._cs_aggregate(
            [("user_input_id", "=", user_input.id)], ["rated_user_id"]
        )
        # (100 + 80 + 40 + 60) / 4
        self.assertEqual(by_agent[self.agent1], (70.0, 4, 4))
        self.assertEqual(by_agent[self.agent2], (70.0, 4, 4))
        # survey: (80 + 100 + 80 + 40 + 60) / 5, agents not counted twice
        self.assertAlmostEqual(user_input.cs_score, 72.0)
        by_team = self.Score._cs_aggregate(
            [("team_id", "=", self.team_a.id), ("in_total", "=", True)], ["team_id"]
        )
        self.assertEqual(by_team[self.team_a], (72.0, 5, 5))

    def test_mapping_changes_are_respected(self):
        ticket = self._closed_ticket()
        user_input = self._answer(
            ticket.cs_survey_ids,
            overall="satisfied",
            business={"product_quality": "neutral", "price": "very_satisfied"},
        )
        self.assertAlmostEqual(user_input.cs_score, 80.0)  # (80 + 60 + 100) / 3
        # a manager changes the mapping in the UI: "neutral" no longer counts,
        # "satisfied" is worth 4.5, price is not measured any more
        self._ref("survey_cs_q_business_neutral").cs_counted = False
        self._ref("survey_cs_q_overall_satisfied").cs_points = 4.5
        self._ref("survey_cs_q_business_row_price").cs_dimension_id = False
        with self.assertRaisesMsg(AccessError, "Only a customer-service manager"):
            self.survey.with_user(self.agent1).action_cs_rescore()
        wizard = (
            self.env["cs.survey.rescore"]
            .with_user(self.manager)
            .with_context(
                **self.survey.with_user(self.manager).action_cs_rescore()["context"]
            )
            .create({"reason": "Neutral no longer counts (board decision)."})
        )
        wizard.action_confirm()
        self.assertAlmostEqual(user_input.cs_score, 90.0)
        self.assertEqual(user_input.cs_counted_count, 1)
        self.assertEqual(user_input.cs_answer_count, 2)
        self.assertFalse(
            user_input.cs_score_ids.filtered(lambda r: r.dimension_id.code == "price")
        )

    def test_new_questionnaire_needs_no_code(self):
        survey = self.env["survey.survey"].create(
            {
                "title": "Quick check",
                "cs_is_satisfaction": True,
                "cs_scale_max": 10,
                "access_mode": "token",
            }
        )
        question = self.env["survey.question"].create(
            {
                "survey_id": survey.id,
                "title": "Would you recommend us?",
                "question_type": "simple_choice",
                "cs_dimension_id": self._ref("cs_survey_dimension_overall").id,
                "suggested_answer_ids": [
                    (0, 0, {"value": "Yes", "cs_points": 10}),
                    (0, 0, {"value": "Maybe", "cs_points": 6}),
                ],
            }
        )
        user_input = self.Input.create(
            {"survey_id": survey.id, "partner_id": self.customer.id}
        )
        # the customer answers through the survey's own steps (token flow)
        user_input._save_lines(question, str(question.suggested_answer_ids[1].id))
        user_input._mark_done()
        self.assertAlmostEqual(user_input.cs_score, 60.0)

    def test_period_boundaries_follow_company_time_zone(self):
        # Asia/Shanghai is UTC+8: 31 Oct 16:30 UTC is 1 Nov 00:30 local
        ticket = self._closed_ticket()
        november = self._answer(ticket.cs_survey_ids, overall="very_satisfied")
        self._set_answered_on(november, self.dt(2026, 10, 31, 16, 30))
        ticket2 = self._closed_ticket()
        october = self._answer(ticket2.cs_survey_ids, overall="dissatisfied")
        self._set_answered_on(october, self.dt(2026, 10, 31, 15, 59))
        self.assertEqual(november.cs_score_ids.date_local, date(2026, 11, 1))
        self.assertEqual(october.cs_score_ids.date_local, date(2026, 10, 31))
        by_month = self.Score._cs_aggregate(
            [("ticket_id", "in", (ticket | ticket2).ids), ("in_total", "=", True)],
            ["date_local:month"],
        )
        self.assertEqual(by_month[date(2026, 11, 1)][0], 100.0)
        self.assertEqual(by_month[date(2026, 10, 1)][0], 40.0)

    def test_low_result_creates_improvement_for_supervisor(self):
        ticket = self._closed_ticket()
        user_input = self._answer(
            ticket.cs_survey_ids,
            overall="dissatisfied",
            business={"product_quality": "neutral"},
        )  # (40 + 60) / 2 = 50 < 60
        self.assertTrue(user_input.cs_low)
        improvement = self.env["cs.survey.improvement"].search(
            [("ticket_id", "=", ticket.id)]
        )
        self.assertEqual(improvement.user_id, self.supervisor)
        self.assertEqual(improvement.state, "open")
        activity = improvement.activity_id
        self.assertEqual(activity.res_id, ticket.id)
        self.assertEqual(activity.res_model, "helpdesk.ticket")
        self.assertEqual(activity.user_id, self.supervisor)
        # rescoring does not duplicate it
        user_input._cs_score()
        self.assertEqual(
            self.env["cs.survey.improvement"].search_count(
                [("ticket_id", "=", ticket.id)]
            ),
            1,
        )
        # follow-up: agents cannot close it, the supervisor needs a plan
        with self.assertRaisesMsg(AccessError, "."):
            improvement.with_user(self.agent1).action_done()
        with self.assertRaisesMsg(UserError, "Describe the improvement"):
            improvement.with_user(self.supervisor).action_done()
        with self.assertRaisesMsg(AccessError, "workflow's own actions"):
            improvement.with_user(self.supervisor).write({"state": "done"})
        improvement.with_user(self.supervisor).plan = "Retrained the installer."
        improvement.with_user(self.supervisor).action_done()
        self.assertEqual(improvement.state, "done")
        self.assertTrue(improvement.done_date)
        self.assertFalse(activity.exists() and activity.active)

    def test_very_dissatisfied_alarms_whatever_the_score(self):
        ticket = self._closed_ticket()
        user_input = self._answer(
            ticket.cs_survey_ids,
            overall="very_dissatisfied",
            agent=self._all("very_satisfied"),
            business=self._all(
                "very_satisfied",
                rows=("product_quality", "service_quality", "price", "delivery"),
            ),
        )
        self.assertGreater(user_input.cs_score, 90)
        self.assertTrue(user_input.cs_low)
        improvement = self.env["cs.survey.improvement"].search(
            [("ticket_id", "=", ticket.id)]
        )
        self.assertIn("very dissatisfied", improvement.reason)
        # marking the activity done on the ticket also closes the follow-up
        improvement.activity_id.with_user(self.supervisor).action_feedback(
            feedback="Called the customer, replaced the part."
        )
        self.assertEqual(improvement.state, "done")
        self.assertIn("replaced the part", improvement.plan)

    def test_score_rows_access_per_role(self):
        ticket = self._closed_ticket(agent=self.agent1, transfer_to=self.agent2)
        self._answer(ticket.cs_survey_ids, overall="satisfied", agent=self._all("poor"))
        rows = ticket.cs_survey_ids.cs_score_ids
        Score = self.env["cs.survey.score"]
        # agents read the ratings they received, supervisors their teams'
        self.assertEqual(
            Score.with_user(self.agent2).search([]),
            rows.filtered(lambda r: r.rated_user_id == self.agent2),
        )
        self.assertEqual(Score.with_user(self.supervisor).search([]), rows)
        self.assertFalse(Score.with_user(self.agent_b).search([]))
        self.assertFalse(Score.with_user(self.agent_other_co).search([]))
        with self.assertRaisesMsg(AccessError, "."):
            rows[:1].with_user(self.agent1).write({"points": 500})
        with self.assertRaisesMsg(AccessError, "."):
            Score.with_user(self.portal_user).search([])
