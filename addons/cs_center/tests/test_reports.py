from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import CsCenterCommon
from .report_common import CsReportCase

REPORT = "cs_center.report_service_register"


@tagged("post_install", "-at_install")
class TestServiceRegisterReport(CsReportCase, CsCenterCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = new_test_user(
            cls.env, login="cs_plain_sales", groups="base.group_user"
        )
        cls.ticket = cls.Ticket.with_user(cls.agent1).create(
            cls._ticket_vals(
                name="电水壶漏水",
                request_kind="complaint",
                complaint_class="quality",
                severity="major",
                user_id=cls.agent1.id,
                product_spec="K1-1.7L",
                order_ref="SO-2026-0815",
                lot_ref="LOT-4711",
                quantity_affected=3,
                customer_request="更换新品",
            )
        )

    def test_prints_in_chinese_with_register_fields(self):
        _pdf, text = self._render(REPORT, self.ticket, self.agent1)
        self.assertInPdf(
            [
                "服务登记簿",
                self.ticket.company_id.name,
                self.ticket.number,
                self.ticket.partner_id.name,
                "电水壶漏水",
                "投诉",
                "重大",
                "K1-1.7L",
                "SO-2026-0815",
                "LOT-4711",
                "更换新品",
                "客户（签字）",
            ],
            text,
        )

    def test_prints_in_english_too(self):
        _pdf, text = self._render(REPORT, self.ticket, self.agent1, lang="en_US")
        self.assertInPdf(["Service register sheet", self.ticket.number], text)

    def test_only_cs_staff_print(self):
        Report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        for user in (self.portal_user, self.salesperson):
            with self.assertRaises(AccessError):
                Report.with_user(user)._render_qweb_html(REPORT, self.ticket.ids)
        # an agent of another team does not see the ticket: refused too
        with self.assertRaises(AccessError):
            Report.with_user(self.agent_b)._render_qweb_html(REPORT, self.ticket.ids)

    def test_refused_over_http(self):
        self.authenticate("cs_portal", "cs_portal")
        response = self.url_open(f"/report/pdf/{REPORT}/{self.ticket.id}")
        self.assertNotEqual(response.status_code, 200)
        self.assertNotIn(b"%PDF", response.content[:10])
        self.authenticate("cs_agent1", "cs_agent1")
        response = self.url_open(f"/report/html/{REPORT}/{self.ticket.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.ticket.number, response.text)
