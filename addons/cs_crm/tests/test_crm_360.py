from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .test_crm_sales import SalesCommon


@tagged("post_install", "-at_install")
class TestOpportunityFromTicket(SalesCommon):
    def _create_lead(self, ticket, user):
        wizard = (
            self.env["helpdesk.ticket.create.lead"]
            .with_user(user)
            .with_context(active_id=ticket.id)
            .create({})
        )
        wizard.action_helpdesk_ticket_to_lead()
        return ticket.with_env(self.env).lead_ids

    def test_agent_creates_linked_opportunity(self):
        ticket = self.Ticket.with_user(self.agent1).create(
            self._ticket_vals(
                partner_id=self.customer_a.id,
                request_kind="consultation",
                customer_request="Wants 200 kettles for a hotel",
            )
        )
        ticket.with_user(self.agent1).message_post(
            body="Internal: customer is difficult", subtype_xmlid="mail.mt_note"
        )
        lead = self._create_lead(ticket, self.agent1)
        self.assertEqual(len(lead), 1)
        # both ways
        self.assertEqual(lead.ticket_id, ticket)
        self.assertEqual(ticket.lead_count, 1)
        self.assertEqual(lead.user_id, self.sales_a1)
        self.assertEqual(lead.team_id, self.crm_team_a)
        self.assertEqual(lead.partner_id, self.customer_a)
        bodies = " ".join(lead.message_ids.mapped(lambda m: str(m.body)))
        self.assertIn("200 kettles", bodies)
        self.assertNotIn("customer is difficult", bodies)
        # the salesperson opens it and sees the source ticket
        self.assertEqual(lead.with_user(self.sales_a1).ticket_id, ticket)

    def test_complaint_refused(self):
        ticket = self._complaint_of(self.customer_a)
        with self.assertRaisesMsg(UserError, "is a complaint"):
            self._create_lead(ticket, self.agent1)
        self.assertFalse(ticket.with_env(self.env).lead_ids)

    def test_user_without_role_refused(self):
        ticket = self.Ticket.with_user(self.agent1).create(
            self._ticket_vals(partner_id=self.customer_a.id, request_kind="suggestion")
        )
        with self.assertRaises(AccessError):
            self._create_lead(ticket, self.hr_user)
        self.assertFalse(ticket.with_env(self.env).lead_ids)


