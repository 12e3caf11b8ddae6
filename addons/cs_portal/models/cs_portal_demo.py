# Copyright 2026 cs-center
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class CsResolutionPortalDemo(models.Model):
    _inherit = "cs.resolution"

    def _cs_portal_demo_approve_and_tell(self, agent_xmlid, method="phone"):
        """Demo data only (private, not RPC): each waiting review is approved by
        its reviewer (whoever the installed addons make it: with cs_crm the
        customer's sales team leader), then the agent tells the customer the
        approved outcome, as the back office does."""
        agent = self.env.ref(agent_xmlid)
        for rec in self:
            for review in rec.review_ids.sorted("sequence"):
                if rec.state != "to_approve":
                    break
                if review.status not in ("approved", "rejected"):
                    rec.with_user(review.reviewer_ids[:1]).validate_tier()
            rec.with_user(agent)._cs_notify_customer(method, rec.customer_message)
