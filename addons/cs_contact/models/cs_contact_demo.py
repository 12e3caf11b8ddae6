# Copyright 2026 cs-center
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import UTC, datetime, timedelta

from odoo import api, fields, models

DEMO_TOKEN = "cs-demo-pbx-token-2026"


class CsPbxDemo(models.Model):
    _inherit = "cs.pbx"

    @api.model
    def _cs_demo_load(self):
        """Demo: the demo PBX's known token (documented in the README), calls
        through the same path as the endpoint, two online chats."""
        pbx = self.env.ref("cs_contact.demo_pbx")
        pbx._cs_set_token(DEMO_TOKEN)
        now = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)

        def at(minutes, seconds=0):
            return (now + timedelta(minutes=minutes, seconds=seconds)).isoformat()

        raw = [
            # answered in 12 s by cs_agent1 (Chen Xiaoyu's number)
            {
                "call_id": "demo-1",
                "event": "ringing",
                "at": at(0),
                "number": "+86 571 5555 0202",
            },
            {
                "call_id": "demo-1",
                "event": "answered",
                "at": at(0, 12),
                "agent": "8001",
            },
            {"call_id": "demo-1", "event": "ended", "at": at(4)},
            # answered late (48 s) by cs_agent2
            {
                "call_id": "demo-2",
                "event": "ringing",
                "at": at(20),
                "number": "+86 21 5555 0101",
            },
            {
                "call_id": "demo-2",
                "event": "answered",
                "at": at(20, 48),
                "agent": "8002",
            },
            {"call_id": "demo-2", "event": "ended", "at": at(27)},
            # missed: a callback task for the team
            {
                "call_id": "demo-3",
                "event": "ringing",
                "at": at(40),
                "number": "+86 512 5555 0303",
            },
            {"call_id": "demo-3", "event": "ended", "at": at(41), "outcome": "missed"},
            # abandoned after 50 s
            {
                "call_id": "demo-4",
                "event": "ringing",
                "at": at(60),
                "number": "+86 139 0000 0404",
            },
            {
                "call_id": "demo-4",
                "event": "ended",
                "at": at(60, 50),
                "outcome": "abandoned",
            },
            # answered in 8 s by cs_agent1
            {
                "call_id": "demo-5",
                "event": "ringing",
                "at": at(80),
                "number": "+86 21 5555 0101",
            },
            {
                "call_id": "demo-5",
                "event": "answered",
                "at": at(80, 8),
                "agent": "8001",
            },
            {"call_id": "demo-5", "event": "ended", "at": at(83)},
        ]
        Call = self.env["cs.call"].with_company(pbx.company_id)
        events, errors = Call._cs_validate_events(raw)
        if errors:
            raise ValueError(errors)
        Call._cs_apply_events(pbx, events)
        self._cs_demo_chats(now)

    @api.model
    def _cs_demo_chats(self, now):
        livechat = self.env.ref("cs_contact.demo_livechat_channel")
        agent = self.env.ref("cs_center.demo_user_agent1")
        chats = [
            (
                self.env.ref("cs_center.demo_customer_chen"),
                35,
                "热水壶底部漏水怎么办？",
            ),
            (self.env.ref("cs_center.demo_customer_liu"), 95, "我的订单什么时候发货？"),
        ]
        for index, (customer, wait, question) in enumerate(chats):
            start = fields.Datetime.to_string(
                (now + timedelta(minutes=100 + 20 * index)).replace(tzinfo=None)
            )
            start = fields.Datetime.from_string(start)
            chat = self.env["discuss.channel"].create(
                {
                    "name": f"{customer.name}, {agent.name}",
                    "channel_type": "livechat",
                    "livechat_channel_id": livechat.id,
                    "livechat_operator_id": agent.partner_id.id,
                    "channel_member_ids": [
                        (0, 0, {"partner_id": customer.id}),
                        (0, 0, {"partner_id": agent.partner_id.id}),
                    ],
                }
            )
            chat.message_post(
                body=question,
                author_id=customer.id,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                date=start,
            )
            chat.with_user(agent).message_post(
                body=self.env._(
                    "Hello, this is customer service: let me look into it."
                ),
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                date=start + timedelta(seconds=wait),
            )
