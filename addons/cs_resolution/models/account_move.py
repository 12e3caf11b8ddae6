from contextlib import contextmanager

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare

from odoo.addons.cs_center.models.cs_workflow_mixin import _GRANTS

# Links to the complaint: set by the resolution's own actions only (read-only is not
# only a UI hint: an accountant or a warehouse user cannot re-link a document).
LINK_FIELDS = {"cs_resolution_id", "cs_ticket_id"}


@contextmanager
def cs_link_step(env, *model_names):
    """Grant of the workflow layer for the complaint links of ``model_names``."""
    grants = env.cr.cache.setdefault(_GRANTS, {})
    for name in model_names:
        grants[name] = grants.get(name, 0) + 1
    try:
        yield
    finally:
        for name in model_names:
            grants[name] -= 1


def cs_check_links(records, vals_list):
    env = records.env
    if not env.registry.ready or env.cr.cache.get(_GRANTS, {}).get(records._name):
        return
    if any(LINK_FIELDS & vals.keys() for vals in vals_list):
        raise AccessError(
            env._(
                "The complaint links of %(model)s are set by the resolution workflow "
                "only.",
                model=records._description,
            )
        )


class AccountMove(models.Model):
    _inherit = "account.move"

    cs_resolution_id = fields.Many2one(
        comodel_name="cs.resolution",
        string="Complaint resolution",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    cs_ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket",
        string="Helpdesk ticket",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )

    @api.model_create_multi
    def create(self, vals_list):
        cs_check_links(self, vals_list)
        moves = super().create(vals_list)
        linked = moves.filtered("cs_resolution_id")
        if linked:
            linked.cs_resolution_id._cs_check_credit_limit()
        return moves

    def write(self, vals):
        cs_check_links(self, [vals])
        before = self.cs_resolution_id
        res = super().write(vals)
        resolutions = before | self.cs_resolution_id
        if resolutions:
            resolutions._cs_check_credit_limit()
            resolutions._cs_refresh_reconciliation()
        return res

    def unlink(self):
        resolutions = self.cs_resolution_id
        res = super().unlink()
        if resolutions:
            resolutions.exists()._cs_refresh_reconciliation()
        return res

    def _post(self, soft=True):
        linked = self.filtered(
            lambda m: m.cs_resolution_id and m.move_type == "out_refund"
        )
        if linked:
            linked._cs_check_can_post()
        posted = super()._post(soft=soft)
        if linked:
            linked.cs_resolution_id._cs_check_credit_limit()
            linked.cs_resolution_id._cs_refresh_reconciliation()
        return posted

    def _cs_check_can_post(self):
        """R14–R15: only accounting users post, only for an approved proposal, and a
        return-related credit note waits for the goods unless finance overrides."""
        # the user's groups, not env.su: a controller's sudo() opens nothing
        if not self.env.user.has_group("account.group_account_invoice"):
            raise AccessError(
                self.env._("Only accounting users can post complaint credit notes.")
            )
        for move in self:
            resolution = move.cs_resolution_id.sudo()  # sudo: finance may not be CS
            if resolution.state != "approved":
                raise UserError(
                    self.env._(
                        "%(move)s belongs to proposal %(name)s, which is not approved.",
                        move=move.display_name,
                        name=resolution.display_name,
                    )
                )
            if (
                resolution.resolution_type == "return"
                and not resolution.reconcile_override
            ):
                resolution._cs_refresh_reconciliation()
                if (
                    float_compare(
                        resolution.received_qty,
                        resolution.approved_qty,
                        precision_digits=5,
                    )
                    < 0
                ):
                    raise UserError(
                        self.env._(
                            "%(move)s cannot be posted: %(received)s of %(approved)s "
                            "approved units have been received back (R15). A finance "
                            "manager can override with a reason.",
                            move=move.display_name,
                            received=resolution.received_qty,
                            approved=resolution.approved_qty,
                        )
                    )

    def button_cancel(self):
        res = super().button_cancel()
        if self.cs_resolution_id:
            self.cs_resolution_id._cs_refresh_reconciliation()
        return res

    def button_draft(self):
        res = super().button_draft()
        if self.cs_resolution_id:
            self.cs_resolution_id._cs_refresh_reconciliation()
        return res
