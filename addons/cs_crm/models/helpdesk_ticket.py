from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    # the customer's sales team and salesperson (stored computes: workflow-only in
    # cs.workflow.mixin, changed by a client only through _cs_set_sales)
    cs_sales_team_id = fields.Many2one(
        comodel_name="crm.team",
        string="Sales team",
        compute="_compute_cs_sales",
        store=True,
        index=True,
        help="The customer's sales team: the team of the customer's salesperson "
        "(a CS supervisor may change it with a reason). Its leader approves the "
        "first tier of the ticket's resolution proposals.",
    )
    cs_salesperson_id = fields.Many2one(
        comodel_name="res.users",
        string="Salesperson",
        compute="_compute_cs_sales",
        store=True,
        index=True,
        help="The customer's salesperson (from the customer; a CS supervisor may "
        "change it with a reason).",
    )
    cs_sales_overridden = fields.Boolean(
        string="Sales team set by a supervisor", readonly=True, copy=False
    )
    cs_sales_override_reason = fields.Text(
        string="Reason for the sales team change", readonly=True, copy=False
    )

    @api.depends("partner_id")
    def _compute_cs_sales(self):
        for ticket in self:
            if ticket.cs_sales_overridden:
                continue
            # sudo: the customer's commercial settings, whoever creates the ticket
            partner = ticket.partner_id.sudo()
            commercial = partner.commercial_partner_id
            user = partner.user_id or commercial.user_id
            # the partner's own team when `sale` adds one, else the salesperson's
            team = self.env["crm.team"]
            if "team_id" in partner._fields:
                team = partner.team_id or commercial.team_id
            team = team or user.sale_team_id
            ticket.cs_salesperson_id = user
            ticket.cs_sales_team_id = team

    # ------------------------------------------------------------------ override
    def _ensure_can_set_sales(self, team, user, reason):
        if not self.env.user.has_group("cs_center.group_cs_supervisor"):
            raise AccessError(
                self.env._(
                    "Only a CS supervisor can change the sales team or the "
                    "salesperson of a ticket."
                )
            )
        self.check_access("write")
        if not (reason or "").strip():
            raise ValidationError(
                self.env._("Give the reason for changing the sales team.")
            )
        for ticket in self:
            # sudo: the team's and user's companies only
            team_company = team.sudo().company_id
            if team_company and team_company != ticket.company_id:
                raise ValidationError(
                    self.env._(
                        "The sales team %(team)s belongs to another company than "
                        "%(ticket)s.",
                        # sudo: the team's name in the message (another company's team)
                        team=team.sudo().display_name,
                        ticket=ticket.display_name,
                    )
                )
            # sudo: the user's companies, for the check
            if user and ticket.company_id not in user.sudo().company_ids:
                raise ValidationError(
                    self.env._(
                        "%(user)s has no access to the company of %(ticket)s.",
                        # sudo: the user's name in the message
                        user=user.sudo().display_name,
                        ticket=ticket.display_name,
                    )
                )
        # sudo: the proposals' states only (the supervisor may not read them all)
        pending = self.sudo().resolution_ids.filtered(lambda r: r.state == "to_approve")
        if pending:
            raise UserError(
                self.env._(
                    "%(names)s is under approval by the current sales team's leader: "
                    "take it back to draft before changing the sales team.",
                    names=", ".join(pending.mapped("display_name")),
                )
            )

    def _cs_set_sales(self, team, user, reason):
        """A CS supervisor sets the ticket's sales team and salesperson, with a
        reason logged in the chatter; draft proposals follow, decided ones keep
        theirs (history)."""
        team = team or self.env["crm.team"]
        user = user or self.env["res.users"]
        self._ensure_can_set_sales(team, user, reason)
        for ticket in self:
            # sudo: names for the history note only
            old_team = ticket.cs_sales_team_id.sudo().display_name or "-"
            # sudo: names for the history note only
            old_user = ticket.cs_salesperson_id.sudo().display_name or "-"
            ticket._cs_workflow_write(
                {
                    "cs_sales_team_id": team.id,
                    "cs_salesperson_id": user.id,
                    "cs_sales_overridden": True,
                    "cs_sales_override_reason": reason.strip(),
                }
            )
            # sudo: the ticket's draft proposals follow its sales team (checked above)
            drafts = ticket.sudo().resolution_ids.filtered(lambda r: r.state == "draft")
            drafts._cs_res_write(
                {"cs_sales_team_id": team.id, "cs_salesperson_id": user.id}
            )
            ticket.message_post(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "Sales team changed by %(by)s: %(old_team)s / %(old_user)s → "
                    "%(team)s / %(user)s. Reason: %(reason)s",
                    by=self.env.user.name,
                    old_team=old_team,
                    old_user=old_user,
                    # sudo: names for the history note only
                    team=team.sudo().display_name or "-",
                    # sudo: names for the history note only
                    user=user.sudo().display_name or "-",
                    reason=reason.strip(),
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_cs_sales_override(self):
        self.ensure_one()
        if not self.env.user.has_group("cs_center.group_cs_supervisor"):
            raise AccessError(
                self.env._(
                    "Only a CS supervisor can change the sales team or the "
                    "salesperson of a ticket."
                )
            )
        self.check_access("write")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Change the sales team"),
            "res_model": "cs.sales.override.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_ticket_id": self.id,
                "default_team_id": self.cs_sales_team_id.id,
                "default_user_id": self.cs_salesperson_id.id,
            },
        }

    @api.model
    def _cs_crm_demo_assign_sales(self):
        """Demo data only (loaded while the registry is being built): the existing
        tickets take their customers' sales team; draft proposals follow."""
        if self.env.registry.ready:
            raise AccessError(self.env._("Only the demo data loader calls this."))
        tickets = self.search([("cs_sales_overridden", "=", False)])
        self.env.add_to_compute(self._fields["cs_sales_team_id"], tickets)
        self.env.add_to_compute(self._fields["cs_salesperson_id"], tickets)
        tickets.flush_recordset()
        proposals = self.env["cs.resolution"].search([("state", "=", "draft")])
        Resolution = self.env["cs.resolution"]
        self.env.add_to_compute(Resolution._fields["cs_sales_team_id"], proposals)
        self.env.add_to_compute(Resolution._fields["cs_salesperson_id"], proposals)
        proposals.flush_recordset()
