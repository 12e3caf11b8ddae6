# Copyright 2026 cs-center
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class DiscussChannelTicket(models.Model):
    _inherit = "discuss.channel"  # pylint: disable=consider-merging-classes-inherited

    cs_can_create_ticket = fields.Boolean(compute="_compute_cs_can_create_ticket")

    @api.depends("cs_ticket_id", "livechat_operator_id", "channel_type")
    @api.depends_context("uid")
    def _compute_cs_can_create_ticket(self):
        user = self.env.user
        agent = user.has_group("cs_center.group_cs_agent")
        supervisor = user.has_group("cs_center.group_cs_supervisor")
        for channel in self:
            channel.cs_can_create_ticket = bool(
                agent
                and channel.channel_type == "livechat"
                and not channel.cs_ticket_id
                and channel._cs_chat_operator()
                and (channel.livechat_operator_id == user.partner_id or supervisor)
            )

    def _cs_chat_operator(self):
        self.ensure_one()
        return self.cs_first_operator_id or self._cs_operator_user(
            # sudo: the channel's operator, whoever triggers the ticket
            self.sudo().livechat_operator_id
        )

    def _cs_chat_customer(self):
        """The visitor's contact: a member partner that is neither an internal user
        nor the public user."""
        self.ensure_one()
        public = self.env.ref("base.public_partner", raise_if_not_found=False)
        # sudo: the members of the channel, to find the visitor's contact
        for member in self.sudo().channel_member_ids:
            partner = member.partner_id
            if partner and partner != public and not self._cs_operator_user(partner):
                return partner
        return self.env["res.partner"]

    def _cs_ensure_can_create_ticket(self):
        self.check_access("read")
        for channel in self:
            if channel.channel_type != "livechat":
                raise UserError(self.env._("Only a live chat opens a ticket."))
            if channel.cs_ticket_id:
                raise UserError(
                    self.env._(
                        "This chat already has ticket %(ticket)s.",
                        ticket=channel.cs_ticket_id.display_name,
                    )
                )
            if not channel.cs_can_create_ticket:
                raise AccessError(
                    self.env._(
                        "Only the chat's operator or a CS supervisor opens a ticket "
                        "from this chat."
                    )
                )
        self.env["helpdesk.ticket"].check_access("create")

    def _prepare_cs_ticket_vals(self):
        self.ensure_one()
        # sudo: the channel's facts for the ticket; the caller was checked
        channel = self.sudo()
        chat = self.env.ref(
            "cs_center.helpdesk_ticket_channel_chat", raise_if_not_found=False
        )
        customer = self._cs_chat_customer()
        team = channel.cs_team_id or channel.livechat_channel_id.cs_team_id
        vals = {
            "name": self.env._(
                "Online chat with %(visitor)s",
                visitor=customer.name or channel.anonymous_name or "?",
            ),
            "description": escape(
                self.env._("Opened from online chat %(chat)s.", chat=channel.name)
            ),
            "partner_id": customer.id,
            "team_id": team.id,
            "user_id": self._cs_chat_operator().id,
        }
        if chat:
            vals["channel_id"] = chat.id
        return vals

    def action_cs_create_ticket(self):
        """Ticket from a chat: the operator is its first owner (created in the
        operator's name, cs_center's rule), the transcript goes to its chatter and
        the chat's first answer is the ticket's first response."""
        self._cs_ensure_can_create_ticket()
        tickets = self.env["helpdesk.ticket"]
        for channel in self:
            operator = channel._cs_chat_operator()
            vals = channel._prepare_cs_ticket_vals()
            # sudo: in the operator's name after the caller was checked: first owner
            ticket = self.env["helpdesk.ticket"].with_user(operator).sudo().create(vals)
            channel._cs_chat_write({"cs_ticket_id": ticket.id})
            # sudo: the transcript of the channel the caller was checked on
            history = channel.sudo()._get_channel_history()
            ticket.message_post(
                body=Markup("<p>%s</p>%s")
                % (self.env._("Transcript of the online chat:"), history),
                subtype_xmlid="mail.mt_note",
            )
            # sudo: the chat's first answer date, for the ticket's first response
            first = channel.sudo().cs_operator_first_date
            if first and ticket.cs_regulated and not ticket.first_reply_date:
                # the chat's first answer reached the customer: the ticket's first
                # response (workflow write, after the caller was checked above)
                # sudo: workflow write after the caller was checked above
                ticket.sudo()._cs_workflow_write({"first_reply_date": first})
                ticket._cs_mark_event("first_reply", first)
            tickets |= ticket
        if len(tickets) == 1:
            return {
                "type": "ir.actions.act_window",
                "res_model": "helpdesk.ticket",
                "res_id": tickets.id,
                "view_mode": "form",
            }
        return True
