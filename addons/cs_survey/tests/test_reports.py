from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.cs_center.tests.common import CsCenterCommon
from odoo.addons.cs_center.tests.report_common import CsReportCase


@tagged("post_install", "-at_install")
class TestAppraisalReports(CsReportCase, CsCenterCommon):
    """Appraisal sheet and team summary: published versions only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Employee = cls.env["hr.employee"]
        cls.emp_sup = Employee.create({"name": "王主管", "user_id": cls.supervisor.id})
        cls.emp1 = Employee.create(
            {"name": "张客服", "user_id": cls.agent1.id, "parent_id": cls.emp_sup.id}
        )
        cls.emp2 = Employee.create({"name": "刘客服", "user_id": cls.agent2.id})
        cls.hr_user = new_test_user(
            cls.env, login="cs_hr_rep", groups="hr.group_hr_user"
        )
        cls.salesperson = new_test_user(
            cls.env, login="cs_sales_rep", groups="base.group_user"
        )
        cls.period = (
            cls.env["cs.appraisal.period"]
            .with_user(cls.manager)
            ._cs_get_or_create("month", fields.Date.context_today(cls.env["res.users"]))
        )
        cls.period.action_compute()

    def test_draft_not_printed(self):
        score = self.period.score_ids[:1]
        self.assertTrue(score)
        Report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        # the CS manager reads drafts, yet prints published versions only (HR does
        # not even read a draft)
        with self.assertRaisesMsg(UserError, "published"):
            Report.with_user(self.manager)._render_qweb_html(
                "cs_survey.report_appraisal_sheet", score.ids
            )
        with self.assertRaises(AccessError):
            Report.with_user(self.hr_user)._render_qweb_html(
                "cs_survey.report_appraisal_sheet", score.ids
            )
        with self.assertRaisesMsg(UserError, "published"):
            Report.with_user(self.manager)._render_qweb_html(
                "cs_survey.report_appraisal_team", self.period.ids
            )

    def test_published_sheet_and_summary(self):
        self.period.with_user(self.manager).action_publish()
        score = self.period.score_ids.filtered(lambda s: s.employee_id == self.emp1)
        self.assertTrue(score)
        _pdf, text = self._render(
            "cs_survey.report_appraisal_sheet", score, self.hr_user
        )
        published = self._qweb_value("date", self.period.published_date)
        self.assertInPdf(
            ["考核表", self.period.name, "张客服", "Team A", published, "员工（签字）"],
            text,
        )
        # the agent prints their own sheet, not a colleague's
        _pdf, text = self._render(
            "cs_survey.report_appraisal_sheet", score, self.agent1
        )
        self.assertInPdf(["张客服"], text)
        other = self.period.score_ids.filtered(lambda s: s.employee_id == self.emp2)
        Report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        if other:
            with self.assertRaises(AccessError):
                Report.with_user(self.agent1)._render_qweb_html(
                    "cs_survey.report_appraisal_sheet", other.ids
                )
        for user in (self.salesperson, self.portal_user):
            with self.assertRaises(AccessError):
                Report.with_user(user)._render_qweb_html(
                    "cs_survey.report_appraisal_sheet", score.ids
                )
        _pdf, text = self._render(
            "cs_survey.report_appraisal_team", self.period, self.supervisor
        )
        published = self._qweb_value("date", self.period.published_date)
        self.assertInPdf(
            ["团队考核汇总表", self.period.name, "张客服", published], text
        )
        with self.assertRaises(AccessError):
            Report.with_user(self.agent1)._render_qweb_html(
                "cs_survey.report_appraisal_team", self.period.ids
            )
