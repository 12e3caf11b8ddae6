from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

DISCIPLINARY_TYPES = [
    ("none", "None"),
    ("warning", "Warning"),
    ("demerit", "Demerit"),
    ("major_demerit", "Major demerit"),
    ("dismissal", "Dismissal"),
]


class CsResponsibility(models.Model):
    """Responsibility and penalty lines of a proposal (they feed appraisal
    deductions). Created and changed by CS supervisors and managers only; open
    while the proposal is decided, frozen with its approval (and in every other
    decided state) unless a CS manager reopened them with a logged reason."""

    _name = "cs.responsibility"
    _description = "Complaint responsibility line"
    _inherit = ["cs.workflow.mixin"]
    _order = "id desc"
    _check_company_auto = True

    _cs_state_field = "lock_state"
    _cs_parent_field = "resolution_id"
    _cs_frozen_states = ("locked", "history")

    resolution_id = fields.Many2one(
        comodel_name="cs.resolution", required=True, ondelete="cascade", index=True
    )
    ticket_id = fields.Many2one(
        related="resolution_id.ticket_id", store=True, index=True, precompute=True
    )
    company_id = fields.Many2one(
        related="resolution_id.company_id", store=True, index=True, precompute=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    department_id = fields.Many2one(
        comodel_name="hr.department", required=True, check_company=True
    )
    employee_id = fields.Many2one(comodel_name="hr.employee", check_company=True)
    loss_amount = fields.Monetary(string="Loss")
    penalty_amount = fields.Monetary(string="Penalty deduction")
    disciplinary_type = fields.Selection(
        selection=DISCIPLINARY_TYPES, default="none", required=True
    )
    note = fields.Text()
    closed_date = fields.Datetime(related="ticket_id.closed_date", store=True)

    lock_state = fields.Selection(
        selection=[
            ("open", "Open"),
            ("locked", "Frozen with the approval"),
            ("history", "History"),
        ],
        string="Lines status",
        compute="_compute_lock_state",
    )

    @api.depends("resolution_id.state", "resolution_id.responsibility_reopened")
    def _compute_lock_state(self):
        for rec in self:
            resolution = rec.resolution_id
            if not resolution or resolution._cs_responsibility_open():
                rec.lock_state = "open"
            elif resolution.state == "approved":
                rec.lock_state = "locked"
            else:
                rec.lock_state = "history"

    @api.constrains("loss_amount", "penalty_amount")
    def _check_amounts(self):
        if self.filtered(lambda r: r.loss_amount < 0 or r.penalty_amount < 0):
            raise ValidationError(
                self.env._("Losses and penalty deductions cannot be negative.")
            )

    def _ensure_can_change(self):
        """Penalties are decided by CS supervisors and managers, not agents."""
        if not self.env.user.has_group("cs_center.group_cs_supervisor"):
            raise AccessError(
                self.env._(
                    "Only a CS supervisor or manager can create or change "
                    "responsibility and penalty lines."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        if not self._cs_granted():
            self._ensure_can_change()
        return super().create(vals_list)

    def write(self, vals):
        if not self._cs_granted():
            self._ensure_can_change()
        return super().write(vals)

    def unlink(self):
        if not self._cs_granted():
            self._ensure_can_change()
        return super().unlink()
