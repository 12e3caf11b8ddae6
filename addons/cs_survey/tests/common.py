from contextlib import contextmanager
from datetime import datetime

from odoo.tests import new_test_user

from odoo.addons.cs_center.tests.common import CsCenterCommon

AGENT_ROWS = ("attitude", "skill", "timeliness", "promise")
BUSINESS_ROWS = ("product_quality", "service_quality", "price", "delivery")


class CsSurveyCommon(CsCenterCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.survey = cls.env.ref("cs_survey.survey_cs_satisfaction")
        cls.q_overall = cls.env.ref("cs_survey.survey_cs_q_overall")
        cls.q_agent = cls.env.ref("cs_survey.survey_cs_q_agent")
        cls.q_business = cls.env.ref("cs_survey.survey_cs_q_business")
        cls.Input = cls.env["survey.user_input"]
        cls.Score = cls.env["cs.survey.score"]
        cls.customer2_portal = new_test_user(
            cls.env,
            login="cs_portal2",
            groups="base.group_portal",
            partner_id=cls.customer2.id,
        )

    # ------------------------------------------------------------------ helpers
    def _ref(self, xmlid):
        return self.env.ref(f"cs_survey.{xmlid}")

    def _closed_ticket(self, agent=None, transfer_to=None, **kw):
        """A complaint received by `agent`, optionally handed to another agent,
        confirmed, signed off and closed: the survey goes out."""
        agent = agent or self.agent1
        ticket = self._complaint(user=agent, user_id=agent.id, **kw)
        ticket.with_user(agent).stage_id = self.stage_progress
        if transfer_to:
            ticket.with_user(agent)._cs_transfer(
                transfer_to, False, "Needs a technician"
            )
        ticket.with_user(agent)._cs_confirm_satisfaction("phone", "Fine")
        ticket.with_user(agent).action_owner_signoff()
        ticket.with_user(agent).write({"stage_id": self.stage_done.id})
        # the sending job the close triggered (the cron worker runs it in seconds)
        self.env["survey.user_input"]._cron_cs_send_invitations()
        return ticket.with_env(self.env)

    def _answer(self, user_input, overall=None, agent=None, business=None, text=None):
        """Fill the questionnaire like the survey front end does (the controller
        calls these steps in sudo after it checked the answer token) and submit
        it. agent / business: {row code: level code}."""
        user_input = user_input.sudo()
        if user_input.state == "new":
            user_input._mark_in_progress()
        if overall:
            user_input._save_lines(
                self.q_overall, str(self._ref(f"survey_cs_q_overall_{overall}").id)
            )
        for question, prefix, answers in (
            (self.q_agent, "survey_cs_q_agent", agent or {}),
            (self.q_business, "survey_cs_q_business", business or {}),
        ):
            if answers:
                user_input._save_lines(
                    question,
                    {
                        str(self._ref(f"{prefix}_row_{row}").id): [
                            str(self._ref(f"{prefix}_{level}").id)
                        ]
                        for row, level in answers.items()
                    },
                )
        if text:
            user_input._save_lines(self._ref("survey_cs_q_suggestion"), text)
        user_input._mark_done()
        return user_input

    @classmethod
    @contextmanager
    def _cs_fixture(cls):
        """Test fixture only: open the answers' guard (as the workflow does) to
        set up data that the flow would take days to produce."""
        with cls.env["cs.workflow.mixin"]._cs_workflow_step(
            "survey.user_input",
            "survey.user_input.line",
            "cs.survey.score",
            "cs.callback",
        ):
            yield

    def _set_answered_on(self, user_input, when):
        """Move an answer in time (its scores follow on rescoring)."""
        with self._cs_fixture():
            user_input.sudo().write({"end_datetime": when})
        user_input._cs_score()

    @staticmethod
    def dt(*args):
        return datetime(*args)
