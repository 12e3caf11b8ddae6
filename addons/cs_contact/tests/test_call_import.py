# Copyright 2026 cs-center
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged

from .common import setup_contact

HEADER = "call_id,number,direction,queue,agent,rang_at,answered_at,ended_at,outcome\n"
GOOD = (
    "i1,13800138000,inbound,,8001,2026-11-20 09:00:00,2026-11-20 09:00:12,"
    "2026-11-20 09:05:00,answered\n"
    "i2,13900000000,inbound,aftersales,8002,2026-11-20 10:00:00,2026-11-20 10:00:45,"
    "2026-11-20 10:03:00,answered\n"
    "i3,13700000000,inbound,,,2026-11-20 11:00:00,,2026-11-20 11:01:00,missed\n"
)


@tagged("post_install", "-at_install")
class TestCallImport(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_contact(cls)
        cls.c_supervisor.tz = "Asia/Shanghai"

    def _wizard(self, content, user=None):
        return (
            self.env["cs.call.import.wizard"]
            .with_user(user or self.c_supervisor)
            .create({"pbx_id": self.pbx.id, "file": base64.b64encode(content.encode())})
        )

    def _calls(self):
        return self.env["cs.call"].search([("pbx_id", "=", self.pbx.id)])

    def test_import_good_file(self):
        wizard = self._wizard(HEADER + GOOD)
        wizard.action_import()
        self.assertEqual(wizard.state, "done", wizard.result)
        self.assertEqual(wizard.created_count, 3)
        calls = {c.pbx_call_id: c for c in self._calls()}
        self.assertEqual(calls["i1"].response_state, "met")
        self.assertEqual(calls["i1"].partner_id, self.c_customer)
        self.assertEqual(str(calls["i1"].rang_at), "2026-11-20 01:00:00", "user's zone")
        self.assertEqual(calls["i2"].response_state, "missed")
        self.assertEqual(calls["i2"].team_id, self.c_team2)
        self.assertEqual(calls["i3"].outcome, "missed")
        self.assertTrue(calls["i3"].activity_ids, "callback planned")
        self.assertEqual(calls["i1"].source, "import")
        again = self._wizard(HEADER + GOOD)
        again.action_import()
        self.assertEqual((again.created_count, again.updated_count), (0, 3))
        self.assertEqual(len(self._calls()), 3)
        rates = self.env["cs.first.response.report"]._cs_rates(
            [("call_id.pbx_id", "=", self.pbx.id)], ["team_id"]
        )
        self.assertEqual(
            sorted(rates, key=lambda r: r[0].id),
            [(self.c_team, 1, 2, 50.0), (self.c_team2, 0, 1, 0.0)],
        )

    def test_bad_rows_reported_nothing_written(self):
        bad = (
            "b1,13800138000,inbound,,8001,2026-11-20 09:00:00,2026-11-20 08:59:00,,\n"
            "b2,abc,inbound,,,2026-11-20 09:00:00,,,\n"
            "b3,13800138000,sideways,,,not a date,,,\n"
            "b4,13800138000,inbound,,9999,2026-11-20 09:00:00,2026-11-20 09:00:10,,\n"
            "i1,13800138000,inbound,,,2026-11-20 09:00:00,,,answered\n"
        )
        wizard = self._wizard(HEADER + GOOD + bad)
        wizard.action_import()
        self.assertEqual(wizard.state, "error")
        result = wizard.result
        self.assertIn("5 bad row(s)", result)
        for line in ("Line 5:", "Line 6:", "Line 7:", "Line 8:", "Line 9:"):
            self.assertIn(line, result)
        self.assertIn("before rang_at", result)
        self.assertIn("Unknown agent 9999", result)
        self.assertIn("already on line 2", result)
        self.assertFalse(self._calls(), "nothing written")

    def test_header_and_caller(self):
        wizard = self._wizard("foo,bar\n1,2\n")
        with self.assertRaisesRegex(Exception, "Line 1"):
            wizard.action_import()
        with self.assertRaises(AccessError):
            self._wizard(HEADER + GOOD, user=self.c_agent1)
