from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.cs_survey.tests.common import AGENT_ROWS

from .common import CsArchiveSurveyCommon


@tagged("post_install", "-at_install")
class TestSurveyArchive(CsArchiveSurveyCommon):
    def _answered(self, **kw):
        ticket = self._closed_ticket(**kw)
        user_input = self._answer(
            ticket.cs_survey_ids,
            overall="very_satisfied",  # 100
            agent=dict.fromkeys(AGENT_ROWS, "satisfied"),  # 4 x 80
            business={
                "product_quality": "very_satisfied",  # 100
                "price": "dont_know",  # not counted
            },
            text="<script>alert('x')</script> Call before coming",
        )
        return ticket, user_input

    def test_answered_survey_archived_for_the_customer(self):
        ticket, user_input = self._answered()
        entry = self._entries(user_input)
        self.assertEqual(len(entry), 1)
        self.assertEqual(entry.entry_type_id.code, "survey")
        self.assertEqual(entry.partner_id, self.customer)
        self.assertEqual(entry.company_id, self.company)
        self.assertEqual(entry.first_owner_id, self.agent1)
        self.assertEqual(entry.handler_id, self.agent1)
        self.assertIn(ticket.number, entry.name)
        payload = self._payload(entry)
        self.assertEqual(payload["survey"]["title"], self.survey.title)
        self.assertEqual(payload["ticket"]["number"], ticket.number)
        self.assertEqual(payload["customer"]["name"], self.customer.display_name)
        self.assertEqual(
            payload["answered_date"],
            user_input.end_datetime.strftime("%Y-%m-%d %H:%M:%S"),
        )
        self.assertEqual(payload["rated_agents"][0]["id"], self.agent1.id)
        # answers: question -> level or text, "don't know" marked
        answers = payload["answers"]
        self.assertEqual(len(answers), 8)
        overall = next(a for a in answers if a["question_id"] == self.q_overall.id)
        self.assertEqual(overall["answer"], "Very satisfied")
        self.assertEqual((overall["points"], overall["dont_know"]), (5.0, False))
        price = next(a for a in answers if a["row"] == "Price")
        self.assertTrue(price["dont_know"])
        self.assertFalse(price["counted"])
        text = next(a for a in answers if a["type"] == "text_box")
        self.assertIn("Call before coming", text["answer"])
        # scores: overall, per dimension, per agent (from cs_survey's rows)
        # (100 + 4 * 80 + 100) / 6 counted answers
        self.assertEqual(payload["score"]["score"], round(user_input.cs_score, 2))
        self.assertAlmostEqual(payload["score"]["score"], 86.67)
        self.assertEqual(
            (payload["score"]["counted"], payload["score"]["answers"]), (6, 7)
        )
        by_dimension = {d["dimension"]["code"]: d for d in payload["dimension_scores"]}
        self.assertEqual(by_dimension["price"]["score"], None)
        self.assertEqual(
            (by_dimension["price"]["answers"], by_dimension["price"]["counted"]),
            (1, 0),
        )
        self.assertEqual(by_dimension["agent_skill"]["score"], 80.0)
        self.assertEqual(
            {(a["agent"]["id"], a["score"]) for a in payload["agent_scores"]},
            {(self.agent1.id, 80.0)},
        )
        self.assertEqual(len(payload["agent_scores"]), len(AGENT_ROWS))
        # the rendering is readable and escaped
        html = str(entry.content_html)
        self.assertIn("Call before coming", html)
        self.assertNotIn("<script>", html)
        self.assertIn("&lt;script&gt;", html)
        self.assertIn(ticket.number, html)
        # the chain still verifies
        report = self._check()
        self.assertEqual(report.result, "ok")
        self.assertEqual(report.head_hash, entry.chain_hash)

    def test_hook_twice_archives_once(self):
        _ticket, user_input = self._answered()
        self.assertEqual(len(self._entries(user_input)), 1)
        user_input._mark_done()  # e.g. the survey submitted twice
        user_input._cs_archive()
        self.env["survey.user_input"]._cs_archive_backfill()
        self.assertEqual(len(self._entries(user_input)), 1)
        self.assertEqual(self._check().result, "ok")

    def test_several_answers_in_one_batch(self):
        inputs = self._closed_ticket().cs_survey_ids | (
            self._closed_ticket(partner_id=self.customer2.id).cs_survey_ids
        )
        self._force(inputs, state="in_progress")
        inputs._mark_done()
        entries = self._entries(inputs)
        self.assertEqual(len(entries), 2)
        self.assertEqual(entries.partner_id, self.customer | self.customer2)
        self.assertEqual(entries[1].sequence, entries[0].sequence + 1)
        self.assertEqual(entries[1].prev_hash, entries[0].chain_hash)
        self.assertEqual(self._payload(entries[0])["answers"], [])
        self.assertEqual(self._check().result, "ok")

    def _done_without_hook(self, count):
        """`count` answered surveys, scored but not archived yet."""
        inputs = self.env["survey.user_input"]
        for _i in range(count):
            user_input = self._closed_ticket().cs_survey_ids.sudo()
            user_input.write(
                {
                    "user_input_line_ids": [
                        (
                            0,
                            0,
                            {
                                "question_id": self.q_overall.id,
                                "answer_type": "suggestion",
                                "suggested_answer_id": self._ref(
                                    "survey_cs_q_overall_satisfied"
                                ).id,
                            },
                        )
                    ],
                }
            )
            self._force(user_input, state="done")
            inputs |= user_input
        inputs._cs_score()
        return inputs

    def _queries(self, records):
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        entries = records._cs_archive()
        self.assertEqual(len(entries), len(records))
        return self.env.cr.sql_log_count - before

    def test_batch_queries_do_not_grow_with_the_answers(self):
        warm, one, four = (self._done_without_hook(n) for n in (1, 1, 4))
        self._queries(warm)  # caches filled once per process (defaults, ...)
        # one read of the archiving user may or may not hit the cache: +1 at most
        self.assertLessEqual(self._queries(four), self._queries(one) + 1)

    def test_unanswered_or_other_survey_not_archived(self):
        ticket = self._closed_ticket()
        user_input = ticket.cs_survey_ids
        self.assertEqual(user_input.state, "new")
        user_input._cs_archive()
        self.assertFalse(self._entries(user_input))
        # a survey that is not a satisfaction survey is not the customer's file
        other = self.env["survey.survey"].create({"title": "Internal quiz"})
        answer = self.env["survey.user_input"].create(
            {"survey_id": other.id, "partner_id": self.customer.id}
        )
        answer._mark_done()
        self.assertFalse(self._entries(answer))

    def test_backfill_archives_answers_done_before_install(self):
        ticket = self._closed_ticket()
        user_input = ticket.cs_survey_ids.sudo()
        # completed without the hook (as before this addon was installed)
        self._force(user_input, state="done")
        self.assertFalse(self._entries(user_input))
        self.assertEqual(self.env["survey.user_input"]._cs_archive_backfill(), 1)
        self.assertEqual(len(self._entries(user_input)), 1)
        self.assertEqual(self.env["survey.user_input"]._cs_archive_backfill(), 0)

    def test_completeness_job_archives_missing_answers(self):
        ticket = self._closed_ticket()
        user_input = ticket.cs_survey_ids.sudo()
        self._force(user_input, state="done")  # completed without the hook
        cron = self.env.ref("cs_archive_survey.ir_cron_archive_missing_answers")
        cron.method_direct_trigger()
        self.assertEqual(len(self._entries(user_input)), 1)
        cron.method_direct_trigger()  # run twice: still one entry
        self.assertEqual(len(self._entries(user_input)), 1)

    def test_survey_without_ticket_archived_for_its_customer(self):
        # e.g. a campaign's survey: a customer, no ticket, no agent involved
        Input = self.env["survey.user_input"].sudo()
        user_input = Input.create(
            Input._cs_prepare_vals(
                self.survey, self.customer2, cs_company_id=self.company.id
            )
        )
        self._answer(user_input, overall="satisfied")
        entry = self._entries(user_input)
        self.assertEqual(len(entry), 1)
        self.assertEqual(entry.partner_id, self.customer2)
        self.assertEqual(entry.company_id, self.company)
        self.assertFalse(entry.first_owner_id | entry.handler_id)
        payload = self._payload(entry)
        self.assertIsNone(payload["ticket"])
        self.assertEqual(payload["score"]["score"], 80.0)
        self.assertFalse(self._can_read(self.agent1, entry))
        self.assertTrue(self._can_read(self.reader, entry))

    def test_access_to_the_entry(self):
        _ticket, user_input = self._answered(transfer_to=self.agent2)
        entry = self._entries(user_input)
        self.assertEqual(entry.first_owner_id, self.agent1)
        self.assertEqual(entry.handler_id, self.agent2)
        # the agents of the ticket read it
        self.assertTrue(self._can_read(self.agent1, entry))
        entry.with_user(self.agent2).read(["content_html"])
        # an agent not involved, a supervisor, another company, the portal: no
        self.assertFalse(self._can_read(self.agent_b, entry))
        with self.assertRaises(AccessError):
            entry.with_user(self.agent_b).read(["content_json"])
        self.assertFalse(self._can_read(self.supervisor, entry))
        self.assertFalse(self._can_read(self.agent_other_co, entry))
        with self.assertRaises(AccessError):
            entry.with_user(self.portal_user).read(["name"])
        # archive readers read it, and the read is logged
        self.assertTrue(self._can_read(self.reader, entry))
        entry.with_user(self.reader).read(["content_html"])
        self.assertIn(
            self.reader, entry.with_user(self.arch_manager).read_log_ids.user_id
        )
        # nobody changes it
        with self.assertRaisesMsg(AccessError, "cannot be changed"):
            entry.with_user(self.arch_manager).write({"name": "x"})
