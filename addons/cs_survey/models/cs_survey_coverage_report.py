from odoo import fields, models, tools


class CsSurveyCoverageReport(models.Model):
    """Satisfaction survey coverage per company and year against the target
    (R22): customers sent a satisfaction survey that year over the active
    customers (partners with a segment, as the campaigns sample them today)."""

    _name = "cs.survey.coverage.report"
    _description = "Survey coverage against target"
    _auto = False
    _order = "year desc, company_id"
    _rec_name = "year"

    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    year = fields.Date(readonly=True)
    surveyed_count = fields.Integer(string="Customers surveyed", readonly=True)
    population_count = fields.Integer(string="Active customers", readonly=True)
    coverage = fields.Float(string="Coverage (%)", readonly=True, aggregator="avg")
    target_rate = fields.Float(
        string="Yearly target (%)", readonly=True, aggregator="avg"
    )
    target_met = fields.Boolean(readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""
            CREATE OR REPLACE VIEW {self._table} AS (
                WITH sent AS (
                    SELECT ui.cs_company_id AS company_id,
                           date_trunc('year', ui.cs_sent_date)::date AS year,
                           COUNT(DISTINCT ui.partner_id) AS surveyed
                      FROM survey_user_input ui
                      JOIN survey_survey s ON s.id = ui.survey_id
                     WHERE s.cs_is_satisfaction
                       AND ui.cs_sent_date IS NOT NULL
                       AND ui.cs_company_id IS NOT NULL
                       AND ui.partner_id IS NOT NULL
                  GROUP BY 1, 2
                ), population AS (
                    SELECT c.id AS company_id, COUNT(p.id) AS population
                      FROM res_company c
                      JOIN res_partner p
                        ON p.cs_segment IS NOT NULL AND p.active
                       AND (p.company_id = c.id OR p.company_id IS NULL)
                  GROUP BY c.id
                ), target AS (
                    SELECT c.id AS company_id,
                           COALESCE(
                               (SELECT t.yearly_rate FROM cs_survey_coverage_target t
                                 WHERE t.company_id = c.id OR t.company_id IS NULL
                              ORDER BY t.company_id NULLS LAST LIMIT 1),
                               0) AS rate
                      FROM res_company c
                )
                SELECT row_number() OVER (ORDER BY sent.year, sent.company_id) AS id,
                       sent.company_id,
                       sent.year,
                       sent.surveyed AS surveyed_count,
                       COALESCE(population.population, 0) AS population_count,
                       CASE WHEN COALESCE(population.population, 0) > 0
                            THEN round(100.0 * sent.surveyed / population.population, 2)
                            ELSE 0 END AS coverage,
                       target.rate AS target_rate,
                       COALESCE(population.population, 0) > 0
                         AND 100.0 * sent.surveyed
                             / population.population >= target.rate
                         AS target_met
                  FROM sent
             LEFT JOIN population ON population.company_id = sent.company_id
             LEFT JOIN target ON target.company_id = sent.company_id
            )
            """
        )
