from datetime import date, datetime

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.cs_center.tests.report_common import CsReportCase

from .common_resolution import CsResolutionCommon


@tagged("post_install", "-at_install")
class TestResolutionReports(CsReportCase, CsResolutionCommon):
    """The complaint forms print in Chinese with their key values; the internal
    resolution form never reaches a portal user, a salesperson, finance or the
    warehouse (R13), over RPC or HTTP."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        groups = "base.group_user"
        if cls.env.ref("sales_team.group_sale_salesman", raise_if_not_found=False):
            groups += ",sales_team.group_sale_salesman"
        cls.salesperson = new_test_user(
            cls.env, login="cs_salesperson", groups=groups, name="Salesperson Wang"
        )
        cls.department = cls.env["hr.department"].create({"name": "售后服务部"})
        cls.employee = cls.env["hr.employee"].create({"name": "李工程师"})

    def _approved_compensation(self):
        proposal = self._proposal(
            amount=500.0, facts="密封圈老化导致漏水", cause="供应商密封圈批次不良"
        )
        self.env["cs.responsibility"].with_user(self.supervisor).create(
            {
                "resolution_id": proposal.id,
                "department_id": self.department.id,
                "employee_id": self.employee.id,
                "loss_amount": 500.0,
                "penalty_amount": 200.0,
                "disciplinary_type": "warning",
            }
        )
        return self._approve(proposal)

    def _date(self, value):
        return self._qweb_value("date", value)

    # ------------------------------------------------------- resolution form
    def test_resolution_form_in_chinese(self):
        proposal = self._approved_compensation()
        review = proposal.review_ids
        _pdf, text = self._render(
            "cs_resolution.report_resolution_form", proposal, self.agent1
        )
        self.assertInPdf(
            [
                "客户投诉处理表",
                proposal.name,
                proposal.ticket_id.number,
                proposal.partner_id.name,
                "密封圈老化导致漏水",
                "供应商密封圈批次不良",
                "赔偿",
                "500.00",
                "售后服务部",
                review.done_by.name,
                self._date(review.reviewed_date),
                self._date(proposal.approved_date),
            ],
            text,
        )

    def test_resolution_form_in_english(self):
        proposal = self._approved_compensation()
        _pdf, text = self._render(
            "cs_resolution.report_resolution_form", proposal, self.agent1, "en_US"
        )
        self.assertInPdf(["Complaint resolution form", proposal.name, "500.00"], text)

    def test_resolution_form_is_internal(self):
        proposal = self._approved_compensation()
        Report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        report = "cs_resolution.report_resolution_form"
        # the approvers and the CS staff print it
        for user in (self.agent1, self.supervisor, self.manager, self.sales_mgr):
            html = Report.with_user(user)._render_qweb_html(report, proposal.ids)[0]
            self.assertIn(proposal.name.encode(), html)
        # a portal user, a salesperson, finance and the warehouse never do (finance
        # and the warehouse read the proposal, yet are refused the form)
        for user in (
            self.portal_user,
            self.salesperson,
            self.accountant,
            self.stock_user,
        ):
            with self.assertRaises(AccessError):
                Report.with_user(user)._render_qweb_pdf(report, proposal.ids)
        # nor in sudo, as a controller would render it for them
        with self.assertRaises(AccessError):
            Report.with_user(self.portal_user).sudo()._render_qweb_html(
                report, proposal.ids
            )
        # an agent of another team does not see the proposal
        with self.assertRaises(AccessError):
            Report.with_user(self.agent_b)._render_qweb_html(report, proposal.ids)

    def test_resolution_form_refused_over_http(self):
        proposal = self._approved_compensation()
        url = f"/report/pdf/cs_resolution.report_resolution_form/{proposal.id}"
        for login in ("cs_portal", "cs_salesperson", "cs_acc"):
            self.authenticate(login, login)
            response = self.url_open(url)
            self.assertNotEqual(response.status_code, 200, login)
            self.assertNotIn(proposal.name.encode(), response.content)
        self.authenticate("cs_agent1", "cs_agent1")
        html_url = f"/report/html/cs_resolution.report_resolution_form/{proposal.id}"
        response = self.url_open(html_url)
        self.assertEqual(response.status_code, 200)
        self.assertIn(proposal.name, response.text)

    # ----------------------------------------------- sales discount certificate
    def test_discount_certificate(self):
        proposal = self._approved_compensation()
        proposal.with_user(self.agent1).action_create_credit_note()
        refund = proposal.credit_note_ids
        _pdf, text = self._render(
            "cs_resolution.report_discount_certificate", refund, self.accountant
        )
        self.assertInPdf(
            [
                "销货折扣证明单",
                proposal.name,
                proposal.ticket_id.number,
                proposal.partner_id.name,
                "500.00",
                self._date(proposal.approved_date),
                "销售副总（签字）",
                "客户（签字盖章）",
            ],
            text,
        )
        # only for complaint credit notes; never for a salesperson or the portal
        Report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        with self.assertRaisesMsg(UserError, "credit note of a complaint"):
            Report.with_user(self.accountant)._render_qweb_html(
                "cs_resolution.report_discount_certificate", self.invoice.ids
            )
        for user in (self.portal_user, self.salesperson):
            with self.assertRaises(AccessError):
                Report.with_user(user)._render_qweb_html(
                    "cs_resolution.report_discount_certificate", refund.ids
                )

    # ------------------------------------------------------- return slip
    def test_return_slip(self):
        proposal = self._approve(
            self._proposal(lines=[(self.product, 4.0, 100.0)], rtype="return")
        )
        proposal.with_user(self.agent1).action_create_return()
        picking = proposal.return_picking_ids
        self._receive(picking.with_user(self.stock_user), qty=3.0)
        _pdf, text = self._render(
            "cs_resolution.report_return_slip", picking, self.stock_user
        )
        self.assertInPdf(
            [
                "产品退货单",
                picking.name,
                proposal.name,
                "Kettle K1",
                proposal.partner_id.name,
                "4.0",
                "3.0",
                self._date(proposal.approved_date),
                "仓库（收货签字）",
            ],
            text,
        )
        with self.assertRaises(AccessError):
            self.env["ir.actions.report"].with_user(self.salesperson).with_context(
                force_report_rendering=True
            )._render_qweb_html("cs_resolution.report_return_slip", picking.ids)

    # ------------------------------------------------------- off-site request
    def test_offsite_request(self):
        manager_employee = self.env["hr.employee"].create(
            {"name": "Dept manager", "user_id": self.supervisor.id}
        )
        self.department.manager_id = manager_employee
        request = (
            self.env["cs.offsite.request"]
            .with_user(self.agent1)
            .create(
                {
                    "ticket_id": self._complaint().id,
                    "department_id": self.department.id,
                    "visit_date": fields.Date.today() + relativedelta(days=3),
                    "destination": "上海市浦东新区",
                    "purpose": "上门检测电水壶",
                    "travel_cost": 300.0,
                    "allowance_cost": 100.0,
                }
            )
        )
        request.action_submit()
        request.with_user(self.supervisor).action_approve()
        _pdf, text = self._render(
            "cs_resolution.report_offsite_request", request, self.agent1
        )
        self.assertInPdf(
            [
                "异地服务申请单",
                request.name,
                "上海市浦东新区",
                "上门检测电水壶",
                "400.00",
                self.supervisor.name,
                self._date(request.approved_date),
                "部门经理（审批）",
            ],
            text,
        )
        with self.assertRaises(AccessError):
            self.env["ir.actions.report"].with_user(self.portal_user).with_context(
                force_report_rendering=True
            )._render_qweb_html("cs_resolution.report_offsite_request", request.ids)

    # ------------------------------------------------------- monthly review
    def test_monthly_review(self):
        proposal = self._approved_compensation()
        ticket = proposal.ticket_id
        closed = datetime(2026, 10, 15, 8, 0)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE helpdesk_ticket SET closed_date = %s WHERE id = %s",
            [closed, ticket.id],
        )
        ticket.invalidate_recordset(["closed_date"])
        self.env["cs.responsibility"].invalidate_model(["closed_date"])
        review = (
            self.env["cs.complaint.review"]
            ._cron_create_monthly_reviews(today=date(2026, 11, 1))
            .filtered(lambda r: r.company_id == self.company)
        )
        _pdf, text = self._render(
            "cs_resolution.report_complaint_review", review, self.manager
        )
        self.assertInPdf(
            [
                "月度投诉评审表",
                review.name,
                ticket.number,
                "售后服务部",
                "李工程师",
                "警告",
                "200.00",
                self.manager.name,
            ],
            text,
        )
        Report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        self.assertTrue(
            Report.with_user(self.hr_user)._render_qweb_html(
                "cs_resolution.report_complaint_review", review.ids
            )
        )
        for user in (self.agent1, self.portal_user, self.salesperson):
            with self.assertRaises(AccessError):
                Report.with_user(user)._render_qweb_html(
                    "cs_resolution.report_complaint_review", review.ids
                )
