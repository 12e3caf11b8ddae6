# Copyright 2026 cs-center
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import escape

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class CsCallAction(models.Model):
    _inherit = "cs.call"  # pylint: disable=consider-merging-classes-inherited

    can_create_ticket = fields.Boolean(compute="_compute_can_create_ticket")

    # ------------------------------------------------------------------ callbacks
    @api.model
    def _cs_plan_callbacks(self, call_ids):
        """A missed or abandoned inbound call gets one callback activity for its
        team (team leader, else the PBX's responsible). The flag is set in the same
        statement that selects the calls: two workers never plan it twice."""
        if not call_ids:
            return self.browse()
        self.env.cr.execute(
            """
            UPDATE cs_call SET callback_planned = true
             WHERE id = ANY(%s) AND NOT callback_planned AND direction = 'inbound'
               AND outcome IN ('missed', 'abandoned')
            RETURNING id
            """,
            [list(call_ids)],
        )
        # sudo: the calls this statement just claimed (row lock), whoever's they are
        calls = self.sudo().browse([r[0] for r in self.env.cr.fetchall()])
        if not calls:
            return calls
        calls.invalidate_recordset(["callback_planned"])
        activity_type = self.env.ref("cs_contact.mail_activity_type_cs_callback")
        model_id = self.env["ir.model"]._get_id("cs.call")
        today = fields.Date.context_today(calls[:1])
        vals_list = []
        for call in calls:
            user = call.team_id.user_id or call.pbx_id.user_id
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": call.id,
                    "activity_type_id": activity_type.id,
                    "summary": self.env._(
                        "Call back %(number)s (%(outcome)s call)",
                        number=call.number or "?",
                        outcome=dict(
                            call._fields["outcome"]._description_selection(self.env)
                        ).get(call.outcome),
                    ),
                    "date_deadline": today,
                    "user_id": user.id or self.env.ref("base.user_admin").id,
                }
            )
        # sudo: planned by the call log itself (PBX endpoint or import)
        self.env["mail.activity"].sudo().with_context(
            mail_activity_quick_update=True
        ).create(vals_list)
        return calls

    @api.model
    def _cs_unplan_callbacks(self, call_ids):
        """A call planned for a callback turned out answered (its events came out
        of order): its open callback activity goes."""
        if not call_ids:
            return
        self.env.cr.execute(
            """
            UPDATE cs_call SET callback_planned = false
             WHERE id = ANY(%s) AND callback_planned AND outcome = 'answered'
            RETURNING id
            """,
            [list(call_ids)],
        )
        ids = [r[0] for r in self.env.cr.fetchall()]
        if ids:
            self.browse(ids).invalidate_recordset(["callback_planned"])
            activity_type = self.env.ref("cs_contact.mail_activity_type_cs_callback")
            # sudo: the callback activities of the claimed calls, any assignee
            self.env["mail.activity"].sudo().search(
                [
                    ("res_model", "=", "cs.call"),
                    ("res_id", "in", ids),
                    ("activity_type_id", "=", activity_type.id),
                ]
            ).unlink()

    # ------------------------------------------------------------------ ticket
    @api.depends("outcome", "ticket_id", "agent_id")
    @api.depends_context("uid")
    def _compute_can_create_ticket(self):
        user = self.env.user
        supervisor = user.has_group("cs_center.group_cs_supervisor")
        agent = user.has_group("cs_center.group_cs_agent")
        for call in self:
            call.can_create_ticket = bool(
                call.outcome == "answered"
                and not call.ticket_id
                and call.agent_id
                and agent
                and (call.agent_id == user or supervisor)
            )

    def _cs_ensure_can_create_ticket(self):
        self.check_access("read")
        for call in self:
            if not call.can_create_ticket:
                if call.ticket_id:
                    raise UserError(
                        self.env._(
                            "Call %(call)s already has ticket %(ticket)s.",
                            call=call.display_name,
                            ticket=call.ticket_id.display_name,
                        )
                    )
                if call.outcome != "answered" or not call.agent_id:
                    raise UserError(
                        self.env._(
                            "Only an answered call opens a ticket: its answering "
                            "agent becomes the first owner (%(call)s).",
                            call=call.display_name,
                        )
                    )
                raise AccessError(
                    self.env._(
                        "Only the answering agent or a CS supervisor opens a ticket "
                        "from call %(call)s.",
                        call=call.display_name,
                    )
                )
        self.env["helpdesk.ticket"].check_access("create")

    def _prepare_ticket_vals(self):
        self.ensure_one()
        channel = self.env.ref(
            "cs_center.helpdesk_ticket_channel_hotline", raise_if_not_found=False
        )
        vals = {
            "name": self.env._(
                "Hotline call from %(number)s", number=self.number or "?"
            ),
            "description": escape(
                self.env._(
                    "Call %(call)s answered by %(agent)s at %(answered)s.",
                    call=self.pbx_call_id,
                    agent=self.agent_id.name,
                    answered=self.answered_at,
                )
            ),
            "partner_id": self.partner_id.id,
            "team_id": self.team_id.id,
            "user_id": self.agent_id.id,
            "company_id": self.company_id.id,
        }
        if channel:
            vals["channel_id"] = channel.id
        return vals

    def action_create_ticket(self):
        """Open a ticket from an answered call: the answering agent receives it and
        becomes its first owner (cs_center's rule: the internal user who creates a
        ticket is its first owner, so it is created in the agent's name)."""
        self._cs_ensure_can_create_ticket()
        tickets = self.env["helpdesk.ticket"]
        for call in self:
            # sudo in the agent's name after the caller was checked: first owner
            ticket = (
                self.env["helpdesk.ticket"]
                .with_user(call.agent_id)
                # sudo: in the agent's name after the caller was checked: first owner
                .sudo()
                .with_company(call.company_id)
                .create(call._prepare_ticket_vals())
            )
            # sudo: workflow write of the call's ticket link, the caller was checked
            call.sudo()._cs_workflow_write({"ticket_id": ticket.id})
            ticket.message_post(
                body=escape(
                    self.env._(
                        "Opened from hotline call %(call)s.", call=call.display_name
                    )
                ),
                subtype_xmlid="mail.mt_note",
            )
            tickets |= ticket
        if len(tickets) == 1:
            return {
                "type": "ir.actions.act_window",
                "res_model": "helpdesk.ticket",
                "res_id": tickets.id,
                "view_mode": "form",
            }
        return True
