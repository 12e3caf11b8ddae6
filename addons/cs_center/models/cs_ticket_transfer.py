from odoo import fields, models


class CsTicketTransfer(models.Model):
    """A hand-off (协办) of a ticket: the handler changes, the first owner does not."""

    _name = "cs.ticket.transfer"
    _inherit = ["cs.workflow.mixin"]
    # history: created by the ticket's actions only, never changed nor deleted
    _cs_no_client_create = True
    _cs_unlink_states = ()
    _description = "Ticket transfer"
    _order = "date desc, id desc"
    _rec_name = "ticket_id"

    ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
    )
    date = fields.Datetime(default=fields.Datetime.now, required=True, readonly=True)
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="By",
        default=lambda self: self.env.user,
        required=True,
        readonly=True,
    )
    from_user_id = fields.Many2one(comodel_name="res.users", readonly=True)
    to_user_id = fields.Many2one(comodel_name="res.users", readonly=True)
    from_team_id = fields.Many2one(comodel_name="helpdesk.ticket.team", readonly=True)
    to_team_id = fields.Many2one(comodel_name="helpdesk.ticket.team", readonly=True)
    reason = fields.Text(required=True, readonly=True)
    company_id = fields.Many2one(related="ticket_id.company_id", store=True, index=True)
