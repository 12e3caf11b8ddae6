from odoo import api, fields, models, tools
from odoo.exceptions import AccessError
from odoo.tools import SQL


class CsArchiveMissing(models.Model):
    """Completeness check (R26 "tidy periodically"): closed tickets of
    customer-service teams whose current round has no archive entry (the selection
    of ``helpdesk.ticket._cs_archive_missing_sql``)."""

    _name = "cs.archive.missing"
    _description = "Closed ticket missing from the customer-service archive"
    _auto = False
    _order = "closed_date, id"

    ticket_id = fields.Many2one(comodel_name="helpdesk.ticket", readonly=True)
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    partner_id = fields.Many2one(
        comodel_name="res.partner", string="Customer", readonly=True
    )
    request_kind = fields.Selection(
        related="ticket_id.request_kind", string="Kind", readonly=True
    )
    round_number = fields.Integer(string="Round", readonly=True)
    closed_date = fields.Datetime(readonly=True)
    first_owner_id = fields.Many2one(comodel_name="res.users", readonly=True)

    def init(self):
        from_, where = self.env["helpdesk.ticket"]._cs_archive_missing_sql()
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE VIEW %s AS
                SELECT x.id, x.id AS ticket_id, x.company_id, x.partner_id,
                       x.round_number, x.closed_date, x.first_owner_id
                  FROM %s
                 WHERE %s
                """,
                SQL.identifier(self._table),
                from_,
                where,
            )
        )

    def action_archive_now(self):
        """Archive the selected tickets now (archive managers)."""
        if not self.env.user.has_group("cs_archive.group_cs_archive_manager"):
            raise AccessError(self.env._("Only an archive manager can do this."))
        # sudo: the archive snapshots the whole ticket; an archive manager reads
        # every entry anyway, and nothing of the ticket is returned here
        self.sudo().ticket_id._cs_archive(reason="completeness")
        return True

    @api.model
    def _cron_archive_missing(self, batch_size=500):
        """Scheduled job: archive closed tickets missing from the archive, one
        batch per call (Odoo 18 cron progress API, see
        ``cs.archivable.mixin._cron_cs_archive_missing``)."""
        return self.env["helpdesk.ticket"]._cron_cs_archive_missing(
            batch_size=batch_size
        )
