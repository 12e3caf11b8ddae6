from collections import defaultdict

from markupsafe import Markup, escape

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .cs_ticket_deadline import OPEN_STATES

# Fields only the module's own transitions may write (actions and wizards that check
# the caller's rights first, then write through _cs_internal_write).
PROTECTED_FIELDS = {
    "first_owner_id",
    "assist_user_ids",
    "round_number",
    "round_start_date",
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
}
POLICY_FIELDS = {"request_kind", "severity", "team_id", "channel_id", "company_id"}
DEADLINE_SEVERITY = {"overdue": 5, "at_risk": 4, "running": 3, "missed": 2, "met": 1}


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

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
        data = dict(
            self.env["cs.ticket.transfer"]._read_group(
                [("ticket_id", "in", self.ids)], ["ticket_id"], ["__count"]
            )
        )
        for ticket in self:
            ticket.transfer_count = data.get(ticket, 0)

    @api.depends_context("uid")
    def _compute_is_first_owner(self):
        for ticket in self:
            ticket.is_first_owner = ticket.first_owner_id == self.env.user

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

    # ------------------------------------------------------------------ CRUD
    @api.model
    def _cs_protected_fields(self):
        """Fields only the workflow writes; addons extend this set."""
        return set(PROTECTED_FIELDS)

    def _cs_privileged(self):
        """True inside the module's own checked transitions (see _cs_internal_write)
        and while installing data."""
        return self.env.su and (
            self.env.context.get("cs_internal_write")
            or self.env.context.get("install_mode")
        )

    def _cs_internal_write(self, vals):
        # sudo: only called by actions/wizards that have checked the caller's right
        # to perform the transition (group, ownership, write access to the ticket)
        return self.sudo().with_context(cs_internal_write=True).write(vals)

    @api.model_create_multi
    def create(self, vals_list):
        privileged = self._cs_privileged()
        protected = self._cs_protected_fields()
        creator = self.env.user
        creator_is_agent = not creator.share and creator.id != SUPERUSER_ID
        now = fields.Datetime.now()
        for vals in vals_list:
            if not privileged:
                forbidden = (protected - {"first_owner_id"}) & vals.keys()
                if forbidden:
                    raise AccessError(
                        self.env._(
                            "These fields are set by the customer-service workflow "
                            "and cannot be given at creation: %(fields)s",
                            fields=", ".join(sorted(forbidden)),
                        )
                    )
                vals.pop("first_owner_id", None)
            if not vals.get("first_owner_id"):
                if creator_is_agent:
                    vals["first_owner_id"] = creator.id
                elif vals.get("user_id"):
                    vals["first_owner_id"] = vals["user_id"]
            vals.setdefault("round_start_date", now)
        tickets = super().create(vals_list)
        # e.g. helpdesk's auto-assignment: the first assigned agent owns the ticket
        unowned = tickets.filtered(
            lambda t: (
                not t.first_owner_id
                and t.user_id
                and not t.user_id.share
                and t.user_id.id != SUPERUSER_ID
            )
        )
        for ticket in unowned:
            ticket._cs_internal_write({"first_owner_id": ticket.user_id.id})
        tickets._cs_check_closing_allowed(
            tickets.filtered(lambda t: t.stage_id.closed), privileged
        )
        tickets._cs_apply_policies(new=True)
        created_closed = tickets.filtered(lambda t: t.stage_id.closed)
        if created_closed:
            created_closed._cs_on_closed()
        return tickets

    def write(self, vals):
        privileged = self._cs_privileged()
        if not privileged:
            forbidden = self._cs_protected_fields() & vals.keys()
            if forbidden:
                raise AccessError(
                    self.env._(
                        "These fields can only be changed through the "
                        "customer-service actions (transfer, confirmation, sign-off, "
                        "re-designation by a supervisor): %(fields)s",
                        fields=", ".join(sorted(forbidden)),
                    )
                )
        closing = reopening = self.browse()
        if vals.get("stage_id"):
            stage = self.env["helpdesk.ticket.stage"].browse(vals["stage_id"])
            if stage.closed:
                closing = self.filtered(lambda t: not t.stage_id.closed)
                self._cs_check_closing_allowed(closing, privileged)
            else:
                reopening = self.filtered(lambda t: t.stage_id.closed)
                if reopening and not (privileged and self.env.context.get("cs_reopen")):
                    raise UserError(
                        self.env._(
                            "A closed ticket is reopened as a new round: use "
                            "'Reopen (new round)' and give the customer's reason "
                            "(%(tickets)s).",
                            tickets=", ".join(reopening.mapped("display_name")),
                        )
                    )
        transfers = []
        if "user_id" in vals and not privileged:
            transfers = self._cs_direct_transfers(vals)
        res = super().write(vals)
        if transfers:
            self._cs_log_transfers(transfers)
        if vals.get("user_id"):
            without_owner = self.filtered(lambda t: not t.first_owner_id)
            if without_owner:
                # first assignment of a ticket from email/portal: its first owner
                without_owner._cs_internal_write({"first_owner_id": vals["user_id"]})
        if POLICY_FIELDS & vals.keys():
            self.filtered(lambda t: not t.stage_id.closed)._cs_apply_policies()
        if closing:
            closing._cs_on_closed()
        return res

    # ------------------------------------------------------------------ ownership
    def _cs_direct_transfers(self, vals):
        """A handler changed directly on the ticket (not through the Transfer
        action) is still recorded as a transfer."""
        new_user = self.env["res.users"].browse(vals["user_id"] or [])
        return [
            {
                "ticket_id": ticket.id,
                "from_user_id": ticket.user_id.id,
                "to_user_id": new_user.id,
                "from_team_id": ticket.team_id.id,
                "to_team_id": vals.get("team_id", ticket.team_id.id),
                "reason": self.env._("Handler changed directly on the ticket"),
            }
            for ticket in self
            if ticket.user_id
            and ticket.user_id.id != SUPERUSER_ID
            and ticket.user_id != new_user
        ]

    def _cs_log_transfers(self, transfer_vals):
        # sudo: transfer history is written by the workflow only (read-only for users)
        transfers = self.env["cs.ticket.transfer"].sudo().create(transfer_vals)
        for ticket in self:
            mine = transfers.filtered(lambda t, ticket=ticket: t.ticket_id == ticket)
            if not mine:
                continue
            assist = mine.to_user_id - ticket.assist_user_ids
            if assist:
                ticket._cs_internal_write(
                    {"assist_user_ids": [fields.Command.link(u.id) for u in assist]}
                )
            # the first owner stays accountable and keeps following the ticket
            partners = (ticket.first_owner_id | mine.to_user_id).partner_id
            ticket.message_subscribe(partner_ids=partners.ids)
        return transfers

    def _cs_check_is_supervisor(self):
        if not self.env.user.has_group("cs_center.group_cs_supervisor"):
            raise AccessError(
                self.env._("Only a customer-service supervisor can do this.")
            )

    # ------------------------------------------------------------------ closing
    def _cs_check_closing_allowed(self, tickets, privileged):
        if privileged and self.env.context.get("cs_force_close"):
            return
        errors = []
        for ticket in tickets:
            missing = []
            if not ticket.satisfaction_confirm_date:
                missing.append(
                    self.env._("the customer's satisfaction is not confirmed")
                )
            if not ticket.owner_signoff_date:
                missing.append(self.env._("the first owner has not signed off"))
            if missing:
                errors.append(
                    self.env._(
                        "%(ticket)s cannot be closed: %(missing)s.",
                        ticket=ticket.display_name,
                        missing="; ".join(missing),
                    )
                )
        if errors:
            raise UserError("\n".join(errors))

    def _cs_on_closed(self):
        now = fields.Datetime.now()
        self._cs_mark_event("closed", now)
        # what was not reached before closing is missed
        # sudo: deadlines are maintained by the workflow only
        unmet = self.sudo().deadline_ids.filtered(
            lambda d: d.state in OPEN_STATES and d.round == d.ticket_id.round_number
        )
        unmet.write({"state": "missed"})
        self._cs_refresh_deadline_state()

    def action_owner_signoff(self):
        for ticket in self:
            if ticket.first_owner_id != self.env.user:
                raise AccessError(
                    self.env._(
                        "Only the first owner (%(owner)s) can sign off %(ticket)s.",
                        owner=ticket.first_owner_id.name or "-",
                        ticket=ticket.display_name,
                    )
                )
            if not ticket.satisfaction_confirm_date:
                raise UserError(
                    self.env._(
                        "Confirm the customer's satisfaction before signing off "
                        "%(ticket)s.",
                        ticket=ticket.display_name,
                    )
                )
            ticket.check_access("write")
        self._cs_internal_write(
            {
                "owner_signoff_date": fields.Datetime.now(),
                "owner_signoff_user_id": self.env.user.id,
            }
        )
        for ticket in self:
            ticket.message_post(
                body=self.env._("The first owner signed off the ticket."),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def _cs_confirm_satisfaction(self, method, note=False):
        """Record that the customer confirmed satisfaction (R4)."""
        self.check_access("write")
        now = fields.Datetime.now()
        self._cs_internal_write(
            {
                "satisfaction_confirm_date": now,
                "satisfaction_confirm_user_id": self.env.user.id,
                "satisfaction_confirm_method": method,
                "satisfaction_note": note,
            }
        )
        self._cs_mark_event("resolved", now)
        method_label = dict(
            self._fields["satisfaction_confirm_method"]._description_selection(self.env)
        )[method]
        for ticket in self:
            body = escape(
                self.env._(
                    "Customer satisfaction confirmed (%(method)s).", method=method_label
                )
            )
            if note:
                body += Markup("<br/>") + escape(note)
            ticket.message_post(body=body, subtype_xmlid="mail.mt_note")

    def _cs_portal_confirm(self, user, stage):
        """The customer closed their ticket on the portal: that is their confirmation
        of satisfaction (method portal). The ticket closes when the first owner has
        signed off; otherwise the first owner is asked to. Called with sudo by the
        portal route after checking the user's access to the ticket."""
        self.ensure_one()
        now = fields.Datetime.now()
        self._cs_internal_write(
            {
                "satisfaction_confirm_date": now,
                "satisfaction_confirm_user_id": user.id,
                "satisfaction_confirm_method": "portal",
                "satisfaction_note": self.env._(
                    "Closed by the customer on the portal (%(stage)s).",
                    stage=stage.name,
                ),
            }
        )
        self._cs_mark_event("resolved", now)
        self.message_post(
            body=self.env._("The customer confirmed their satisfaction on the portal."),
            author_id=user.partner_id.id,
            subtype_xmlid="mail.mt_note",
        )
        if self.owner_signoff_date:
            self._cs_internal_write({"stage_id": stage.id})
        elif self.first_owner_id:
            owner_env = self.with_context(lang=self.first_owner_id.lang).env
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=self.first_owner_id.id,
                # in the language of the agent who reads it, not the customer's
                summary=owner_env._(
                    "Customer confirmed on the portal: sign off to close"
                ),
            )

    def _cs_closed_stage(self):
        self.ensure_one()
        stages = self.team_id._get_applicable_stages() if self.team_id else False
        if not stages:
            stages = self.env["helpdesk.ticket.stage"].search(
                [("team_ids", "=", False)]
            )
        closed = stages.filtered("closed")
        if not closed:
            raise UserError(self.env._("There is no closed stage for this ticket."))
        return closed[0]

    def _cs_open_stage(self):
        self.ensure_one()
        stages = self.team_id._get_applicable_stages() if self.team_id else False
        if not stages:
            stages = self.env["helpdesk.ticket.stage"].search(
                [("team_ids", "=", False)]
            )
        return stages.filtered(lambda s: not s.closed)[:1]

    def _cs_force_close(self, reason, stage=None):
        self._cs_check_is_supervisor()
        if not (reason or "").strip():
            raise UserError(self.env._("Force-closing needs a reason."))
        self.check_access("write")
        for ticket in self:
            ticket.with_context(cs_force_close=True)._cs_internal_write(
                {
                    "stage_id": (stage or ticket._cs_closed_stage()).id,
                    "force_closed": True,
                    "force_close_reason": reason,
                    "force_close_user_id": self.env.user.id,
                }
            )
            ticket.message_post(
                body=escape(
                    self.env._(
                        "Force-closed by a supervisor: %(reason)s", reason=reason
                    )
                ),
                subtype_xmlid="mail.mt_note",
            )

    def _cs_reopen(self, reason):
        """The customer does not accept the outcome: start a new round (R5); the
        finished round is kept in the ticket's history."""
        if not (reason or "").strip():
            raise UserError(self.env._("Reopening needs the customer's reason."))
        self.check_access("write")
        not_closed = self.filtered(lambda t: not t.stage_id.closed)
        if not_closed:
            raise UserError(
                self.env._(
                    "Only closed tickets can be reopened (%(tickets)s).",
                    tickets=", ".join(not_closed.mapped("display_name")),
                )
            )
        now = fields.Datetime.now()
        # sudo: round history is written by the workflow only (read-only for users)
        self.env["cs.ticket.round"].sudo().create(
            [
                {
                    "ticket_id": t.id,
                    "round": t.round_number,
                    "start_date": t.round_start_date,
                    "closed_date": t.closed_date,
                    "stage_id": t.stage_id.id,
                    "satisfaction_confirm_date": t.satisfaction_confirm_date,
                    "satisfaction_confirm_user_id": t.satisfaction_confirm_user_id.id,
                    "satisfaction_confirm_method": t.satisfaction_confirm_method,
                    "satisfaction_note": t.satisfaction_note,
                    "owner_signoff_date": t.owner_signoff_date,
                    "owner_signoff_user_id": t.owner_signoff_user_id.id,
                    "force_close_reason": t.force_close_reason,
                    "reopen_date": now,
                    "reopen_user_id": self.env.user.id,
                    "reopen_reason": reason,
                }
                for t in self
            ]
        )
        for ticket in self:
            ticket.with_context(cs_reopen=True)._cs_internal_write(
                {
                    "stage_id": ticket._cs_open_stage().id,
                    "round_number": ticket.round_number + 1,
                    "round_start_date": now,
                    "satisfaction_confirm_date": False,
                    "satisfaction_confirm_user_id": False,
                    "satisfaction_confirm_method": False,
                    "satisfaction_note": False,
                    "owner_signoff_date": False,
                    "owner_signoff_user_id": False,
                    "force_closed": False,
                    "force_close_reason": False,
                    "force_close_user_id": False,
                    "first_reply_date": False,
                    "investigation_report_date": False,
                    "closed_date": False,
                }
            )
            ticket.message_post(
                body=escape(
                    self.env._(
                        "Reopened as round %(round)s: %(reason)s",
                        round=ticket.round_number,
                        reason=reason,
                    )
                ),
                subtype_xmlid="mail.mt_note",
            )
        self._cs_apply_policies()

    # ------------------------------------------------------------------ clocks
    def _cs_apply_policies(self, new=False):
        """Create the deadlines of the current round from the matching policies;
        drop the unmet ones whose policy no longer matches."""
        if not self:
            return
        Policy = self.env["cs.deadline.policy"]
        # sudo: deadlines are maintained by the workflow only (read-only for users)
        Deadline = self.env["cs.ticket.deadline"].sudo()
        to_create, to_drop = [], Deadline
        policies_by_company = {}
        for ticket in self:
            company_id = ticket.company_id.id
            if company_id not in policies_by_company:
                policies_by_company[company_id] = Policy.browse(
                    Policy._get_policy_ids(company_id)
                )
            matching = policies_by_company[company_id].filtered(
                lambda p, ticket=ticket: p._matches(ticket)
            )
            if new:
                current = Deadline
            else:
                # sudo: deadlines are maintained by the workflow only
                current = ticket.sudo().deadline_ids.filtered(
                    lambda d, ticket=ticket: d.round == ticket.round_number
                )
                stale = current.filtered(
                    lambda d, matching=matching: (
                        d.state in OPEN_STATES and d.policy_id not in matching
                    )
                )
                to_drop |= stale
                current -= stale
            start = ticket.round_start_date or ticket.create_date
            for policy in matching - current.policy_id:
                to_create.append(policy._prepare_deadline_vals(ticket, start))
        if to_drop:
            to_drop.unlink()
        created = Deadline.create(to_create) if to_create else Deadline
        if new:
            # new tickets: summarise in Python, flushed with the ticket's own update
            summary = defaultdict(lambda: ["", False])
            for deadline in created:
                entry = summary[deadline.ticket_id.id]
                if DEADLINE_SEVERITY[deadline.state] > DEADLINE_SEVERITY.get(
                    entry[0], 0
                ):
                    entry[0] = deadline.state
                if deadline.state in OPEN_STATES and (
                    not entry[1] or deadline.due_date < entry[1]
                ):
                    entry[1] = deadline.due_date
            for ticket_id, (state, next_due) in summary.items():
                # sudo: summary fields maintained by the workflow (no rule check)
                self.sudo().browse(ticket_id).write(
                    {"deadline_state": state, "next_due_date": next_due}
                )
        elif created or to_drop:
            self._cs_refresh_deadline_state()

    def _cs_mark_event(self, event, when=None):
        when = when or fields.Datetime.now()
        # sudo: deadlines are maintained by the workflow only
        deadlines = self.sudo().deadline_ids.filtered(
            lambda d: (
                d.met_event == event
                and not d.met_date
                and d.state in OPEN_STATES
                and d.round == d.ticket_id.round_number
            )
        )
        if deadlines:
            deadlines.write({"met_date": when})
            self._cs_refresh_deadline_state()

    def _cs_refresh_deadline_state(self):
        self.env["cs.ticket.deadline"].flush_model()
        self._cs_sql_refresh_deadline_state(self.ids)

    @api.model
    def _cs_sql_refresh_deadline_state(self, ticket_ids):
        """Summary state and next due date of the current round, in one query."""
        if not ticket_ids:
            return
        self.env.cr.execute(
            """
            UPDATE helpdesk_ticket t
               SET deadline_state = s.state, next_due_date = s.next_due
              FROM (
                SELECT t2.id,
                       (ARRAY['met', 'missed', 'running', 'at_risk', 'overdue'])[
                           MAX(CASE d.state WHEN 'overdue' THEN 5 WHEN 'at_risk' THEN 4
                               WHEN 'running' THEN 3 WHEN 'missed' THEN 2
                               WHEN 'met' THEN 1 END)] AS state,
                       MIN(d.due_date) FILTER (
                           WHERE d.state IN ('running', 'at_risk', 'overdue')
                       ) AS next_due
                  FROM helpdesk_ticket t2
                  LEFT JOIN cs_ticket_deadline d
                    ON d.ticket_id = t2.id AND d.round = t2.round_number
                 WHERE t2.id IN %s
                 GROUP BY t2.id
              ) s
             WHERE s.id = t.id
            """,
            [tuple(ticket_ids)],
        )
        self.env["helpdesk.ticket"].browse(ticket_ids).invalidate_recordset(
            ["deadline_state", "next_due_date"]
        )

    def _message_post_after_hook(self, message, msg_vals):
        res = super()._message_post_after_hook(message, msg_vals)
        self._cs_detect_first_reply(message)
        return res

    def _cs_detect_first_reply(self, message):
        """Feedback is met by the first message sent to the customer: a public
        message (not a note) written by an internal user that reaches the
        customer."""
        comment = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment")
        if message.subtype_id.id != comment or message.message_type not in (
            "comment",
            "email_outgoing",
        ):
            return
        author_users = message.author_id.user_ids
        if not author_users or all(u.share for u in author_users):
            return
        for ticket in self.filtered(lambda t: not t.first_reply_date):
            customer = ticket.partner_id
            if customer and (
                customer == message.author_id
                or customer not in (message.partner_ids | ticket.message_partner_ids)
            ):
                continue
            ticket._cs_internal_write({"first_reply_date": message.date})
            ticket._cs_mark_event("first_reply", message.date)

    # ------------------------------------------------------------------ actions
    def action_cs_transfer(self):
        self.ensure_one()
        self.check_access("write")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "cs_center.cs_ticket_transfer_wizard_action"
        )
        action["context"] = {"default_ticket_id": self.id}
        return action

    def action_cs_confirm_satisfaction(self):
        self.ensure_one()
        self.check_access("write")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "cs_center.cs_satisfaction_confirm_wizard_action"
        )
        action["context"] = {"default_ticket_id": self.id}
        return action

    def action_cs_redesignate_owner(self):
        self.ensure_one()
        self._cs_check_is_supervisor()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "cs_center.cs_owner_redesignate_wizard_action"
        )
        action["context"] = {"default_ticket_id": self.id}
        return action

    def action_cs_force_close(self):
        self.ensure_one()
        self._cs_check_is_supervisor()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "cs_center.cs_force_close_wizard_action"
        )
        action["context"] = {"default_ticket_id": self.id}
        return action

    def action_cs_reopen(self):
        self.ensure_one()
        self.check_access("write")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "cs_center.cs_ticket_reopen_wizard_action"
        )
        action["context"] = {"default_ticket_id": self.id}
        return action

    def action_cs_file_report(self):
        """File the investigation report written in the report tab."""
        self.check_access("write")
        empty = self.filtered(
            lambda t: (
                not t.investigation_report
                or not t.investigation_report.striptags().strip()
            )
        )
        if empty:
            raise UserError(
                self.env._(
                    "Write the investigation report before filing it (%(tickets)s).",
                    tickets=", ".join(empty.mapped("display_name")),
                )
            )
        now = fields.Datetime.now()
        self._cs_internal_write({"investigation_report_date": now})
        self._cs_mark_event("report", now)
        return True

    def action_cs_dispatch(self):
        """Dispatch the service job to the technician chosen on the ticket."""
        self.check_access("write")
        missing = self.filtered(lambda t: not t.dispatch_user_id)
        if missing:
            raise UserError(
                self.env._(
                    "Choose whom to dispatch the job to (%(tickets)s).",
                    tickets=", ".join(missing.mapped("display_name")),
                )
            )
        now = fields.Datetime.now()
        self._cs_internal_write({"dispatch_date": now, "priority_dispatch": False})
        self._cs_mark_event("dispatched", now)
        for ticket in self:
            ticket.message_post(
                body=escape(
                    self.env._(
                        "Service job dispatched to %(user)s.",
                        user=ticket.dispatch_user_id.name,
                    )
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_view_transfers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "cs_center.cs_ticket_transfer_action"
        )
        action["domain"] = [("ticket_id", "=", self.id)]
        action["context"] = {}
        return action

    # ------------------------------------------------------------------ helpers
    def _cs_transfer(self, to_user, to_team, reason):
        """Hand the ticket to another agent and/or team (协办)."""
        if not (reason or "").strip():
            raise UserError(self.env._("A transfer needs a reason."))
        if not to_user and not to_team:
            raise UserError(
                self.env._("Choose the agent or the team the ticket is handed to.")
            )
        if to_user and to_user.share:
            raise UserError(self.env._("A ticket can only be handed to an employee."))
        self.check_access("write")
        vals_by_ticket = defaultdict(dict)
        transfer_vals = []
        for ticket in self:
            vals = vals_by_ticket[ticket]
            if to_team:
                vals["team_id"] = to_team.id
            vals["user_id"] = to_user.id if to_user else False
            transfer_vals.append(
                {
                    "ticket_id": ticket.id,
                    "from_user_id": ticket.user_id.id,
                    "to_user_id": to_user.id if to_user else False,
                    "from_team_id": ticket.team_id.id,
                    "to_team_id": (to_team or ticket.team_id).id,
                    "reason": reason,
                }
            )
        for ticket, vals in vals_by_ticket.items():
            ticket._cs_internal_write(vals)
        transfers = self._cs_log_transfers(transfer_vals)
        for transfer in transfers:
            transfer.ticket_id.message_post(
                body=escape(
                    self.env._(
                        "Transferred to %(target)s: %(reason)s",
                        target=" / ".join(
                            n
                            for n in (
                                transfer.to_user_id.name,
                                transfer.to_team_id.name,
                            )
                            if n
                        ),
                        reason=reason,
                    )
                ),
                subtype_xmlid="mail.mt_note",
            )
        return transfers

    def _cs_redesignate_owner(self, new_owner, reason):
        self._cs_check_is_supervisor()
        if not (reason or "").strip():
            raise UserError(
                self.env._("Re-designating the first owner needs a reason.")
            )
        if not new_owner or new_owner.share:
            raise UserError(self.env._("The first owner must be an employee."))
        self.check_access("write")
        for ticket in self:
            old = ticket.first_owner_id
            ticket._cs_internal_write({"first_owner_id": new_owner.id})
            ticket.message_subscribe(partner_ids=new_owner.partner_id.ids)
            ticket.message_post(
                body=escape(
                    self.env._(
                        "First owner re-designated from %(old)s to %(new)s by "
                        "%(user)s: %(reason)s",
                        old=old.name or "-",
                        new=new_owner.name,
                        user=self.env.user.name,
                        reason=reason,
                    )
                ),
                subtype_xmlid="mail.mt_note",
            )
