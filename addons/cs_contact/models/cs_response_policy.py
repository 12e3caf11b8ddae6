# Copyright 2026 cs-center
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class CsResponsePolicy(models.Model):
    """First-response limits (R6) as data: hotline answered within 30 s, online
    enquiries within 60 s by default; per team, PBX queue or live-chat channel."""

    _name = "cs.response.policy"
    _description = "First-response policy"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        comodel_name="res.company", help="Leave empty for every company."
    )
    medium = fields.Selection(
        selection=[("call", "Hotline call"), ("chat", "Online chat")], required=True
    )
    team_id = fields.Many2one(
        comodel_name="helpdesk.ticket.team", help="Leave empty for every team."
    )
    queue = fields.Char(
        string="PBX queue",
        help="Calls only: the PBX queue code; empty for every queue.",
    )
    livechat_channel_id = fields.Many2one(
        comodel_name="im_livechat.channel",
        string="Live-chat channel",
        help="Chats only: empty for every channel.",
    )
    limit_seconds = fields.Integer(
        string="Limit (seconds)",
        required=True,
        default=30,
        help="The contact is answered in time when the first answer comes within "
        "this many seconds.",
    )

    _sql_constraints = [
        (
            "limit_positive",
            "CHECK(limit_seconds > 0)",
            "A first-response limit must be a positive number of seconds.",
        ),
    ]

    @api.model
    def _cs_policies(self, medium):
        """Every active policy of a medium, most specific first (read with sudo:
        the PBX endpoint and visitors' messages run as the public user)."""
        # sudo: the PBX endpoint and visitors' messages run as the public user
        policies = self.sudo().search([("medium", "=", medium)])
        return policies.sorted(
            lambda p: (
                -(
                    bool(p.company_id)
                    + bool(p.team_id)
                    + bool(p.queue)
                    + bool(p.livechat_channel_id)
                ),
                p.sequence,
                p.id,
            )
        )

    @api.model
    def _cs_limit(
        self, medium, company, team=None, queue=None, livechat_channel=None, cache=None
    ):
        """Seconds allowed for the first answer; the most specific policy wins.
        Fallback when no policy matches: 30 s for calls, 60 s for chats."""
        key = (
            medium,
            company.id,
            team and team.id,
            queue,
            livechat_channel and livechat_channel.id,
        )
        if cache is not None and key in cache:
            return cache[key]
        limit = 30 if medium == "call" else 60
        for policy in self._cs_policies(medium):
            if (
                (not policy.company_id or policy.company_id == company)
                and (not policy.team_id or policy.team_id == team)
                and (not policy.queue or policy.queue == queue)
                and (
                    not policy.livechat_channel_id
                    or policy.livechat_channel_id == livechat_channel
                )
            ):
                limit = policy.limit_seconds
                break
        if cache is not None:
            cache[key] = limit
        return limit
