from markupsafe import Markup

from odoo import api, models
from odoo.exceptions import AccessError, UserError


class HelpdeskTicketCreateLead(models.TransientModel):
    """OCA helpdesk_mgmt_crm's "Create opportunity", for customer-service
    tickets: CS agents (who are not salespeople) hand a consultation or suggestion
    with sales potential to the customer's sales team. The link is upstream's
    (crm.lead.ticket_id / helpdesk.ticket.lead_ids); the ticket's internal notes
    are not copied to the opportunity."""

    _inherit = "helpdesk.ticket.create.lead"

    @api.model
    def default_get(self, fields_list):
        vals = super().default_get(fields_list)
        ticket = self.env["helpdesk.ticket"].browse(vals.get("ticket_id"))
        if ticket and ticket.cs_regulated:
            vals.setdefault("user_id", ticket.cs_salesperson_id.id)
            vals.setdefault("team_id", ticket.cs_sales_team_id.id)
        return vals

    def _cs_ensure_can_create(self):
        ticket = self.ticket_id
        user = self.env.user
        if not (
            user.has_group("cs_center.group_cs_agent")
            or user.has_group("sales_team.group_sale_salesman")
        ):
            raise AccessError(
                self.env._(
                    "Only customer-service and sales users can create an "
                    "opportunity from a ticket."
                )
            )
        ticket.check_access("read")
        if ticket.request_kind == "complaint":
            raise UserError(
                self.env._(
                    "%(ticket)s is a complaint: an opportunity is made from a "
                    "consultation, a suggestion or a service request with sales "
                    "potential.",
                    ticket=ticket.display_name,
                )
            )

    def action_helpdesk_ticket_to_lead(self):
        self.ensure_one()
        if not self.ticket_id.cs_regulated:
            return super().action_helpdesk_ticket_to_lead()
        self._cs_ensure_can_create()
        # sudo: CS agents hand the opportunity to sales without CRM rights (the
        # caller was checked above); the values are the ticket's, not the client's
        lead = self.env["crm.lead"].sudo().create(self._prepare_vals())
        lead.message_post(
            body=Markup("<p>%s</p>")
            % self.env._(
                "Opportunity from ticket %(ticket)s, created by %(user)s. Customer's "
                "request: %(request)s",
                ticket=self.ticket_id.display_name,
                user=self.env.user.name,
                request=self.ticket_id.customer_request or "-",
            ),
            subtype_xmlid="mail.mt_note",
        )
        self.ticket_id.message_post(
            body=Markup(self.env._("Opportunity %(lead)s created from this ticket."))
            % {"lead": lead._get_html_link(title=lead.name)},
            subtype_xmlid="mail.mt_note",
        )
        if self.env.user.has_group("sales_team.group_sale_salesman"):
            return lead.with_env(self.env).get_formview_action()
        return {"type": "ir.actions.act_window_close"}
