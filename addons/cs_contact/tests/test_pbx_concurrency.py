# Copyright 2026 cs-center
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The PBX endpoint's storing path under real concurrency.

An HttpCase serves every request with one shared test cursor, one request after
the other: it cannot show two workers meeting on the same call. These tests run
the endpoint's path (``controllers/pbx.py``: ``read_committed`` first, as the
request does, then validation and storing) in threads with their own database
cursors, committed like requests, and clean up what they committed."""

import random
import threading
import time
from datetime import timedelta

from odoo import SUPERUSER_ID, api, fields
from odoo.tests import TransactionCase, tagged

from ..controllers.pbx import read_committed


def iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + "Z"


@tagged("post_install", "-at_install")
class TestPbxConcurrency(TransactionCase):
    def setUp(self):
        super().setUp()
        self.base = fields.Datetime.now() - timedelta(hours=1)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.pbx_id = env["cs.pbx"].create({"name": "Concurrency PBX"}).id
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            cr.execute("SELECT id FROM cs_call WHERE pbx_id = %s", [self.pbx_id])
            ids = [r[0] for r in cr.fetchall()]
            for table in ("mail_activity", "mail_followers", "mail_message"):
                cr.execute(
                    f"DELETE FROM {table} WHERE model = 'cs.call' AND res_id = ANY(%s)"
                    if table == "mail_message"
                    else f"DELETE FROM {table} WHERE res_model = 'cs.call' "
                    "AND res_id = ANY(%s)",
                    [ids],
                )
            cr.execute("DELETE FROM cs_call WHERE pbx_id = %s", [self.pbx_id])
            cr.execute("DELETE FROM cs_pbx WHERE id = %s", [self.pbx_id])

    def _event(self, call_id, event, seconds, **kw):
        at = iso(self.base + timedelta(seconds=seconds))
        return {"call_id": call_id, "event": event, "at": at, **kw}

    def _store(self, cr, raw, before_commit=None):
        """One request's path on cursor ``cr`` (a ``with registry.cursor()``
        block: it commits when the block ends, like the request)."""
        env = api.Environment(cr, SUPERUSER_ID, {})
        read_committed(env)
        pbx = env["cs.pbx"].browse(self.pbx_id)
        calls = env["cs.call"].with_company(pbx.company_id)
        events, errors = calls._cs_validate_events(raw)
        self.assertFalse(errors)
        result = calls._cs_apply_events(pbx, events)
        if before_commit:
            before_commit()
        return result

    def _final(self):
        with self.registry.cursor() as cr:
            cr.execute(
                """
                SELECT c.pbx_call_id, c.rang_at IS NOT NULL, c.answered_at IS NOT NULL,
                       c.ended_at IS NOT NULL, c.outcome, c.callback_planned,
                       (SELECT count(*) FROM mail_activity a
                         WHERE a.res_model = 'cs.call' AND a.res_id = c.id)
                  FROM cs_call c WHERE c.pbx_id = %s ORDER BY c.pbx_call_id
                """,
                [self.pbx_id],
            )
            return cr.fetchall()

    def _waiting_on_lock(self, pid):
        with self.registry.cursor() as cr:
            for _i in range(200):
                cr.execute(
                    "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s",
                    [pid],
                )
                row = cr.fetchone()
                if row and row[0] == "Lock":
                    return True
                time.sleep(0.05)
        return False

    def test_same_call_two_requests_at_once(self):
        """The second request blocks on the first one's row, then merges into the
        committed call: no duplicate, no error, one callback."""
        stored, second_waits, errors, results = (
            threading.Event(),
            threading.Event(),
            [],
            {},
        )
        pid_b = []

        def first():
            with self.registry.cursor() as cr:
                try:
                    results["a"] = self._store(
                        cr,
                        [self._event("same-1", "ringing", 0, number="13800000001")],
                        before_commit=lambda: (stored.set(), second_waits.wait(10)),
                    )
                except Exception as exc:  # reported by the main thread
                    errors.append(exc)
                    stored.set()

        def second():
            stored.wait(10)
            with self.registry.cursor() as cr:
                cr.execute("SELECT pg_backend_pid()")
                pid_b.append(cr.fetchone()[0])
                try:
                    results["b"] = self._store(
                        cr,
                        [
                            self._event("same-1", "ringing", 0),
                            self._event("same-1", "ended", 40, outcome="missed"),
                        ],
                    )
                except Exception as exc:
                    errors.append(exc)

        threads = [threading.Thread(target=first), threading.Thread(target=second)]
        for thread in threads:
            thread.start()
        stored.wait(10)
        for _i in range(100):
            if pid_b:
                break
            time.sleep(0.05)
        self.assertTrue(pid_b and self._waiting_on_lock(pid_b[0]), "B waits for A")
        second_waits.set()
        for thread in threads:
            thread.join(30)
        self.assertFalse(errors, "no serialization failure or unique violation")
        self.assertTrue(results["a"][0]["created"])
        self.assertFalse(results["b"][0]["created"], "merged into A's call")
        self.assertEqual(results["b"][0]["outcome"], "missed")
        self.assertEqual(
            self._final(), [("same-1", True, False, True, "missed", True, 1)]
        )

    def test_many_requests_same_calls(self):
        """Four threads post every event of the same calls, each in its own order,
        one event per request: every call once, with its final state."""
        scripts = {}
        for i in range(12):
            cid = f"many-{i}"
            events = [self._event(cid, "ringing", i, number=f"1390000{i:04d}")]
            if i % 3:
                events.append(self._event(cid, "answered", i + 10))
                events.append(self._event(cid, "ended", i + 100))
            else:
                events.append(self._event(cid, "ended", i + 50, outcome="abandoned"))
            scripts[cid] = events
        all_events = [e for events in scripts.values() for e in events]
        errors = []

        def worker(seed):
            order = list(all_events)
            random.Random(seed).shuffle(order)
            for event in order:
                with self.registry.cursor() as cr:
                    try:
                        self._store(cr, [event])
                    except Exception as exc:
                        errors.append(exc)

        threads = [threading.Thread(target=worker, args=(s,)) for s in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        self.assertFalse(errors)
        expected = sorted(
            (
                cid,
                True,
                bool(int(cid.split("-")[1]) % 3),
                True,
                "answered" if int(cid.split("-")[1]) % 3 else "abandoned",
                not int(cid.split("-")[1]) % 3,
                0 if int(cid.split("-")[1]) % 3 else 1,
            )
            for cid in scripts
        )
        self.assertEqual(self._final(), expected)
