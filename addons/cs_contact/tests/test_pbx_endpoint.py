# Copyright 2026 cs-center
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json

from odoo.tests import HttpCase, tagged

from .common import TOKEN, ago, iso, setup_contact

URL = "/cs_contact/pbx/events"


@tagged("post_install", "-at_install")
class TestPbxEndpoint(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_contact(cls)
        cls.Call = cls.env["cs.call"]

    def _post(self, payload, token=TOKEN, raw=None):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.url_open(
            URL, data=raw if raw is not None else json.dumps(payload), headers=headers
        )

    def _event(self, call_id, event, seconds_ago, **kw):
        return {"call_id": call_id, "event": event, "at": iso(ago(seconds_ago)), **kw}

    def _call(self, call_id):
        return self.Call.search(
            [("pbx_id", "=", self.pbx.id), ("pbx_call_id", "=", call_id)]
        )

    def test_good_events(self):
        r = self._post(self._event("c1", "ringing", 100, number="13800138000"))
        self.assertEqual(r.status_code, 200, r.text)
        self.assertTrue(r.json()["calls"][0]["created"])
        r = self._post(self._event("c1", "answered", 80, agent="8001"))
        self.assertEqual(r.status_code, 200, r.text)
        self.assertFalse(r.json()["calls"][0]["created"])
        self._post(self._event("c1", "ended", 10))
        call = self._call("c1")
        self.assertEqual(len(call), 1)
        self.assertEqual(call.partner_id, self.c_customer, "matched by phone")
        self.assertEqual(call.agent_id, self.c_agent1)
        self.assertEqual(call.team_id, self.c_team)
        self.assertEqual(call.outcome, "answered")
        self.assertEqual(call.wait_seconds, 20)
        self.assertEqual(call.limit_seconds, 30)
        self.assertEqual(call.response_state, "met")
        self.assertFalse(call.activity_ids)

    def test_late_answer_and_queue_team(self):
        r = self._post(
            {
                "events": [
                    self._event("c2", "ringing", 100, queue="aftersales"),
                    self._event("c2", "answered", 55, agent="cc_agent2"),
                ]
            }
        )
        self.assertEqual(r.status_code, 200, r.text)
        call = self._call("c2")
        self.assertEqual(call.team_id, self.c_team2)
        self.assertEqual(call.agent_id, self.c_agent2, "agent found by login")
        self.assertEqual(call.response_state, "missed")

    def test_duplicate_events(self):
        event = self._event("c3", "ringing", 100, number="13800138000")
        self._post(event)
        self._post(self._event("c3", "answered", 90, agent="8001"))
        before = self._call("c3").read(["rang_at", "answered_at", "wait_seconds"])
        # the PBX retries both, and a second "answered" with another time
        self.assertEqual(self._post(event).status_code, 200)
        self._post(self._event("c3", "answered", 10, agent="8002"))
        self._post({"events": [event, event]})
        call = self._call("c3")
        self.assertEqual(len(call), 1)
        self.assertEqual(call.read(["rang_at", "answered_at", "wait_seconds"]), before)
        self.assertEqual(call.agent_id, self.c_agent1, "first answer kept")

    def test_out_of_order(self):
        self._post(self._event("c4", "ended", 10))
        call = self._call("c4")
        self.assertEqual(call.outcome, "missed")
        self.assertEqual(call.response_state, "na", "no ringing time yet")
        self._post(self._event("c4", "answered", 70, agent="8001"))
        self._post(self._event("c4", "ringing", 75, number="13800138000"))
        call.invalidate_recordset()
        self.assertEqual(call.outcome, "answered")
        self.assertEqual(call.wait_seconds, 5)
        self.assertEqual(call.response_state, "met")
        self.assertEqual(call.partner_id, self.c_customer)
        self.assertFalse(call.activity_ids, "an answered call needs no callback")

    def test_missed_call_plans_one_callback(self):
        self._post(self._event("c5", "ringing", 100, number="13800138000"))
        self._post(self._event("c5", "ended", 40, outcome="abandoned"))
        call = self._call("c5")
        self.assertEqual(call.outcome, "abandoned")
        self.assertEqual(call.response_state, "missed", "abandoned after 60 s")
        self.assertEqual(len(call.activity_ids), 1)
        activity = call.activity_ids
        self.assertEqual(activity.user_id, self.c_supervisor, "team leader")
        self.assertEqual(
            activity.activity_type_id,
            self.env.ref("cs_contact.mail_activity_type_cs_callback"),
        )
        self._post(self._event("c5", "ended", 40, outcome="abandoned"))
        call.invalidate_recordset()
        self.assertEqual(len(call.activity_ids), 1, "planned once")
        # abandoned before the limit: not counted, but still called back
        self._post(
            {
                "events": [
                    self._event("c6", "ringing", 100, queue="aftersales"),
                    self._event("c6", "ended", 95, outcome="abandoned"),
                ]
            }
        )
        call6 = self._call("c6")
        self.assertEqual(call6.response_state, "na")
        self.assertEqual(call6.activity_ids.user_id, self.c_manager, "PBX responsible")

    def test_unauthenticated(self):
        event = self._event("c7", "ringing", 10)
        for token in (None, "wrong-token", TOKEN + "x"):
            r = self._post(event, token=token)
            self.assertEqual(r.status_code, 401)
            self.assertEqual(r.json()["error"], "unauthorized")
        r = self.url_open(
            URL,
            data=json.dumps(event),
            headers={"X-CS-PBX-Token": TOKEN, "Content-Type": "application/json"},
        )
        self.assertEqual(r.status_code, 200, "the token header works too")
        self.assertEqual(len(self._call("c7")), 1)
        self.pbx.active = False
        self.assertEqual(self._post(self._event("c8", "ringing", 10)).status_code, 401)
        self.assertFalse(self._call("c8"))

    def test_malformed(self):
        count = self.Call.search_count([])
        r = self._post(None, raw="{not json")
        self.assertEqual(r.status_code, 400)
        self.assertEqual(r.json()["error"], "malformed")
        bad = [
            {"event": "ringing", "at": iso(ago(1))},  # no call id
            {"call_id": "x1", "event": "hold", "at": iso(ago(1))},
            {"call_id": "x2", "event": "ringing", "at": "2026-11-30T09:00:00"},
            {"call_id": "x3", "event": "ringing", "at": iso(ago(-3600))},
            {"call_id": "x4", "event": "ringing", "at": iso(ago(1)), "number": "abc"},
            {"call_id": "x5", "event": "answered", "at": iso(ago(1)), "agent": "999"},
            {
                "call_id": "x6",
                "event": "ringing",
                "at": iso(ago(1)),
                "outcome": "missed",
            },
            {"call_id": "x7", "event": "ringing", "at": iso(ago(1)), "foo": 1},
            {"call_id": "has space", "event": "ringing", "at": iso(ago(1))},
            "not an object",
        ]
        for payload in bad:
            r = self._post(payload)
            self.assertEqual(r.status_code, 400, payload)
            body = r.json()
            self.assertEqual(body["error"], "invalid")
            self.assertTrue(body["details"][0]["message"])
        # one bad event in a batch: nothing of the batch is stored
        r = self._post(
            {
                "events": [
                    self._event("x8", "ringing", 5),
                    bad[1],
                    self._event("x9", "ringing", 5),
                ]
            }
        )
        self.assertEqual(r.status_code, 400)
        self.assertEqual(r.json()["details"][0]["index"], 1)
        self.assertEqual(self._post({"events": []}).status_code, 400)
        self.assertEqual(self.Call.search_count([]), count, "nothing written")
        r = self.url_open(URL, headers={"Authorization": f"Bearer {TOKEN}"})
        self.assertEqual(r.status_code, 405, "GET refused")
