# Copyright 2026 cs-center
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Online chat first response (R6, online): measured when the messages are posted.

When the visitor first wrote, when an operator (internal user) first answered,
the seconds between them against the policy (default 60 s, per live-chat channel
or team), met / missed. The fields are set only here (message time) and by the
job that marks unanswered chats missed (one set-based UPDATE): no client writes
them, whatever the context (guard in create/write).
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError

CS_CHAT_FIELDS = {
    "cs_visitor_first_date",
    "cs_operator_first_date",
    "cs_first_operator_id",
    "cs_first_response_seconds",
    "cs_response_limit",
    "cs_response_state",
    "cs_team_id",
    "cs_ticket_id",
}


class DiscussChannel(models.Model):
    _inherit = "discuss.channel"

    cs_visitor_first_date = fields.Datetime(
        string="Visitor first wrote", readonly=True, copy=False
    )
    cs_operator_first_date = fields.Datetime(
        string="Operator first answered", readonly=True, copy=False
    )
    cs_first_operator_id = fields.Many2one(
        comodel_name="res.users",
        string="First answering operator",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    cs_first_response_seconds = fields.Float(
        string="First response (s)", readonly=True, copy=False, aggregator="avg"
    )
    cs_response_limit = fields.Integer(
        string="First-response limit (s)", readonly=True, copy=False
    )
    cs_response_state = fields.Selection(
        selection=[
            ("pending", "Waiting for an answer"),
            ("met", "Answered in time"),
            ("missed", "Not answered in time"),
        ],
        string="First response",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    cs_team_id = fields.Many2one(
        comodel_name="helpdesk.ticket.team",
        string="Customer-service team",
        readonly=True,
        copy=False,
    )
    cs_ticket_id = fields.Many2one(
        comodel_name="helpdesk.ticket",
        string="Ticket",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )

    # ------------------------------------------------------------------ guard
    def _cs_chat_granted(self):
        if not self.env.registry.ready:
            return True
        return bool(self.env.cr.cache.get("cs_workflow_grants", {}).get(self._name))

    def _cs_chat_check(self, names):
        forbidden = CS_CHAT_FIELDS & set(names)
        if forbidden and not self._cs_chat_granted():
            raise AccessError(
                self.env._(
                    "The first-response measures of a chat are recorded from its "
                    "messages only (%(fields)s).",
                    fields=", ".join(sorted(self._fields[f].string for f in forbidden)),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._cs_chat_check(
                set(vals)
                | {k[8:] for k in self.env.context if k.startswith("default_")}
            )
        return super().create(vals_list)

    def write(self, vals):
        self._cs_chat_check(vals)
        return super().write(vals)

    def _cs_chat_write(self, vals):
        # sudo inside the grant: recorded from a message the poster was allowed
        # to post (visitors are public users or guests)
        with self.env["cs.workflow.mixin"]._cs_workflow_step(self._name):
            # sudo: inside the grant, from a message the poster was allowed to post
            return self.sudo().write(vals)

    # ------------------------------------------------------------------ measuring
    def _message_post_after_hook(self, message, msg_vals):
        res = super()._message_post_after_hook(message, msg_vals)
        if self.channel_type == "livechat" and message.message_type == "comment":
            self._cs_measure_first_response(message)
        return res

    def _cs_operator_user(self, partner):
        """The internal user behind an author partner, if any (chatbots and
        visitors have none)."""
        # sudo: the author's user (visitors cannot read users)
        return partner.sudo().user_ids.filtered(lambda u: not u.share)[:1]

    def _cs_measure_first_response(self, message):
        self.ensure_one()
        # sudo: the first-response clock of the channel, posted by a visitor or operator
        channel = self.sudo()
        operator = self._cs_operator_user(message.author_id)
        if not operator:
            if message.author_id and message.author_id == channel.livechat_operator_id:
                return  # a chatbot's message
            if not channel.cs_visitor_first_date:
                team = channel.livechat_channel_id.cs_team_id
                limit = self.env["cs.response.policy"]._cs_limit(
                    "chat",
                    self.env.company,
                    team=team,
                    livechat_channel=channel.livechat_channel_id,
                )
                self._cs_chat_write(
                    {
                        "cs_visitor_first_date": message.date,
                        "cs_response_limit": limit,
                        "cs_response_state": "pending",
                        "cs_team_id": team.id,
                    }
                )
            return
        if channel.cs_visitor_first_date and not channel.cs_operator_first_date:
            seconds = max(
                0.0,
                (message.date - channel.cs_visitor_first_date).total_seconds(),
            )
            self._cs_chat_write(
                {
                    "cs_operator_first_date": message.date,
                    "cs_first_operator_id": operator.id,
                    "cs_first_response_seconds": seconds,
                    "cs_response_state": "met"
                    if seconds <= channel.cs_response_limit
                    else "missed",
                }
            )

    @api.model
    def _cron_cs_mark_unanswered(self):
        """Chats still waiting past their limit are missed: one UPDATE, idempotent."""
        self.env.flush_all()
        self.env.cr.execute(
            """
            UPDATE discuss_channel
               SET cs_response_state = 'missed'
             WHERE cs_response_state = 'pending'
               AND cs_visitor_first_date
                   + make_interval(secs => cs_response_limit)
                   < (now() at time zone 'UTC')
            """
        )
        done = self.env.cr.rowcount
        self.invalidate_model(["cs_response_state"])
        return done
