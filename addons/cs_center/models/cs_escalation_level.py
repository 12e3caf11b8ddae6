from odoo import fields, models


class CsEscalationLevel(models.Model):
    _name = "cs.escalation.level"
    _description = "Escalation level of overdue tickets"
    _order = "level, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    level = fields.Integer(
        required=True,
        help="Position on the ladder: each deadline reaches every level once, in "
        "increasing order.",
    )
    recipient = fields.Selection(
        selection=[
            ("first_owner", "First owner"),
            ("handler", "Current handler"),
            ("team_leader", "Team leader / supervisor"),
            ("cs_manager", "Customer-service manager"),
        ],
        required=True,
    )
    delay_hours = fields.Float(
        string="Hours after the deadline",
        required=True,
        default=0.0,
        help="The level is reached this many hours after the deadline was missed.",
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        help="Leave empty to apply to every company.",
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("level_positive", "CHECK(level > 0)", "The level must be positive."),
        ("delay_positive", "CHECK(delay_hours >= 0)", "The delay cannot be negative."),
    ]
