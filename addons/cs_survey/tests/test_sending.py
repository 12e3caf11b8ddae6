from psycopg2 import IntegrityError

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import CsSurveyCommon


@tagged("post_install", "-at_install")
class TestSending(CsSurveyCommon):
    def test_closing_leaves_the_mail_to_the_sending_job(self):
        """The close creates the answer and triggers the sending job; the job
        renders and mails the invitation and dates it (none forgotten: it selects
        every unsent answer of a ticket). Switched off, the close sends at once."""
        ticket = self._complaint(user=self.agent1, user_id=self.agent1.id)
        ticket.with_user(self.agent1).stage_id = self.stage_progress
        ticket.with_user(self.agent1)._cs_confirm_satisfaction("phone", "Fine")
        ticket.with_user(self.agent1).action_owner_signoff()
        cron = self.env.ref("cs_survey.ir_cron_cs_send_survey_invitations")
        triggers = self.env["ir.cron.trigger"].sudo()
        before = triggers.search_count([("cron_id", "=", cron.id)])
        ticket.with_user(self.agent1).write({"stage_id": self.stage_done.id})
        user_input = ticket.cs_survey_ids
        self.assertEqual(len(user_input), 1)
        self.assertFalse(user_input.cs_sent_date)
        Mail = self.env["mail.mail"]
        domain = [("model", "=", "survey.user_input"), ("res_id", "=", user_input.id)]
        self.assertFalse(Mail.search(domain))
        self.assertEqual(triggers.search_count([("cron_id", "=", cron.id)]), before + 1)
        self.assertEqual(self.Input._cron_cs_send_invitations(), 1)
        self.assertTrue(user_input.cs_sent_date)
        self.assertEqual(len(Mail.search(domain)), 1)
        self.assertEqual(self.Input._cron_cs_send_invitations(), 0)  # once
        # nobody dates an answer as sent but the sending
        with self.assertRaisesMsg(AccessError, "survey workflow only"):
            user_input.sudo().write({"cs_sent_date": False})
        # the job switched off: the close mails at once
        cron.active = False
        other = self._closed_ticket()
        self.assertTrue(other.cs_survey_ids.cs_sent_date)
        self.assertTrue(
            Mail.search(
                [
                    ("model", "=", "survey.user_input"),
                    ("res_id", "=", other.cs_survey_ids.id),
                ]
            )
        )

    def test_closed_ticket_sends_one_personal_survey(self):
        ticket = self._closed_ticket(transfer_to=self.agent2)
        user_input = ticket.cs_survey_ids
        self.assertEqual(len(user_input), 1)
        self.assertEqual(user_input.survey_id, self.survey)
        self.assertEqual(user_input.partner_id, self.customer)
        self.assertEqual(user_input.cs_rated_user_ids, self.agent1 | self.agent2)
        self.assertTrue(user_input.cs_sent_date)
        self.assertTrue(user_input.access_token)
        mail = self.env["mail.mail"].search(
            [
                ("model", "=", "survey.user_input"),
                ("res_id", "=", user_input.id),
            ]
        )
        self.assertEqual(len(mail), 1)
        self.assertIn(self.customer, mail.recipient_ids)
        self.assertIn(user_input.access_token, mail.body_html)
        # reopened and closed again: still one survey for the ticket
        ticket.with_user(self.agent1)._cs_reopen("Still leaking")
        ticket.with_user(self.agent1)._cs_confirm_satisfaction("phone")
        ticket.with_user(self.agent1).action_owner_signoff()
        ticket.with_user(self.agent1).stage_id = self.stage_done
        self.assertEqual(len(ticket.cs_survey_ids), 1)
        # nobody links an answer to a ticket but the sending
        with self.assertRaisesMsg(AccessError, "survey workflow only"):
            self.Input.create(
                {
                    "survey_id": self.survey.id,
                    "partner_id": self.customer.id,
                    "cs_ticket_id": ticket.id,
                }
            )
        # and the database refuses a second one, even from the sending
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self.Input._cs_create_answers(
                [
                    {
                        "survey_id": self.survey.id,
                        "partner_id": self.customer.id,
                        "cs_ticket_id": ticket.id,
                    }
                ]
            )

    def test_sending_rules_per_team_and_kind(self):
        self.env["cs.survey.rule"].create(
            {
                "name": "No survey for team B",
                "sequence": 1,
                "team_ids": [(6, 0, self.team_b.ids)],
                "send_survey": False,
            }
        )
        self.env["cs.survey.rule"].create(
            {
                "name": "No survey for consultations",
                "sequence": 2,
                "request_kind": "consultation",
                "send_survey": False,
            }
        )
        ticket_b = self._closed_ticket(agent=self.agent_b, team_id=self.team_b.id)
        self.assertFalse(ticket_b.cs_survey_ids)
        ticket_a = self._closed_ticket()
        self.assertTrue(ticket_a.cs_survey_ids)
        consultation = self.Ticket.with_user(self.agent1).create(
            self._ticket_vals(user_id=self.agent1.id)
        )
        consultation.with_user(self.agent1).stage_id = self.stage_progress
        consultation.with_user(self.agent1)._cs_confirm_satisfaction("phone")
        consultation.with_user(self.agent1).action_owner_signoff()
        consultation.with_user(self.agent1).stage_id = self.stage_done
        self.assertFalse(consultation.cs_survey_ids)

    def test_ticket_without_customer_gets_no_survey(self):
        ticket = self._closed_ticket(partner_id=False)
        self.assertFalse(ticket.cs_survey_ids)

    def test_answer_access_is_the_customers_own(self):
        ticket = self._closed_ticket()
        user_input = ticket.cs_survey_ids
        public = self.env.ref("base.public_user")
        self.assertTrue(user_input._cs_check_answer_access(self.portal_user))
        self.assertTrue(user_input._cs_check_answer_access(public))
        self.assertFalse(user_input._cs_check_answer_access(self.customer2_portal))
        self.assertFalse(user_input._cs_check_answer_access(self.agent2))
        # portal users cannot read answers through the ORM at all
        with self.assertRaisesMsg(AccessError, "."):
            user_input.with_user(self.customer2_portal).read(["access_token"])
        with self.assertRaisesMsg(AccessError, "."):
            self.env["cs.survey.score"].with_user(self.portal_user).search([])


