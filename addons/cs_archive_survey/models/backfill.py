"""The archiving loop shared by answers and callbacks (backfill, completeness)."""

import threading

from psycopg2 import errors


def cron_auto_commit(auto_commit):
    """Scheduled jobs commit per batch, except inside tests."""
    if auto_commit is None:
        return not getattr(threading.current_thread(), "testing", False)
    return auto_commit


def archive_missing(model, missing_query, batch_size, auto_commit):
    """Archive, in batches, the records of ``model`` that ``missing_query`` (SQL with
    two placeholders: the last id seen and the batch size) returns; keyset pagination
    on the id. A batch that loses the chain-head race against another worker is
    rolled back and retried. Returns the number archived."""
    cr = model.env.cr
    last_id, total, retries = 0, 0, 0
    while True:
        cr.execute(missing_query, [last_id, batch_size])
        ids = [row[0] for row in cr.fetchall()]
        if not ids:
            break
        try:
            # sudo: installation / maintenance job; the archive snapshots the records
            total += len(model.sudo().browse(ids)._cs_archive())
            if auto_commit:
                cr.commit()  # pylint: disable=invalid-commit
        except (errors.SerializationFailure, errors.LockNotAvailable):
            # another worker archived meanwhile (chain head): retry the batch
            if not auto_commit or retries >= 5:
                raise
            retries += 1
            cr.rollback()
            model.env.invalidate_all()
            continue
        last_id = ids[-1]
        if len(ids) < batch_size:
            break
    return total
