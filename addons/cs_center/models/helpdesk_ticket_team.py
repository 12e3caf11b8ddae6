from odoo import fields, models


class HelpdeskTicketTeam(models.Model):
    _inherit = "helpdesk.ticket.team"

    resource_calendar_id = fields.Many2one(
        comodel_name="resource.calendar",
        string="Working hours",
        check_company=True,
        help="Deadlines of this team's tickets are counted in these working hours "
        "(weekends and public holidays excluded) when their policy says so.",
    )
