from markupsafe import Markup, escape

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare, float_is_zero

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
# Written only by the proposal's own checked transitions (see _cs_res_write).
PROTECTED_FIELDS = {
    "state",
    "approved_amount",
    "approved_date",
    "notify_date",
    "notify_method",
    "notify_user_id",
    "customer_decision",
    "previous_id",
    "approved_qty",
    "received_qty",
    "credited_amount",
    "draft_credit_amount",
    "reconcile_state",
    "reconcile_reason",
    "reconcile_override",
    "reconcile_override_reason",
    "reconcile_override_user_id",
    "reconcile_override_date",
}
# Fields whose change after approval resets the validation.
AMOUNT_FIELDS = {"line_ids", "currency_id"}
# Fields still editable on an approved proposal, without resetting it.
APPROVED_EDITABLE = {"responsibility_ids", "customer_message"}


class CsResolution(models.Model):
    _name = "cs.resolution"
    _description = "Complaint resolution proposal"
    _inherit = ["mail.thread", "mail.activity.mixin", "tier.validation"]
    _order = "id desc"
    _check_company_auto = True

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
    def _cs_privileged(self):
        return self.env.su and (
            self.env.context.get("cs_resolution_write")
            or self.env.context.get("install_mode")
        )

    def _cs_res_write(self, vals):
        # sudo: only called by this model's transitions, after they checked the
        # caller's right (write access, reviewer, group)
        return (
            self.sudo()
            .with_context(cs_resolution_write=True, skip_validation_check=True)
            .write(vals)
        )

    @api.model
    def _cs_check_protected(self, vals):
        if self._cs_privileged():
            return
        forbidden = PROTECTED_FIELDS & vals.keys()
        if forbidden:
            raise AccessError(
                self.env._(
                    "These fields are set by the resolution workflow only: %(fields)s",
                    fields=", ".join(sorted(forbidden)),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._cs_check_protected(vals)
            ticket = self.env["helpdesk.ticket"].browse(vals.get("ticket_id"))
            if vals.get("name", "/") == "/":
                # sudo: the sequence is configuration, readable by no CS user
                vals["name"] = (
                    self.env["ir.sequence"]
                    .sudo()
                    .with_company(ticket.company_id or self.env.company)
                    .next_by_code("cs.resolution")
                    or "/"
                )
        records = super().create(vals_list)
        return records

    def _cs_business_keys(self, vals):
        return {
            k
            for k in vals
            if not k.startswith(("message_", "activity_", "review_"))
            and k not in ("name",)
        }

    def write(self, vals):
        self._cs_check_protected(vals)
        reset = self.browse()
        if not self._cs_privileged():
            self.check_access("write")
            keys = self._cs_business_keys(vals)
            if keys:
                frozen = self.filtered(
                    lambda r: r.state in ("superseded", "cancel", "rejected")
                )
                if frozen:
                    raise UserError(
                        self.env._(
                            "%(names)s can no longer be changed: superseded, "
                            "rejected and cancelled proposals are kept as history.",
                            names=", ".join(frozen.mapped("display_name")),
                        )
                    )
                approved = self.filtered(lambda r: r.state == "approved")
                if "customer_message" in keys and approved.filtered("notify_date"):
                    raise UserError(
                        self.env._(
                            "The message was already told to the customer (%(names)s).",
                            names=", ".join(
                                approved.filtered("notify_date").mapped("display_name")
                            ),
                        )
                    )
                keys -= APPROVED_EDITABLE
                if approved and keys:
                    if keys - AMOUNT_FIELDS:
                        raise UserError(
                            self.env._(
                                "An approved proposal is read-only (%(names)s); only "
                                "its amounts can change, which restarts the approval.",
                                names=", ".join(approved.mapped("display_name")),
                            )
                        )
                    approved._cs_check_can_reset()
                    reset = approved
        res = super().write(vals)
        if reset:
            reset._cs_reset_validation()
        return res

    def unlink(self):
        # before the tier-validation mixin deletes the reviews
        self._unlink_except_history()
        return super().unlink()

    @api.ondelete(at_uninstall=False)
    def _unlink_except_history(self):
        if not self._cs_privileged():
            bad = self.filtered(lambda r: r.state != "draft" or r.next_ids)
            if bad:
                raise UserError(
                    self.env._(
                        "Only draft proposals can be deleted (%(names)s).",
                        names=", ".join(bad.mapped("display_name")),
                    )
                )

    # ------------------------------------------------------------------ approval
    def _cs_check_can_reset(self):
        for rec in self:
            # sudo: existence of the proposal's own documents
            if (
                rec.notify_date
                or rec.sudo().credit_note_ids
                or rec.sudo().return_picking_ids
            ):
                raise UserError(
                    self.env._(
                        "%(name)s has been told to the customer or has a credit note "
                        "or a return: make a new proposal that supersedes it instead.",
                        name=rec.display_name,
                    )
                )

    def _cs_reset_validation(self):
        """An approved amount changed: back to draft, reviews removed (logged)."""
        for rec in self.filtered(lambda r: r.state == "approved"):
            old = rec.approved_amount
            rec._cs_res_write(
                {"state": "draft", "approved_amount": 0.0, "approved_date": False}
            )
            rec.sudo().review_ids.unlink()  # sudo: reviews are workflow records
            rec._cs_log(
                body=self.env._(
                    "The amount changed after approval (approved %(old)s, now "
                    "%(new)s): the approval was reset.",
                    old=old,
                    new=rec.amount_total,
                )
            )
        self._cs_refresh_reconciliation()

    def _cs_check_submittable(self):
        for rec in self:
            if rec.state != "draft":
                raise UserError(
                    self.env._(
                        "Only draft proposals can be submitted (%(name)s).",
                        name=rec.display_name,
                    )
                )
            rounding = rec.currency_id.rounding
            if rec.resolution_type == "not_justified":
                if not float_is_zero(rec.amount_total, precision_rounding=rounding):
                    raise ValidationError(
                        self.env._(
                            "A complaint judged not justified carries no "
                            "compensation: remove the lines of %(name)s.",
                            name=rec.display_name,
                        )
                    )
            elif float_compare(rec.amount_total, 0.0, precision_rounding=rounding) <= 0:
                raise ValidationError(
                    self.env._(
                        "The amount of %(name)s must be positive: add lines with a "
                        "quantity and a price.",
                        name=rec.display_name,
                    )
                )

    def action_submit(self):
        """Ask for approval: the tier definitions pick the reviewer by amount."""
        self.check_access("write")
        self._cs_check_submittable()
        for rec in self:
            if not rec.need_validation:
                raise UserError(
                    self.env._(
                        "No approval tier applies to %(name)s (amount %(amount)s): "
                        "check the tier definitions.",
                        name=rec.display_name,
                        amount=rec.amount_company,
                    )
                )
            rec._cs_res_write({"state": "to_approve"})
            rec.request_validation()
        return True

    def _get_tier_validation_readonly_domain(self):
        # approved proposals keep editable amounts (a change restarts the approval)
        return "state not in ('draft', 'approved')"

    def request_validation(self):
        # the approval starts from "Submit for approval" only (amount checks first)
        if self.filtered(lambda r: r.state != "to_approve"):
            raise UserError(
                self.env._("Use 'Submit for approval' to ask for the approval.")
            )
        return super().request_validation()

    def _cs_lock(self):
        """Serialise reviewers: the second one fails at once and retries."""
        if self.ids:
            self.env.cr.execute(
                "SELECT id FROM cs_resolution WHERE id IN %s FOR UPDATE NOWAIT",
                [tuple(self.ids)],
            )

    def validate_tier(self):
        self.ensure_one()
        self._cs_lock()
        self._cs_check_reviewable()
        return super().validate_tier()

    def reject_tier(self):
        self.ensure_one()
        self._cs_lock()
        self._cs_check_reviewable()
        return super().reject_tier()

    def _cs_check_reviewable(self):
        self.invalidate_recordset()
        self.review_ids.invalidate_recordset()
        if self.state != "to_approve" or not self.can_review:
            raise UserError(
                self.env._(
                    "You have no review to do on %(name)s (it is %(state)s, or the "
                    "review belongs to another approver).",
                    name=self.display_name,
                    state=dict(STATES)[self.state],
                )
            )

    def _validate_tier(self, tiers=False):
        res = super()._validate_tier(tiers)
        self._cs_after_review()
        return res

    def _rejected_tier(self, tiers=False):
        res = super()._rejected_tier(tiers)
        self._cs_after_review()
        return res

    def _cs_after_review(self):
        for rec in self:
            rec.invalidate_recordset(["validation_status"])
            if rec.state != "to_approve":
                continue
            if rec.validation_status == "validated":
                rec._cs_res_write(
                    {
                        "state": "approved",
                        "approved_amount": rec.amount_total,
                        "approved_date": fields.Datetime.now(),
                    }
                )
                rec._cs_on_approved()
            elif rec.validation_status == "rejected":
                rec._cs_res_write({"state": "rejected"})

    def restart_validation(self):
        self.check_access("write")
        res = super().restart_validation()
        self.filtered(lambda r: r.state == "to_approve")._cs_res_write(
            {"state": "draft"}
        )
        return res

    def _cs_on_approved(self):
        self._cs_refresh_reconciliation()
        for rec in self:
            ticket = rec.ticket_id.sudo()  # sudo: approvers may not see the ticket
            ticket.message_post(
                body=self.env._(
                    "Resolution %(name)s approved: %(type)s, %(amount)s %(currency)s.",
                    name=rec.name,
                    type=dict(RESOLUTION_TYPES)[rec.resolution_type],
                    amount=rec.amount_total,
                    currency=rec.currency_id.name,
                ),
                subtype_xmlid="mail.mt_note",
            )
            if rec.resolution_type == "not_justified":
                rec._cs_schedule_collection()

    def _cs_schedule_collection(self):
        """R16: receivables are collected on the normal terms."""
        self.ensure_one()
        invoice = self.invoice_id.sudo()  # sudo: read the salesperson of the invoice
        salesperson = (
            invoice.invoice_user_id
            or self.partner_id.sudo().user_id
            or self.ticket_id.user_id
        )
        deadline = invoice.invoice_date_due or fields.Date.context_today(self)
        # sudo: follow-up created by the approval, on a ticket the approver may not see
        self.ticket_id.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=max(deadline, fields.Date.context_today(self)),
            summary=self.env._("Collect the receivable"),
            note=self.env._(
                "Complaint judged not justified (%(name)s): collect the receivable "
                "on the normal terms.",
                name=self.name,
            ),
            user_id=(salesperson or self.env.user).id,
        )

    def _cs_log(self, body):
        # sudo: a note of the workflow on the proposal itself, after the action
        # checked the caller's rights (finance and approvers only read proposals)
        for rec in self:
            rec.sudo().message_post(body=body, subtype_xmlid="mail.mt_note")

    # ------------------------------------------------------------------ customer
    def action_notify_customer(self):
        self.ensure_one()
        self._cs_check_can_notify()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Tell the customer"),
            "res_model": "cs.resolution.notify.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_resolution_id": self.id,
                "default_message": self.customer_message,
            },
        }

    def _cs_check_can_notify(self):
        self.check_access("write")
        for rec in self:
            if rec.state != "approved":
                raise UserError(
                    self.env._(
                        "%(name)s is not approved: the customer cannot be told an "
                        "outcome before approval (R13).",
                        name=rec.display_name,
                    )
                )

    def _cs_notify_customer(self, method, message):
        """Tell the customer the approved outcome: only the message, never the
        internal form."""
        self._cs_check_can_notify()
        if not (message or "").strip():
            raise ValidationError(self.env._("Write the message told to the customer."))
        for rec in self:
            body = Markup("<p>%s</p>") % escape(message)
            if method == "email":
                rec.ticket_id.message_post(
                    body=body,
                    partner_ids=rec.partner_id.ids,
                    message_type="comment",
                    subtype_xmlid="mail.mt_comment",
                )
            else:
                rec.ticket_id.message_post(
                    body=Markup("<p>%s</p>%s")
                    % (
                        self.env._(
                            "Outcome told to the customer by %(method)s:",
                            method=method == "phone"
                            and self.env._("phone")
                            or self.env._("letter"),
                        ),
                        body,
                    ),
                    subtype_xmlid="mail.mt_note",
                )
            rec._cs_res_write(
                {
                    "notify_date": fields.Datetime.now(),
                    "notify_method": method,
                    "notify_user_id": self.env.uid,
                }
            )
            if not rec.customer_message:
                rec._cs_res_write({"customer_message": message})
        return True

    def action_customer_accepts(self):
        self._cs_check_customer_decision()
        self._cs_res_write({"customer_decision": "accepted"})
        return True

    def _cs_check_customer_decision(self):
        self.check_access("write")
        for rec in self:
            if rec.state != "approved" or not rec.notify_date:
                raise UserError(
                    self.env._(
                        "Record the customer's answer after telling them the approved "
                        "outcome (%(name)s).",
                        name=rec.display_name,
                    )
                )

    def action_supersede(self):
        """The customer rejected the outcome (R5): a new draft proposal keeps the
        earlier one linked; the earlier one becomes read-only history."""
        self.ensure_one()
        self.check_access("write")
        if self.state not in ("approved", "rejected"):
            raise UserError(
                self.env._(
                    "Only an approved or rejected proposal can be superseded "
                    "(%(name)s).",
                    name=self.display_name,
                )
            )
        if self.credit_note_state not in (
            "none",
            "cancel",
        ) or self.return_state not in (
            "none",
            "cancel",
        ):
            raise UserError(
                self.env._(
                    "%(name)s already has a credit note or a return: cancel them "
                    "first.",
                    name=self.display_name,
                )
            )
        new = self.copy({"name": "/"})
        new._cs_res_write({"previous_id": self.id})
        vals = {"state": "superseded"}
        if self.state == "approved":
            vals["customer_decision"] = "rejected"
        self._cs_res_write(vals)
        self._cs_refresh_reconciliation()
        self.message_post(body=self.env._("Superseded by %(name)s.", name=new.name))
        return {
            "type": "ir.actions.act_window",
            "res_model": "cs.resolution",
            "res_id": new.id,
            "view_mode": "form",
        }

    def action_cancel(self):
        self.check_access("write")
        bad = self.filtered(lambda r: r.state not in ("draft", "rejected"))
        if bad:
            raise UserError(
                self.env._(
                    "Only draft or rejected proposals can be cancelled (%(names)s).",
                    names=", ".join(bad.mapped("display_name")),
                )
            )
        self.sudo().review_ids.unlink()  # sudo: reviews are workflow records
        self._cs_res_write({"state": "cancel"})
        return True

    # ------------------------------------------------------------------ credit note
    def _cs_check_agent(self):
        if self.env.su or self.env.user.has_group("cs_center.group_cs_agent"):
            self.check_access("write")
        elif self.env.user.has_group("account.group_account_invoice"):
            self.check_access("read")
        else:
            raise AccessError(
                self.env._("Only customer-service or accounting users can do this.")
            )

    def _prepare_credit_line_vals(self):
        self.ensure_one()
        company = self.company_id
        vals_list = []
        for line in self.line_ids:
            product = line.product_id or company.cs_credit_product_id
            vals = {
                "name": line.name or product.display_name or self.name,
                "quantity": line.quantity,
                "price_unit": line.price_unit,
                "tax_ids": [Command.clear()],
            }
            if product:
                vals["product_id"] = product.id
            if company.cs_credit_account_id:
                vals["account_id"] = company.cs_credit_account_id.id
            vals_list.append(vals)
        return vals_list

    def action_create_credit_note(self):
        """Approved compensation/discount/return → a draft customer credit note,
        reversing the original invoice when there is one."""
        self.ensure_one()
        self._cs_check_agent()
        if self.state != "approved" or self.resolution_type not in CREDIT_TYPES:
            raise UserError(
                self.env._(
                    "A credit note is made from an approved compensation, discount or "
                    "return proposal (%(name)s).",
                    name=self.display_name,
                )
            )
        if self.credit_note_state not in ("none", "cancel"):
            raise UserError(
                self.env._(
                    "%(name)s already has a credit note.", name=self.display_name
                )
            )
        # sudo: CS users have no accounting rights; the credit note is a draft built
        # from the approved proposal, and only accounting users can post it
        invoice = self.invoice_id.sudo()
        if invoice:
            if invoice.state != "posted":
                raise UserError(
                    self.env._(
                        "Invoice %(invoice)s is not posted: only a posted invoice can "
                        "be reversed by a credit note.",
                        invoice=invoice.display_name,
                    )
                )
            if invoice.currency_id != self.currency_id:
                raise UserError(
                    self.env._(
                        "The proposal is in %(cur)s but invoice %(invoice)s is in "
                        "%(inv_cur)s.",
                        cur=self.currency_id.name,
                        invoice=invoice.display_name,
                        inv_cur=invoice.currency_id.name,
                    )
                )
            # sudo: see above; the reversal only drafts a credit note of the invoice
            reversal = (
                self.env["account.move.reversal"]
                .sudo()
                .with_context(active_model="account.move", active_ids=invoice.ids)
                .create(
                    {
                        "move_ids": [Command.set(invoice.ids)],
                        "journal_id": invoice.journal_id.id,
                        "reason": self.name,
                        "date": fields.Date.context_today(self),
                    }
                )
            )
            reversal.refund_moves()
            refund = reversal.new_move_ids
            refund.with_context(cs_resolution_credit=True).write(
                {
                    "invoice_line_ids": [Command.clear()]
                    + [Command.create(v) for v in self._prepare_credit_line_vals()],
                    "cs_resolution_id": self.id,
                    "cs_ticket_id": self.ticket_id.id,
                }
            )
        else:
            # sudo: see above; a draft built from the approved lines only
            refund = (
                self.env["account.move"]
                .sudo()
                .with_company(self.company_id)
                .with_context(cs_resolution_credit=True)
                .create(
                    {
                        "move_type": "out_refund",
                        "partner_id": self.partner_id.commercial_partner_id.id,
                        "currency_id": self.currency_id.id,
                        "company_id": self.company_id.id,
                        "ref": self.name,
                        "invoice_date": fields.Date.context_today(self),
                        "cs_resolution_id": self.id,
                        "cs_ticket_id": self.ticket_id.id,
                        "invoice_line_ids": [
                            Command.create(v) for v in self._prepare_credit_line_vals()
                        ],
                    }
                )
            )
        self._cs_check_credit_limit()
        self._cs_refresh_reconciliation()
        self._cs_log(
            body=self.env._(
                "Draft credit note created: %(move)s", move=refund.display_name
            )
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": refund.id,
            "view_mode": "form",
        }

    def _cs_credited_totals(self):
        """{resolution id: (draft, posted)} in the proposal currency."""
        result = {}
        for rec in self:
            draft = posted = 0.0
            # sudo: totals of the proposal's own credit notes
            for move in rec.sudo().credit_note_ids:
                if move.state == "cancel":
                    continue
                amount = move.currency_id._convert(
                    move.amount_total,
                    rec.currency_id,
                    rec.company_id,
                    move.invoice_date or fields.Date.context_today(rec),
                )
                if move.state == "posted":
                    posted += amount
                else:
                    draft += amount
            result[rec.id] = (draft, posted)
        return result

    def _cs_check_credit_limit(self):
        totals = self._cs_credited_totals()
        for rec in self:
            draft, posted = totals[rec.id]
            if (
                float_compare(
                    draft + posted,
                    rec.approved_amount,
                    precision_rounding=rec.currency_id.rounding,
                )
                > 0
            ):
                raise ValidationError(
                    self.env._(
                        "The credit notes of %(name)s total %(total)s, above the "
                        "approved amount %(approved)s.",
                        name=rec.display_name,
                        total=draft + posted,
                        approved=rec.approved_amount,
                    )
                )

    # ------------------------------------------------------------------ return
    def action_create_return(self):
        """Approved return/re-processing → a return of the original delivery for
        the approved quantities still to return."""
        self.ensure_one()
        self._cs_check_agent()
        if self.state != "approved" or self.resolution_type not in RETURN_TYPES:
            raise UserError(
                self.env._(
                    "A return is made from an approved return or re-processing "
                    "proposal (%(name)s).",
                    name=self.display_name,
                )
            )
        # sudo: CS users have no inventory rights; quantities come from the approved
        # proposal and the warehouse validates the receipt
        delivery = self.delivery_id.sudo()
        if not delivery or delivery.state != "done":
            raise UserError(
                self.env._(
                    "%(name)s needs a validated original delivery to return from.",
                    name=self.display_name,
                )
            )
        remaining = self._cs_remaining_return_qty()
        if not any(q > 0 for q in remaining.values()):
            raise UserError(
                self.env._(
                    "Every approved quantity of %(name)s is already in a return.",
                    name=self.display_name,
                )
            )
        # sudo: see above; the return is limited to the approved quantities
        wizard = (
            self.env["stock.return.picking"]
            .sudo()
            .with_context(active_model="stock.picking", active_id=delivery.id)
            .create({"picking_id": delivery.id})
        )
        delivered = set()
        for line in wizard.product_return_moves:
            qty = min(remaining.get(line.product_id.id, 0.0), line.move_id.quantity)
            line.quantity = max(qty, 0.0)
            remaining[line.product_id.id] = remaining.get(line.product_id.id, 0.0) - qty
            delivered.add(line.product_id.id)
        missing = [
            pid for pid, q in remaining.items() if q > 0 and pid not in delivered
        ]
        if missing:
            raise UserError(
                self.env._(
                    "Products %(products)s are not in delivery %(delivery)s.",
                    products=", ".join(
                        self.env["product.product"]
                        .browse(missing)
                        .mapped("display_name")
                    ),
                    delivery=delivery.display_name,
                )
            )
        picking = wizard.with_context(cs_resolution_id=self.id)._create_return()
        picking.write({"cs_resolution_id": self.id, "cs_ticket_id": self.ticket_id.id})
        picking._cs_check_return_quantities()
        self._cs_refresh_reconciliation()
        self._cs_log(
            body=self.env._("Return created: %(picking)s", picking=picking.display_name)
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "stock.picking",
            "res_id": picking.id,
            "view_mode": "form",
        }

    def _cs_approved_qty_by_product(self):
        self.ensure_one()
        result = {}
        for line in self.line_ids:
            result[line.product_id.id] = (
                result.get(line.product_id.id, 0.0) + line.quantity
            )
        return result

    def _cs_remaining_return_qty(self):
        self.ensure_one()
        remaining = self._cs_approved_qty_by_product()
        # sudo: quantities of the proposal's own returns
        moves = self.sudo().return_picking_ids.move_ids.filtered(
            lambda m: m.state != "cancel"
        )
        for move in moves:
            remaining[move.product_id.id] = remaining.get(move.product_id.id, 0.0) - (
                move.product_qty
            )
        return remaining

    # ------------------------------------------------------------------ reconciliation
    def _cs_refresh_reconciliation(self, all_records=False):
        """Three-way reconciliation (approved vs received vs credited) of these
        proposals (or all), in one set-based SQL statement."""
        if not all_records and not self.ids:
            return
        self.env.flush_all()
        self.env.cr.execute(
            """
            WITH r AS (
                SELECT id, state, resolution_type, approved_amount,
                       COALESCE(currency_id, 0) AS currency_id
                  FROM cs_resolution
                 WHERE %(all)s OR id = ANY(%(ids)s)
            ), aq AS (
                SELECT l.resolution_id AS rid, SUM(l.quantity) AS qty
                  FROM cs_resolution_line l JOIN r ON r.id = l.resolution_id
                 GROUP BY l.resolution_id
            ), pk AS (
                SELECT p.cs_resolution_id AS rid,
                       COUNT(*) AS n,
                       BOOL_OR(p.state NOT IN ('done', 'cancel')) AS open
                  FROM stock_picking p JOIN r ON r.id = p.cs_resolution_id
                 GROUP BY p.cs_resolution_id
            ), rq AS (
                SELECT p.cs_resolution_id AS rid,
                       SUM(m.quantity / mu.factor * pu.factor) AS qty
                  FROM stock_move m
                  JOIN stock_picking p ON p.id = m.picking_id
                  JOIN r ON r.id = p.cs_resolution_id
                  JOIN uom_uom mu ON mu.id = m.product_uom
                  JOIN product_product pp ON pp.id = m.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                  JOIN uom_uom pu ON pu.id = pt.uom_id
                 WHERE m.state = 'done'
                 GROUP BY p.cs_resolution_id
            ), cr AS (
                SELECT m.cs_resolution_id AS rid,
                       SUM(CASE WHEN m.state = 'posted' THEN m.amount_total ELSE 0 END)
                           AS posted,
                       SUM(CASE WHEN m.state = 'draft' THEN m.amount_total ELSE 0 END)
                           AS draft
                  FROM account_move m JOIN r ON r.id = m.cs_resolution_id
                 WHERE m.move_type = 'out_refund'
                 GROUP BY m.cs_resolution_id
            ), calc AS (
                SELECT r.id, r.state, r.approved_amount AS amt,
                       r.resolution_type IN ('return', 'reprocess') AS needs_return,
                       r.resolution_type IN ('compensation', 'discount', 'return')
                           AS needs_credit,
                       COALESCE(aq.qty, 0) AS aqty,
                       COALESCE(rq.qty, 0) AS rqty,
                       COALESCE(cr.posted, 0) AS posted,
                       COALESCE(cr.draft, 0) AS draft,
                       COALESCE(pk.n, 0) AS npick,
                       COALESCE(pk.open, FALSE) AS open_pick,
                       r.resolution_type IN %(types)s AS applies
                  FROM r
                  LEFT JOIN aq ON aq.rid = r.id
                  LEFT JOIN rq ON rq.rid = r.id
                  LEFT JOIN cr ON cr.rid = r.id
                  LEFT JOIN pk ON pk.rid = r.id
            ), res AS (
                SELECT id, aqty, rqty, posted, draft,
                  CASE
                    WHEN state != 'approved' OR NOT applies THEN NULL
                    WHEN needs_return AND rqty > aqty + 0.00001 THEN 'received_more'
                    WHEN needs_credit AND posted > amt + 0.005 THEN 'credited_more'
                    WHEN needs_return AND needs_credit AND posted > 0
                         AND rqty < aqty - 0.00001 THEN 'credited_before_receipt'
                    WHEN needs_return AND npick > 0 AND NOT open_pick
                         AND rqty < aqty - 0.00001 THEN 'received_less'
                    WHEN needs_credit AND posted > 0 AND posted < amt - 0.005
                         AND draft = 0 THEN 'credited_less'
                  END AS reason,
                  CASE
                    WHEN state != 'approved' OR NOT applies THEN 'none'
                    WHEN (NOT needs_return OR ABS(rqty - aqty) <= 0.00001)
                     AND (NOT needs_credit OR ABS(posted - amt) <= 0.005) THEN 'matched'
                    ELSE 'pending'
                  END AS base_state
                  FROM calc
            )
            UPDATE cs_resolution c
               SET approved_qty = res.aqty,
                   received_qty = res.rqty,
                   credited_amount = res.posted,
                   draft_credit_amount = res.draft,
                   reconcile_reason = res.reason,
                   reconcile_state = CASE WHEN res.reason IS NOT NULL THEN 'mismatch'
                                          ELSE res.base_state END
              FROM res
             WHERE c.id = res.id
               AND (c.approved_qty IS DISTINCT FROM res.aqty
                    OR c.received_qty IS DISTINCT FROM res.rqty
                    OR c.credited_amount IS DISTINCT FROM res.posted
                    OR c.draft_credit_amount IS DISTINCT FROM res.draft
                    OR c.reconcile_reason IS DISTINCT FROM res.reason
                    OR c.reconcile_state IS DISTINCT FROM
                       CASE WHEN res.reason IS NOT NULL THEN 'mismatch'
                            ELSE res.base_state END)
            """,
            {
                "all": bool(all_records),
                "ids": self.ids,
                "types": RECONCILE_TYPES,
            },
        )
        self.env["cs.resolution"].invalidate_model(
            [
                "approved_qty",
                "received_qty",
                "credited_amount",
                "draft_credit_amount",
                "reconcile_reason",
                "reconcile_state",
            ]
        )

    def _cs_finance_override(self, reason):
        """A finance manager allows posting a return-related credit note before the
        goods are fully received, with a logged reason."""
        if not (
            self.env.su or self.env.user.has_group("account.group_account_manager")
        ):
            raise AccessError(
                self.env._("Only a finance manager can override the reconciliation.")
            )
        if not (reason or "").strip():
            raise ValidationError(self.env._("Give the reason for the override."))
        for rec in self:
            rec._cs_res_write(
                {
                    "reconcile_override": True,
                    "reconcile_override_reason": reason,
                    "reconcile_override_user_id": self.env.uid,
                    "reconcile_override_date": fields.Datetime.now(),
                }
            )
            rec._cs_log(
                body=self.env._(
                    "Finance override by %(user)s: the credit note may be posted "
                    "before the goods are received. Reason: %(reason)s",
                    user=self.env.user.name,
                    reason=reason,
                )
            )
        return True

    def action_finance_override(self):
        self.ensure_one()
        if not self.env.user.has_group("account.group_account_manager"):
            raise AccessError(
                self.env._("Only a finance manager can override the reconciliation.")
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Override the reconciliation"),
            "res_model": "cs.reconcile.override.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_resolution_id": self.id},
        }

    def action_view_credit_notes(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Credit notes"),
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [("cs_resolution_id", "=", self.id)],
        }

    def action_view_returns(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Returns"),
            "res_model": "stock.picking",
            "view_mode": "list,form",
            "domain": [("cs_resolution_id", "=", self.id)],
        }

    def _cs_demo_approve(self, user_xmlid):
        """Demo data only: the reviewer ``user_xmlid`` approves (private, not RPC)."""
        user = self.env.ref(user_xmlid)
        for rec in self:
            rec.with_user(user).validate_tier()

    @api.model
    def _cron_refresh_reconciliation(self):
        self._cs_refresh_reconciliation(all_records=True)


