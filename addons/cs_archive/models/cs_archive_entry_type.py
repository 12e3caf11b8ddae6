from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CsArchiveEntryType(models.Model):
    """What can be archived, and for how long (R26). Types are data: the
    ticket kinds come with this addon; bridges (surveys, callbacks) add theirs."""

    _name = "cs.archive.entry.type"
    _description = "Customer-service archive entry type"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        help="Technical key used by the code that archives (e.g. 'complaint').",
    )
    sequence = fields.Integer(default=10)
    res_model = fields.Char(
        string="Source model",
        help="Model of the records archived under this type (informative).",
    )
    retention_years = fields.Integer(
        required=True,
        default=5,
        help="Years an entry is kept after it was archived. Lengthening applies to "
        "existing entries; shortening applies only to entries archived afterwards "
        "(an entry is never disposable before the period it was archived with).",
    )
    notice_days = fields.Integer(
        string="Notice before expiry (days)",
        default=90,
        help="Entries appear in 'Nearing expiry' this many days before they expire.",
    )
    description = fields.Text(help="Why this retention period (legal basis).")
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("code_unique", "unique(code)", "The code of an archive entry type is unique.")
    ]

    @api.constrains("retention_years", "notice_days")
    def _check_years(self):
        bad = self.filtered(lambda t: t.retention_years < 1 or t.notice_days < 0)
        if bad:
            raise ValidationError(
                self.env._(
                    "A retention period is at least one year and the notice is not "
                    "negative (%(types)s).",
                    types=", ".join(bad.mapped("name")),
                )
            )

    @api.model
    def _get_by_code(self, code):
        # sudo: configuration lookup by the archiving code, nothing is exposed
        entry_type = (
            self.sudo().with_context(active_test=False).search([("code", "=", code)])
        )
        if not entry_type:
            raise ValidationError(
                self.env._("Unknown archive entry type %(code)s.", code=code)
            )
        return entry_type
