from odoo import models
from odoo.exceptions import AccessError


class CommentWizard(models.TransientModel):
    _inherit = "comment.wizard"

    def add_comment(self):
        self.ensure_one()
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
        self.env[self.res_model].browse(self.res_id).check_access("read")
        # sudo: the reviews were checked above to be the user's own pending reviews
        return super(CommentWizard, self.sudo()).add_comment()
