from datetime import date, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import CsCenterCommon


@tagged("post_install", "-at_install")
class TestIntake(CsCenterCommon):
    def test_register_fields_recorded(self):
        ticket = self.Ticket.with_user(self.agent1).create(
            self._ticket_vals(
                request_kind="service",
                service_type="contract",
                product_spec="KT-200 / 1.7 L",
                purchase_date=fields.Date.today() - timedelta(days=30),
                purchase_place="Shanghai store",
                order_ref="SO-0042",
                lot_ref="LOT-7",
                quantity_affected=2,
                customer_request="Repair at home",
                channel_id=self.env.ref("cs_center.helpdesk_ticket_channel_wechat").id,
            )
        )
        self.assertEqual(ticket.request_kind, "service")
        self.assertEqual(ticket.order_ref, "SO-0042")
        self.assertEqual(ticket.channel_id.name, "WeChat")

    def test_negative_quantity_refused(self):
        with self.assertRaisesMsg(ValidationError, "cannot be negative"):
            self.Ticket.with_user(self.agent1).create(
                self._ticket_vals(quantity_affected=-1)
            )
        self.assertFalse(self.Ticket.search([("quantity_affected", "<", 0)]))

    def test_future_purchase_date_refused(self):
        """'Today' is the agent's day (Asia/Shanghai), whatever the UTC hour: at 17:00
        UTC it is already tomorrow in Shanghai, at 03:00 UTC both agree."""
        cases = {
            "2026-03-10 17:00:00": date(2026, 3, 11),
            "2026-03-10 03:00:00": date(2026, 3, 10),
            "2026-03-10 23:59:00": date(2026, 3, 11),
        }
        for utc_now, agent_today in cases.items():
            with self.subTest(utc_now=utc_now), freeze_time(utc_now):
                Ticket = self.Ticket.with_user(self.agent1)
                today = fields.Date.context_today(Ticket)
                self.assertEqual(today, agent_today)
                with self.assertRaisesMsg(
                    ValidationError, "purchase date cannot be in"
                ):
                    Ticket.create(
                        self._ticket_vals(purchase_date=today + timedelta(days=1))
                    )
                # the agent's today is fine, even where UTC is still on the day before
                ticket = Ticket.create(self._ticket_vals(purchase_date=today))
                self.assertEqual(ticket.purchase_date, today)

    def test_complaint_needs_class_and_severity_to_leave_new(self):
        ticket = self.Ticket.with_user(self.agent1).create(
            self._ticket_vals(request_kind="complaint")
        )
        self.assertEqual(ticket.stage_id, self.stage_new)
        with self.assertRaisesMsg(ValidationError, "class and severity"):
            ticket.with_user(self.agent1).write({"stage_id": self.stage_progress.id})
        ticket.with_user(self.agent1).write(
            {"complaint_class": "non_quality", "severity": "general"}
        )
        with self.assertRaisesMsg(ValidationError, "non-quality complaint needs"):
            ticket.with_user(self.agent1).write({"stage_id": self.stage_progress.id})
        ticket.with_user(self.agent1).write(
            {"complaint_subreason": "transport", "stage_id": self.stage_progress.id}
        )
        self.assertEqual(ticket.stage_id, self.stage_progress)

    def test_service_request_needs_type_to_leave_new(self):
        ticket = self.Ticket.with_user(self.agent1).create(
            self._ticket_vals(request_kind="service")
        )
        with self.assertRaisesMsg(ValidationError, "service type"):
            ticket.with_user(self.agent1).write({"stage_id": self.stage_progress.id})
        ticket.with_user(self.agent1).write(
            {"service_type": "paid", "stage_id": self.stage_progress.id}
        )
        self.assertEqual(ticket.stage_id, self.stage_progress)
