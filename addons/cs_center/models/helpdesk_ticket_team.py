from odoo import api, fields, models
from odoo.exceptions import AccessError


class HelpdeskTicketTeam(models.Model):
    _inherit = "helpdesk.ticket.team"

    resource_calendar_id = fields.Many2one(
        comodel_name="resource.calendar",
        string="Working hours",
        check_company=True,
        help="Deadlines of this team's tickets are counted in these working hours "
        "(weekends and public holidays excluded) when their policy says so.",
    )
    cs_regulated = fields.Boolean(
        string="Customer-service team",
        default=False,
        index=True,
        help="The regulated rules of the customer-service centre (first owner, "
        "closing with the customer's confirmation and the owner's sign-off, "
        "deadlines, escalation) apply to this team's tickets. Other teams work as "
        "plain helpdesk teams. Only a CS manager changes it.",
    )

    def _cs_check_regulated_change(self):
        if not self.env.user.has_group("cs_center.group_cs_manager"):
            raise AccessError(
                self.env._(
                    "Only a customer-service manager can mark a team as a "
                    "customer-service team or remove the mark."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        if self.env.registry.ready and any(v.get("cs_regulated") for v in vals_list):
            self._cs_check_regulated_change()
        return super().create(vals_list)

    def write(self, vals):
        if (
            self.env.registry.ready
            and "cs_regulated" in vals
            and any(t.cs_regulated != bool(vals["cs_regulated"]) for t in self)
        ):
            self._cs_check_regulated_change()
        return super().write(vals)
