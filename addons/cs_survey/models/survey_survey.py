# Copyright 2026 cs-center
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError


class SurveySurvey(models.Model):
    _inherit = "survey.survey"

    cs_is_satisfaction = fields.Boolean(
        string="Customer satisfaction survey",
        help="Answers are scored with the dimension mapping of its questions.",
    )
    cs_scale_max = fields.Float(
        string="Points of the best level",
        default=5.0,
        help="Points of the best answer level; a score is the mean of the counted "
        "answers' points divided by this value, times 100 (4.5 of 5 gives 90).",
    )
    cs_low_threshold = fields.Float(
        string="Low score threshold",
        default=60.0,
        help="An answered survey scoring below this (0-100) creates an improvement "
        "activity for the team's supervisor.",
    )

    @api.constrains("cs_scale_max", "cs_low_threshold")
    def _check_cs_scale(self):
        bad = self.filtered(
            lambda s: (
                s.cs_is_satisfaction
                and (s.cs_scale_max <= 0 or not 0 <= s.cs_low_threshold <= 100)
            )
        )
        if bad:
            raise ValidationError(
                self.env._(
                    "The points of the best level must be positive and the low score "
                    "threshold between 0 and 100 (%(surveys)s).",
                    surveys=", ".join(bad.mapped("title")),
                )
            )

    # ------------------------------------------------------------------ guard
    def _cs_customer_answers(self):
        # sudo: counts the customers' answers of the surveys, for any caller
        return (
            self.env["survey.user_input"]
            .sudo()
            .search(
                [
                    ("survey_id", "in", self.ids),
                    "|",
                    ("test_entry", "=", False),
                    "|",
                    ("cs_ticket_id", "!=", False),
                    ("cs_campaign_id", "!=", False),
                ]
            )
            ._cs_protected()
        )

    def write(self, vals):
        if "cs_is_satisfaction" in vals and not vals["cs_is_satisfaction"]:
            answered = self.filtered("cs_is_satisfaction")._cs_customer_answers()
            if answered:
                raise AccessError(
                    self.env._(
                        "%(surveys)s has customers' answers: it stays a satisfaction "
                        "survey (archive it and make a new one instead).",
                        surveys=", ".join(answered.survey_id.mapped("title")),
                    )
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _cs_unlink_except_customer_answers(self):
        answered = self._cs_customer_answers()
        if answered:
            raise AccessError(
                self.env._(
                    "%(surveys)s has customers' answers and cannot be deleted "
                    "(archive it instead).",
                    surveys=", ".join(answered.survey_id.mapped("title")),
                )
            )

    # ------------------------------------------------------------------ rescoring
    def action_cs_rescore(self):
        """Open the rescoring dialog (a CS manager gives the reason)."""
        self._cs_check_manager()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Rescore the answers"),
            "res_model": "cs.survey.rescore",
            "view_mode": "form",
            "target": "new",
            "context": {"default_survey_ids": self.ids},
        }

    def _cs_check_manager(self):
        if not self.env.user.has_group("cs_center.group_cs_manager"):
            raise AccessError(
                self.env._("Only a customer-service manager can rescore surveys.")
            )

    def _cs_rescore(self, reason, user_inputs=None):
        """Score completed answers again with the current mapping: the only way
        score rows change after the customer answered. Checked (CS manager, a
        reason) and logged in the chatter of the survey and of each answer."""
        self._cs_check_manager()
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Give the reason for rescoring the answers."))
        # sudo: the checked manager rescores every completed customer answer
        Input = self.env["survey.user_input"].sudo()
        domain = [
            ("survey_id", "in", self.ids),
            ("state", "=", "done"),
            ("test_entry", "=", False),
        ]
        if user_inputs is not None:
            domain.append(("id", "in", user_inputs.ids))
        inputs = Input.search(domain)
        inputs._cs_score()
        body = Markup("%s<br/>%s") % (
            self.env._(
                "Answers rescored by %(user)s: %(count)s.",
                user=self.env.user.name,
                count=len(inputs),
            ),
            reason,
        )
        # sudo: the reopening is logged on the survey (caller checked above)
        for survey in self.sudo():
            survey.message_post(body=body, subtype_xmlid="mail.mt_note")
        if inputs:
            inputs._message_log_batch(bodies=dict.fromkeys(inputs.ids, body))
        return inputs


class SurveyQuestion(models.Model):
    _inherit = "survey.question"

    cs_dimension_id = fields.Many2one(
        comodel_name="cs.survey.dimension",
        string="Dimension",
        help="What the answers to this question measure. For a matrix, map its rows "
        "instead (each row can measure another dimension).",
    )
    cs_agent_role = fields.Selection(
        selection=[
            ("none", "Not about an agent"),
            ("served", "Agents who served the ticket"),
            ("owner", "First owner"),
            ("handler", "Handler"),
        ],
        string="Rates",
        default="none",
        required=True,
        help="Whom the answers rate: each rated agent gets the points in their "
        "appraisal.",
    )

    @api.ondelete(at_uninstall=False)
    def _cs_unlink_except_answered(self):
        # sudo: only whether customers answered the questions is read
        lines = (
            self.env["survey.user_input.line"]
            .sudo()
            .search([("question_id", "in", self.ids)])
        )
        answered = lines.user_input_id._cs_protected()
        if answered:
            raise AccessError(
                self.env._(
                    "Customers answered %(questions)s: the question cannot be "
                    "deleted (archive the survey and make a new one instead).",
                    questions=", ".join(
                        lines.filtered(
                            lambda ln: ln.user_input_id in answered
                        ).question_id.mapped("title")
                    ),
                )
            )


class SurveyQuestionAnswer(models.Model):
    _inherit = "survey.question.answer"

    cs_points = fields.Float(
        string="Points",
        help="Points of this level on the survey's scale (5 = very satisfied).",
    )
    cs_counted = fields.Boolean(
        string="Counted",
        default=True,
        help="Untick for answers such as 'don't know': they are shown but never "
        "enter an average.",
    )
    cs_alarm = fields.Boolean(
        string="Alarm",
        help="Choosing this level (e.g. very dissatisfied) always creates an "
        "improvement activity, whatever the score.",
    )
    cs_dimension_id = fields.Many2one(
        comodel_name="cs.survey.dimension",
        string="Row dimension",
        help="For a matrix row: the dimension it measures.",
    )

    @api.ondelete(at_uninstall=False)
    def _cs_unlink_except_chosen(self):
        # sudo: only whether customers chose these levels is read
        lines = (
            self.env["survey.user_input.line"]
            .sudo()
            .search(
                [
                    "|",
                    ("suggested_answer_id", "in", self.ids),
                    ("matrix_row_id", "in", self.ids),
                ]
            )
        )
        answered = lines.user_input_id._cs_protected()
        if answered:
            raise AccessError(
                self.env._(
                    "Customers chose %(levels)s: the answer level cannot be deleted.",
                    levels=", ".join(
                        (lines.suggested_answer_id | lines.matrix_row_id)
                        .filtered(lambda a: a in self)
                        .mapped("value")
                    ),
                )
            )
