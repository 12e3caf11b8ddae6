import logging
import threading

from psycopg2 import errors

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

MISSING_WHERE = SQL(
    """
    s.closed AND NOT EXISTS (
        SELECT 1 FROM cs_archive_entry e
         WHERE e.res_model = 'helpdesk.ticket' AND e.res_id = t.id
           AND e.source_round = t.round_number)
    """
)


class CsArchiveMissing(models.Model):
    """Completeness check (R26 "tidy periodically"): closed tickets whose current
    round has no archive entry."""

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
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE VIEW %s AS
                SELECT t.id, t.id AS ticket_id, t.company_id, t.partner_id,
                       t.round_number, t.closed_date, t.first_owner_id
                  FROM helpdesk_ticket t
                  JOIN helpdesk_ticket_stage s ON s.id = t.stage_id
                 WHERE %s
                """,
                SQL.identifier(self._table),
                MISSING_WHERE,
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
    def _cron_archive_missing(self, batch_size=500, auto_commit=None):
        """Archive closed tickets missing from the archive, in batches: tickets
        are locked with SKIP LOCKED (two workers take different tickets), each
        batch is committed, and a serialisation failure on the chain head (a
        ticket closing meanwhile) rolls the batch back to retry it."""
        if auto_commit is None:
            auto_commit = not getattr(threading.current_thread(), "testing", False)
        cr = self.env.cr
        total, retries = 0, 0
        while True:
            cr.execute(
                SQL(
                    """
                    SELECT t.id FROM helpdesk_ticket t
                      JOIN helpdesk_ticket_stage s ON s.id = t.stage_id
                     WHERE %s
                     ORDER BY t.id
                     LIMIT %s
                       FOR UPDATE OF t SKIP LOCKED
                    """,
                    MISSING_WHERE,
                    batch_size,
                )
            )
            ids = [r[0] for r in cr.fetchall()]
            if not ids:
                break
            # sudo: scheduled job; the archive snapshots the whole ticket
            tickets = self.env["helpdesk.ticket"].sudo().browse(ids)
            try:
                tickets._cs_archive(reason="completeness")
                if auto_commit:
                    cr.commit()  # pylint: disable=invalid-commit
            except (errors.SerializationFailure, errors.LockNotAvailable):
                if not auto_commit or retries >= 5:
                    raise
                retries += 1
                cr.rollback()
                self.env.invalidate_all()
                continue
            total += len(ids)
            if len(ids) < batch_size:
                break
        _logger.info("cs_archive completeness: %s closed tickets archived", total)
        return total
