from markupsafe import Markup

from odoo import models


class CsTicketDeadline(models.Model):
    _inherit = "cs.ticket.deadline"

    def _cs_escalate_to(self, level):
        # the first escalation of a deadline is when it became overdue: tell the
        # salesperson of a major complaint once
        first = self.filtered(lambda d: not d.escalation_level)
        res = super()._cs_escalate_to(level)
        # sudo: scheduled job; the tickets of the batch it has locked
        tickets = first.sudo().ticket_id.filtered(
            lambda t: t.request_kind == "complaint" and t.severity == "major"
        )
        labels = dict(self._fields["target_type"]._description_selection(self.env))
        for ticket in tickets:
            targets = ", ".join(
                labels.get(d.target_type, d.target_type)
                for d in first
                if d.ticket_id == ticket
            )
            ticket._cs_notify_salesperson(
                lambda t, x=targets: (
                    Markup("<p>%s</p>")
                    % self.env._(
                        "Major complaint of your customer %(customer)s is overdue "
                        "(%(targets)s): %(ticket)s.",
                        customer=t.partner_id.display_name,
                        targets=x,
                        ticket=t.display_name,
                    )
                )
            )
        return res
