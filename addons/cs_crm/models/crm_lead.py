from odoo import models


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "cs.customer.360.mixin"]

    def _cs_360_commercial(self):
        return {rec: rec.partner_id.commercial_partner_id.id for rec in self}

    def action_cs_sales_complaints(self):
        self.ensure_one()
        return self.env["helpdesk.ticket"]._cs_sales_action(
            self.partner_id.commercial_partner_id
        )
