from odoo import api, fields, models

KPI_CODES = [
    ("satisfaction", "Satisfaction score"),
    ("closure", "Complaints handled on time (%)"),
    ("feedback", "Response deadlines met (%)"),
    ("fcr", "First-contact resolution (%)"),
    ("complaints", "Complaints owned"),
    ("penalty", "Penalty deductions"),
    ("turnover", "Team staff turnover (%)"),
]


class CsAppraisalKpi(models.Model):
    """Appraisal KPI targets and weights (R24): data, editable by CS managers."""

    _name = "cs.appraisal.kpi"
    _description = "Appraisal KPI target"
    _order = "sequence, id"

    code = fields.Selection(selection=KPI_CODES, required=True)
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        comodel_name="res.company", help="Leave empty for every company."
    )
    comparator = fields.Selection(
        selection=[(">=", "at least"), ("<=", "at most")],
        required=True,
        default=">=",
    )
    target = fields.Float(help="Leave 0 with 'at least' for a KPI without target.")
    weight = fields.Float(
        help="Weight in the weighted total (0-100 KPIs). For penalty deductions: "
        "points deducted from the total per responsibility line with a penalty.",
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("weight_positive", "CHECK(weight >= 0)", "A KPI weight cannot be negative."),
    ]

    @api.model
    def _for_company(self, company):
        """{code: kpi}, the company's own KPI before the shared one."""
        res = {}
        for kpi in self.search(
            [("company_id", "in", [company.id, False])],
            order="company_id, sequence, id",
        ):
            res.setdefault(kpi.code, kpi)
        return res

    def _verdict(self, value):
        """'met', 'not_met', or 'na' when there is nothing to judge."""
        if not self or value is None:
            return "na"
        self.ensure_one()
        ok = value >= self.target if self.comparator == ">=" else value <= self.target
        return "met" if ok else "not_met"
