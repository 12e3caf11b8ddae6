from odoo import api, fields, models


class CsResolution(models.Model):
    _inherit = "cs.resolution"

    # copied from the ticket when the proposal is made (stored computes:
    # workflow-only); a supervisor's change on the ticket reaches draft proposals
    cs_sales_team_id = fields.Many2one(
        comodel_name="crm.team",
        string="Sales team",
        compute="_compute_cs_sales",
        store=True,
        index=True,
        help="The customer's sales team: its leader approves the first tier.",
    )
    cs_salesperson_id = fields.Many2one(
        comodel_name="res.users",
        string="Salesperson",
        compute="_compute_cs_sales",
        store=True,
        index=True,
    )
    cs_tier1_reviewer_ids = fields.Many2many(
        comodel_name="res.users",
        string="First-tier approver",
        compute="_compute_cs_tier1_reviewer_ids",
        help="The leader of the proposal's sales team. Empty when the team has no "
        "(active) leader of the proposal's company: the first tier then goes to "
        "the tier definition's group (Sales Department Manager).",
    )

    @api.depends("ticket_id")
    def _compute_cs_sales(self):
        for rec in self:
            ticket = rec.ticket_id.sudo()  # sudo: the ticket's sales fields only
            rec.cs_sales_team_id = ticket.cs_sales_team_id
            rec.cs_salesperson_id = ticket.cs_salesperson_id

    @api.depends("cs_sales_team_id.user_id")
    def _compute_cs_tier1_reviewer_ids(self):
        for rec in self:
            # sudo: the team's leader, whoever evaluates the tiers
            leader = rec.sudo().cs_sales_team_id.user_id
            if leader.active and rec.company_id in leader.company_ids:
                rec.cs_tier1_reviewer_ids = leader
            else:
                rec.cs_tier1_reviewer_ids = False
