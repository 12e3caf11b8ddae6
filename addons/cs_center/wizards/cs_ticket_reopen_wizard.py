from odoo import fields, models


class CsTicketReopenWizard(models.TransientModel):
    _name = "cs.ticket.reopen.wizard"
    _description = "Reopen a ticket as a new round"

    ticket_id = fields.Many2one(comodel_name="helpdesk.ticket", required=True)
    reason = fields.Text(
        string="Why the customer does not accept the outcome", required=True
    )

    def action_confirm(self):
        self.ensure_one()
        self.ticket_id._cs_reopen(self.reason)
        return {"type": "ir.actions.act_window_close"}
