from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    cs_manager_id = fields.Many2one(
        comodel_name="res.users",
        string="Customer-service manager",
        domain=[("share", "=", False)],
        help="Last level of the escalation ladder. When empty, the first user of the "
        "CS Manager group in the company is used.",
    )
