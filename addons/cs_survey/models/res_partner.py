from odoo import api, fields, models
from odoo.exceptions import AccessError

from odoo.addons.cs_center.models.cs_workflow_mixin import _GRANTS


class ResPartner(models.Model):
    _inherit = "res.partner"

    cs_segment = fields.Selection(
        selection=[("key", "Key customer"), ("regular", "Regular customer")],
        string="Customer segment",
        index=True,
        copy=False,
        help="Customers with a segment are the active customers that campaigns "
        "sample (randomly within each segment); key customers get a monthly "
        "callback.",
    )
    cs_survey_ids = fields.One2many(
        comodel_name="survey.user_input",
        inverse_name="partner_id",
        string="Satisfaction surveys",
        domain=[("survey_id.cs_is_satisfaction", "=", True)],
    )
    cs_callback_ids = fields.One2many(
        comodel_name="cs.callback", inverse_name="partner_id", string="Callbacks"
    )

    # ------------------------------------------------------------------ guard
    def _cs_segment_granted(self):
        """A segment action of ours runs (grant on the cursor), or module data."""
        if not self.env.registry.ready:
            return True
        return bool(self.env.cr.cache.get(_GRANTS, {}).get("res.partner.segment"))

    def _cs_segment_step(self):
        """The grant under which the segment actions write ``cs_segment``."""
        return self.env["cs.callback"]._cs_workflow_step("res.partner.segment")

    def _cs_check_segment_write(self, vals_list):
        """``cs_segment`` chooses who is called and surveyed (R10, R22): set by
        customer-service staff (the real user's groups, never the context), or by
        a segment action of ours; refused to everyone else, whatever the path."""
        if not any("cs_segment" in vals for vals in vals_list):
            return
        if self._cs_segment_granted():
            return
        # sudo: the real user's groups, whatever the environment
        user = self.env["res.users"].sudo().browse(self.env.uid)
        if not user.share and user.has_group("cs_center.group_cs_agent"):
            return
        raise AccessError(
            self.env._("Only customer-service staff can set a customer's segment.")
        )

    @api.model_create_multi
    def create(self, vals_list):
        self._cs_check_segment_write(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._cs_check_segment_write([vals])
        return super().write(vals)
