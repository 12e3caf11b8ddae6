from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    cs_archive_entry_count = fields.Integer(
        string="Archive entries",
        compute="_compute_cs_archive_entry_count",
        groups="cs_center.group_cs_agent,cs_archive.group_cs_archive_reader",
    )

    def _compute_cs_archive_entry_count(self):
        # counts what the user may read (record rules apply)
        data = dict(
            self.env["cs.archive.entry"]._read_group(
                [("partner_id", "child_of", self.commercial_partner_id.ids)],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.cs_archive_entry_count = sum(
                count
                for p, count in data.items()
                if p.commercial_partner_id == partner.commercial_partner_id
            )

    def action_view_cs_archive(self):
        """The customer's archive (档案): every entry, oldest first."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "cs_archive.cs_archive_entry_action_customer"
        )
        action["domain"] = [("partner_id", "child_of", self.commercial_partner_id.id)]
        action["context"] = {}
        return action
