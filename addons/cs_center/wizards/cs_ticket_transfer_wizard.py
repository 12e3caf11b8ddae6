from odoo import fields, models


class CsTicketTransferWizard(models.TransientModel):
    _name = "cs.ticket.transfer.wizard"
    _description = "Transfer a ticket to another agent or team"

    ticket_id = fields.Many2one(comodel_name="helpdesk.ticket", required=True)
    to_team_id = fields.Many2one(
        comodel_name="helpdesk.ticket.team", string="To team / department"
    )
    to_user_id = fields.Many2one(
        comodel_name="res.users",
        string="To agent",
        domain=[("share", "=", False)],
    )
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.ticket_id._cs_transfer(self.to_user_id, self.to_team_id, self.reason)
        return {"type": "ir.actions.act_window_close"}
