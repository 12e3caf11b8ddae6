from contextlib import contextmanager

from odoo import api, models
from odoo.exceptions import AccessError

from odoo.addons.cs_center.models.cs_workflow_mixin import _GRANTS

# What decides an approval: only the proposal's own approval steps write these,
# after checking that the current user is the reviewer whose turn it is.
GUARDED_FIELDS = {
    "status",
    "done_by",
    "reviewed_date",
    "model",
    "res_id",
    "definition_id",
    "sequence",
    "requested_by",
    "reviewer_ids",
    "can_review",
    "comment",
}
# The guard applies to the reviews of these models only: every other
# tier-validated model (purchases, invoices, ...) keeps plain base_tier_validation.
GUARDED_MODELS = ("cs.resolution",)


class TierReview(models.Model):
    _inherit = "tier.review"

    def _cs_review_granted(self):
        """Opened by the proposal's approval steps (cs.workflow.mixin grant on the
        cursor); nothing a client sends (context, sudo) reaches it."""
        if not self.env.registry.ready:
            return True
        return bool(self.env.cr.cache.get(_GRANTS, {}).get("tier.review"))

    @contextmanager
    def _cs_review_step(self):
        """The review's own upstream logic (not a client's write) inside a grant."""
        grants = self.env.cr.cache.setdefault(_GRANTS, {})
        grants["tier.review"] = grants.get("tier.review", 0) + 1
        try:
            yield
        finally:
            grants["tier.review"] -= 1

    def _compute_can_review(self):
        # upstream promotes waiting reviews to pending while computing can_review
        # (a private compute, never called by a client)
        with self._cs_review_step():
            return super()._compute_can_review()

    def _cs_guard(self, models_=()):
        if set(models_) & set(GUARDED_MODELS) and not self._cs_review_granted():
            raise AccessError(
                self.env._(
                    "Reviews are approved or rejected with the Validate and Reject "
                    "buttons of the document, by its reviewer; they cannot be written "
                    "directly."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._cs_guard([vals.get("model") for vals in vals_list])
        return super().create(vals_list)

    def write(self, vals):
        if GUARDED_FIELDS & vals.keys():
            models_ = set(self.sudo().mapped("model"))  # sudo: the model names only
            if vals.get("model"):
                models_.add(vals["model"])
            self._cs_guard(models_)
        return super().write(vals)

    def unlink(self):
        self._cs_guard(self.sudo().mapped("model"))  # sudo: the model names only
        return super().unlink()
