from odoo import models
from odoo.exceptions import AccessError

from ..models.tier_review import GUARDED_MODELS


class CommentWizard(models.TransientModel):
    _inherit = "comment.wizard"

    def add_comment(self):
        """Comments on reviews of a proposal: only the user's own pending reviews;
        other tier-validated models keep base_tier_validation's behaviour."""
        self.ensure_one()
        if self.res_model not in GUARDED_MODELS:
            return super().add_comment()
        reviews = self.review_ids
        if reviews.filtered(
            lambda r: (
                self.env.user not in r.reviewer_ids
                or r.model != self.res_model
                or r.res_id != self.res_id
                or r.status not in ("waiting", "pending")
            )
        ):
            raise AccessError(
                self.env._("You can only comment on your own pending reviews.")
            )
        record = self.env[self.res_model].browse(self.res_id)
        record.check_access("read")
        # sudo + grant: the reviews were checked above to be the user's own pending
        # reviews of this proposal
        with record._cs_workflow_step("tier.review"):
            # sudo: inside the grant; the user's own pending reviews
            return super(CommentWizard, self.sudo()).add_comment()
