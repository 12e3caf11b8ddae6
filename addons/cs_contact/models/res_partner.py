# Copyright 2026 cs-center
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models
from odoo.tools.sql import create_index

# the key a caller's number is matched on: its last 11 digits (a Chinese mobile
# number, or area code and number of a landline, whatever the prefix +86 / 0)
PHONE_KEY_SQL = "RIGHT(REGEXP_REPLACE({column}, '\\D', '', 'g'), 11)"


class ResPartner(models.Model):
    _inherit = "res.partner"

    def init(self):
        """Expression indexes on the normalised phone and mobile: the PBX endpoint
        finds the caller with an index lookup, not a scan of every contact (and
        no column to keep up to date when a phone number changes)."""
        res = super().init()
        for column in ("phone", "mobile"):
            create_index(
                self.env.cr,
                f"res_partner_cs_{column}_key_index",
                "res_partner",
                [PHONE_KEY_SQL.format(column=column)],
                where=f"{column} IS NOT NULL AND active",
            )
        return res
