# Copyright 2026 cs-center
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class CsSurveyRescore(models.TransientModel):
    _name = "cs.survey.rescore"
    _description = "Rescore satisfaction answers"

    survey_ids = fields.Many2many(
        comodel_name="survey.survey", string="Surveys", required=True
    )
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.survey_ids._cs_rescore(self.reason)
        return {"type": "ir.actions.act_window_close"}
