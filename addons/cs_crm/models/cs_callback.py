from datetime import timedelta

from odoo import api, fields, models


class CsCallback(models.Model):
    _inherit = "cs.callback"

    @api.model
    def _cs_plan_rule_new_customers(self, partners):
        """R10: a customer the segment rules made new (first won opportunity or
        first posted invoice) gets the new-customer callback, as one with a first
        ticket does (same plan key: one callback per customer, whichever comes
        first); assigned to the company's CS manager."""
        delay_of = self.env["cs.callback.rule"]._delays()
        today = fields.Date.context_today(self)
        rows = []
        for partner in partners:
            company = partner.company_id or self.env.company
            delay = delay_of("new_customer", company)
            if delay is None:
                continue
            rows.append(
                {
                    "partner_id": partner.id,
                    "ticket_id": None,
                    "reason": "new_customer",
                    "period_key": "first",
                    "due_date": today + timedelta(days=delay),
                    "user_id": company.cs_manager_id.id or None,
                    "company_id": company.id,
                }
            )
        # sudo: planned by the rules (job or a supervisor's override), not a client
        return self.sudo()._cs_insert(rows)
