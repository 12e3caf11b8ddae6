# Copyright 2026 cs-center
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    cs_pbx_extension = fields.Char(
        string="PBX extension",
        index="btree_not_null",
        copy=False,
        groups="base.group_system,cs_center.group_cs_manager",
        help="The agent's extension or login on the PBX; events naming it are "
        "attributed to this user.",
    )
