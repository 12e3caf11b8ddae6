from odoo import fields, models


class CsResolutionNotifyWizard(models.TransientModel):
    _name = "cs.resolution.notify.wizard"
    _description = "Tell the customer the approved outcome"

    resolution_id = fields.Many2one(comodel_name="cs.resolution", required=True)
    method = fields.Selection(
        selection=[("email", "Email"), ("letter", "Letter"), ("phone", "Phone")],
        required=True,
        default="phone",
    )
    message = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.resolution_id._cs_notify_customer(self.method, self.message)
        return {"type": "ir.actions.act_window_close"}
