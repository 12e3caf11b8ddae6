from odoo import fields, models


class CsForceCloseWizard(models.TransientModel):
    _name = "cs.force.close.wizard"
    _description = "Force-close a ticket (supervisor)"

    ticket_id = fields.Many2one(comodel_name="helpdesk.ticket", required=True)
    stage_id = fields.Many2one(
        comodel_name="helpdesk.ticket.stage",
        string="Closed stage",
        domain=[("closed", "=", True)],
    )
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.ticket_id._cs_force_close(self.reason, self.stage_id or None)
        return {"type": "ir.actions.act_window_close"}
