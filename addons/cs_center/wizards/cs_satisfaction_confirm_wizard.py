from odoo import fields, models


class CsSatisfactionConfirmWizard(models.TransientModel):
    _name = "cs.satisfaction.confirm.wizard"
    _description = "Record the customer's confirmation of satisfaction"

    ticket_id = fields.Many2one(comodel_name="helpdesk.ticket", required=True)
    method = fields.Selection(
        selection=[
            ("phone", "Phone"),
            ("visit", "Visit"),
            ("email", "Email"),
            ("portal", "Portal"),
        ],
        string="Confirmed through",
        required=True,
        default="phone",
    )
    note = fields.Text(
        help="What the customer said: satisfied, no further need.",
    )

    def action_confirm(self):
        self.ensure_one()
        self.ticket_id._cs_confirm_satisfaction(self.method, self.note)
        return {"type": "ir.actions.act_window_close"}
