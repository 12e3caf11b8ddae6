from markupsafe import Markup, escape

from odoo import api, fields, models


class HelpdeskTicket(models.Model):
    """What the salesperson sees and is told about their customers' complaints."""

    _inherit = "helpdesk.ticket"  # pylint: disable=consider-merging-classes-inherited

    cs_sales_outcome = fields.Html(
        string="Proposals (state and approved outcome)",
        compute="_compute_cs_sales_outcome",
        sanitize=False,
        help="The state of the ticket's resolution proposals and, once approved, "
        "the approved outcome the customer may be told (R13). The internal form "
        "and its reviews are not shown here.",
    )

    def _compute_cs_sales_outcome(self):
        # sudo: salespeople read the outcome only, never the internal form
        proposals = self.sudo().resolution_ids
        states = dict(proposals._fields["state"]._description_selection(self.env))
        types = dict(
            proposals._fields["resolution_type"]._description_selection(self.env)
        )
        for ticket in self:
            rows = []
            # sudo: salespeople read the outcome only, never the internal form
            for prop in ticket.sudo().resolution_ids.sorted("id"):
                outcome = ""
                if prop.state == "approved":
                    outcome = self.env._(
                        "%(type)s, %(amount)s %(currency)s",
                        type=types.get(prop.resolution_type, ""),
                        amount=prop.approved_amount,
                        currency=prop.currency_id.name,
                    )
                rows.append(
                    Markup("<tr><td>%s</td><td>%s</td><td>%s</td></tr>")
                    % (escape(prop.name), escape(states[prop.state]), escape(outcome))
                )
            ticket.cs_sales_outcome = (
                Markup("<table class='table table-sm'><tbody>%s</tbody></table>")
                % Markup("").join(rows)
                if rows
                else False
            )

    def _cs_notify_salesperson(self, body):
        """A notification in the salesperson's inbox (they are not made followers:
        followers would receive the ticket's internal notes)."""
        for ticket in self:
            # sudo: the salesperson of the ticket, for the notification
            salesperson = ticket.sudo().cs_salesperson_id
            if not salesperson or not salesperson.active:
                continue
            # sudo: the notification is posted for the regulation, whoever triggers it
            ticket.sudo().message_notify(
                partner_ids=salesperson.partner_id.ids,
                body=body(ticket),
                subject=ticket.display_name,
                model_description=self.env._("Complaint"),
            )

    @api.model_create_multi
    def create(self, vals_list):
        tickets = super().create(vals_list)
        complaints = tickets.filtered(
            lambda t: t.cs_regulated and t.request_kind == "complaint"
        )
        complaints._cs_notify_salesperson(
            lambda t: (
                Markup("<p>%s</p>")
                % self.env._(
                    "Your customer %(customer)s opened a complaint: %(ticket)s.",
                    customer=t.partner_id.display_name,
                    ticket=t.display_name,
                )
            )
        )
        return tickets

    @api.model
    def _cs_sales_action(self, commercial_partner):
        """Tickets of a customer in the read-only views made for salespeople (the
        record rules decide what they see)."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Complaints and tickets"),
            "res_model": "helpdesk.ticket",
            "view_mode": "list,form",
            "views": [
                (self.env.ref("cs_crm.helpdesk_ticket_view_list_sales").id, "list"),
                (self.env.ref("cs_crm.helpdesk_ticket_view_form_sales").id, "form"),
            ],
            "domain": [("partner_id", "child_of", commercial_partner.ids)],
            "context": {"create": False, "edit": False, "delete": False},
        }

    @api.depends("lead_ids")
    def _compute_lead_count(self):
        # helpdesk_mgmt_crm counts with the user's rights: a CS agent (no CRM
        # rights) opening a ticket would get an access error; the count only
        # (sudo), opening the opportunities still needs CRM rights
        counts = {
            ticket.id: count
            for ticket, count in self.env["crm.lead"]
            # sudo: the count only; opening the opportunities still needs CRM rights
            .sudo()
            ._read_group([("ticket_id", "in", self.ids)], ["ticket_id"], ["__count"])
        }
        for ticket in self:
            ticket.lead_count = counts.get(ticket.id, 0)
