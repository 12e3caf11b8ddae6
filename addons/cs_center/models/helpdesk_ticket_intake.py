from odoo import api, fields, models
from odoo.exceptions import ValidationError


class HelpdeskTicket(models.Model):
    """Intake checks of the service register (R1): classification before a ticket
    leaves the new stage, sane quantities and dates."""

    _inherit = "helpdesk.ticket"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------ constraints
    @api.constrains("quantity_affected")
    def _check_quantity_affected(self):
        bad = self.filtered(lambda t: t.quantity_affected < 0)
        if bad:
            raise ValidationError(
                self.env._(
                    "The quantity affected cannot be negative (%(tickets)s).",
                    tickets=", ".join(bad.mapped("display_name")),
                )
            )

    @api.constrains("purchase_date")
    def _check_purchase_date(self):
        today = fields.Date.context_today(self)
        bad = self.filtered(lambda t: t.purchase_date and t.purchase_date > today)
        if bad:
            raise ValidationError(
                self.env._(
                    "The purchase date cannot be in the future (%(tickets)s).",
                    tickets=", ".join(bad.mapped("display_name")),
                )
            )

    @api.constrains(
        "stage_id",
        "request_kind",
        "complaint_class",
        "complaint_subreason",
        "severity",
        "service_type",
    )
    def _check_classification(self):
        errors = []
        for ticket in self:
            if not ticket.stage_id or ticket.stage_id.unattended:
                continue  # still in a "new" stage
            if ticket.request_kind == "complaint":
                if not ticket.complaint_class or not ticket.severity:
                    errors.append(
                        self.env._(
                            "%(ticket)s: a complaint needs its class and severity "
                            "before it leaves the new stage.",
                            ticket=ticket.display_name,
                        )
                    )
                elif (
                    ticket.complaint_class == "non_quality"
                    and not ticket.complaint_subreason
                ):
                    errors.append(
                        self.env._(
                            "%(ticket)s: a non-quality complaint needs its reason "
                            "(transport, handling, other).",
                            ticket=ticket.display_name,
                        )
                    )
            if ticket.request_kind == "service" and not ticket.service_type:
                errors.append(
                    self.env._(
                        "%(ticket)s: a service request needs its service type "
                        "before it leaves the new stage.",
                        ticket=ticket.display_name,
                    )
                )
        if errors:
            raise ValidationError("\n".join(errors))
