"""Archiving as a mixin: what a model needs to be archived in the customer's
service archive (snapshot, rendering, completeness job, retention type)."""

import logging
import threading

from psycopg2 import errors

from odoo import api, fields, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# generic snapshot: field types left out, relations frozen as references
SKIP_GENERIC_FIELDS = {"binary", "properties", "properties_definition"}
MAX_RETRIES = 5


class CsArchivableMixin(models.AbstractModel):
    """A model whose records are archived (hash-chained snapshots, R26).

    Class-level knobs:

    ``_cs_archive_entry_type``
        code of the ``cs.archive.entry.type`` (its retention period), or override
        :meth:`_cs_archive_entry_type_code` (a ticket's type is its kind).
    ``_cs_archive_template``
        the QWeb template (``module.xmlid``) rendering a payload; rendered server
        side with ``payload`` and ``record`` (see ``cs.archive.entry._cs_render``).
        ``None``: the generic rendering of the payload.
    ``_cs_archive_reason``
        the reason recorded by the hook that archives (``"closed"``, ...).
    ``_cs_archive_missing_reason``
        the reason the completeness job records (``"completeness"``; a model whose
        hook defers archiving to the job records its hook's reason).

    Hooks: :meth:`_cs_archivable` (which records are archived),
    :meth:`_cs_archive_round`, :meth:`_cs_archive_payloads` (``{id: payload}``, a
    bounded number of queries), :meth:`_cs_archive_item` (customer, company, owner,
    handler, name) and :meth:`_cs_archive_missing_sql` (the completeness job's
    selection). Archiving is idempotent per record and round."""

    _name = "cs.archivable.mixin"
    _description = "Archived in the customer-service archive"

    _cs_archive_entry_type = None
    _cs_archive_template = None
    _cs_archive_reason = None
    _cs_archive_missing_reason = "completeness"

    # ------------------------------------------------------------------ hooks
    def _cs_archivable(self):
        """The records of ``self`` to archive now."""
        return self

    def _cs_archive_round(self):
        self.ensure_one()
        return 1

    def _cs_archive_entry_type_code(self):
        self.ensure_one()
        return self._cs_archive_entry_type

    def _cs_archive_payloads(self, reason):
        """{record id: JSON-serialisable dict} for these records."""
        raise NotImplementedError

    def _cs_archive_item(self, payload):
        """{partner, company, first_owner, handler, name} of one record."""
        raise NotImplementedError

    @api.model
    def _cs_archive_missing_sql(self):
        """``(from, where)``: the records (alias ``x``) that should have an entry
        and have none; ``None`` when the model has no completeness job."""
        return None

    # ------------------------------------------------------------------ archiving
    def _cs_archive(self, reason=None):
        """Write the archive entries of these records (one per record and round);
        records already archived for their round are skipped (a hook may run
        twice). Callers sudo: the archive snapshots the whole record whatever the
        caller may read, and returns nothing of it."""
        Entry = self.env["cs.archive.entry"]
        records = self._cs_archivable()
        if not records:
            return Entry
        self.env.cr.execute(
            "SELECT res_id, source_round FROM cs_archive_entry"
            " WHERE res_model = %s AND res_id IN %s",
            [self._name, tuple(records.ids)],
        )
        done = set(self.env.cr.fetchall())
        records = records.filtered(lambda r: (r.id, r._cs_archive_round()) not in done)
        if not records:
            return Entry
        reason = reason or self._cs_archive_reason
        payloads = records._cs_archive_payloads(reason)
        items = []
        for record in records:
            payload = payloads[record.id]
            items.append(
                dict(
                    record._cs_archive_item(payload),
                    entry_type=record._cs_archive_entry_type_code(),
                    source=record,
                    payload=payload,
                    rendering_html=record._cs_archive_render(payload),
                    source_round=record._cs_archive_round(),
                )
            )
        return Entry._archive_many(items)

    def _cs_archive_render(self, payload):
        """The readable version of a payload: the model's QWeb template, rendered
        in the language of the user who archives."""
        self.ensure_one()
        Entry = self.env["cs.archive.entry"]
        if not self._cs_archive_template:
            return Entry._cs_render_generic(self._description, payload)
        return Entry._cs_render(
            self._cs_archive_template, {"payload": payload, "record": self}
        )

    # ------------------------------------------------------------------ completeness
    @api.model
    def _cs_archive_missing_ids(self, last_id, limit):
        """Ids of records missing from the archive after ``last_id``, locked: two
        workers never take the same record (SKIP LOCKED)."""
        from_, where = self._cs_archive_missing_sql()
        self.env.cr.execute(
            SQL(
                "SELECT x.id FROM %s WHERE %s AND x.id > %s ORDER BY x.id LIMIT %s"
                " FOR UPDATE OF x SKIP LOCKED",
                from_,
                where,
                last_id,
                limit,
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _cs_archive_missing_count(self):
        from_, where = self._cs_archive_missing_sql()
        self.env.cr.execute(SQL("SELECT COUNT(*) FROM %s WHERE %s", from_, where))
        return self.env.cr.fetchone()[0]

    @api.model
    def _cs_archive_missing(self, batch_size=500, max_batches=None, reason=None):
        """Archive the records missing from the archive, in batches (keyset
        pagination on the id); returns ``(archived, more)``, ``more`` when
        ``max_batches`` stopped it before the end. No commit: the cron runner
        commits between its calls (see :meth:`_cron_cs_archive_missing`)."""
        if self._cs_archive_missing_sql() is None:
            return 0, False
        self.env.flush_all()
        reason = reason or self._cs_archive_missing_reason
        last_id, total, batches = 0, 0, 0
        while True:
            ids = self._cs_archive_missing_ids(last_id, batch_size)
            if not ids:
                return total, False
            # sudo: maintenance job; the archive snapshots the whole record
            total += len(self.sudo().browse(ids)._cs_archive(reason=reason))
            last_id, batches = ids[-1], batches + 1
            if len(ids) < batch_size:
                return total, False
            if max_batches and batches >= max_batches:
                return total, True

    @api.model
    def _cron_cs_archive_missing(self, batch_size=500):
        """Completeness job (R26), one batch per call with Odoo 18's cron progress
        API: the runner commits and calls again while records remain. Two workers
        at once take different records (SKIP LOCKED) and the chain-head lock
        orders their appends; the one whose snapshot the other's append made stale
        retries its batch in a new transaction."""
        for attempt in range(MAX_RETRIES + 1):
            try:
                done, more = self._cs_archive_missing(
                    batch_size=batch_size, max_batches=1
                )
                break
            except (errors.SerializationFailure, errors.LockNotAvailable):
                # only in a cron worker, whose runner committed its progress
                # before calling: nothing else is lost by the rollback
                if attempt >= MAX_RETRIES or getattr(
                    threading.current_thread(), "testing", False
                ):
                    raise
                self.env.cr.rollback()
                self.env.invalidate_all()
        remaining = self._cs_archive_missing_count() if more else 0
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        _logger.info(
            "cs_archive completeness (%s): %s archived, %s remaining",
            self._name,
            done,
            remaining,
        )
        return done

    # ------------------------------------------------------------------ snapshots
    @api.model
    def _cs_archive_ref(self, record):
        """A many2one reference frozen as id + name."""
        if not record:
            return None
        return {"id": record.id, "name": record.display_name}

    @api.model
    def _cs_archive_dt(self, value):
        return fields.Datetime.to_string(value) if value else None

    @api.model
    def _cs_archive_partner(self, partner):
        """A customer as they were when archived (short form)."""
        if not partner:
            return None
        return {
            "id": partner.id,
            "name": partner.display_name,
            "email": partner.email or None,
            "phone": partner.phone or None,
            "mobile": partner.mobile or None,
        }

    @api.model
    def _cs_archive_ticket_ref(self, ticket):
        """A ticket as referenced by what is archived about it."""
        if not ticket:
            return None
        return {"id": ticket.id, "number": ticket.number, "title": ticket.name}

    @api.model
    def _cs_archive_generic(self, record):
        """Every stored field of a record: scalars as they are, relations as
        references; credit notes (account.move) and returns (stock.picking)
        with their number, state and amount; tier reviews (approvals) when
        present."""
        values = {"id": record.id, "name": record.display_name}
        for name, field in record._fields.items():
            if (
                not (field.store or field.type == "one2many")
                or field.type in SKIP_GENERIC_FIELDS
                or name in models.MAGIC_COLUMNS
                or name in ("id", "display_name", "message_main_attachment_id")
                or name.startswith(("message_", "activity_", "website_message"))
            ):
                continue
            values[name] = self._cs_archive_value(field, record[name])
        if "review_ids" in record._fields:
            values["approvals"] = [
                {
                    "status": review.status,
                    "reviewers": [u.name for u in review.reviewer_ids],
                    "done_by": self._cs_archive_ref(review.done_by),
                    "reviewed_date": self._cs_archive_dt(review.reviewed_date),
                    "comment": review.comment or None,
                }
                for review in record.review_ids
            ]
        return values

    @api.model
    def _cs_archive_value(self, field, value):
        if isinstance(value, models.BaseModel):
            if field.type in ("one2many", "many2many"):
                return [self._cs_archive_reference(v) for v in value]
            return self._cs_archive_reference(value)
        if field.type == "datetime":
            return self._cs_archive_dt(value)
        if field.type == "date":
            return fields.Date.to_string(value) if value else None
        if field.type in ("monetary", "float", "integer", "boolean"):
            return value
        if value is False or value is None:
            return None
        if isinstance(value, (str, int, float, list, dict)):
            return str(value) if field.type == "html" else value
        return str(value)

    @api.model
    def _cs_archive_reference(self, record):
        if not record:
            return None
        ref = self._cs_archive_ref(record)
        if record._name == "account.move":
            ref.update(
                move_type=record.move_type,
                state=record.state,
                amount_total=record.amount_total,
                currency=record.currency_id.name,
            )
        elif record._name == "stock.picking":
            ref.update(
                state=record.state,
                date_done=self._cs_archive_dt(record.date_done),
                origin=record.origin or None,
            )
        return ref
