from odoo import fields, models


class CsSegmentOverrideWizard(models.TransientModel):
    _name = "cs.segment.override.wizard"
    _description = "Set a customer's segment by hand"

    partner_id = fields.Many2one(comodel_name="res.partner", required=True)
    segment = fields.Selection(
        selection=lambda self: (
            self.env["res.partner"]
            ._fields["cs_segment"]
            ._description_selection(self.env)
        ),
        help="Empty: back to the rules.",
    )
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        # the partner's action checks the caller (CS supervisor) and the reason
        self.partner_id._cs_set_segment(self.segment, self.reason)
        return {"type": "ir.actions.act_window_close"}
