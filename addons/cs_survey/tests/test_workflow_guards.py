# Copyright 2026 cs-center
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Issue 9, cases 2, 3 and 8: regression tests, allowed and refused paths."""

from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import AGENT_ROWS, BUSINESS_ROWS, CsSurveyCommon

CONTEXT_KEYS = {
    "cs_period_internal": True,
    "cs_callback_internal": True,
    "cs_improvement_internal": True,
    "cs_campaign_internal": True,
}


class GuardCommon(CsSurveyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.hr_user = new_test_user(
            cls.env, login="cs_guard_hr", groups="hr.group_hr_user"
        )
        cls.hr_manager = new_test_user(
            cls.env, login="cs_guard_hr_manager", groups="hr.group_hr_manager"
        )
        cls.staff = (
            cls.agent1,
            cls.supervisor,
            cls.manager,
            cls.hr_user,
            cls.hr_manager,
            cls.portal_user,
        )

    def _answered(self, **kw):
        ticket = self._closed_ticket(agent=self.agent1)
        level = kw.get("level", "poor")
        user_input = self._answer(
            ticket.cs_survey_ids,
            overall=kw.get("overall", "dissatisfied"),
            agent=dict.fromkeys(AGENT_ROWS, level) if level else None,
        )
        self.assertEqual(user_input.state, "done")
        self.assertTrue(user_input.cs_score_ids)
        return ticket, user_input.with_env(self.env)

    def _snapshot(self, user_input):
        user_input.invalidate_recordset()
        return (
            user_input.state,
            user_input.cs_score,
            user_input.scoring_percentage,
            sorted(user_input.user_input_line_ids.ids),
            sorted(
                (r.rated_user_id.id, r.dimension_id.id, r.points)
                for r in user_input.cs_score_ids
            ),
        )


@tagged("post_install", "-at_install")
class TestCase2PeriodContextKey(GuardCommon):
    """Case 2/8: `cs_period_internal` in the RPC context opened the periods."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["hr.employee"].create({"name": "Agent 1", "user_id": cls.agent1.id})
        cls.Period = cls.env["cs.appraisal.period"]

    def test_case2_manager_with_context_key_cannot_rewrite_or_publish(self):
        manager_env = self.Period.with_user(self.manager).with_context(**CONTEXT_KEYS)
        period = manager_env.create(
            {"period_type": "month", "date_start": date(2026, 9, 1)}
        )
        # publishing without computing: refused, by the action and by a write
        with self.assertRaisesMsg(UserError, "before publishing"):
            period.action_publish()
        for vals in (
            {"state": "published"},
            {"computed_date": "2026-10-01 00:00:00"},
            {"version": 7},
            {"date_start": date(2026, 8, 1)},
        ):
            with self.assertRaises(AccessError):
                period.write(vals)
        with self.assertRaises(AccessError):
            manager_env.create(
                {
                    "period_type": "month",
                    "date_start": date(2026, 10, 1),
                    "state": "published",
                }
            )
        # lines come from the computation only, whatever the context
        period.action_compute()
        line = period.score_ids[:1]
        self.assertTrue(line)
        Line = self.env["cs.appraisal.score"].with_user(self.manager)
        with self.assertRaises(AccessError):
            line.with_user(self.manager).with_context(**CONTEXT_KEYS).write(
                {"weighted_total": 100, "satisfaction_score": 100}
            )
        with self.assertRaises(AccessError):
            Line.with_context(**CONTEXT_KEYS).create(
                {"period_id": period.id, "employee_id": line.employee_id.id}
            )
        with self.assertRaises(AccessError):
            line.with_user(self.manager).with_context(**CONTEXT_KEYS).unlink()
        with self.assertRaises(AccessError):
            period.team_line_ids.with_context(**CONTEXT_KEYS).sudo().write(
                {"headcount": 99}
            )
        self.assertEqual(period.state, "draft")
        # allowed path: compute, then publish
        period.action_publish()
        self.assertEqual(period.state, "published")
        self.assertEqual(period.published_user_id, self.manager)

    def test_case2_published_period_frozen_for_everyone_recompute_versions(self):
        period = self.Period.with_user(self.manager)._cs_get_or_create(
            "month", date(2026, 9, 1)
        )
        period.action_compute()
        period.action_publish()
        line = period.score_ids[:1]
        before = line.weighted_total
        for env_period in (
            period.with_user(self.manager).with_context(**CONTEXT_KEYS),
            period.with_user(self.hr_manager).with_context(**CONTEXT_KEYS),
            period.sudo().with_context(**CONTEXT_KEYS),  # superuser: no pass
        ):
            with self.assertRaises(AccessError):
                env_period.write({"state": "draft"})
            with self.assertRaises(AccessError):
                env_period.unlink()
            with self.assertRaises(AccessError):
                line.with_env(env_period.env).write({"weighted_total": 0})
            with self.assertRaises(AccessError):
                line.with_env(env_period.env).unlink()
        for user in (self.hr_user, self.hr_manager, self.supervisor, self.agent1):
            with self.assertRaises(AccessError):
                period.with_user(user).action_compute()
        self.assertEqual((period.state, line.weighted_total), ("published", before))
        # recomputing makes a new draft version; v1 stays as published
        v2 = period.with_user(self.manager).action_compute()
        self.assertEqual((v2.version, v2.state, v2.previous_id), (2, "draft", period))
        self.assertEqual(period.state, "published")


