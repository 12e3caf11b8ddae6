# Copyright 2026 cs-center
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import TransactionCase, tagged

from odoo.addons.cs_contact.tests.common import iso, setup_contact

T0 = fields.Datetime.from_string("2026-09-10 02:00:00")


@tagged("post_install", "-at_install")
class TestResponseKpi(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_contact(cls)
        cls.company.partner_id.tz = "Asia/Shanghai"
        cls.employee = cls.env["hr.employee"].create(
            {"name": "Agent 1", "user_id": cls.c_agent1.id}
        )
        Call = cls.env["cs.call"]
        raw = []
        for i, wait in enumerate((10, 20, 45)):  # 2 of 3 in time
            start = T0 + timedelta(hours=i)
            raw += [
                {"call_id": f"k{i}", "event": "ringing", "at": iso(start)},
                {
                    "call_id": f"k{i}",
                    "event": "answered",
                    "at": iso(start + timedelta(seconds=wait)),
                    "agent": "8001",
                },
            ]
        events, errors = Call._cs_validate_events(raw)
        assert not errors, errors
        Call._cs_apply_events(cls.pbx, events)
        livechat = cls.env["im_livechat.channel"].create(
            {"name": "Web", "cs_team_id": cls.c_team.id}
        )
        visitor = cls.env["res.partner"].create({"name": "Visitor"})
        chat = cls.env["discuss.channel"].create(
            {
                "name": "chat",
                "channel_type": "livechat",
                "livechat_channel_id": livechat.id,
                "livechat_operator_id": cls.c_agent1.partner_id.id,
                "channel_member_ids": [
                    (0, 0, {"partner_id": visitor.id}),
                    (0, 0, {"partner_id": cls.c_agent1.partner_id.id}),
                ],
            }
        )
        with freeze_time(T0):
            chat.message_post(body="Q", author_id=visitor.id, message_type="comment")
        with freeze_time(T0 + timedelta(seconds=30)):
            chat.with_user(cls.c_agent1).message_post(
                body="A", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        assert chat.cs_response_state == "met"
        cls.Period = cls.env["cs.appraisal.period"].with_user(cls.c_manager)

    def _rate(self):
        period = self.Period._cs_get_or_create("month", date(2026, 9, 10))
        period.action_compute()
        return period.score_ids.filtered(
            lambda s: s.employee_id == self.employee
        ).feedback_rate

    def test_default_weights(self):
        # calls 2/3 (weight 40), chats 1/1 (30), no feedback deadline: left out
        self.assertAlmostEqual(self._rate(), 80.95, places=2)
        period = self.Period._cs_get_or_create("month", date(2026, 9, 10))
        start, end = (
            fields.Datetime.from_string("2026-08-31 16:00:00"),
            fields.Datetime.from_string("2026-09-30 16:00:00"),
        )
        rates = period._cs_response_rates(
            self.c_agent1, start, end, {self.c_agent1.id: {"met": 1, "missed": 1}}
        )
        # (40 * 2/3 + 30 * 1 + 30 * 1/2) / 100
        self.assertAlmostEqual(rates[self.c_agent1.id], 71.67, places=2)

    def test_edited_weights(self):
        self.env.ref("cs_contact_survey.cs_response_weight_chat").weight = 0
        self.assertAlmostEqual(self._rate(), 66.67, places=2)
        self.env.ref("cs_contact_survey.cs_response_weight_call").weight = 0
        self.env.ref("cs_contact_survey.cs_response_weight_chat").weight = 10
        self.assertAlmostEqual(self._rate(), 100.0, places=2)
        self.env.ref("cs_contact_survey.cs_response_weight_chat").weight = 0
        self.assertFalse(self._rate(), "no weighted part with data: no rate")
