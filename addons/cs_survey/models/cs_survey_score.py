import pytz

from odoo import api, fields, models


def local_date(dt, tz_name):
    """The calendar date of a UTC datetime in the company's time zone."""
    if not dt:
        return False
    tz = pytz.timezone(tz_name or "UTC")
    return pytz.utc.localize(dt).astimezone(tz).date()


class CsSurveyScore(models.Model):
    """One row per answered survey x dimension x rated agent: scores are
    aggregated from these rows with _read_group or SQL (never in Python loops)."""

    _name = "cs.survey.score"
    _description = "Satisfaction score row"
    _inherit = ["cs.workflow.mixin"]
    # rows are written by the scorer only (the customer completing the answer, a
    # CS manager's logged rescoring); nobody edits nor deletes them
    _cs_no_client_create = True
    _cs_unlink_states = ()
    _order = "date desc, id desc"
    _rec_name = "dimension_id"

    user_input_id = fields.Many2one(
        comodel_name="survey.user_input",
        required=True,
        # the answer is undeletable (survey_answer_guard); restrict also stops a
        # deletion that bypasses the ORM (e.g. a survey deleted in cascade)
        ondelete="restrict",
        index=True,
        readonly=True,
    )
    survey_id = fields.Many2one(comodel_name="survey.survey", readonly=True)
    ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket", readonly=True, index=True
    )
    team_id = fields.Many2one(comodel_name="helpdesk.ticket.team", readonly=True)
    partner_id = fields.Many2one(
        comodel_name="res.partner", string="Customer", readonly=True
    )
    company_id = fields.Many2one(comodel_name="res.company", readonly=True, index=True)
    rated_user_id = fields.Many2one(
        comodel_name="res.users", string="Rated agent", readonly=True, index=True
    )
    dimension_id = fields.Many2one(
        comodel_name="cs.survey.dimension", required=True, readonly=True
    )
    dimension_kind = fields.Selection(related="dimension_id.kind", store=True)
    date = fields.Datetime(string="Answered on", readonly=True)
    date_local = fields.Date(
        string="Answer date",
        readonly=True,
        index=True,
        help="Date of the answer in the company's time zone: periods are cut on it.",
    )
    in_total = fields.Boolean(
        readonly=True,
        help="Counted once in survey, ticket, team and dimension scores (an answer "
        "rating several agents is repeated for each of them).",
    )
    answer_count = fields.Integer(
        string="Answers", readonly=True, help="Answers given, 'don't know' included."
    )
    counted_count = fields.Integer(
        string="Counted answers", readonly=True, help="Answers that enter the score."
    )
    points = fields.Float(
        readonly=True, help="Sum of the counted answers, each on a 0-100 scale."
    )
    score = fields.Float(compute="_compute_score", store=True, aggregator="avg")
    has_score = fields.Boolean(compute="_compute_score", store=True)

    @api.depends("points", "counted_count")
    def _compute_score(self):
        for row in self:
            row.has_score = bool(row.counted_count)
            row.score = row.points / row.counted_count if row.counted_count else 0.0

    @api.model
    def _cs_aggregate(self, domain, groupby):
        """Scores 0-100 grouped by `groupby`: {group: (score or None, counted,
        answers)}; score is None when nothing was counted (all 'don't know')."""
        res = {}
        for *keys, points, counted, answers in self._read_group(
            domain, groupby, ["points:sum", "counted_count:sum", "answer_count:sum"]
        ):
            key = keys[0] if len(keys) == 1 else tuple(keys)
            res[key] = (
                round(points / counted, 2) if counted else None,
                counted,
                answers,
            )
        return res
