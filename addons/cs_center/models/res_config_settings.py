from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    cs_manager_id = fields.Many2one(
        related="company_id.cs_manager_id",
        readonly=False,
    )
