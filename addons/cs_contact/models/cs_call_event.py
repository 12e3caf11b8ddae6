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
        or mobile (last 11 digits); ambiguous numbers match nobody."""
        keys = {_digits(n) for n in numbers if n and len(_digits(n)) >= 5}
        if not keys:
            return {}
        self.env["res.partner"].flush_model(["phone", "mobile", "active"])
        self.env.cr.execute(
            """
            SELECT k, MIN(id), COUNT(DISTINCT COALESCE(commercial_partner_id, id))
              FROM (
                SELECT id, commercial_partner_id,
                       RIGHT(REGEXP_REPLACE(phone, '\\D', '', 'g'), 11) AS k
                  FROM res_partner WHERE active AND phone IS NOT NULL
                UNION ALL
                SELECT id, commercial_partner_id,
                       RIGHT(REGEXP_REPLACE(mobile, '\\D', '', 'g'), 11)
                  FROM res_partner WHERE active AND mobile IS NOT NULL
              ) p
             WHERE k = ANY(%s)
             GROUP BY k
            """,
            [list(keys)],
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
        checked (import wizard); runs in sudo for the public endpoint."""
        pbx = pbx.sudo()
        rows = self._cs_merge(events)
        if not rows:
            return []
        partners = self._cs_match_partners([r.get("number") for r in rows])
        queues = {q.code: q.team_id.id for q in pbx.queue_ids}
        policy = self.env["cs.response.policy"]
        limits = {}
        now = fields.Datetime.now()
        uid = self.env.uid
        values = []
        for row in rows:
            team_id = queues.get(row.get("queue")) or pbx.team_id.id or None
            limit = policy._cs_limit(
                "call",
                pbx.company_id,
                team=self.env["helpdesk.ticket.team"].browse(team_id),
                queue=row.get("queue"),
                cache=limits,
            )
            number = row.get("number")
            values.append(
                (
                    pbx.id,
                    row["call_id"],
                    pbx.company_id.id,
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
                    limit,
                    uid,
                    now,
                    uid,
                    now,
                )
            )
        self.flush_model()
        cr = self.env.cr
        placeholders = ",".join(
            [
                "(%s, %s, %s, %s, %s, %s, COALESCE(%s, 'inbound'), "
                "%s, %s, %s, %s, %s, %s, %s, %s, 'ringing', false, %s, %s, %s, %s)"
            ]
            * len(values)
        )
        cr.execute(
            f"""
            INSERT INTO cs_call (pbx_id, pbx_call_id, company_id, source, number,
                   partner_id, direction, queue, team_id, agent_id, rang_at,
                   answered_at, ended_at, end_reason, limit_seconds, outcome,
                   callback_planned, create_uid, create_date, write_uid, write_date)
            VALUES {placeholders}
            ON CONFLICT (pbx_id, pbx_call_id) DO UPDATE SET
                number = COALESCE(cs_call.number, EXCLUDED.number),
                partner_id = COALESCE(cs_call.partner_id, EXCLUDED.partner_id),
                queue = COALESCE(cs_call.queue, EXCLUDED.queue),
                team_id = CASE WHEN cs_call.queue IS NULL AND EXCLUDED.queue IS NOT NULL
                               THEN EXCLUDED.team_id
                               ELSE COALESCE(cs_call.team_id, EXCLUDED.team_id) END,
                limit_seconds = CASE
                               WHEN cs_call.queue IS NULL AND EXCLUDED.queue IS NOT NULL
                               THEN EXCLUDED.limit_seconds
                               ELSE COALESCE(cs_call.limit_seconds,
                                             EXCLUDED.limit_seconds)
                               END,
                agent_id = COALESCE(cs_call.agent_id, EXCLUDED.agent_id),
                rang_at = COALESCE(cs_call.rang_at, EXCLUDED.rang_at),
                answered_at = COALESCE(cs_call.answered_at, EXCLUDED.answered_at),
                ended_at = COALESCE(cs_call.ended_at, EXCLUDED.ended_at),
                end_reason = COALESCE(cs_call.end_reason, EXCLUDED.end_reason),
                write_uid = EXCLUDED.write_uid,
                write_date = EXCLUDED.write_date
            RETURNING id, pbx_call_id, (xmax = 0)
            """,
            [v for row in values for v in row],
        )
        stored = {call_id: (call, created) for call, call_id, created in cr.fetchall()}
        ids = [call for call, _created in stored.values()]
        cr.execute(
            """
            UPDATE cs_call c
               SET outcome = s.outcome,
                   wait_seconds = s.wait,
                   response_state = CASE
                       WHEN c.direction = 'outbound' THEN 'na'
                       WHEN s.wait IS NULL THEN
                            CASE WHEN s.outcome = 'ringing' THEN 'pending' ELSE 'na' END
                       WHEN s.outcome = 'answered' THEN
                            CASE WHEN s.wait <= c.limit_seconds THEN 'met'
                                 ELSE 'missed' END
                       WHEN s.outcome = 'ringing' THEN 'pending'
                       WHEN s.outcome = 'abandoned' AND s.wait <= c.limit_seconds
                            THEN 'na'
                       ELSE 'missed' END
              FROM (
                SELECT id,
                       CASE WHEN answered_at IS NOT NULL THEN 'answered'
                            WHEN ended_at IS NOT NULL
                            THEN COALESCE(end_reason, 'missed')
                            ELSE 'ringing' END AS outcome,
                       CASE WHEN rang_at IS NULL THEN NULL
                            ELSE GREATEST(0, EXTRACT(EPOCH FROM
                                 COALESCE(answered_at, ended_at) - rang_at)) END AS wait
                  FROM cs_call WHERE id = ANY(%s)
              ) s
             WHERE c.id = s.id
            RETURNING c.id, c.outcome, c.response_state
            """,
            [ids],
        )
        derived = {call: (outcome, state) for call, outcome, state in cr.fetchall()}
        self.invalidate_model()
        self._cs_plan_callbacks(ids)
        self._cs_unplan_callbacks(ids)
        return [
            {
                "call_id": call_id,
                "id": call,
                "created": created,
                "outcome": derived[call][0],
                "response_state": derived[call][1],
            }
            for call_id, (call, created) in stored.items()
        ]
