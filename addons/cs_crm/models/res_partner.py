from odoo import models


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "cs.customer.360.mixin"]

    def _cs_360_commercial(self):
        return {rec: rec.commercial_partner_id.id for rec in self}

    def action_cs_sales_complaints(self):
        """The customer's tickets in the salesperson's read-only views."""
        self.ensure_one()
        return self.env["helpdesk.ticket"]._cs_sales_action(self.commercial_partner_id)
