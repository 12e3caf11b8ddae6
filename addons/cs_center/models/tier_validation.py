from odoo import models


class TierValidation(models.AbstractModel):
    """Reviews are guarded (see tier_review.py): the workflow steps below write them
    in sudo. Each step keeps the user's identity (sudo keeps the uid), so the OCA
    code still only approves or rejects the reviews of the current user."""

    _inherit = "tier.validation"

    def request_validation(self):
        self.check_access("write")
        # sudo: the caller may write the document; reviews come from the definitions
        return (
            super(TierValidation, self.sudo()).request_validation().with_env(self.env)
        )

    def restart_validation(self):
        self.check_access("write")
        # sudo: the caller may write the document; restarting only removes reviews
        return super(TierValidation, self.sudo()).restart_validation()

    def _validate_tier(self, tiers=False):
        # sudo: the OCA step approves only reviews whose reviewers include the user
        return super(TierValidation, self.sudo())._validate_tier(tiers and tiers.sudo())

    def _rejected_tier(self, tiers=False):
        # sudo: the OCA step rejects only reviews whose reviewers include the user
        return super(TierValidation, self.sudo())._rejected_tier(tiers and tiers.sudo())

    def _update_counter(self, review_counter):
        # sudo: recomputes the review status of this document's reviews
        return super(TierValidation, self.sudo())._update_counter(review_counter)

    def _tier_validation_check_write_remove_reviews(self, vals):
        # sudo: the document write (checked by its own rights) resets its reviews
        return super(
            TierValidation, self.sudo()
        )._tier_validation_check_write_remove_reviews(vals)

    def unlink(self):
        # sudo: reviews of documents the user may delete go with them
        self.sudo().review_ids.unlink()
        self.invalidate_recordset(["review_ids"])
        return super().unlink()
