# Copyright 2026 cs-center
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

OUTCOMES = [
    ("ringing", "Ringing"),
    ("answered", "Answered"),
    ("missed", "Missed"),
    ("abandoned", "Abandoned"),
]
RESPONSE_STATES = [
    ("pending", "Pending"),
    ("met", "Answered in time"),
    ("missed", "Not answered in time"),
    ("na", "Not counted"),
]


class CsCall(models.Model):
    """Hotline call log (R6, phone). Written only by the PBX endpoint and the CSV
    import (``cs_call_event.py``); every measured field is workflow-only, so no
    client (UI, RPC, import) creates a call or changes when it rang or was
    answered."""

    _name = "cs.call"
    _description = "Hotline call"
    _inherit = ["mail.thread", "mail.activity.mixin", "cs.workflow.mixin"]
    _order = "rang_at desc, id desc"
    _rec_name = "number"

    # workflow layer: created by the PBX events / import only, never deleted
    _cs_no_client_create = True
    _cs_unlink_states = ()
    _cs_workflow_fields = (
        "pbx_id",
        "pbx_call_id",
        "company_id",
        "number",
        "partner_id",
        "direction",
        "queue",
        "team_id",
        "agent_id",
        "rang_at",
        "answered_at",
        "ended_at",
        "end_reason",
        "outcome",
        "wait_seconds",
        "limit_seconds",
        "response_state",
        "ticket_id",
        "callback_planned",
        "source",
    )

    pbx_id = fields.Many2one(
        comodel_name="cs.pbx", string="PBX", required=True, readonly=True, index=True
    )
    pbx_call_id = fields.Char(string="PBX call ID", required=True, readonly=True)
    source = fields.Selection(
        selection=[("endpoint", "PBX events"), ("import", "CSV import")],
        readonly=True,
        default="endpoint",
    )
    company_id = fields.Many2one(
        comodel_name="res.company", required=True, readonly=True, index=True
    )
    number = fields.Char(readonly=True, index=True)
    partner_id = fields.Many2one(
        comodel_name="res.partner", string="Customer", readonly=True, index=True
    )
    direction = fields.Selection(
        selection=[("inbound", "Inbound"), ("outbound", "Outbound")],
        readonly=True,
        default="inbound",
    )
    queue = fields.Char(string="PBX queue", readonly=True)
    team_id = fields.Many2one(
        comodel_name="helpdesk.ticket.team", readonly=True, index=True
    )
    agent_id = fields.Many2one(
        comodel_name="res.users", string="Answering agent", readonly=True, index=True
    )
    rang_at = fields.Datetime(string="Rang at", readonly=True, index=True)
    answered_at = fields.Datetime(string="Answered at", readonly=True)
    ended_at = fields.Datetime(string="Ended at", readonly=True)
    end_reason = fields.Selection(
        selection=[("missed", "Missed"), ("abandoned", "Abandoned")],
        readonly=True,
        help="What the PBX said of a call that ended unanswered.",
    )
    outcome = fields.Selection(selection=OUTCOMES, readonly=True, index=True)
    wait_seconds = fields.Float(
        string="Wait (s)",
        readonly=True,
        aggregator="avg",
        help="Seconds from ringing to the answer (or to the end of an unanswered "
        "call).",
    )
    limit_seconds = fields.Integer(string="Limit (s)", readonly=True, aggregator="max")
    response_state = fields.Selection(
        selection=RESPONSE_STATES,
        string="Answered in time",
        readonly=True,
        index=True,
        help="Answered within the limit: met. Answered late, missed, or abandoned "
        "after the limit: not answered in time. Outbound calls and calls abandoned "
        "before the limit are not counted.",
    )
    ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket", readonly=True, index="btree_not_null"
    )
    callback_planned = fields.Boolean(readonly=True)
    note = fields.Text()

    _sql_constraints = [
        (
            "pbx_call_unique",
            "UNIQUE(pbx_id, pbx_call_id)",
            "A PBX call is logged once.",
        ),
    ]

    @api.depends("number", "rang_at")
    def _compute_display_name(self):
        for call in self:
            call.display_name = " ".join(
                filter(None, [call.number or "?", call.rang_at and str(call.rang_at)])
            )
