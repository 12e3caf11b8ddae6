import hashlib
import json
import logging
import time

from odoo import api, fields, models
from odoo.exceptions import AccessError

from .cs_archive_hashing import (
    CHAIN_COLUMNS,
    GENESIS_HASH,
    canonical_json,
    chain_input,
    sha256_hex,
    subject_hash,
)
from .cs_archive_integrity_scan import scan_entries, subject_input

_logger = logging.getLogger(__name__)

ENTRY_SELECT = """
    SELECT e.id, e.sequence, e.company_id, e.entry_type_id,
           to_char(e.archive_date, 'YYYY-MM-DD HH24:MI:SS'), e.retention_years,
           e.res_model, e.res_id, e.source_round, e.first_owner_id, e.handler_id,
           e.archived_by_id, e.partner_id, e.name, e.content_json, e.content_html,
           e.content_hash, e.rendering_hash, e.subject_hash, e.prev_hash,
           e.chain_hash, e.state, e.disposal_id,
           (d.state = 'approved' AND d.approve_user_id <> d.request_user_id
            AND EXISTS (SELECT 1 FROM cs_archive_disposal_entry_rel r
                         WHERE r.disposal_id = d.id AND r.entry_id = e.id))
      FROM cs_archive_entry e
      LEFT JOIN cs_archive_disposal d ON d.id = e.disposal_id
"""
# one entry, as the per-row check reads it (slow path of the walk)
ENTRY_BY_ID_QUERY = ENTRY_SELECT + " WHERE e.id = %s"
MAX_LISTED_GAPS = 20


