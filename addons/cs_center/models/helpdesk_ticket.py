from collections import defaultdict

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessError, UserError

# Tickets whose policy (deadlines) may change with these fields
POLICY_FIELDS = {"request_kind", "severity", "team_id", "channel_id", "company_id"}


class HelpdeskTicket(models.Model):
    """A helpdesk ticket; on a customer-service team (``cs_regulated``) it follows
    the regulated workflow: first owner, rounds, closing rule, clocks, escalation.

    Every field an action sets is workflow-only (cs.workflow.mixin): a client never
    writes it, at create or later; the actions check the caller, then write through
    ``_cs_workflow_write`` / ``_cs_workflow_step``."""

    _name = "helpdesk.ticket"
    _inherit = ["helpdesk.ticket", "cs.workflow.mixin"]

    _cs_workflow_fields = (
        # ownership, rounds, closing, clocks: set by our actions only
        "first_owner_id",
        "assist_user_ids",
        "transfer_ids",
        "round_number",
        "round_start_date",
        "round_ids",
        "satisfaction_confirm_date",
        "satisfaction_confirm_user_id",
        "satisfaction_confirm_method",
        "satisfaction_note",
        "owner_signoff_date",
        "owner_signoff_user_id",
        "force_closed",
        "force_close_reason",
        "force_close_user_id",
        "first_reply_date",
        "investigation_report_date",
        "dispatch_date",
        "priority_dispatch",
        "deadline_ids",
        "deadline_state",
        "next_due_date",
        # helpdesk_mgmt's own timestamps (its write sets them)
        "number",
        "assigned_date",
        "closed_date",
        "last_stage_update",
    )

    cs_regulated = fields.Boolean(
        string="Customer-service ticket",
        related="team_id.cs_regulated",
        store=True,
        index=True,
        help="The ticket's team is a customer-service team: the regulated rules "
        "(first owner, closing rule, deadlines, escalation) apply.",
    )

    # ------------------------------------------------------------------ intake
    request_kind = fields.Selection(
        selection=[
            ("consultation", "Consultation"),
            ("complaint", "Complaint"),
            ("suggestion", "Suggestion"),
            ("service", "Service request"),
        ],
        string="Kind",
        required=True,
        default="consultation",
        tracking=True,
        index=True,
    )
    service_type = fields.Selection(
        selection=[
            ("paid", "Paid"),
            ("contract", "Contract"),
            ("free", "Free"),
            ("internal", "Internal"),
        ],
    )
    complaint_class = fields.Selection(
        selection=[("quality", "Quality"), ("non_quality", "Non-quality")],
        tracking=True,
    )
    complaint_subreason = fields.Selection(
        selection=[
            ("transport", "Transport"),
            ("handling", "Handling"),
            ("other", "Other"),
        ],
        string="Non-quality reason",
    )
    severity = fields.Selection(
        selection=[("general", "General"), ("major", "Major")],
        tracking=True,
        index=True,
    )
    # service register (服务登记簿)
    register_product_id = fields.Many2one(
        comodel_name="product.product", string="Product", check_company=True
    )
    product_spec = fields.Char(string="Model / specification")
    purchase_date = fields.Date()
    purchase_place = fields.Char()
    order_ref = fields.Char(string="Order reference")
    lot_ref = fields.Char(string="Lot / serial number")
    quantity_affected = fields.Float(digits="Product Unit of Measure")
    customer_request = fields.Text(string="Customer's request")

    # ------------------------------------------------------------------ ownership
    first_owner_id = fields.Many2one(
        comodel_name="res.users",
        string="First owner",
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
        help="The agent who first received the ticket (首问负责制). Only a CS "
        "supervisor can re-designate it, with a reason.",
    )
    assist_user_ids = fields.Many2many(
        comodel_name="res.users",
        relation="cs_ticket_assist_user_rel",
        column1="ticket_id",
        column2="user_id",
        string="Assisting agents",
        readonly=True,
        copy=False,
    )
    transfer_ids = fields.One2many(
        comodel_name="cs.ticket.transfer", inverse_name="ticket_id", readonly=True
    )
    transfer_count = fields.Integer(compute="_compute_transfer_count")
    is_first_owner = fields.Boolean(compute="_compute_is_first_owner")

    # ------------------------------------------------------------------ rounds
    round_number = fields.Integer(string="Round", default=1, readonly=True, copy=False)
    round_start_date = fields.Datetime(string="Accepted on", readonly=True, copy=False)
    round_ids = fields.One2many(
        comodel_name="cs.ticket.round",
        inverse_name="ticket_id",
        string="Finished rounds",
        readonly=True,
    )

    # ------------------------------------------------------------------ closing
    satisfaction_confirm_date = fields.Datetime(
        string="Satisfaction confirmed on", readonly=True, copy=False
    )
    satisfaction_confirm_user_id = fields.Many2one(
        comodel_name="res.users",
        string="Satisfaction confirmed by",
        readonly=True,
        copy=False,
    )
    satisfaction_confirm_method = fields.Selection(
        selection=[
            ("phone", "Phone"),
            ("visit", "Visit"),
            ("email", "Email"),
            ("portal", "Portal"),
        ],
        string="Confirmed through",
        readonly=True,
        copy=False,
    )
    satisfaction_note = fields.Text(readonly=True, copy=False)
    owner_signoff_date = fields.Datetime(
        string="Owner signed off on", readonly=True, copy=False
    )
    owner_signoff_user_id = fields.Many2one(
        comodel_name="res.users", string="Signed off by", readonly=True, copy=False
    )
    force_closed = fields.Boolean(readonly=True, copy=False)
    force_close_reason = fields.Text(readonly=True, copy=False)
    force_close_user_id = fields.Many2one(
        comodel_name="res.users", string="Force-closed by", readonly=True, copy=False
    )

    # ------------------------------------------------------------------ clocks
    first_reply_date = fields.Datetime(
        string="First reply to customer", readonly=True, copy=False
    )
    investigation_report = fields.Html()
    investigation_report_date = fields.Datetime(readonly=True, copy=False)
    dispatch_user_id = fields.Many2one(
        comodel_name="res.users",
        string="Dispatched to",
        domain=[("share", "=", False)],
        copy=False,
    )
    dispatch_date = fields.Datetime(readonly=True, copy=False)
    priority_dispatch = fields.Boolean(
        readonly=True,
        copy=False,
        index=True,
        help="Set when a service job was not dispatched on the day it was accepted.",
    )
    deadline_ids = fields.One2many(
        comodel_name="cs.ticket.deadline", inverse_name="ticket_id", readonly=True
    )
    deadline_state = fields.Selection(
        selection=[
            ("running", "On time"),
            ("at_risk", "At risk"),
            ("overdue", "Overdue"),
            ("met", "All met"),
            ("missed", "Missed"),
        ],
        string="Deadlines",
        readonly=True,
        copy=False,
        index=True,
        help="Worst state of the deadlines of the current round.",
    )
    next_due_date = fields.Datetime(
        string="Next deadline", readonly=True, copy=False, index=True
    )

    # ------------------------------------------------------------------ computes
    def _compute_transfer_count(self):
        # sudo: a count shown on the ticket, also to helpdesk users outside the CS
        # groups (who have no access to the transfer history itself)
        Transfer = self.env["cs.ticket.transfer"].sudo()
        data = dict(
            Transfer._read_group(
                [("ticket_id", "in", self.ids)], ["ticket_id"], ["__count"]
            )
        )
        for ticket in self:
            ticket.transfer_count = data.get(ticket, 0)

    @api.depends_context("uid")
    def _compute_is_first_owner(self):
        for ticket in self:
            ticket.is_first_owner = ticket.first_owner_id == self.env.user

    # ------------------------------------------------------------------ CRUD
    def _cs_internal_write(self, vals):
        """Deprecated alias of :meth:`_cs_workflow_write` kept for the other addons'
        demo loaders; server-side only (a private method cannot be called over RPC)."""
        # sudo: as before; callers are server code that checked the caller
        return self.sudo()._cs_workflow_write(vals)

    def _cs_check_client_vals(self, vals, creating=False):
        """What a client (not an action of ours) may send on a ticket."""
        vals = dict(vals)
        if creating and vals.get("number") == "/":
            vals.pop("number")  # helpdesk_mgmt's placeholder default, replaced by it
        self._cs_check_vals(vals, creating=creating)
        if creating or not self:
            return
        if "company_id" in vals:
            self._cs_check_company_change(vals["company_id"])
        if "team_id" in vals:
            self._cs_check_team_change(
                self.env["helpdesk.ticket.team"].browse(vals["team_id"] or [])
            )
        if vals.get("stage_id"):
            stage = self.env["helpdesk.ticket.stage"].browse(vals["stage_id"])
            regulated = self.filtered("cs_regulated")
            if vals.get("team_id"):
                # sudo: reads the flag of the target team, not its data
                team = self.env["helpdesk.ticket.team"].sudo().browse(vals["team_id"])
                if team.cs_regulated:
                    regulated = self  # entering the regulation in the same write
            if stage.closed:
                closing = regulated.filtered(lambda t: not t.stage_id.closed)
                closing._cs_ensure_closable()
            else:
                reopening = regulated.filtered(lambda t: t.stage_id.closed)
                if reopening:
                    raise UserError(
                        self.env._(
                            "A closed ticket is reopened as a new round: use "
                            "'Reopen (new round)' and give the customer's reason "
                            "(%(tickets)s).",
                            tickets=", ".join(reopening.mapped("display_name")),
                        )
                    )

    def _cs_check_team_change(self, team):
        """A customer-service ticket stays on a customer-service team: moving it to
        another team would take it out of the regulated rules."""
        # sudo: reads the flag of the target team, not its data
        if team.sudo().cs_regulated:
            return
        leaving = self.filtered("cs_regulated")
        if leaving:
            raise UserError(
                self.env._(
                    "%(tickets)s: a customer-service ticket stays on a "
                    "customer-service team.",
                    tickets=", ".join(leaving.mapped("display_name")),
                )
            )

    def _cs_check_company_change(self, company_id):
        """A client moves a ticket only to one of the user's allowed companies, and
        never once it has regulated deadlines: they were computed with the company's
        policies, calendar and escalation ladder, which another company does not
        share."""
        if not self.filtered(lambda t: t.company_id.id != company_id):
            return
        if company_id not in self.env.user.company_ids.ids:
            raise AccessError(
                self.env._(
                    "A ticket can only be moved to one of your companies "
                    "(%(tickets)s).",
                    tickets=", ".join(self.mapped("display_name")),
                )
            )
        # sudo: whether deadlines exist, whoever may read them
        clocked = self.sudo().filtered("deadline_ids")
        if clocked:
            raise UserError(
                self.env._(
                    "%(tickets)s: the company of a ticket with regulated deadlines "
                    "cannot be changed.",
                    tickets=", ".join(clocked.mapped("display_name")),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        granted = self._cs_granted()
        if not granted:
            for vals in vals_list:
                self._cs_check_client_vals(vals, creating=True)
        creator = self.env.user
        creator_is_agent = not creator.share and creator.id != SUPERUSER_ID
        # helpdesk_mgmt's create adds workflow fields (number, assigned date): the
        # client's values were checked above, the chain runs inside the grant
        with self._cs_workflow_step("cs.ticket.deadline"):
            tickets = super().create(vals_list)
            regulated = tickets.filtered("cs_regulated")
            closed = regulated.filtered(lambda t: t.stage_id.closed)
            if closed and not granted:
                closed._cs_ensure_closable()
            regulated._cs_enter_regulation(
                creator if creator_is_agent else None, new=True
            )
            if closed:
                closed._cs_on_closed()
        return tickets

    def copy_data(self, default=None):
        # a duplicate starts its own workflow: nothing of the original's is carried
        keep = set(default or {})
        workflow = self._cs_workflow_only_fields() - keep
        return [
            {k: v for k, v in vals.items() if k not in workflow}
            for vals in super().copy_data(default)
        ]

    def copy(self, default=None):
        if not self._cs_granted():
            self._cs_check_client_vals(default or {}, creating=True)
        # helpdesk_mgmt's copy gives the duplicate its number (workflow-only)
        with self._cs_workflow_step():
            return super().copy(default)

    def write(self, vals):
        granted = self._cs_granted()
        if not granted:
            self._cs_check_client_vals(vals)
        regulated_before = {t.id for t in self if t.cs_regulated}
        closing = self.browse()
        if vals.get("stage_id"):
            stage = self.env["helpdesk.ticket.stage"].browse(vals["stage_id"])
            if stage.closed:
                closing = self.filtered(lambda t: not t.stage_id.closed)
        transfers = []
        if "user_id" in vals and not granted:
            transfers = self.filtered("cs_regulated")._cs_direct_transfers(vals)
        # helpdesk_mgmt's write adds closed_date/assigned_date/last_stage_update: the
        # client's values were checked above, the chain runs inside the grant
        with self._cs_workflow_step("cs.ticket.deadline", "cs.ticket.transfer"):
            res = super().write(vals)
            if transfers:
                self._cs_log_transfers(transfers)
            regulated = self.filtered("cs_regulated")
            entering = regulated.filtered(lambda t: t.id not in regulated_before)
            if entering:
                entering._cs_enter_regulation(None, new=False)
            if vals.get("user_id"):
                without_owner = regulated.filtered(lambda t: not t.first_owner_id)
                # first assignment of a ticket from email/portal: its first owner
                without_owner.write({"first_owner_id": vals["user_id"]})
            if POLICY_FIELDS & vals.keys():
                (regulated - entering).filtered(
                    lambda t: not t.stage_id.closed
                )._cs_apply_policies()
            closing = closing & regulated
            if closing:
                closing._cs_on_closed()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_cs_regulated(self):
        if self._cs_granted():
            return
        regulated = self.filtered("cs_regulated")
        if regulated:
            raise AccessError(
                self.env._(
                    "Customer-service tickets are kept with their deadlines and "
                    "history: archive them instead of deleting them (%(tickets)s).",
                    tickets=", ".join(regulated.mapped("display_name")),
                )
            )

    def _cs_enter_regulation(self, creator, new):
        """A ticket becomes regulated (created on, or moved to, a customer-service
        team): its first owner is the agent who received it (else its handler), its
        round starts, its deadlines are set. Called inside the workflow grant; one
        write per group of tickets, not per ticket."""
        now = fields.Datetime.now()
        groups = defaultdict(lambda: self.browse())
        for ticket in self:
            owner_id = False
            if not ticket.first_owner_id:
                handler = ticket.user_id
                if creator:
                    owner_id = creator.id
                elif handler and not handler.share and handler.id != SUPERUSER_ID:
                    owner_id = handler.id
            groups[(owner_id, not ticket.round_start_date)] |= ticket
        for (owner_id, start), tickets in groups.items():
            vals = {"first_owner_id": owner_id} if owner_id else {}
            if start:
                vals["round_start_date"] = now
            if vals:
                tickets.write(vals)
        # a closed ticket moved into a customer-service team gets no running clock
        self.filtered(lambda t: new or not t.stage_id.closed)._cs_apply_policies(
            new=new
        )