class CsResolutionLine(models.Model):
    _name = "cs.resolution.line"
    _description = "Complaint resolution line"
    _order = "resolution_id, sequence, id"
    _check_company_auto = True

    resolution_id = fields.Many2one(
        comodel_name="cs.resolution", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        related="resolution_id.company_id", store=True, precompute=True
    )
    currency_id = fields.Many2one(related="resolution_id.currency_id")
    product_id = fields.Many2one(comodel_name="product.product", check_company=True)
    name = fields.Char(string="Description")
    quantity = fields.Float(
        default=1.0, digits="Product Unit of Measure", required=True
    )
    price_unit = fields.Monetary(string="Unit price", required=True, default=0.0)
    subtotal = fields.Monetary(compute="_compute_subtotal", store=True)

    @api.depends("quantity", "price_unit")
    def _compute_subtotal(self):
        for line in self:
            line.subtotal = line.quantity * line.price_unit

    @api.constrains("quantity", "price_unit")
    def _check_values(self):
        bad = self.filtered(lambda line: line.quantity <= 0 or line.price_unit < 0)
        if bad:
            raise ValidationError(
                self.env._(
                    "Resolution lines need a positive quantity and a price that is not "
                    "negative: %(lines)s",
                    lines=", ".join(
                        (line.name or line.product_id.display_name or "?")
                        for line in bad
                    ),
                )
            )

    def _cs_check_editable(self, resolutions):
        if self.env.su and self.env.context.get("cs_resolution_write"):
            return self.env["cs.resolution"]
        blocked = resolutions.filtered(
            lambda r: (
                r.state not in ("draft", "approved")
                or r.review_ids
                and r.state != "approved"
            )
        )
        if blocked:
            raise UserError(
                self.env._(
                    "Amounts and quantities of %(names)s cannot change while it is "
                    "under approval or kept as history.",
                    names=", ".join(blocked.mapped("display_name")),
                )
            )
        approved = resolutions.filtered(lambda r: r.state == "approved")
        approved._cs_check_can_reset()
        return approved

    @api.model_create_multi
    def create(self, vals_list):
        resolutions = self.env["cs.resolution"].browse(
            {v.get("resolution_id") for v in vals_list if v.get("resolution_id")}
        )
        reset = self._cs_check_editable(resolutions)
        lines = super().create(vals_list)
        if reset:
            reset._cs_reset_validation()
        return lines

    def write(self, vals):
        reset = self._cs_check_editable(self.resolution_id)
        if "resolution_id" in vals:
            reset |= self._cs_check_editable(
                self.env["cs.resolution"].browse(vals["resolution_id"])
            )
        res = super().write(vals)
        if reset:
            reset._cs_reset_validation()
        return res

    def unlink(self):
        resolutions = self.resolution_id
        reset = self._cs_check_editable(resolutions)
        res = super().unlink()
        if reset:
            reset.exists()._cs_reset_validation()
        return res