@tagged("post_install", "-at_install")
class TestCustomer360(SalesCommon):
    """Hand-counted fixtures for customer A (company and contact)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plain_team = cls.env["helpdesk.ticket.team"].create(
            {"name": "IT helpdesk", "cs_regulated": False}
        )
        cls.contact_a = cls.env["res.partner"].create(
            {"name": "Buyer at A", "parent_id": cls.customer_a.id}
        )

    def _fixtures(self):
        # 1 general complaint + 1 major complaint of a contact (open, overdue),
        # 1 closed ticket of a plain team; customer B: 1 open ticket
        with freeze_time(fields.Datetime.now() - timedelta(days=10)):
            general = self._complaint_of(self.customer_a)
            major = self._complaint(partner_id=self.contact_a.id, severity="major")
        closed = self.Ticket.create(
            self._ticket_vals(team_id=self.plain_team.id, partner_id=self.customer_a.id)
        )
        closed.stage_id = self.stage_done
        self._complaint_of(self.customer_b)
        self.env["cs.ticket.deadline"]._cs_refresh_states()
        # callbacks: one due today, one next month
        self._callback(self.customer_a)
        later = self._callback(self.contact_a)
        self.env.cr.execute(
            "UPDATE cs_callback SET due_date = %s WHERE id = %s",
            [fields.Date.today() + timedelta(days=30), later.id],
        )
        # satisfaction answers: 80 then 60 (average 70, last 60)
        survey = self.env["survey.survey"].create({"title": "Satisfaction"})
        with self.env["cs.callback"]._cs_workflow_step("survey.user_input"):
            for ticket, score in ((general, 80.0), (closed, 60.0)):
                self.env["survey.user_input"].sudo().create(
                    {
                        "survey_id": survey.id,
                        "partner_id": self.customer_a.id,
                        "cs_ticket_id": ticket.id,
                        "state": "done",
                        "cs_has_score": True,
                        "cs_score": score,
                    }
                )
        # approved this year: 300 + 200 (a rejected one of 999 not counted)
        for amount, approve in ((300.0, True), (200.0, True), (999.0, False)):
            proposal = self._proposal(amount=amount, ticket=general)
            proposal.with_user(self.agent1).action_submit()
            if approve:
                proposal.with_user(self.lead_a).validate_tier()
            else:
                proposal.with_user(self.lead_a).reject_tier()
        return major

    def test_figures(self):
        major = self._fixtures()
        self.assertTrue(major.deadline_ids.filtered(lambda d: d.state == "overdue"))
        overdue = len(
            self.env["cs.ticket.deadline"].search(
                [
                    ("ticket_id.commercial_partner_id", "=", self.customer_a.id),
                    ("state", "=", "overdue"),
                ]
            )
        )
        self.assertTrue(overdue)
        lead = self.env["crm.lead"].create(
            {
                "name": "Hotel kettles",
                "partner_id": self.contact_a.id,
                "user_id": self.sales_a1.id,
            }
        )
        for record in (self.customer_a, self.contact_a, lead):
            with self.subTest(record=record.display_name):
                record.invalidate_recordset()
                record = record.with_user(self.sales_a1)
                self.assertEqual(record.cs_open_ticket_count, 2)
                self.assertEqual(record.cs_open_major_count, 1)
                self.assertEqual(record.cs_overdue_count, overdue)
                self.assertEqual(record.cs_callback_due_count, 1)
                self.assertAlmostEqual(record.cs_satisfaction_avg, 70.0)
                self.assertAlmostEqual(record.cs_satisfaction_last, 60.0)
                self.assertEqual(record.cs_satisfaction_count, 2)
                self.assertAlmostEqual(record.cs_approved_amount_year, 500.0)
        self.assertEqual(self.customer_b.cs_open_ticket_count, 1)
        self.assertEqual(self.customer_b.cs_open_major_count, 0)

    def test_query_count_bounded(self):
        self._fixtures()
        Partner = self.env["res.partner"]
        many = Partner.create([{"name": f"Customer {i}"} for i in range(1000)])
        few = many[:10] | self.customer_a

        def queries(partners):
            partners.invalidate_recordset()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            partners.mapped("cs_open_ticket_count")
            return self.env.cr.sql_log_count - before

        q_few = queries(few)
        q_many = queries(many | self.customer_a)
        self.assertLessEqual(q_many, q_few + 6)
        self.assertLessEqual(q_many, 25)
        self.assertEqual(self.customer_a.cs_open_ticket_count, 2)

    def test_banner_figure_on_opportunity(self):
        lead = self.env["crm.lead"].create(
            {
                "name": "Kettles",
                "partner_id": self.customer_a.id,
                "tag_ids": [Command.clear()],
            }
        )
        self.assertEqual(lead.cs_open_major_count, 0)
        self._complaint(partner_id=self.customer_a.id, severity="major")
        lead.invalidate_recordset()
        self.assertEqual(lead.cs_open_major_count, 1)


@tagged("post_install", "-at_install")
class TestCustomer360Access(SalesCommon):
    """Who reads the customer 360 figures (server side, whatever the client)."""

    FIGURES = ["cs_open_ticket_count", "cs_open_major_count", "cs_approved_amount_year"]

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sales_all = new_test_user(
            cls.env,
            login="crm_sales_all",
            groups="base.group_user,sales_team.group_sale_salesman_all_leads",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )

    def setUp(self):
        super().setUp()
        self._complaint_of(self.customer_a)
        self._complaint_of(self.customer_b)

    def _read(self, user, record):
        record.invalidate_recordset()
        return record.with_user(user).read(self.FIGURES + ["cs_360_visible"])[0]

    def test_allowed_roles_read_every_customer(self):
        for user in (self.agent1, self.sales_mgr, self.sales_all):
            for customer in (self.customer_a, self.customer_b):
                with self.subTest(user=user.login, customer=customer.name):
                    values = self._read(user, customer)
                    self.assertTrue(values["cs_360_visible"])
                    self.assertEqual(values["cs_open_ticket_count"], 1)

    def test_salesperson_reads_own_customers_only(self):
        # own customer, and the team leader for the team's customers
        for user in (self.sales_a1, self.lead_a):
            values = self._read(user, self.customer_a)
            self.assertTrue(values["cs_360_visible"])
            self.assertEqual(values["cs_open_ticket_count"], 1)
        # another team's customer: blank figures
        values = self._read(self.sales_a1, self.customer_b)
        self.assertFalse(values["cs_360_visible"])
        self.assertEqual(values["cs_open_ticket_count"], 0)
        # an opportunity of their own shows the figures of its customer
        lead = self.env["crm.lead"].create(
            {
                "name": "Kettles",
                "partner_id": self.customer_b.id,
                "user_id": self.sales_a1.id,
            }
        )
        values = lead.with_user(self.sales_a1).read(["cs_open_ticket_count"])[0]
        self.assertEqual(values["cs_open_ticket_count"], 1)

    def test_other_roles_refused(self):
        for user in (self.hr_user, self.stock_user, self.accountant):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.customer_a.with_user(user).read(["cs_open_ticket_count"])
                with self.assertRaises(AccessError):
                    self.customer_a.with_user(user).search_read(
                        [("id", "=", self.customer_a.id)], ["cs_approved_amount_year"]
                    )
                # sudo() in the caller's code keeps the figures blank for them
                self.customer_a.invalidate_recordset()
                partner = self.customer_a.with_user(user).sudo()
                self.assertEqual(partner.cs_open_ticket_count, 0)

    def test_partner_form_opens_for_everyone(self):
        for user, shown in (
            (self.hr_user, False),
            (self.stock_user, False),
            (self.sales_a1, True),
            (self.agent1, True),
        ):
            with self.subTest(user=user.login):
                Partner = self.env["res.partner"].with_user(user)
                arch = Partner.get_views([(False, "form")])["views"]["form"]["arch"]
                self.assertEqual('name="cs_open_ticket_count"' in arch, shown)
                fields_ = [
                    f
                    for f in Partner._fields
                    if Partner._fields[f].is_accessible(Partner.env)
                    and f in ("name", "cs_open_ticket_count", "cs_360_visible")
                ]
                self.assertEqual("cs_open_ticket_count" in fields_, shown)
                Partner.browse(self.customer_a.id).web_read({f: {} for f in fields_})
