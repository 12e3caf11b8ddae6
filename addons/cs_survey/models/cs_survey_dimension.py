from odoo import fields, models


class CsSurveyDimension(models.Model):
    """What an answer measures (overall satisfaction, an agent's attitude, product
    quality, price...). Questions and matrix rows are mapped to dimensions."""

    _name = "cs.survey.dimension"
    _description = "Satisfaction dimension"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    kind = fields.Selection(
        selection=[
            ("overall", "Overall"),
            ("agent", "Agent"),
            ("business", "Business"),
        ],
        required=True,
        default="business",
        help="Agent dimensions rate the agents who served the ticket and feed their "
        "appraisal; the others describe the company's products and service.",
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("code_uniq", "unique(code)", "The code of a dimension must be unique."),
    ]