@tagged("post_install", "-at_install")
class TestCase3And8Answers(GuardCommon):
    """Cases 3 and 8: customers' answers and their score rows feed pay."""

    def test_case3_answer_read_only_once_done_for_every_role(self):
        _ticket, user_input = self._answered()
        before = self._snapshot(user_input)
        line = user_input.user_input_line_ids[:1]
        for user in self.staff:
            answer = user_input.with_user(user)
            for vals in (
                {"state": "in_progress"},
                {"state": "new"},
                {"cs_score": 100.0, "cs_low": False},
                {"scoring_percentage": 100.0, "scoring_total": 50.0},
                {"end_datetime": "2026-01-01 00:00:00"},
                {"user_input_line_ids": [(5, 0, 0)]},
            ):
                with self.assertRaises(AccessError):
                    answer.write(vals)
            with self.assertRaises(AccessError):
                answer.unlink()
            with self.assertRaises(AccessError):
                line.with_user(user).write({"suggested_answer_id": False})
            with self.assertRaises(AccessError):
                line.with_user(user).unlink()
            with self.assertRaises(AccessError):
                user_input.cs_score_ids.with_user(user).unlink()
            with self.assertRaises(AccessError):
                user_input.cs_score_ids.with_user(user).write({"points": 500})
        # the same in sudo, as a controller would (context keys do nothing)
        answer = user_input.sudo().with_context(**CONTEXT_KEYS)
        with self.assertRaisesMsg(AccessError, "read-only for everyone"):
            answer.write({"state": "in_progress"})
        with self.assertRaisesMsg(AccessError, "cannot be deleted"):
            answer.unlink()
        with self.assertRaises(AccessError):
            answer.user_input_line_ids.unlink()
        with self.assertRaises(AccessError):
            answer.cs_score_ids.unlink()
        with self.assertRaises(AccessError):
            answer._save_lines(
                self.q_overall, str(self.q_overall.suggested_answer_ids[0].id)
            )
        # nor through the survey, its questions or its levels
        with self.assertRaisesMsg(AccessError, "cannot be deleted"):
            self.survey.with_user(self.manager).unlink()
        with self.assertRaises(AccessError):
            self.survey.with_user(self.manager).write({"cs_is_satisfaction": False})
        with self.assertRaises(AccessError):
            self.q_overall.with_user(self.manager).unlink()
        with self.assertRaises(AccessError):
            self._ref("survey_cs_q_overall_dissatisfied").with_user(
                self.manager
            ).unlink()
        # re-submitting a completed answer changes nothing
        answer._mark_done()
        self.assertEqual(self._snapshot(user_input), before)

    def test_case8_pending_answer_filled_by_the_customer_only(self):
        ticket = self._closed_ticket(agent=self.agent1)
        user_input = ticket.cs_survey_ids
        level = self._ref("survey_cs_q_overall_very_satisfied")
        for user in (self.supervisor, self.manager):
            answer = user_input.with_user(user)
            with self.assertRaises(AccessError):
                answer.write({"state": "done"})
            with self.assertRaises(AccessError):
                answer.write(
                    {
                        "user_input_line_ids": [
                            (
                                0,
                                0,
                                {
                                    "question_id": self.q_overall.id,
                                    "answer_type": "suggestion",
                                    "suggested_answer_id": level.id,
                                },
                            )
                        ]
                    }
                )
            with self.assertRaises(AccessError):
                self.env["survey.user_input.line"].with_user(user).create(
                    {
                        "user_input_id": user_input.id,
                        "question_id": self.q_overall.id,
                        "answer_type": "suggestion",
                        "suggested_answer_id": level.id,
                    }
                )
            with self.assertRaises(AccessError):
                answer.unlink()
            # nor forge an answer rating an agent
            with self.assertRaises(AccessError):
                self.Input.with_user(user).create(
                    {
                        "survey_id": self.survey.id,
                        "partner_id": self.customer.id,
                        "cs_rated_user_ids": [(6, 0, self.agent2.ids)],
                        "state": "done",
                    }
                )
            with self.assertRaises(AccessError):
                self.Input.with_user(user).create(
                    {"survey_id": self.survey.id, "cs_ticket_id": ticket.id}
                )
        self.assertEqual(user_input.state, "new")
        self.assertFalse(user_input.user_input_line_ids)
        # allowed: the customer answers through the token flow
        self._answer(user_input, overall="very_satisfied")
        self.assertEqual(user_input.state, "done")
        self.assertEqual(user_input.cs_score, 100.0)

    def test_case3_manager_rescoring_logged_with_reason(self):
        _ticket, user_input = self._answered(overall="neutral", level=None)
        self.assertAlmostEqual(user_input.cs_score, 60.0)
        self._ref("survey_cs_q_overall_neutral").cs_points = 3.5
        # refused: other roles, and a manager without a reason
        for user in (self.agent1, self.supervisor, self.hr_manager):
            with self.assertRaises(AccessError):
                self.survey.with_user(user)._cs_rescore("Because")
            with self.assertRaises(AccessError):
                self.survey.with_user(user).action_cs_rescore()
        with self.assertRaisesMsg(UserError, "reason"):
            self.survey.with_user(self.manager)._cs_rescore("  ")
        self.assertAlmostEqual(user_input.cs_score, 60.0)
        # allowed: the manager's rescoring, with its reason in the chatter
        action = self.survey.with_user(self.manager).action_cs_rescore()
        wizard = (
            self.env["cs.survey.rescore"]
            .with_user(self.manager)
            .with_context(**action["context"])
            .create({"reason": "Neutral is worth 3.5 since October."})
        )
        wizard.action_confirm()
        user_input.invalidate_recordset()
        self.assertAlmostEqual(user_input.cs_score, 70.0)
        self.assertTrue(user_input.cs_score_ids)
        for record in (self.survey, user_input):
            self.assertIn(
                "Neutral is worth 3.5 since October.",
                "".join(record.message_ids.mapped("body")),
            )
        self.assertEqual(self.survey.message_ids[:1].author_id, self.manager.partner_id)

    def test_case3_other_surveys_unchanged(self):
        """Scope: an internal quiz (not a satisfaction survey, no ticket) keeps
        Odoo's behaviour."""
        quiz = self.env["survey.survey"].create({"title": "Internal quiz"})
        answer = self.Input.create(
            {"survey_id": quiz.id, "partner_id": self.customer.id}
        )
        answer.write({"state": "done", "nickname": "x"})
        answer.unlink()
        quiz.unlink()

    def test_case3_test_entries_not_scored(self):
        test_entry = self.survey._create_answer(user=self.manager, test_entry=True)
        self._answer(test_entry, overall="very_dissatisfied")
        self.assertFalse(test_entry.cs_score_ids)
        test_entry.unlink()