class CsArchiveIntegrityReport(models.Model):
    """Result of one walk over a company's archive chain (R26). Written only by
    the check (a cs.workflow.mixin grant), never changed nor deleted."""

    _name = "cs.archive.integrity.report"
    _inherit = ["cs.workflow.mixin"]
    _description = "Customer-service archive integrity report"
    _order = "check_date desc, id desc"

    _cs_unlink_states = ()
    _cs_no_client_create = True

    company_id = fields.Many2one(
        comodel_name="res.company", required=True, readonly=True, index=True
    )
    check_date = fields.Datetime(string="Checked on", required=True, readonly=True)
    user_id = fields.Many2one(
        comodel_name="res.users", string="Checked by", readonly=True
    )
    result = fields.Selection(
        selection=[("ok", "Chain intact"), ("broken", "Chain broken")],
        required=True,
        readonly=True,
    )
    entries_verified = fields.Integer(readonly=True)
    entries_disposed = fields.Integer(
        string="Tombstones verified",
        readonly=True,
        help="Disposed entries: their chain hash is verified without content.",
    )
    broken_count = fields.Integer(string="Entries failing", readonly=True)
    head_sequence = fields.Integer(readonly=True)
    head_hash = fields.Char(
        readonly=True,
        help="Hash of the last entry: keep it outside Odoo (printed, mailed) to "
        "prove later that the chain was not recomputed.",
    )
    first_broken_entry_id = fields.Many2one(
        comodel_name="cs.archive.entry", string="First broken entry", readonly=True
    )
    first_broken_sequence = fields.Integer(readonly=True)
    first_broken_fields = fields.Char(
        string="Fields that differ",
        readonly=True,
        help="content.<key> for the archived content, column.<name> for a chained "
        "column, subject.* for the customer columns, prev_hash for a broken link.",
    )
    details = fields.Text(readonly=True)
    gap_count = fields.Integer(string="Sequence gaps", readonly=True)
    gaps = fields.Text(readonly=True)
    duration = fields.Float(string="Duration (s)", readonly=True, digits=(16, 2))

    # ------------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        if not self._cs_granted():
            raise AccessError(
                self.env._("Integrity reports are written by the integrity check.")
            )
        return super().create(vals_list)

    def write(self, vals):
        self._cs_refuse_write()
        return super().write(vals)

    def _cs_refuse_write(self):
        raise AccessError(self.env._("An integrity report cannot be changed."))

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise AccessError(self.env._("An integrity report cannot be deleted."))

    # ------------------------------------------------------------------ actions
    @api.model
    def action_run_check(self):
        """Button: check the chains of the user's allowed companies."""
        if not self.env.user.has_group("cs_archive.group_cs_archive_manager"):
            raise AccessError(
                self.env._("Only an archive manager can run the integrity check.")
            )
        reports = self.browse()
        for company in self.env.companies:
            reports |= self._cs_check_company(company)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "cs_archive.cs_archive_integrity_report_action"
        )
        if len(reports) == 1:
            action.update(res_id=reports.id, view_mode="form", views=[(False, "form")])
        return action

    @api.model
    def _cron_check_integrity(self, batch_size=5000):
        """Scheduled job: one report per company that has a chain, checked in
        company order; progress reported through Odoo 18's cron progress API
        (the runner commits; a check only reads the chain and writes its
        report, so two runs at once each write their own consistent report)."""
        self.env.cr.execute("SELECT company_id FROM cs_archive_chain ORDER BY 1")
        company_ids = [r[0] for r in self.env.cr.fetchall()]
        reports = self.browse()
        Cron = self.env["ir.cron"]
        for done, company in enumerate(
            self.env["res.company"].browse(company_ids), start=1
        ):
            reports |= self._cs_check_company(company, batch_size=batch_size)
            Cron._notify_progress(done=done, remaining=len(company_ids) - done)
        return reports

    # ------------------------------------------------------------------ the check
    @api.model
    def _cs_check_company(self, company, batch_size=5000):
        """Walk the chain of ``company`` in sequence order, ``batch_size`` rows
        at a time from one server-side cursor (memory stays flat whatever the
        size of the archive)."""
        started = time.perf_counter()
        cr = self.env.cr
        cr.execute(
            "SELECT last_sequence, last_hash FROM cs_archive_chain"
            " WHERE company_id = %s",
            [company.id],
        )
        head = cr.fetchone() or (0, GENESIS_HASH)
        cr.execute(
            "SELECT MAX(sequence) FROM cs_archive_entry WHERE company_id = %s",
            [company.id],
        )
        last_stored = cr.fetchone()[0] or 0
        until = max(head[0], last_stored)
        anchor = self._cs_last_anchor(company)
        state = {
            "verified": 0,
            "disposed": 0,
            "broken": 0,
            "first": None,  # (entry id, sequence, fields, detail)
            "gaps": [],
            "gap_count": 0,
            "prev_seq": 0,
            "prev_hash": GENESIS_HASH,
        }
        self._cs_walk_chain(company, until, batch_size, state, anchor)
        details = []
        if (state["prev_seq"], state["prev_hash"]) != (head[0], head[1]):
            details.append(
                self.env._(
                    "The chain head (no. %(head)s) does not match the last entry "
                    "(no. %(last)s): entries were removed or the head was altered.",
                    head=head[0],
                    last=state["prev_seq"],
                )
            )
            if not state["first"]:
                state["first"] = (False, head[0], "chain_head", "")
        if anchor and not anchor.get("seen"):
            details.append(
                self.env._(
                    "Entry no. %(seq)s recorded by the previous report is missing.",
                    seq=anchor["sequence"],
                )
            )
            if not state["first"]:
                state["first"] = (False, anchor["sequence"], "anchor", "")
        first = state["first"]
        if first and first[3]:
            details.insert(0, first[3])
        broken = bool(first or state["gap_count"])
        # sudo: the report is written by the check itself (read-only for users),
        # through the workflow grant of cs.workflow.mixin
        return (
            self.sudo()
            ._cs_workflow_create(
                {
                    "company_id": company.id,
                    "check_date": fields.Datetime.now(),
                    "user_id": self.env.uid,
                    "result": "broken" if broken else "ok",
                    "entries_verified": state["verified"],
                    "entries_disposed": state["disposed"],
                    "broken_count": state["broken"],
                    "head_sequence": state["prev_seq"],
                    "head_hash": state["prev_hash"],
                    "first_broken_entry_id": first and first[0],
                    "first_broken_sequence": first and first[1],
                    "first_broken_fields": first and first[2],
                    "details": "\n".join(details) or False,
                    "gap_count": state["gap_count"],
                    "gaps": ", ".join(
                        f"{a}-{b}" if a != b else str(a) for a, b in state["gaps"]
                    )
                    or False,
                    "duration": time.perf_counter() - started,
                }
            )
            .with_env(self.env)
        )

    def _cs_walk_chain(self, company, until, batch_size, state, anchor):
        """The walk, fast path: hash each entry's bytes as they come from the
        server-side cursor and accept it only when everything the per-row check
        (``_cs_check_row``) verifies holds: the sequence follows, the link to the
        previous entry, the content, rendering, subject and chain hashes, the
        disposal rules, and it is not the anchor. Any other row (tampered, a gap,
        a tombstone with a doubtful disposal, the anchor) is re-read and checked
        by ``_cs_check_row`` itself, which names the entry and the fields; so the
        report is the one the per-row check alone would write."""
        sha256 = hashlib.sha256
        anchor_seq = anchor["sequence"] if anchor else None
        prev_seq, prev_hash = state["prev_seq"], state["prev_hash"]
        verified = disposed = 0
        for rows in scan_entries(self.env.cr, company.id, until, batch_size):
            for (
                entry_id,
                sequence,
                link,
                chain_hash,
                chain_rest,
                content,
                html,
                content_hash,
                rendering_hash,
                partner_id,
                name,
                subj_hash,
                entry_state,
                disposal_id,
                disposal_ok,
            ) in rows:
                if (
                    sequence == prev_seq + 1
                    and link == prev_hash
                    and link
                    and sequence != anchor_seq
                    and sha256(prev_hash.encode() + chain_rest).hexdigest()
                    == chain_hash
                ):
                    if entry_state != "disposed":
                        if (
                            not disposal_id
                            and sha256(content or b"").hexdigest() == content_hash
                            and sha256(html or b"").hexdigest() == rendering_hash
                            and sha256(
                                subject_input(partner_id, name).encode()
                            ).hexdigest()
                            == subj_hash
                        ):
                            prev_seq, prev_hash = sequence, chain_hash
                            verified += 1
                            continue
                    elif disposal_ok and content is None and html is None:
                        prev_seq, prev_hash = sequence, chain_hash
                        verified += 1
                        disposed += 1
                        continue
                # slow path: the per-row check on the row as the ORM would read it
                state.update(prev_seq=prev_seq, prev_hash=prev_hash)
                state["verified"] += verified
                state["disposed"] += disposed
                verified = disposed = 0
                self.env.cr.execute(ENTRY_BY_ID_QUERY, [entry_id])
                self._cs_check_row(self.env.cr.fetchone(), state, anchor)
                prev_seq, prev_hash = state["prev_seq"], state["prev_hash"]
        state.update(prev_seq=prev_seq, prev_hash=prev_hash)
        state["verified"] += verified
        state["disposed"] += disposed

    def _cs_last_anchor(self, company):
        """Head of the last intact report: the chain must still contain it
        (detects a chain recomputed from some point on after that report)."""
        # sudo: reports are read by the check whatever the user's groups
        last = (
            self.sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("result", "=", "ok"),
                    ("head_sequence", ">", 0),
                ],
                order="check_date desc, id desc",
                limit=1,
            )
            .read(["head_sequence", "head_hash"])
        )
        if not last:
            return None
        return {"sequence": last[0]["head_sequence"], "hash": last[0]["head_hash"]}

    def _cs_check_row(self, row, state, anchor):
        (
            entry_id,
            sequence,
            *chained,
        ) = row[:12]
        (
            partner_id,
            name,
            content_json,
            content_html,
            content_hash,
            rendering_hash,
            subj_hash,
            prev_hash,
            chain_hash,
            entry_state,
            disposal_id,
            disposal_ok,
        ) = row[12:]
        columns = dict(
            zip(CHAIN_COLUMNS, [row[2], sequence, *chained[1:]], strict=True)
        )
        wrong = []
        if sequence != state["prev_seq"] + 1:
            state["gap_count"] += 1
            if len(state["gaps"]) < MAX_LISTED_GAPS:
                state["gaps"].append((state["prev_seq"] + 1, sequence - 1))
        if prev_hash != state["prev_hash"]:
            wrong.append("prev_hash")
        if entry_state == "disposed":
            state["disposed"] += 1
            if not disposal_ok or content_json is not None or content_html is not None:
                wrong.append("disposal")
        else:
            if disposal_id:
                wrong.append("disposal")
            if sha256_hex(content_json) != content_hash:
                wrong.extend(self._cs_diagnose_content(entry_id, content_json))
            if sha256_hex(content_html) != rendering_hash:
                wrong.append("content_html")
            if subject_hash(partner_id, name) != subj_hash:
                wrong.extend(
                    [
                        f
                        for f in self._cs_diagnose_columns(
                            entry_id, columns, partner_id, name
                        )
                        if f.startswith("subject.")
                    ]
                    or ["subject"]
                )
        computed = sha256_hex(
            chain_input(prev_hash, columns, content_hash, rendering_hash, subj_hash)
        )
        if computed != chain_hash:
            wrong.extend(
                self._cs_diagnose_columns(entry_id, columns, partner_id, name)
                or ["chain_hash"]
            )
        if anchor and anchor["sequence"] == sequence:
            anchor["seen"] = True
            if anchor["hash"] != chain_hash:
                wrong.append("anchor")
        state["verified"] += 1
        if wrong:
            state["broken"] += 1
            if not state["first"]:
                fields_list = ", ".join(dict.fromkeys(wrong))
                state["first"] = (
                    entry_id,
                    sequence,
                    fields_list,
                    self.env._(
                        "First broken entry: no. %(seq)s (id %(id)s), differing: "
                        "%(fields)s.",
                        seq=sequence,
                        id=entry_id,
                        fields=fields_list,
                    ),
                )
        state["prev_seq"] = sequence
        state["prev_hash"] = chain_hash

    def _cs_field_hashes(self, entry_id):
        self.env.cr.execute(
            "SELECT field_hashes FROM cs_archive_entry WHERE id = %s", [entry_id]
        )
        try:
            return json.loads(self.env.cr.fetchone()[0] or "{}")
        except ValueError:
            return {}

    def _cs_diagnose_content(self, entry_id, content_json):
        """Which top-level keys of the content differ from the archived ones."""
        stored = {
            k: v
            for k, v in self._cs_field_hashes(entry_id).items()
            if k.startswith("content.")
        }
        try:
            payload = json.loads(content_json or "")
        except ValueError:
            return ["content_json"]
        if not isinstance(payload, dict):
            return ["content_json"]
        current = {
            f"content.{k}": sha256_hex(canonical_json(v)) for k, v in payload.items()
        }
        differing = sorted(
            k for k in stored.keys() | current.keys() if stored.get(k) != current.get(k)
        )
        return differing or ["content_json"]

    def _cs_diagnose_columns(self, entry_id, columns, partner_id, name):
        stored = self._cs_field_hashes(entry_id)
        differing = [
            f"column.{c}"
            for c in CHAIN_COLUMNS
            if f"column.{c}" in stored
            and stored[f"column.{c}"]
            != sha256_hex("" if columns[c] in (None, False) else str(columns[c]))
        ]
        if "subject.partner_id" in stored and stored["subject.partner_id"] != (
            sha256_hex(str(partner_id or ""))
        ):
            differing.append("subject.partner_id")
        if "subject.name" in stored and stored["subject.name"] != sha256_hex(
            name or ""
        ):
            differing.append("subject.name")
        return differing
