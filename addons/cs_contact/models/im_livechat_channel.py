# Copyright 2026 cs-center
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ImLivechatChannel(models.Model):
    _inherit = "im_livechat.channel"

    cs_team_id = fields.Many2one(
        comodel_name="helpdesk.ticket.team",
        string="Customer-service team",
        help="Team whose online first-response rate this channel's chats count for, "
        "and of the tickets opened from them.",
    )
