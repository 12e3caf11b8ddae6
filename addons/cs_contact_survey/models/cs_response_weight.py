# Copyright 2026 cs-center
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class CsResponseWeight(models.Model):
    """Weights of the parts of the appraisal KPI "response time met" (R6, R24):
    data, edited by CS managers. Defaults: hotline calls 40, online chats 30,
    feedback deadlines 30."""

    _name = "cs.response.weight"
    _description = "Response time KPI weight"
    _order = "medium, company_id"

    medium = fields.Selection(
        selection=[
            ("call", "Hotline calls answered in time"),
            ("chat", "Online chats answered in time"),
            ("feedback", "Feedback deadlines met"),
        ],
        required=True,
    )
    company_id = fields.Many2one(
        comodel_name="res.company", help="Leave empty for every company."
    )
    weight = fields.Float(required=True, default=1.0)

    _sql_constraints = [
        ("weight_positive", "CHECK(weight >= 0)", "A KPI weight cannot be negative."),
        (
            "medium_company_unique",
            "UNIQUE(medium, company_id)",
            "One weight per part and company.",
        ),
    ]

    @api.model
    def _cs_weights(self, company):
        """{medium: weight}, the company's own weight before the shared one."""
        res = {}
        # sudo: configuration read by every agent and by jobs
        for weight in self.sudo().search(
            [("company_id", "in", [company.id, False])],
            order="company_id, id",
        ):
            res.setdefault(weight.medium, weight.weight)
        return res
