# Copyright 2026 cs-center
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""CSV import of call records, for PBXs without webhooks.

All or nothing: every row is validated first; when one row is bad, the wizard
lists every bad row with its line number and reason and writes nothing (a
half-imported day would show wrong rates). Re-importing the same file is
harmless: calls are keyed on the PBX's call id, as for the endpoint.
"""

import base64
import csv
import io
from datetime import datetime

import pytz

from odoo import fields, models
from odoo.exceptions import AccessError, UserError

COLUMNS = (
    "call_id",
    "number",
    "direction",
    "queue",
    "agent",
    "rang_at",
    "answered_at",
    "ended_at",
    "outcome",
)
MAX_ROWS = 50000


class CsCallImportWizard(models.TransientModel):
    _name = "cs.call.import.wizard"
    _description = "Import hotline calls (CSV)"

    pbx_id = fields.Many2one(comodel_name="cs.pbx", string="PBX", required=True)
    file = fields.Binary(string="CSV file", required=True)
    filename = fields.Char()
    state = fields.Selection(
        selection=[("draft", "Draft"), ("error", "Errors"), ("done", "Imported")],
        default="draft",
    )
    result = fields.Text(readonly=True)
    created_count = fields.Integer(readonly=True)
    updated_count = fields.Integer(readonly=True)

    def _cs_check_caller(self):
        if not self.env.user.has_group("cs_center.group_cs_supervisor"):
            raise AccessError(
                self.env._("Only a CS supervisor or manager imports call records.")
            )

    def _cs_read_rows(self):
        data = base64.b64decode(self.file or b"")
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise UserError(self.env._("The file is neither UTF-8 nor GB18030 text."))
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        reader = csv.DictReader(io.StringIO(text), dialect=dialect)
        header = [h.strip() for h in reader.fieldnames or []]
        missing = [c for c in ("call_id", "rang_at") if c not in header]
        unknown = [h for h in header if h not in COLUMNS]
        if missing or unknown:
            raise UserError(
                self.env._(
                    "Line 1 (header): columns %(columns)s expected; missing: "
                    "%(missing)s; unknown: %(unknown)s.",
                    columns=", ".join(COLUMNS),
                    missing=", ".join(missing) or "-",
                    unknown=", ".join(unknown) or "-",
                )
            )
        reader.fieldnames = header
        rows = []
        for line, row in enumerate(reader, start=2):
            if len(rows) >= MAX_ROWS:
                raise UserError(
                    self.env._("At most %(max)s rows per file.", max=MAX_ROWS)
                )
            rows.append(
                (line, {k: (v or "").strip() for k, v in row.items() if k in COLUMNS})
            )
        if not rows:
            raise UserError(self.env._("The file has no call record."))
        return rows

    def _cs_time(self, value, tz):
        """A CSV time as the endpoint takes it: with a zone, or in the importing
        user's time zone when it has none."""
        if not value:
            return None
        try:
            moment = datetime.fromisoformat(value.replace("/", "-"))
        except ValueError:
            return value  # reported by the event validation
        if moment.tzinfo is None:
            moment = tz.localize(moment)
        return moment.isoformat()

    def _cs_row_events(self, row, tz):
        """(events, errors) of one row."""
        errors = []
        times = {
            k: self._cs_time(row.get(k), tz)
            for k in ("rang_at", "answered_at", "ended_at")
        }
        outcome = row.get("outcome") or None
        if outcome and outcome not in ("answered", "missed", "abandoned"):
            errors.append(self.env._("outcome must be answered, missed or abandoned."))
        if outcome == "answered" and not times["answered_at"]:
            errors.append(self.env._("An answered call needs answered_at."))
        if outcome in ("missed", "abandoned") and times["answered_at"]:
            errors.append(self.env._("A missed or abandoned call has no answered_at."))
        if times["answered_at"] and not row.get("agent"):
            errors.append(self.env._("An answered call needs its agent."))
        common = {
            "call_id": row.get("call_id") or None,
            "number": row.get("number") or None,
            "direction": row.get("direction") or None,
            "queue": row.get("queue") or None,
        }
        events = [{**common, "event": "ringing", "at": times["rang_at"]}]
        if times["answered_at"]:
            events.append(
                {
                    "call_id": common["call_id"],
                    "event": "answered",
                    "at": times["answered_at"],
                    "agent": row.get("agent") or None,
                }
            )
        if times["ended_at"] or outcome in ("missed", "abandoned"):
            ended = {
                "call_id": common["call_id"],
                "event": "ended",
                "at": times["ended_at"] or times["rang_at"],
            }
            if outcome in ("missed", "abandoned"):
                ended["outcome"] = outcome
            events.append(ended)
        return [{k: v for k, v in e.items() if v is not None} for e in events], errors

    def action_import(self):
        self.ensure_one()
        self._cs_check_caller()
        self.pbx_id.check_access("read")
        tz = pytz.timezone(self.env.user.tz or "UTC")
        # sudo: the import stores calls like the PBX does; the caller was checked above
        Call = self.env["cs.call"].sudo().with_company(self.pbx_id.company_id)
        bad, all_events, seen = {}, [], {}
        for line, row in self._cs_read_rows():
            messages = []
            if row.get("call_id") in seen:
                messages.append(
                    self.env._(
                        "call_id %(call)s is already on line %(line)s.",
                        call=row["call_id"],
                        line=seen[row["call_id"]],
                    )
                )
            seen.setdefault(row.get("call_id"), line)
            raw_events, messages_row = self._cs_row_events(row, tz)
            messages += messages_row
            events = []
            for raw in raw_events:
                event, errors = Call._cs_validate_event(raw)
                messages += [m for m in errors if m not in messages]
                if event:
                    event["line"] = line
                    events.append(event)
            messages += self._cs_order_errors(events)
            if messages:
                bad[line] = messages
            else:
                all_events += events
        # agents of every row in one query
        agents = Call._cs_resolve_agents(all_events)
        for event in all_events:
            if event["agent"] and event["agent"] not in agents:
                bad.setdefault(event["line"], []).append(
                    self.env._(
                        "Unknown agent %(agent)s: set the user's PBX extension.",
                        agent=event["agent"],
                    )
                )
            event["agent_id"] = agents.get(event["agent"])
        bad = sorted(bad.items())
        if bad:
            lines = [
                self.env._("Line %(line)s: %(reasons)s", line=line, reasons=" ".join(m))
                for line, m in bad
            ]
            self.write(
                {
                    "state": "error",
                    "result": self.env._(
                        "%(count)s bad row(s); nothing was imported. Correct the file "
                        "and import it again.",
                        count=len(bad),
                    )
                    + "\n"
                    + "\n".join(lines),
                }
            )
            return self._cs_reopen()
        result = Call._cs_apply_events(self.pbx_id, all_events, source="import")
        created = sum(1 for r in result if r["created"])
        self.write(
            {
                "state": "done",
                "created_count": created,
                "updated_count": len(result) - created,
                "result": self.env._(
                    "%(created)s call(s) imported, %(updated)s already logged.",
                    created=created,
                    updated=len(result) - created,
                ),
            }
        )
        return self._cs_reopen()

    def _cs_order_errors(self, events):
        moments = {e["event"]: e["at"] for e in events}
        rang = moments.get("ringing")
        if rang and any(
            moments.get(k) and moments[k] < rang for k in ("answered", "ended")
        ):
            return [self.env._("answered_at and ended_at cannot be before rang_at.")]
        return []

    def _cs_reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }
