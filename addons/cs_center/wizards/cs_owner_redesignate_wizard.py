from odoo import fields, models


class CsOwnerRedesignateWizard(models.TransientModel):
    _name = "cs.owner.redesignate.wizard"
    _description = "Re-designate the first owner of a ticket"

    ticket_id = fields.Many2one(comodel_name="helpdesk.ticket", required=True)
    current_owner_id = fields.Many2one(related="ticket_id.first_owner_id")
    new_owner_id = fields.Many2one(
        comodel_name="res.users",
        required=True,
        domain=[("share", "=", False)],
    )
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.ticket_id._cs_redesignate_owner(self.new_owner_id, self.reason)
        return {"type": "ir.actions.act_window_close"}