@tagged("post_install", "-at_install")
class TestCase3CustomerTokenHttp(HttpCase, GuardCommon):
    def test_case3_customer_answers_through_token_then_read_only(self):
        ticket = self._closed_ticket(agent=self.agent1)
        user_input = ticket.cs_survey_ids.sudo()
        base = f"{self.survey.access_token}/{user_input.access_token}"
        self.env.flush_all()
        self.authenticate(None, None)  # the customer's link, not logged in
        self.make_jsonrpc_request(f"/survey/begin/{base}", {})

        def matrix(question, prefix, rows, level):
            return {
                str(self._ref(f"{prefix}_row_{row}").id): [
                    str(self._ref(f"{prefix}_{level}").id)
                ]
                for row in rows
            }

        post = {
            str(self.q_overall.id): str(
                self._ref("survey_cs_q_overall_very_satisfied").id
            ),
            str(self.q_agent.id): matrix(
                self.q_agent, "survey_cs_q_agent", AGENT_ROWS, "satisfied"
            ),
            str(self.q_business.id): matrix(
                self.q_business, "survey_cs_q_business", BUSINESS_ROWS, "satisfied"
            ),
        }
        result = self.make_jsonrpc_request(f"/survey/submit/{base}", post)
        self.assertNotIn("error", result[1])
        self.env.invalidate_all()
        self.assertEqual(user_input.state, "done")
        self.assertTrue(user_input.cs_score_ids)
        self.assertIn(self.agent1, user_input.cs_score_ids.rated_user_id)
        lines = user_input.user_input_line_ids.ids
        # submitting again through the token changes nothing
        again = self.make_jsonrpc_request(f"/survey/submit/{base}", post)
        self.assertEqual(again[1].get("error"), "unauthorized")
        self.env.invalidate_all()
        self.assertEqual(user_input.user_input_line_ids.ids, lines)
