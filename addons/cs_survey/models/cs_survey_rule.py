from odoo import fields, models


class CsSurveyRule(models.Model):
    """Which closed tickets get which satisfaction survey (per team and kind)."""

    _name = "cs.survey.rule"
    _description = "Satisfaction survey sending rule"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        comodel_name="res.company",
        help="Leave empty to apply to every company.",
    )
    team_ids = fields.Many2many(
        comodel_name="helpdesk.ticket.team",
        string="Teams",
        help="Leave empty for every team.",
    )
    request_kind = fields.Selection(
        selection=lambda self: (
            self.env["helpdesk.ticket"]
            ._fields["request_kind"]
            ._description_selection(self.env)
        ),
        string="Kind",
        help="Leave empty for every kind.",
    )
    send_survey = fields.Boolean(
        default=True,
        help="Untick to make a rule that excludes the matching tickets.",
    )
    survey_id = fields.Many2one(
        comodel_name="survey.survey",
        domain=[("cs_is_satisfaction", "=", True)],
    )

    def _matches(self, ticket):
        self.ensure_one()
        if self.company_id and self.company_id != ticket.company_id:
            return False
        if self.team_ids and ticket.team_id not in self.team_ids:
            return False
        return not self.request_kind or self.request_kind == ticket.request_kind

    def _survey_for(self, ticket):
        """The survey the first matching rule of `self` sends (empty if none)."""
        for rule in self:
            if rule._matches(ticket):
                return rule.survey_id if rule.send_survey else rule.survey_id.browse()
        return self.env["survey.survey"]
