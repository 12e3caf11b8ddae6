from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError


class CsOffsiteRequest(models.Model):
    """R18: off-site service needs a request approved by the department manager
    before the visit; travel and allowance costs go to the ticket's service cost."""

    _name = "cs.offsite.request"
    _description = "Off-site service request"
    _inherit = ["cs.workflow.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    # the requester edits a draft; submission, the department manager's decision
    # and the visit are actions; a submitted request is frozen for clients
    _cs_state_field = "state"
    _cs_frozen_states = ("submitted", "approved", "refused", "done")
    _cs_unlink_states = ("draft",)

    name = fields.Char(compute="_compute_name", store=True)
    ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(
        related="ticket_id.company_id", store=True, index=True, precompute=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    requested_by_id = fields.Many2one(
        comodel_name="res.users",
        string="Requested by",
        default=lambda self: self.env.user,
        required=True,
        readonly=True,
    )
    department_id = fields.Many2one(
        comodel_name="hr.department", required=True, check_company=True
    )
    approver_id = fields.Many2one(
        comodel_name="res.users",
        string="Department manager",
        compute="_compute_approver_id",
        store=True,
        index=True,
    )
    visit_date = fields.Date(required=True)
    destination = fields.Char(required=True)
    purpose = fields.Text()
    travel_cost = fields.Monetary()
    allowance_cost = fields.Monetary()
    other_cost = fields.Monetary()
    total_cost = fields.Monetary(compute="_compute_total_cost", store=True)
    state = fields.Selection(
        selection=[
            ("draft", "Draft"),
            ("submitted", "Submitted"),
            ("approved", "Approved"),
            ("refused", "Refused"),
            ("done", "Visit done"),
        ],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
    )
    approved_by_id = fields.Many2one(comodel_name="res.users", readonly=True)
    approved_date = fields.Datetime(readonly=True)
    done_date = fields.Date(string="Visited on", readonly=True)
    can_decide = fields.Boolean(compute="_compute_can_decide")

    @api.depends("state", "approver_id")
    @api.depends_context("uid")
    def _compute_can_decide(self):
        for rec in self:
            rec.can_decide = (
                rec.state == "submitted" and rec.approver_id == self.env.user
            )

    @api.depends("ticket_id", "destination")
    def _compute_name(self):
        for rec in self:
            rec.name = "%s / %s" % (
                rec.ticket_id.display_name or "",
                rec.destination or "",
            )

    @api.depends("department_id.manager_id.user_id")
    def _compute_approver_id(self):
        for rec in self:
            rec.approver_id = rec.department_id.manager_id.user_id

    @api.depends("travel_cost", "allowance_cost", "other_cost")
    def _compute_total_cost(self):
        for rec in self:
            rec.total_cost = rec.travel_cost + rec.allowance_cost + rec.other_cost

    @api.constrains("travel_cost", "allowance_cost", "other_cost")
    def _check_costs(self):
        if self.filtered(
            lambda r: min(r.travel_cost, r.allowance_cost, r.other_cost) < 0
        ):
            raise ValidationError(self.env._("Costs cannot be negative."))

    def _cs_internal_write(self, vals):
        # sudo + grant: the actions below checked the caller (requester /
        # department manager); the manager may not write the request otherwise
        with self._cs_workflow_step():
            # sudo: inside the grant; the actions checked the caller
            return self.sudo().write(vals)

    def _ensure_can_submit(self):
        if not self.env.user.has_group("cs_center.group_cs_agent"):
            raise AccessError(
                self.env._("Only customer-service users submit off-site requests.")
            )
        self.check_access("write")

    def action_submit(self):
        self._ensure_can_submit()
        for rec in self:
            if rec.state != "draft":
                raise UserError(self.env._("Only draft requests can be submitted."))
            if not rec.approver_id:
                raise UserError(
                    self.env._(
                        "Department %(dept)s has no manager with a user to approve.",
                        dept=rec.department_id.display_name,
                    )
                )
        self._cs_internal_write({"state": "submitted"})
        for rec in self:
            # sudo: the request was just submitted by a user allowed to write it
            rec.sudo().activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Approve the off-site service request"),
                user_id=rec.approver_id.id,
            )
        return True

    def _cs_check_approver(self):
        for rec in self:
            if rec.state != "submitted":
                raise UserError(self.env._("Only submitted requests can be decided."))
            if self.env.user != rec.approver_id:
                raise AccessError(
                    self.env._(
                        "Only the manager of %(dept)s approves this request.",
                        dept=rec.department_id.display_name,
                    )
                )

    def action_approve(self):
        self._cs_check_approver()
        self._cs_internal_write(
            {
                "state": "approved",
                "approved_by_id": self.env.uid,
                "approved_date": fields.Datetime.now(),
            }
        )
        return True

    def action_refuse(self):
        self._cs_check_approver()
        self._cs_internal_write({"state": "refused"})
        return True

    def action_done(self):
        """The visit took place: its costs become the ticket's service cost."""
        self._ensure_can_submit()
        for rec in self:
            if rec.state != "approved":
                raise UserError(
                    self.env._(
                        "An off-site visit needs the department manager's approval "
                        "before it takes place (%(name)s).",
                        name=rec.display_name,
                    )
                )
        self._cs_internal_write({"state": "done", "done_date": fields.Date.today()})
        return True
