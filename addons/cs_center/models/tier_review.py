from odoo import api, models
from odoo.exceptions import AccessError

# What decides an approval: only the tier-validation workflow writes these, in sudo
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


class TierReview(models.Model):
    _inherit = "tier.review"

    def _cs_guard(self):
        if not self.env.su:
            raise AccessError(
                self.env._(
                    "Reviews are approved or rejected with the Validate and Reject "
                    "buttons of the document, by its reviewer; they cannot be written "
                    "directly."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._cs_guard()
        return super().create(vals_list)

    def write(self, vals):
        if GUARDED_FIELDS & vals.keys():
            self._cs_guard()
        return super().write(vals)

    def unlink(self):
        self._cs_guard()
        return super().unlink()
