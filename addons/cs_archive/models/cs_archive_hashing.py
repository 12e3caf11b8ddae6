"""Hashing of the archive: canonical JSON and the chain (pure functions, stable:
changing anything here breaks the verification of every existing entry)."""

import hashlib
import json
from datetime import date, datetime

from odoo import fields

GENESIS_HASH = "0" * 64
# Content removed by a disposal; everything else of an entry is kept as its tombstone.
DISPOSABLE_COLUMNS = ("content_json", "content_html", "partner_id", "name")
# Reading these is logged (R27).
CONTENT_FIELDS = ("content_json", "content_html")
# Columns covered by the chain hash directly (kept after disposal).
CHAIN_COLUMNS = (
    "company_id",
    "sequence",
    "entry_type_id",
    "archive_date",
    "retention_years",
    "res_model",
    "res_id",
    "source_round",
    "first_owner_id",
    "handler_id",
    "archived_by_id",
)


# ---------------------------------------------------------------------- hashing
def canonical_json(value):
    """Canonical JSON: sorted keys, no whitespace, UTF-8 (not ASCII-escaped)."""
    return json.dumps(
        value,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
        default=_json_default,
    )


def _json_default(value):
    if isinstance(value, datetime):
        return fields.Datetime.to_string(value)
    if isinstance(value, date):
        return fields.Date.to_string(value)
    if isinstance(value, bytes):
        return value.decode()
    raise TypeError(f"{type(value).__name__} is not archivable as JSON")


def sha256_hex(text):
    return hashlib.sha256((text or "").encode()).hexdigest()


def subject_hash(partner_id, name):
    """Hash of the columns that identify the customer (removed by disposal)."""
    return sha256_hex(canonical_json([partner_id or None, name or ""]))


def chain_input(prev_hash, columns, content_hash, rendering_hash, subj_hash):
    """The text the chain hash is computed over: previous hash, the chained
    columns in a fixed order, then the hashes of content, rendering and subject.
    Every part is a number, a date, a model name or a hex digest: no separator
    can be forged inside them."""
    parts = [prev_hash]
    parts += [
        "" if columns[c] in (None, False) else str(columns[c]) for c in CHAIN_COLUMNS
    ]
    parts += [content_hash, rendering_hash, subj_hash]
    return "|".join(parts)


def field_hashes(payload, columns, partner_id, name):
    """Per-field hashes (diagnosis only: they name the field that differs)."""
    hashes = {f"content.{k}": sha256_hex(canonical_json(v)) for k, v in payload.items()}
    hashes.update(
        {
            f"column.{c}": sha256_hex(
                "" if columns[c] in (None, False) else str(columns[c])
            )
            for c in CHAIN_COLUMNS
        }
    )
    hashes["subject.partner_id"] = sha256_hex(str(partner_id or ""))
    hashes["subject.name"] = sha256_hex(name or "")
    return hashes
