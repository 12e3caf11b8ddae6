from odoo import api, fields, models
from odoo.exceptions import ValidationError

RESOLUTION_TYPES = [
    ("compensation", "Compensation"),
    ("discount", "Discount"),
    ("return", "Return"),
    ("reprocess", "Re-processing"),
    ("replacement", "Replacement"),
    ("not_justified", "Not justified"),
]
CREDIT_TYPES = ("compensation", "discount", "return")
RETURN_TYPES = ("return", "reprocess")
RECONCILE_TYPES = CREDIT_TYPES + RETURN_TYPES
STATES = [
    ("draft", "Draft"),
    ("to_approve", "Under approval"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
    ("superseded", "Superseded"),
    ("cancel", "Cancelled"),
]
RECONCILE_STATES = [
    ("none", "Not applicable"),
    ("pending", "Pending"),
    ("matched", "Matched"),
    ("mismatch", "Mismatch"),
]
MISMATCH_REASONS = [
    ("received_more", "Received more than approved"),
    ("received_less", "Return closed below the approved quantity"),
    ("credited_more", "Credited more than approved"),
    ("credited_less", "Credited less than approved"),
    ("credited_before_receipt", "Credited before the goods were received"),
]
FROZEN_STATES = ("approved", "rejected", "superseded", "cancel")
# Responsibility (penalty) lines stay open while the proposal is being decided.
RESPONSIBILITY_OPEN_STATES = ("draft", "to_approve")


class CsResolution(models.Model):
    _name = "cs.resolution"
    _description = "Complaint resolution proposal"
    _inherit = [
        "cs.workflow.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "tier.validation",
    ]
    _order = "id desc"
    _check_company_auto = True

    # one workflow layer (cs_center's cs.workflow.mixin): the amounts, reference,
    # customer, validation status and every field below set by the actions are
    # workflow-only; approved, rejected, superseded and cancelled proposals are
    # frozen, and nothing changes while the approval runs
    _cs_state_field = "state"
    # reviews (review_ids) are guarded by tier.review itself (models/tier_review.py)
    _cs_workflow_fields = ("responsibility_reopened",)
    _cs_editable_fields = {"to_approve": ()}
    _cs_frozen_states = FROZEN_STATES
    _cs_unlink_states = ("draft",)

    # tier validation (OCA base_tier_validation)
    _state_from = ["draft", "to_approve"]
    _state_to = ["approved"]
    _cancel_state = "cancel"
    _tier_validation_manual_config = False

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default="/"
    )
    ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket",
        required=True,
        ondelete="restrict",
        index=True,
        check_company=True,
        domain=[("request_kind", "=", "complaint")],
    )
    company_id = fields.Many2one(
        related="ticket_id.company_id", store=True, index=True, precompute=True
    )
    partner_id = fields.Many2one(
        related="ticket_id.partner_id", store=True, string="Customer"
    )
    state = fields.Selection(
        selection=STATES,
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    previous_id = fields.Many2one(
        comodel_name="cs.resolution",
        string="Replaces",
        readonly=True,
        copy=False,
        index=True,
        help="The earlier proposal the customer did not accept (R5).",
    )
    next_ids = fields.One2many(
        comodel_name="cs.resolution",
        inverse_name="previous_id",
        string="Replaced by",
        readonly=True,
    )
    # investigation
    facts = fields.Text(string="Facts found")
    cause = fields.Text()
    complaint_class = fields.Selection(
        selection=[("quality", "Quality"), ("non_quality", "Non-quality")],
        tracking=True,
        compute="_compute_ticket_documents",
        store=True,
        readonly=False,
        precompute=True,
    )
    responsibility_party = fields.Selection(
        selection=[
            ("company", "Our company"),
            ("carrier", "Carrier"),
            ("supplier", "Supplier"),
            ("customer", "Customer"),
        ],
        string="Responsibility",
        tracking=True,
    )
    department_id = fields.Many2one(
        comodel_name="hr.department",
        string="Responsible department",
        check_company=True,
    )
    employee_id = fields.Many2one(
        comodel_name="hr.employee",
        string="Responsible employee",
        check_company=True,
    )
    responsibility_ids = fields.One2many(
        comodel_name="cs.responsibility",
        inverse_name="resolution_id",
        string="Responsibility lines",
    )
    # resolution
    resolution_type = fields.Selection(
        selection=RESOLUTION_TYPES, required=True, default="compensation", tracking=True
    )
    currency_id = fields.Many2one(
        comodel_name="res.currency",
        required=True,
        compute="_compute_currency_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company currency"
    )
    line_ids = fields.One2many(
        comodel_name="cs.resolution.line",
        inverse_name="resolution_id",
        string="Lines",
        copy=True,
    )
    amount_total = fields.Monetary(
        string="Amount",
        compute="_compute_amount_total",
        store=True,
        tracking=True,
    )
    amount_company = fields.Monetary(
        string="Amount (company currency)",
        currency_field="company_currency_id",
        compute="_compute_amount_company",
        store=True,
        help="Amount converted to the company currency: the approval tiers are "
        "evaluated on it.",
    )
    loss_amount = fields.Monetary(compute="_compute_responsibility_amounts", store=True)
    penalty_amount = fields.Monetary(
        string="Penalty deductions",
        compute="_compute_responsibility_amounts",
        store=True,
    )
    approved_amount = fields.Monetary(readonly=True, copy=False)
    approved_date = fields.Datetime(readonly=True, copy=False)
    # customer communication (R13)
    customer_message = fields.Text(
        string="Message to the customer",
        help="The approved outcome as told to the customer (letter, email or "
        "phone). The internal form is never sent.",
    )
    notify_date = fields.Datetime(string="Customer told on", readonly=True, copy=False)
    notify_method = fields.Selection(
        selection=[("email", "Email"), ("letter", "Letter"), ("phone", "Phone")],
        readonly=True,
        copy=False,
    )
    notify_user_id = fields.Many2one(
        comodel_name="res.users", string="Told by", readonly=True, copy=False
    )
    customer_decision = fields.Selection(
        selection=[("accepted", "Accepted"), ("rejected", "Rejected")],
        readonly=True,
        copy=False,
        tracking=True,
    )
    # documents
    invoice_id = fields.Many2one(
        comodel_name="account.move",
        string="Original invoice",
        domain=[("move_type", "=", "out_invoice")],
        check_company=True,
        copy=True,
        compute="_compute_ticket_documents",
        store=True,
        readonly=False,
        precompute=True,
    )
    delivery_id = fields.Many2one(
        comodel_name="stock.picking",
        string="Original delivery",
        domain=[("picking_type_code", "=", "outgoing")],
        check_company=True,
        copy=True,
        compute="_compute_ticket_documents",
        store=True,
        readonly=False,
        precompute=True,
    )
    credit_note_ids = fields.One2many(
        comodel_name="account.move",
        inverse_name="cs_resolution_id",
        string="Credit notes",
        readonly=True,
    )
    return_picking_ids = fields.One2many(
        comodel_name="stock.picking",
        inverse_name="cs_resolution_id",
        string="Returns",
        readonly=True,
    )
    credit_note_state = fields.Selection(
        selection=[
            ("none", "None"),
            ("draft", "Draft"),
            ("posted", "Posted"),
            ("cancel", "Cancelled"),
        ],
        compute="_compute_document_states",
    )
    return_state = fields.Selection(
        selection=[
            ("none", "None"),
            ("open", "Waiting for the goods"),
            ("done", "Received"),
            ("cancel", "Cancelled"),
        ],
        compute="_compute_document_states",
    )
    can_create_credit_note = fields.Boolean(compute="_compute_can_create")
    can_create_return = fields.Boolean(compute="_compute_can_create")
    # three-way reconciliation (R15), refreshed set-based in SQL
    approved_qty = fields.Float(
        string="Approved quantity",
        readonly=True,
        copy=False,
        digits="Product Unit of Measure",
    )
    received_qty = fields.Float(
        string="Received quantity",
        readonly=True,
        copy=False,
        digits="Product Unit of Measure",
    )
    credited_amount = fields.Monetary(
        string="Credited (posted)", readonly=True, copy=False
    )
    draft_credit_amount = fields.Monetary(
        string="Credited (draft)", readonly=True, copy=False
    )
    reconcile_state = fields.Selection(
        selection=RECONCILE_STATES,
        string="Reconciliation",
        default="none",
        readonly=True,
        copy=False,
        index=True,
    )
    reconcile_reason = fields.Selection(
        selection=MISMATCH_REASONS,
        string="Mismatch reason",
        readonly=True,
        copy=False,
    )
    reconcile_override = fields.Boolean(
        string="Finance override", readonly=True, copy=False
    )
    reconcile_override_reason = fields.Text(readonly=True, copy=False)
    reconcile_override_user_id = fields.Many2one(
        comodel_name="res.users", string="Overridden by", readonly=True, copy=False
    )
    reconcile_override_date = fields.Datetime(readonly=True, copy=False)
    # penalty lines reopened after approval by a CS manager (logged reason)
    responsibility_reopened = fields.Boolean(
        string="Responsibility reopened", readonly=True, copy=False, tracking=True
    )
    can_submit = fields.Boolean(compute="_compute_can_workflow")
    can_edit_responsibility = fields.Boolean(compute="_compute_can_workflow")
    can_reopen_responsibility = fields.Boolean(compute="_compute_can_workflow")

    _sql_constraints = [
        ("name_uniq", "unique(name, company_id)", "The reference must be unique."),
    ]

    # ------------------------------------------------------------------ computes
    @api.depends("ticket_id")
    def _compute_ticket_documents(self):
        for rec in self:
            rec.invoice_id = rec.ticket_id.cs_invoice_id
            rec.delivery_id = rec.ticket_id.cs_delivery_id
            rec.complaint_class = rec.ticket_id.complaint_class

    @api.depends("invoice_id", "company_id")
    def _compute_currency_id(self):
        for rec in self:
            rec.currency_id = (
                rec.invoice_id.currency_id
                or rec.currency_id
                or (rec.company_id or self.env.company).currency_id
            )

    @api.depends("line_ids.subtotal")
    def _compute_amount_total(self):
        for rec in self:
            rec.amount_total = sum(rec.line_ids.mapped("subtotal"))

    @api.depends("amount_total", "currency_id", "company_id")
    def _compute_amount_company(self):
        today = fields.Date.context_today(self)
        for rec in self:
            company = rec.company_id or self.env.company
            rec.amount_company = rec.currency_id._convert(
                rec.amount_total,
                company.currency_id,
                company,
                rec.create_date and rec.create_date.date() or today,
            )

    @api.depends("responsibility_ids.loss_amount", "responsibility_ids.penalty_amount")
    def _compute_responsibility_amounts(self):
        for rec in self:
            rec.loss_amount = sum(rec.responsibility_ids.mapped("loss_amount"))
            rec.penalty_amount = sum(rec.responsibility_ids.mapped("penalty_amount"))

    @api.depends("credit_note_ids.state", "return_picking_ids.state")
    def _compute_document_states(self):
        for rec in self:
            # sudo: states of the proposal's own documents (CS users have no
            # accounting or inventory rights)
            moves = rec.sudo().credit_note_ids
            if not moves:
                rec.credit_note_state = "none"
            elif any(m.state == "draft" for m in moves):
                rec.credit_note_state = "draft"
            elif any(m.state == "posted" for m in moves):
                rec.credit_note_state = "posted"
            else:
                rec.credit_note_state = "cancel"
            # sudo: the state shown comes from this proposal's warehouse documents
            pickings = rec.sudo().return_picking_ids
            if not pickings:
                rec.return_state = "none"
            elif any(p.state not in ("done", "cancel") for p in pickings):
                rec.return_state = "open"
            elif any(p.state == "done" for p in pickings):
                rec.return_state = "done"
            else:
                rec.return_state = "cancel"

    @api.depends("state", "resolution_type", "credit_note_state")
    def _compute_can_create(self):
        for rec in self:
            approved = rec.state == "approved"
            rec.can_create_credit_note = (
                approved
                and rec.resolution_type in CREDIT_TYPES
                and rec.credit_note_state in ("none", "cancel")
            )
            rec.can_create_return = approved and rec.resolution_type in RETURN_TYPES

    @api.depends("state", "responsibility_reopened")
    @api.depends_context("uid")
    def _compute_can_workflow(self):
        user = self.env.user
        agent = user.has_group("cs_center.group_cs_agent")
        supervisor = user.has_group("cs_center.group_cs_supervisor")
        manager = user.has_group("cs_center.group_cs_manager")
        for rec in self:
            rec.can_submit = agent and rec.state == "draft"
            rec.can_edit_responsibility = supervisor and rec._cs_responsibility_open()
            rec.can_reopen_responsibility = (
                manager and rec.state == "approved" and not rec.responsibility_reopened
            )

    def _cs_responsibility_open(self):
        """Penalty lines change while the proposal is decided, and after approval
        only when a CS manager reopened them (with a logged reason)."""
        self.ensure_one()
        return self.state in RESPONSIBILITY_OPEN_STATES or (
            self.state == "approved" and self.responsibility_reopened
        )

    # ------------------------------------------------------------------ constrains
    @api.constrains("resolution_type", "line_ids")
    def _check_return_products(self):
        bad = self.filtered(
            lambda r: (
                r.resolution_type in RETURN_TYPES
                and any(not line.product_id for line in r.line_ids)
            )
        )
        if bad:
            raise ValidationError(
                self.env._(
                    "Every line of a return or re-processing proposal needs a "
                    "product: %(names)s",
                    names=", ".join(bad.mapped("display_name")),
                )
            )

    @api.constrains("ticket_id")
    def _check_ticket_is_complaint(self):
        bad = self.filtered(lambda r: r.ticket_id.request_kind != "complaint")
        if bad:
            raise ValidationError(
                self.env._(
                    "Resolution proposals belong to complaint tickets only: "
                    "%(tickets)s",
                    tickets=", ".join(bad.mapped("ticket_id.display_name")),
                )
            )

    # ------------------------------------------------------------------ CRUD
    def _cs_res_write(self, vals):
        """The proposal's own transitions write here, after they checked the caller
        (``_ensure_can_*``). The workflow layer's grant opens the guard for this
        step only; sudo: finance, warehouse and approvers only read proposals."""
        with self._cs_workflow_step():
            # sudo: finance, warehouse and approvers only read proposals
            return self.sudo().with_context(skip_validation_check=True).write(vals)

    @api.model_create_multi
    def create(self, vals_list):
        # the client's values first (the workflow layer), then the reference
        if not self._cs_granted():
            for vals in vals_list:
                self._cs_check_vals(vals, creating=True)
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                ticket = self.env["helpdesk.ticket"].browse(vals.get("ticket_id"))
                # sudo: the sequence is configuration, readable by no CS user
                vals["name"] = (
                    self.env["ir.sequence"]
                    .sudo()
                    .with_company(ticket.company_id or self.env.company)
                    .next_by_code("cs.resolution")
                    or "/"
                )
        with self._cs_workflow_step():
            return super().create(vals_list)

    def _cs_check_child(self, child_model, action):
        """Penalty lines follow their own rule: open while the proposal is decided,
        frozen with its approval unless a CS manager reopened them."""
        if child_model != "cs.responsibility":
            return super()._cs_check_child(child_model, action)
        if self._cs_granted():
            return
        closed = self.filtered(lambda r: not r._cs_responsibility_open())
        if closed:
            self._cs_refuse(
                self.env._(
                    "The responsibility lines of %(names)s are frozen with the "
                    "proposal's decision; a CS manager can reopen them with a reason.",
                    names=", ".join(closed.mapped("display_name")),
                )
            )

    def _cs_check_write(self, vals):
        # the penalty lines guard themselves (supervisors and managers, frozen with
        # the approval unless reopened): the proposal's form may send them alone
        if vals and set(vals) <= {"responsibility_ids"}:
            return
        return super()._cs_check_write(vals)
