# Copyright 2026 cs-center
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import hashlib
import hmac
import secrets

from odoo import api, fields, models
from odoo.exceptions import AccessError


def _hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


class CsPbx(models.Model):
    """A telephone exchange that reports its calls. One secret token per PBX,
    stored as a SHA-256 hash and compared in constant time."""

    _name = "cs.pbx"
    _description = "Telephone exchange (PBX)"
    _order = "name, id"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.company,
    )
    team_id = fields.Many2one(
        comodel_name="helpdesk.ticket.team",
        string="Default team",
        help="Team of the calls whose queue is not mapped below.",
    )
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        help="Gets the callbacks of missed calls of teams without a leader.",
    )
    queue_ids = fields.One2many(
        comodel_name="cs.pbx.queue", inverse_name="pbx_id", string="Queues"
    )
    token_hash = fields.Char(
        readonly=True, copy=False, index="btree_not_null", groups="base.group_system"
    )
    token_hint = fields.Char(
        string="Token (last characters)",
        readonly=True,
        copy=False,
        help="The token itself is shown once, when generated; only its hash is kept.",
    )

    def _cs_check_manager(self):
        if not self.env.user.has_group("cs_center.group_cs_manager"):
            raise AccessError(
                self.env._("Only a customer-service manager manages PBX tokens.")
            )

    def _cs_set_token(self, token):
        """Store the hash of ``token`` (the caller was checked)."""
        self.ensure_one()
        # sudo: the token's hash only; the caller was checked (CS manager)
        self.sudo().write(
            {"token_hash": _hash_token(token), "token_hint": "…" + token[-4:]}
        )

    def action_generate_token(self):
        """New token for the PBX; the old one stops working at once."""
        self.ensure_one()
        self._cs_check_manager()
        token = secrets.token_urlsafe(32)
        self._cs_set_token(token)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("New PBX token"),
                "message": self.env._(
                    "Configure this token in the PBX now; it is not shown again: "
                    "%(token)s",
                    token=token,
                ),
                "sticky": True,
                "type": "warning",
            },
        }

    @api.model
    def _cs_authenticate(self, token):
        """The active PBX whose token this is, else an empty recordset: one indexed
        lookup of the token's SHA-256 (tokens are 256-bit random, so a hash without
        a key-derivation function is enough), then a constant-time comparison."""
        if not token or len(token) > 512:
            return self.browse()
        digest = _hash_token(token)
        self.env.cr.execute(
            "SELECT id, token_hash FROM cs_pbx WHERE token_hash = %s AND active",
            [digest],
        )
        row = self.env.cr.fetchone()
        if row and hmac.compare_digest(digest, row[1]):
            return self.browse(row[0])
        return self.browse()


class CsPbxQueue(models.Model):
    _name = "cs.pbx.queue"
    _description = "PBX queue"
    _order = "code"

    pbx_id = fields.Many2one(comodel_name="cs.pbx", required=True, ondelete="cascade")
    code = fields.Char(required=True, help="Queue code as the PBX sends it.")
    team_id = fields.Many2one(comodel_name="helpdesk.ticket.team", required=True)

    _sql_constraints = [
        ("code_unique", "UNIQUE(pbx_id, code)", "A queue code is mapped once per PBX.")
    ]
