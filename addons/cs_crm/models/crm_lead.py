from odoo import models


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "cs.customer.360.mixin"]

    def _cs_360_commercial(self):
        return {rec: rec.partner_id.commercial_partner_id.id for rec in self}

    def _cs_360_own(self, user):
        """A salesperson also reads the figures on their own opportunities and on
        those of the team they lead."""
        # sudo: the opportunity's salesperson and team, for the check
        own = self.sudo().filtered(
            lambda lead: lead.user_id == user or lead.team_id.user_id == user
        )
        return self.browse(own.ids) | super()._cs_360_own(user)

    def action_cs_sales_complaints(self):
        self.ensure_one()
        return self.env["helpdesk.ticket"]._cs_sales_action(
            self.partner_id.commercial_partner_id
        )
