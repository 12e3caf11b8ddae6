from odoo import fields, models


class CsReconcileOverrideWizard(models.TransientModel):
    _name = "cs.reconcile.override.wizard"
    _description = "Finance override of the return reconciliation"

    resolution_id = fields.Many2one(comodel_name="cs.resolution", required=True)
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.resolution_id._cs_finance_override(self.reason)
        return {"type": "ir.actions.act_window_close"}