@tagged("post_install", "-at_install")
class TestSurveyHttp(HttpCase, CsSurveyCommon):
    def test_token_misuse_by_another_portal_user_refused(self):
        ticket = self._closed_ticket()
        user_input = ticket.cs_survey_ids
        url = f"/survey/{self.survey.access_token}/{user_input.access_token}"
        # the customer sees it on the portal and opens the form
        self.authenticate("cs_portal", "cs_portal")
        page = self.url_open("/my/surveys")
        self.assertEqual(page.status_code, 200)
        self.assertIn(user_input.access_token, page.text)
        form = self.url_open(url)
        self.assertEqual(form.status_code, 200)
        token_attr = f'data-answer-token="{user_input.access_token}"'
        self.assertIn(token_attr, form.text)
        # another customer with the same link is refused
        self.authenticate("cs_portal2", "cs_portal2")
        refused = self.url_open(url)
        # survey's access error page (text in the user's language)
        self.assertNotIn(token_attr, refused.text)
        self.assertNotIn("o_survey_form", refused.text)
        self.assertNotIn(user_input.access_token, self.url_open("/my/surveys").text)
        # answered once: the link no longer opens the form
        self._answer(user_input, overall="satisfied")
        self.authenticate("cs_portal", "cs_portal")
        done = self.url_open(url)
        self.assertIn("o_survey_finished", done.text)
        self.assertNotIn("data-is-start-screen", done.text)
