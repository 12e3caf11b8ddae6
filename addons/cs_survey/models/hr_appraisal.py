from markupsafe import Markup, escape

from odoo import api, fields, models

from .cs_appraisal_period import PERIOD_TYPES, period_end, period_start


class HrAppraisal(models.Model):
    _inherit = "hr.appraisal"

    cs_period_type = fields.Selection(
        selection=PERIOD_TYPES,
        string="Service-centre period",
        default="month",
        help="The appraisal shows the employee's published customer-service scores "
        "of this period: the month, quarter or year that contains the appraisal "
        "date.",
    )
    cs_period_start = fields.Date(
        string="Scores from", compute="_compute_cs_period", store=True
    )
    cs_period_end = fields.Date(
        string="Scores to", compute="_compute_cs_period", store=True
    )
    cs_scores_html = fields.Html(
        string="Customer-service scores",
        compute="_compute_cs_score_ids",
        sanitize=False,
    )
    cs_score_ids = fields.Many2many(
        comodel_name="cs.appraisal.score",
        string="Customer-service score lines",
        compute="_compute_cs_score_ids",
    )

    @api.depends("date_close", "cs_period_type")
    def _compute_cs_period(self):
        for appraisal in self:
            if appraisal.date_close and appraisal.cs_period_type:
                start = period_start(appraisal.date_close, appraisal.cs_period_type)
                appraisal.cs_period_start = start
                appraisal.cs_period_end = period_end(start, appraisal.cs_period_type)
            else:
                appraisal.cs_period_start = appraisal.cs_period_end = False

    @api.depends("employee_id", "cs_period_start", "cs_period_type")
    def _compute_cs_score_ids(self):
        # sudo: whoever may read the appraisal (the employee, their managers, HR)
        # may read the employee's published scores of its period, and only those
        Score = self.env["cs.appraisal.score"].sudo()
        rows = Score.search(
            [
                ("employee_id", "in", self.employee_id.ids),
                ("state", "=", "published"),
                ("date_start", "in", [d for d in self.mapped("cs_period_start") if d]),
            ],
            order="version desc",
        )
        for appraisal in self:
            mine = rows.filtered(
                lambda r, a=appraisal: (
                    r.employee_id == a.employee_id
                    and r.date_start == a.cs_period_start
                    and r.period_type == a.cs_period_type
                )
            )
            # the latest published version only
            appraisal.cs_score_ids = mine[:1].with_env(self.env)
            appraisal.cs_scores_html = appraisal._cs_render_scores(mine[:1])

    def _cs_render_scores(self, line):
        if not line:
            return escape(
                self.env._("No published customer-service scores for this period.")
            )
        verdicts = dict(
            line._fields["closure_verdict"]._description_selection(self.env)
        )
        rows = [
            (
                self.env._("Satisfaction score"),
                f"{line.satisfaction_score:.1f} ({line.satisfaction_counted})",
                line.satisfaction_verdict,
            ),
            (
                self.env._("Complaints handled on time (%)"),
                f"{line.closure_rate:.1f} ({line.closure_met}/{line.closure_total})",
                line.closure_verdict,
            ),
            (
                self.env._("Response deadlines met (%)"),
                f"{line.feedback_rate:.1f} ({line.feedback_met}/{line.feedback_total})",
                line.feedback_verdict,
            ),
            (
                self.env._("First-contact resolution (%)"),
                f"{line.fcr_rate:.1f} ({line.fcr_count}/{line.fcr_total})",
                line.fcr_verdict,
            ),
            (self.env._("Complaints owned"), str(line.complaints_owned), False),
            (
                self.env._("Penalty deductions"),
                f"{line.penalty_amount:.2f} ({line.penalty_count})",
                False,
            ),
            (self.env._("Weighted total"), f"{line.weighted_total:.1f}", False),
        ]
        body = Markup("").join(
            Markup("<tr><td>%s</td><td>%s</td><td>%s</td></tr>")
            % (label, value, verdicts.get(verdict, ""))
            for label, value, verdict in rows
        )
        # sudo: the period's name and date of a line the reader is entitled to
        title = self.env._(
            "%(period)s, published on %(date)s",
            period=line.period_id.sudo().name,
            # sudo: see above
            date=line.period_id.sudo().published_date,
        )
        return Markup(
            '<p>%s</p><table class="table table-sm"><tbody>%s</tbody></table>'
        ) % (title, body)
