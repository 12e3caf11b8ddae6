from datetime import date, datetime

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common_resolution import CsResolutionCommon


@tagged("post_install", "-at_install")
class TestMonthlyReview(CsResolutionCommon):
    def _set_closed(self, ticket, when):
        # fixture: the closing date is the ticket workflow's, set in SQL here
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE helpdesk_ticket SET closed_date = %s WHERE id = %s",
            [when, ticket.id],
        )
        ticket.invalidate_recordset(["closed_date"])

    def test_monthly_review_idempotent(self):
        ticket = self._complaint()
        open_ticket = self._complaint()
        self._set_closed(ticket, datetime(2026, 10, 15, 8, 0))
        self._set_closed(open_ticket, datetime(2026, 11, 2, 8, 0))
        Review = self.env["cs.complaint.review"]
        reviews = Review._cron_create_monthly_reviews(today=date(2026, 11, 1))
        review = reviews.filtered(lambda r: r.company_id == self.company)
        self.assertEqual(review.period_start, date(2026, 10, 1))
        self.assertEqual(review.period_end, date(2026, 10, 31))
        self.assertEqual(review.due_date, date(2026, 11, 10))
        self.assertEqual(review.user_id, self.manager)
        self.assertIn(ticket, review.ticket_ids)
        self.assertNotIn(open_ticket, review.ticket_ids)
        activity = review.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.manager)
        self.assertEqual(activity.date_deadline, date(2026, 11, 10))
        # a second run (or a second worker) creates nothing more
        again = Review._cron_create_monthly_reviews(today=date(2026, 11, 1))
        self.assertFalse(again)
        self.assertEqual(
            Review.search_count(
                [
                    ("company_id", "=", self.company.id),
                    ("period_start", "=", "2026-10-01"),
                ]
            ),
            1,
        )
        self.assertEqual(len(review.activity_ids), 1)
        # HR reads the review; agents do not
        self.assertTrue(review.with_user(self.hr_user).read(["name"]))
        with self.assertRaises(AccessError):
            review.with_user(self.agent1).read(["name"])

    def test_due_day_is_data(self):
        self.company.cs_review_day = 5
        review = (
            self.env["cs.complaint.review"]
            ._cron_create_monthly_reviews(today=date(2026, 12, 1))
            .filtered(lambda r: r.company_id == self.company)
        )
        self.assertEqual(review.due_date, date(2026, 12, 5))


@tagged("post_install", "-at_install")
class TestOffsiteRequest(CsResolutionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dept_manager_user = cls.supervisor
        manager_employee = cls.env["hr.employee"].create(
            {"name": "Dept manager", "user_id": cls.dept_manager_user.id}
        )
        cls.department = cls.env["hr.department"].create(
            {"name": "After-sales", "manager_id": manager_employee.id}
        )

    def _request(self, **kw):
        ticket = self._complaint()
        vals = {
            "ticket_id": ticket.id,
            "department_id": self.department.id,
            "visit_date": date(2026, 12, 1),
            "destination": "Shanghai",
            "travel_cost": 300.0,
            "allowance_cost": 100.0,
        }
        vals.update(kw)
        return self.env["cs.offsite.request"].with_user(self.agent1).create(vals)

    def test_approved_before_visit_and_costs(self):
        request = self._request()
        with self.assertRaisesMsg(UserError, "approval before it takes place"):
            request.action_done()
        request.action_submit()
        self.assertEqual(request.approver_id, self.dept_manager_user)
        with self.assertRaisesMsg(AccessError, "Only the manager"):
            request.with_user(self.agent2).action_approve()
        with self.assertRaisesMsg(AccessError, "workflow's own actions"):
            request.with_user(self.agent1).write({"state": "approved"})
        request.with_user(self.dept_manager_user).action_approve()
        self.assertEqual(request.approved_by_id, self.dept_manager_user)
        with self.assertRaisesMsg(AccessError, "can no longer be changed"):
            request.with_user(self.agent1).write({"travel_cost": 1.0})
        request.with_user(self.agent1).action_done()
        self.assertEqual(request.ticket_id.service_cost, 400.0)

    def test_bad_costs(self):
        with self.assertRaisesMsg(ValidationError, "cannot be negative"):
            self._request(travel_cost=-1)

    def test_refused_request_no_cost(self):
        request = self._request()
        request.action_submit()
        request.with_user(self.dept_manager_user).action_refuse()
        with self.assertRaisesMsg(UserError, "approval before"):
            request.with_user(self.agent1).action_done()
        self.assertEqual(request.ticket_id.service_cost, 0.0)


@tagged("post_install", "-at_install")
class TestServiceInvoice(CsResolutionCommon):
    def test_paid_service_invoiced(self):
        ticket = self.Ticket.with_user(self.agent1).create(
            self._ticket_vals(request_kind="service", service_type="paid")
        )
        with self.assertRaisesMsg(UserError, "positive fee"):
            ticket.action_cs_invoice_service()
        ticket.service_fee = 250.0
        invoice = ticket.with_user(self.agent1).action_cs_invoice_service()
        self.assertEqual(invoice.move_type, "out_invoice")
        self.assertEqual(invoice.state, "draft")
        self.assertAlmostEqual(invoice.amount_untaxed, 250.0)
        self.assertEqual(invoice.cs_ticket_id, ticket)
        with self.assertRaisesMsg(UserError, "already invoiced"):
            ticket.with_user(self.agent1).action_cs_invoice_service()

    def test_free_service_not_invoiced(self):
        ticket = self.Ticket.with_user(self.agent1).create(
            self._ticket_vals(
                request_kind="service", service_type="free", service_fee=10
            )
        )
        with self.assertRaisesMsg(UserError, "paid service"):
            ticket.with_user(self.agent1).action_cs_invoice_service()
