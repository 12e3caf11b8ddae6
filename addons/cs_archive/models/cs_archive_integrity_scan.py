"""Streaming read of an archive chain for the integrity check (pure functions, no
model): one server-side cursor, rows fetched in batches, text columns as raw UTF-8
bytes (hashed as they come, never decoded to str and encoded back).

The chain input of ``cs_archive_hashing.chain_input`` is rendered here by
PostgreSQL, byte for byte the same text: every chained column is an integer
(``str(int)`` and ``int::text`` are the same decimal digits), the archive date
(the same ``to_char`` the check always used) or the model name, with ``""`` for
NULL and for 0 as ``chain_input`` does (``0 in (None, False)``). The rendering
is only a shortcut: a row whose bytes do not hash to its stored hashes is
re-checked by the original per-row code (``_cs_check_row``), which renders in
Python; so a difference here can only make the check slower, never make it
accept an entry the original code refuses.
"""

import queue
import threading
import uuid
from json.encoder import encode_basestring

import psycopg2.extensions

from .cs_archive_hashing import CHAIN_COLUMNS

# text columns (content, rendering, chain input) arrive as bytes; varchar (the
# hashes, the name) stays str
_TEXT_OID = 25
_TEXT_AS_BYTES = psycopg2.extensions.new_type(
    (_TEXT_OID,), "CS_TEXT_AS_BYTES", psycopg2.extensions.BYTES
)


def _render_sql(column):
    if column == "archive_date":
        return "COALESCE(to_char(e.archive_date, 'YYYY-MM-DD HH24:MI:SS'), '')"
    if column == "res_model":
        return "COALESCE(e.res_model, '')::text"
    return f"COALESCE(NULLIF(e.{column}, 0)::text, '')"


# "|" + the chained columns + the three stored hashes: the chain input without
# the previous hash in front (the reader chains on the hash it verified last)
CHAIN_REST_SQL = "concat_ws('|', ''::text, {}, {})".format(
    ", ".join(_render_sql(c) for c in CHAIN_COLUMNS),
    ", ".join(
        f"COALESCE(e.{c}, '')::text"
        for c in ("content_hash", "rendering_hash", "subject_hash")
    ),
)

SCAN_QUERY = f"""
    SELECT e.id, e.sequence, e.prev_hash, e.chain_hash, {CHAIN_REST_SQL},
           e.content_json, e.content_html, e.content_hash, e.rendering_hash,
           e.partner_id, e.name, e.subject_hash, e.state, e.disposal_id,
           (d.state = 'approved' AND d.approve_user_id <> d.request_user_id
            AND EXISTS (SELECT 1 FROM cs_archive_disposal_entry_rel r
                         WHERE r.disposal_id = d.id AND r.entry_id = e.id))
      FROM cs_archive_entry e
      LEFT JOIN cs_archive_disposal d ON d.id = e.disposal_id
     WHERE e.company_id = %s AND e.sequence > 0 AND e.sequence <= %s
     ORDER BY e.sequence
"""


def subject_input(partner_id, name):
    """The text ``subject_hash`` hashes, without building a JSON encoder per
    call: ``canonical_json([partner_id or None, name or ""])`` for an integer
    (or NULL) partner and a string (or NULL) name — the same C string encoder
    ``json.dumps(..., ensure_ascii=False)`` uses, ``int.__repr__`` for the id."""
    return f"[{partner_id or 'null'},{encode_basestring(name or '')}]"


def scan_entries(cr, company_id, until, batch_size=5000):
    """Yield lists of at most ``batch_size`` rows of SCAN_QUERY, in sequence
    order, from a server-side cursor in the current transaction (memory stays
    flat whatever the size of the chain: at most three batches are held).

    The next batch is fetched by a helper thread while the caller hashes the
    current one (psycopg2 releases the GIL while PostgreSQL produces and sends
    rows, so the database and the hashing overlap); the connection serialises
    the caller's own queries with the fetches. JIT compilation is switched off
    for the scan only: it costs about a second per walk and does not pay back on
    these simple expressions."""
    raw = cr._cnx.cursor(name=f"cs_archive_scan_{uuid.uuid4().hex}")
    psycopg2.extensions.register_type(_TEXT_AS_BYTES, raw)
    cr.execute("SELECT current_setting('jit'), set_config('jit', 'off', true)")
    jit = cr.fetchone()[0]
    raw.execute(SCAN_QUERY, [company_id, until])
    # (a failed execute aborts the transaction, which drops the setting too)
    cr.execute("SELECT set_config('jit', %s, true)", [jit])
    batches = queue.Queue(maxsize=2)
    stop = threading.Event()

    def put(item):
        while not stop.is_set():
            try:
                batches.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def fetch():
        try:
            while not stop.is_set():
                rows = raw.fetchmany(batch_size)
                put(rows)
                if not rows:
                    return
        except Exception as error:  # noqa: BLE001 - raised again by the caller
            put(error)

    fetcher = threading.Thread(target=fetch, name="cs_archive_scan", daemon=True)
    fetcher.start()
    try:
        while True:
            rows = batches.get()
            if isinstance(rows, Exception):
                raise rows
            if not rows:
                return
            yield rows
    finally:
        stop.set()
        fetcher.join()
        raw.close()
