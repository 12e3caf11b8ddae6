from odoo import fields, models


class CsResponsibilityReopenWizard(models.TransientModel):
    _name = "cs.responsibility.reopen.wizard"
    _description = "Reopen the responsibility lines of an approved proposal"

    resolution_id = fields.Many2one(comodel_name="cs.resolution", required=True)
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.resolution_id._cs_reopen_responsibility(self.reason)
        return {"type": "ir.actions.act_window_close"}
