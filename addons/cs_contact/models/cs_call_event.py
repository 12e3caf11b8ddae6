# Copyright 2026 cs-center
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""PBX call events (ringing / answered / ended) into the call log.

One path for the HTTP endpoint and the CSV import: events are validated first
(every error reported, nothing written when one is bad), merged per call, then
stored set-based: one ``INSERT … ON CONFLICT (pbx_id, pbx_call_id) DO UPDATE``
for all the calls of a batch (idempotent: a field once stored is kept, so a
repeated or late event changes nothing it should not; two workers with events of
the same call meet on the unique key, never create it twice), one ``UPDATE``
that derives outcome, wait and answered-in-time, one that plans callbacks.
"""

import re
from datetime import UTC, datetime, timedelta

from odoo import api, fields, models

from .res_partner import PHONE_KEY_SQL

EVENTS = ("ringing", "answered", "ended")
EVENT_FIELD = {"ringing": "rang_at", "answered": "answered_at", "ended": "ended_at"}
NUMBER_RE = re.compile(r"^\+?[0-9 ()\-]{3,32}$")
CALL_ID_RE = re.compile(r"^[\x21-\x7e]{1,128}$")
MAX_BATCH = 1000
FUTURE_SLACK = timedelta(minutes=5)


def _digits(number):
    return re.sub(r"\D", "", number or "")[-11:]


class CsCallEvent(models.Model):
    _inherit = "cs.call"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------ parsing
    @api.model
    def _cs_parse_time(self, value):
        """ISO 8601 with a time zone (``2026-11-30T09:00:05+08:00``, ``…Z``) or
        Unix seconds; returns naive UTC, or raises ValueError."""
        if isinstance(value, bool):
            raise ValueError
        if isinstance(value, int | float):
            moment = datetime.fromtimestamp(value, tz=UTC)
        elif isinstance(value, str) and len(value) <= 40:
            moment = datetime.fromisoformat(value.strip())
            if moment.tzinfo is None:
                raise ValueError
        else:
            raise ValueError
        moment = moment.astimezone(UTC).replace(tzinfo=None, microsecond=0)
        if moment > fields.Datetime.now() + FUTURE_SLACK:
            raise ValueError
        return moment

    @api.model
    def _cs_validate_event(self, raw):
        """(event dict, [error messages]) for one raw event."""
        errors = []
        if not isinstance(raw, dict):
            return None, [self.env._("An event must be a JSON object.")]
        unknown = sorted(
            set(raw)
            - {
                "call_id",
                "event",
                "at",
                "number",
                "direction",
                "queue",
                "agent",
                "outcome",
            }
        )
        if unknown:
            errors.append(
                self.env._(
                    "Unknown field(s): %(fields)s.", fields=", ".join(map(str, unknown))
                )
            )
        call_id = raw.get("call_id")
        if not isinstance(call_id, str) or not CALL_ID_RE.match(call_id):
            errors.append(
                self.env._(
                    "call_id is required: 1 to 128 printable characters, no spaces."
                )
            )
        event = raw.get("event")
        if event not in EVENTS:
            errors.append(self.env._("event must be one of ringing, answered, ended."))
        try:
            at = self._cs_parse_time(raw.get("at"))
        except (ValueError, TypeError, OverflowError, OSError):
            at = None
            errors.append(
                self.env._(
                    "at is required: ISO 8601 with a time zone (e.g. "
                    "2026-11-30T09:00:05+08:00) or Unix seconds, not in the future."
                )
            )
        number = raw.get("number")
        if number is not None and (
            not isinstance(number, str) or not NUMBER_RE.match(number)
        ):
            errors.append(
                self.env._("number must be a telephone number (digits, +, -, spaces).")
            )
        direction = raw.get("direction")
        if direction is not None and direction not in ("inbound", "outbound"):
            errors.append(self.env._("direction must be inbound or outbound."))
        queue = raw.get("queue")
        if queue is not None and (
            not isinstance(queue, str) or not 0 < len(queue) <= 64
        ):
            errors.append(self.env._("queue must be a text of 1 to 64 characters."))
        agent = raw.get("agent")
        if agent is not None and (
            not isinstance(agent, str) or not 0 < len(agent) <= 64
        ):
            errors.append(
                self.env._("agent must be the agent's PBX extension or login.")
            )
        outcome = raw.get("outcome")
        if outcome is not None and (
            event != "ended" or outcome not in ("answered", "missed", "abandoned")
        ):
            errors.append(
                self.env._(
                    "outcome is only for ended events: answered, missed or abandoned."
                )
            )
        if errors:
            return None, errors
        return {
            "call_id": call_id,
            "event": event,
            "at": at,
            "number": number and re.sub(r"[^0-9+]", "", number),
            "direction": direction,
            "queue": queue,
            "agent": agent,
            "outcome": outcome if outcome in ("missed", "abandoned") else None,
        }, []

    @api.model
    def _cs_resolve_agents(self, events):
        """{agent reference: user id} in one query; unknown references reported."""
        refs = {e["agent"] for e in events if e.get("agent")}
        if not refs:
            return {}
        self.env["res.users"].flush_model(
            ["login", "cs_pbx_extension", "active", "share"]
        )
        self.env.cr.execute(
            """
            SELECT id, login, cs_pbx_extension FROM res_users
             WHERE active AND NOT share
               AND (login = ANY(%(refs)s) OR cs_pbx_extension = ANY(%(refs)s))
             ORDER BY id
            """,
            {"refs": list(refs)},
        )
        found = {}
        for user_id, login, extension in self.env.cr.fetchall():
            for ref in (extension, login):  # an extension wins over a login
                if ref in refs:
                    found.setdefault(ref, user_id)
        return found

    @api.model
    def _cs_validate_events(self, raw_events):
        """(events, errors): errors are (index, message) pairs; index is the
        position in the list (0-based)."""
        events, errors = [], []
        if not isinstance(raw_events, list) or not raw_events:
            return [], [(None, self.env._("No event in the payload."))]
        if len(raw_events) > MAX_BATCH:
            return [], [
                (
                    None,
                    self.env._("At most %(max)s events per request.", max=MAX_BATCH),
                )
            ]
        for index, raw in enumerate(raw_events):
            event, messages = self._cs_validate_event(raw)
            errors += [(index, m) for m in messages]
            if event:
                event["index"] = index
                events.append(event)
        agents = self._cs_resolve_agents(events)
        for event in events:
            if event["agent"]:
                if event["agent"] not in agents:
                    errors.append(
                        (
                            event["index"],
                            self.env._(
                                "Unknown agent %(agent)s: set the user's PBX "
                                "extension.",
                                agent=event["agent"],
                            ),
                        )
                    )
                event["agent_id"] = agents.get(event["agent"])
        return events, errors

    # ------------------------------------------------------------------ storing
    @api.model
    def _cs_match_partners(self, numbers):
        """{digits: partner id} for numbers that match exactly one contact's phone
        or mobile (last 11 digits); ambiguous numbers match nobody. Index lookups
        on the normalised numbers (``res_partner.py``)."""
        keys = {_digits(n) for n in numbers if n and len(_digits(n)) >= 5}
        if not keys:
            return {}
        self.env["res.partner"].flush_model(
            ["phone", "mobile", "active", "commercial_partner_id"]
        )
        phone = PHONE_KEY_SQL.format(column="phone")
        mobile = PHONE_KEY_SQL.format(column="mobile")
        self.env.cr.execute(
            f"""
            SELECT k, MIN(id), COUNT(DISTINCT COALESCE(commercial_partner_id, id))
              FROM (
                SELECT id, commercial_partner_id, {phone} AS k
                  FROM res_partner
                 WHERE phone IS NOT NULL AND active AND {phone} = ANY(%(keys)s)
                UNION ALL
                SELECT id, commercial_partner_id, {mobile}
                  FROM res_partner
                 WHERE mobile IS NOT NULL AND active AND {mobile} = ANY(%(keys)s)
              ) p
             GROUP BY k
            """,
            {"keys": list(keys)},
        )
        return {k: pid for k, pid, count in self.env.cr.fetchall() if count == 1}

    @api.model
    def _cs_merge(self, events):
        """One row per call: the first value of each field in arrival order."""
        calls = {}
        for event in events:
            row = calls.setdefault(event["call_id"], {"call_id": event["call_id"]})
            row.setdefault(EVENT_FIELD[event["event"]], event["at"])
            for key in ("number", "direction", "queue", "agent_id", "outcome"):
                if event.get(key) and not row.get(key):
                    row[key] = event[key]
        return [calls[k] for k in sorted(calls)]  # one lock order for every worker

    @api.model
    def _cs_apply_events(self, pbx, events, source="endpoint"):
        """Store validated events of ``pbx``; returns [{call_id, id, created,
        outcome, response_state}]. The caller was authenticated (PBX token) or
        checked (import wizard); runs in sudo for the public endpoint.

        One statement stores the calls: ``INSERT … ON CONFLICT DO UPDATE`` whose
        SET merges the new events into the stored call (a field once stored is
        kept) and derives outcome, wait and answered-in-time from the merged
        values (``_derive_sql``, the same expressions for a new call); callbacks
        are planned or withdrawn only for the calls whose outcome asks for it."""
        # sudo: the caller was authenticated (PBX token) or checked (import
        # wizard); calls are written by this path only, read-only to every client
        pbx = pbx.sudo()
        rows = self._cs_merge(events)
        if not rows:
            return []
        cr = self.env.cr
        partners = self._cs_match_partners([r.get("number") for r in rows])
        queues = {}
        codes = list({r["queue"] for r in rows if r.get("queue")})
        if codes:
            cr.execute(
                "SELECT code, team_id FROM cs_pbx_queue "
                "WHERE pbx_id = %s AND code = ANY(%s)",
                [pbx.id, codes],
            )
            queues = dict(cr.fetchall())
        company = pbx.company_id
        Team = self.env["helpdesk.ticket.team"]
        policy = self.env["cs.response.policy"]
        limits = {}
        now = fields.Datetime.now()
        uid = self.env.uid
        params = []
        for row in rows:
            team_id = queues.get(row.get("queue")) or pbx.team_id.id or None
            number = row.get("number")
            params += [
                pbx.id,
                row["call_id"],
                company.id,
                source,
                number,
                partners.get(_digits(number)) if number else None,
                row.get("direction"),
                row.get("queue"),
                team_id,
                row.get("agent_id"),
                row.get("rang_at"),
                row.get("answered_at"),
                row.get("ended_at"),
                row.get("outcome"),
                policy._cs_limit(
                    "call",
                    company,
                    team=Team.browse(team_id),
                    queue=row.get("queue"),
                    cache=limits,
                ),
            ]
        self.flush_model()
        cr.execute(_upsert_sql(len(rows), uid, now), params)
        stored = cr.fetchall()
        ids = [r[0] for r in stored]
        self.browse(ids).invalidate_recordset()
        self._cs_plan_callbacks(
            [
                call
                for call, _cid, _new, outcome, _st, planned, direction in stored
                if outcome in ("missed", "abandoned")
                and not planned
                and direction == "inbound"
            ]
        )
        self._cs_unplan_callbacks(
            [
                call
                for call, _cid, _new, outcome, _st, planned, _dir in stored
                if outcome == "answered" and planned
            ]
        )
        return [
            {
                "call_id": call_id,
                "id": call,
                "created": created,
                "outcome": outcome,
                "response_state": state,
            }
            for call, call_id, created, outcome, state, _planned, _dir in stored
        ]


# ---------------------------------------------------------------------- SQL
VALUE_COLUMNS = (
    ("pbx_id", "int4"),
    ("pbx_call_id", "varchar"),
    ("company_id", "int4"),
    ("source", "varchar"),
    ("number", "varchar"),
    ("partner_id", "int4"),
    ("direction", "varchar"),
    ("queue", "varchar"),
    ("team_id", "int4"),
    ("agent_id", "int4"),
    ("rang_at", "timestamp"),
    ("answered_at", "timestamp"),
    ("ended_at", "timestamp"),
    ("end_reason", "varchar"),
    ("limit_seconds", "int4"),
)


def _derive_sql(direction, rang, answered, ended, reason, limit):
    """SQL expressions (outcome, wait_seconds, response_state) of a call from the
    SQL expressions of its stored values: answered when an answer came; else
    missed or abandoned once ended; answered in time within the limit; outbound
    calls and calls abandoned before the limit are not counted."""
    outcome = (
        f"(CASE WHEN {answered} IS NOT NULL THEN 'answered' "
        f"WHEN {ended} IS NOT NULL THEN COALESCE({reason}, 'missed') "
        "ELSE 'ringing' END)"
    )
    wait = (
        f"(CASE WHEN {rang} IS NULL THEN NULL ELSE GREATEST(0, EXTRACT(EPOCH FROM "
        f"COALESCE({answered}, {ended}) - {rang})) END)"
    )
    state = f"""(CASE
        WHEN {direction} = 'outbound' THEN 'na'
        WHEN {wait} IS NULL THEN
             CASE WHEN {outcome} = 'ringing' THEN 'pending' ELSE 'na' END
        WHEN {outcome} = 'answered' THEN
             CASE WHEN {wait} <= {limit} THEN 'met' ELSE 'missed' END
        WHEN {outcome} = 'ringing' THEN 'pending'
        WHEN {outcome} = 'abandoned' AND {wait} <= {limit} THEN 'na'
        ELSE 'missed' END)"""
    return outcome, wait, state


def _merged(column):
    return f"COALESCE(cs_call.{column}, EXCLUDED.{column})"


# the queue (and its team and limit) may come with a later event
_MERGED_TEAM = (
    "CASE WHEN cs_call.queue IS NULL AND EXCLUDED.queue IS NOT NULL "
    "THEN EXCLUDED.{0} ELSE COALESCE(cs_call.{0}, EXCLUDED.{0}) END"
)


def _upsert_sql(count, uid, now):
    """The one statement that stores ``count`` merged calls (15 parameters each,
    ``VALUE_COLUMNS``) and returns (id, pbx_call_id, created, outcome,
    response_state, callback_planned, direction) per call."""
    row = "(" + ", ".join(f"%s::{kind}" for _col, kind in VALUE_COLUMNS) + ")"
    new = _derive_sql(
        "COALESCE(v.direction, 'inbound')",
        "v.rang_at",
        "v.answered_at",
        "v.ended_at",
        "v.end_reason",
        "v.limit_seconds",
    )
    merged = _derive_sql(
        "cs_call.direction",
        _merged("rang_at"),
        _merged("answered_at"),
        _merged("ended_at"),
        _merged("end_reason"),
        _MERGED_TEAM.format("limit_seconds"),
    )
    columns = ", ".join(col for col, _kind in VALUE_COLUMNS)
    return f"""
        WITH v ({columns}) AS (VALUES {", ".join([row] * count)})
        INSERT INTO cs_call ({columns}, outcome, wait_seconds, response_state,
               callback_planned, create_uid, create_date, write_uid, write_date)
        SELECT v.pbx_id, v.pbx_call_id, v.company_id, v.source, v.number,
               v.partner_id, COALESCE(v.direction, 'inbound'), v.queue, v.team_id,
               v.agent_id, v.rang_at, v.answered_at, v.ended_at, v.end_reason,
               v.limit_seconds, {new[0]}, {new[1]}, {new[2]}, false,
               {int(uid)}, '{now}', {int(uid)}, '{now}'
          FROM v
        ON CONFLICT (pbx_id, pbx_call_id) DO UPDATE SET
            number = {_merged("number")},
            partner_id = {_merged("partner_id")},
            queue = {_merged("queue")},
            team_id = {_MERGED_TEAM.format("team_id")},
            limit_seconds = {_MERGED_TEAM.format("limit_seconds")},
            agent_id = {_merged("agent_id")},
            rang_at = {_merged("rang_at")},
            answered_at = {_merged("answered_at")},
            ended_at = {_merged("ended_at")},
            end_reason = {_merged("end_reason")},
            outcome = {merged[0]},
            wait_seconds = {merged[1]},
            response_state = {merged[2]},
            write_uid = EXCLUDED.write_uid,
            write_date = EXCLUDED.write_date
        RETURNING id, pbx_call_id, (xmax = 0), outcome, response_state,
                  callback_planned, direction
    """
