# Copyright 2026 cs-center
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models, tools


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

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self.env.registry.clear_cache()
        return records

    def write(self, vals):
        result = super().write(vals)
        self.env.registry.clear_cache()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result

    @api.model
    @tools.ormcache("medium")
    def _cs_policy_rows(self, medium):
        """Every active policy of a medium as plain tuples (company, team, queue,
        live-chat channel, limit), most specific first. Cached per worker (the PBX
        endpoint asks for every event) and cleared when a policy changes; read
        with sudo: the PBX endpoint and visitors' messages run as the public
        user."""
        # sudo: the PBX endpoint and visitors' messages run as the public user
        policies = self.sudo().search([("medium", "=", medium)])
        policies = policies.sorted(
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
        return tuple(
            (
                p.company_id.id,
                p.team_id.id,
                p.queue or False,
                p.livechat_channel_id.id,
                p.limit_seconds,
            )
            for p in policies
        )

    @api.model
    def _cs_limit(
        self, medium, company, team=None, queue=None, livechat_channel=None, cache=None
    ):
        """Seconds allowed for the first answer; the most specific policy wins.
        Fallback when no policy matches: 30 s for calls, 60 s for chats."""
        company_id = company.id
        team_id = team.id if team else False
        channel_id = livechat_channel.id if livechat_channel else False
        key = (medium, company_id, team_id, queue, channel_id)
        if cache is not None and key in cache:
            return cache[key]
        limit = 30 if medium == "call" else 60
        for p_company, p_team, p_queue, p_channel, p_limit in self._cs_policy_rows(
            medium
        ):
            if (
                (not p_company or p_company == company_id)
                and (not p_team or p_team == team_id)
                and (not p_queue or p_queue == queue)
                and (not p_channel or p_channel == channel_id)
            ):
                limit = p_limit
                break
        if cache is not None:
            cache[key] = limit
        return limit
