from odoo import fields, models


class CsTicketRound(models.Model):
    """A finished round of a ticket, kept when the customer does not accept the
    outcome and the ticket is reopened (R5)."""

    _name = "cs.ticket.round"
    _inherit = ["cs.workflow.mixin"]
    # history: created by the ticket's actions only, never changed nor deleted
    _cs_no_client_create = True
    _cs_unlink_states = ()
    _description = "Closed round of a ticket"
    _order = "ticket_id, round"
    _rec_name = "ticket_id"

    ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
    )
    round = fields.Integer(required=True, readonly=True)
    start_date = fields.Datetime(string="Accepted on", readonly=True)
    closed_date = fields.Datetime(readonly=True)
    stage_id = fields.Many2one(comodel_name="helpdesk.ticket.stage", readonly=True)
    satisfaction_confirm_date = fields.Datetime(readonly=True)
    satisfaction_confirm_user_id = fields.Many2one(
        comodel_name="res.users", readonly=True
    )
    satisfaction_confirm_method = fields.Char(readonly=True)
    satisfaction_note = fields.Text(readonly=True)
    owner_signoff_date = fields.Datetime(readonly=True)
    owner_signoff_user_id = fields.Many2one(comodel_name="res.users", readonly=True)
    force_close_reason = fields.Text(readonly=True)
    reopen_date = fields.Datetime(readonly=True)
    reopen_user_id = fields.Many2one(comodel_name="res.users", readonly=True)
    reopen_reason = fields.Text(readonly=True)
    company_id = fields.Many2one(related="ticket_id.company_id", store=True, index=True)
