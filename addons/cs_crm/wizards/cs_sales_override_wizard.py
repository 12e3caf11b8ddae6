from odoo import fields, models


class CsSalesOverrideWizard(models.TransientModel):
    _name = "cs.sales.override.wizard"
    _description = "Change the sales team of a ticket"

    ticket_id = fields.Many2one(comodel_name="helpdesk.ticket", required=True)
    team_id = fields.Many2one(comodel_name="crm.team", string="Sales team")
    user_id = fields.Many2one(comodel_name="res.users", string="Salesperson")
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        # the ticket's action checks the caller (CS supervisor, write access)
        self.ticket_id._cs_set_sales(self.team_id, self.user_id, self.reason)
        return {"type": "ir.actions.act_window_close"}
