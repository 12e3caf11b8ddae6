from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError


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

    def action_cs_rescore(self):
        """Score every completed answer again with the current mapping."""
        self._cs_check_manager()
        inputs = self.env["survey.user_input"].search(
            [("survey_id", "in", self.ids), ("state", "=", "done")]
        )
        inputs._cs_score()
        return True

    def _cs_check_manager(self):
        if not self.env.user.has_group("cs_center.group_cs_manager"):
            raise AccessError(
                self.env._("Only a customer-service manager can rescore surveys.")
            )


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
