# Copyright 2026 cs-center
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""PBX webhook: POST /cs_contact/pbx/events (JSON).

Authentication: ``Authorization: Bearer <token>`` (or ``X-CS-PBX-Token``), one
token per ``cs.pbx``. Body: one event object or ``{"events": [...]}``. Answers:
200 ``{"ok": true, "calls": [...]}``; 400 malformed JSON or invalid events (every
error with the event's index, nothing written); 401 missing/unknown token; 405
other methods; 413 body too large.
"""

import json
import logging

from odoo import http
from odoo.http import request

_logger = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024


def _json(status, payload):
    return request.make_response(
        json.dumps(payload, ensure_ascii=False),
        headers=[("Content-Type", "application/json; charset=utf-8")],
        status=status,
    )


def _error(status, code, message, details=None):
    payload = {"ok": False, "error": code, "message": message}
    if details:
        payload["details"] = details
    return _json(status, payload)


class CsPbxController(http.Controller):
    @http.route(
        "/cs_contact/pbx/events",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def pbx_events(self, **_kw):
        env = request.env
        httprequest = request.httprequest
        token = httprequest.headers.get("X-CS-PBX-Token") or ""
        auth = httprequest.headers.get("Authorization") or ""
        if not token and auth.lower().startswith("bearer "):
            token = auth[7:].strip()
        read_committed(env)
        # sudo: the PBX is authenticated by its token, not by a user session
        pbx = env["cs.pbx"].sudo()._cs_authenticate(token)
        if not pbx:
            return _error(401, "unauthorized", env._("Missing or unknown PBX token."))
        if (httprequest.content_length or 0) > MAX_BODY:
            return _error(413, "too_large", env._("The request body is too large."))
        try:
            # cached: Odoo retries the request after a serialization failure
            payload = json.loads(httprequest.get_data() or b"")
        except (ValueError, UnicodeDecodeError):
            return _error(400, "malformed", env._("The body is not valid JSON."))
        raw_events = (
            payload.get("events")
            if isinstance(payload, dict) and "events" in payload
            else [payload]
        )
        calls = env["cs.call"].sudo().with_company(pbx.company_id)
        events, errors = calls._cs_validate_events(raw_events)
        if errors:
            return _error(
                400,
                "invalid",
                env._("Invalid event(s): nothing was stored."),
                [{"index": index, "message": message} for index, message in errors],
            )
        return _json(200, {"ok": True, "calls": calls._cs_apply_events(pbx, events)})


def read_committed(env):
    """Run the rest of the request in a READ COMMITTED transaction.

    Odoo's transactions are REPEATABLE READ: two requests with events of the same
    call would meet on the call's row, the second fail to serialise and be retried
    by Odoo after a random pause of up to 2 s (then 4 s…). Under READ COMMITTED the
    upsert waits for the first one's row lock and merges into the committed row
    (what ``INSERT … ON CONFLICT`` is made for), and the callback planning
    re-checks its flag: a concurrent duplicate is stored like a sequential one,
    without a retry. Called first thing: the request wrote nothing yet, so ending
    its transaction loses nothing."""
    if env.registry.in_test_mode():
        # one test cursor serves every request of an HttpCase: no new transaction
        # (tests/test_pbx_concurrency.py runs this path on real cursors)
        return
    env.cr.commit()
    env.cr.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
