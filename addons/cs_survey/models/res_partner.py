from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    cs_segment = fields.Selection(
        selection=[("key", "Key customer"), ("regular", "Regular customer")],
        string="Customer segment",
        index=True,
        help="Customers with a segment are the active customers that campaigns "
        "sample (randomly within each segment); key customers get a monthly "
        "callback.",
    )
    cs_survey_ids = fields.One2many(
        comodel_name="survey.user_input",
        inverse_name="partner_id",
        string="Satisfaction surveys",
        domain=[("survey_id.cs_is_satisfaction", "=", True)],
    )
    cs_callback_ids = fields.One2many(
        comodel_name="cs.callback", inverse_name="partner_id", string="Callbacks"
    )
