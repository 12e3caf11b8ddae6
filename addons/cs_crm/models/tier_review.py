from odoo import api, models


class TierReview(models.Model):
    _inherit = "tier.review"

    def _cs_field_reviewers(self):
        """Reviewers named by the definition's field, for definitions of type
        'field' that also name a group (the fallback)."""
        self.ensure_one()
        if (
            self.review_type != "field"
            or not self.reviewer_field_id
            or not (self.reviewer_group_id)
        ):
            return None
        resource = self.env[self.model].browse(self.res_id)
        return resource[self.reviewer_field_id.name]

    def _get_reviewers(self):
        # upstream takes the group first and the field only without a group: a
        # definition of type 'field' with a group takes the field first and the
        # group when the field is empty (the sales team's leader, else the Sales
        # Department Manager group)
        reviewers = self._cs_field_reviewers()
        if reviewers:
            if reviewers._name == "res.groups":
                return reviewers.users
            return reviewers
        return super()._get_reviewers()

    @api.depends("reviewer_ids")
    def _compute_todo_by(self):
        res = super()._compute_todo_by()
        for rec in self:
            if rec.reviewer_ids and rec._cs_field_reviewers():
                rec.todo_by = ", ".join(rec.reviewer_ids[:3].mapped("display_name"))
        return res
