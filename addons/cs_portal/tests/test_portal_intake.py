from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import PNG, CsPortalCommon


@tagged("post_install", "-at_install")
class TestPortalIntake(CsPortalCommon):
    # ------------------------------------------------------------------ allowed
    def test_form_offers_bought_products_first(self):
        self.authenticate("cs_portal", "cs_portal")
        page = self.url_open("/my/tickets/new/complaint")
        self.assertEqual(page.status_code, 200)
        text = page.text
        self.assertIn("我购买的产品", text)
        # Kettle K1 (invoiced and delivered) sits in the first group
        self.assertLess(text.index("Kettle K1"), text.index("其他产品"))
        self.assertGreater(text.index("Teapot T9"), text.index("其他产品"))
        self.assertNotIn("Spare seal (internal)", text)
        bought, others = self.env["helpdesk.ticket"]._cs_portal_products(self.customer)
        self.assertIn(self.product, bought)
        self.assertNotIn(self.product, others)
        self.assertIn(self.catalogue_product, others)

    def test_kinds_page_lists_configured_forms(self):
        self.authenticate("cs_portal", "cs_portal")
        page = self.url_open("/my/tickets/new")
        self.assertIn("/my/tickets/new/complaint", page.text)
        self.assertIn("/my/tickets/new/service", page.text)
        # a form without a team is not offered
        self.env.ref("cs_portal.intake_kind_suggestion").team_id = False
        page = self.url_open("/my/tickets/new")
        self.assertNotIn("/my/tickets/new/suggestion", page.text)
        self.assertEqual(self.url_open("/my/tickets/new/suggestion").status_code, 404)
        # helpdesk_mgmt's "New" leads to the forms
        response = self.url_open("/new/ticket", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertIn("/my/tickets/new", response.headers["Location"])

    def test_complaint_arrives_classified_routed_clocked(self):
        before = self._attachment_count()
        response = self._submit(
            self._complaint_form(), files={"attachment": ("photo.png", PNG)}
        )
        self.assertEqual(response.status_code, 303, response.text[:500])
        ticket = self.env["helpdesk.ticket"].search(
            [("partner_id", "=", self.customer.id), ("name", "=", "水壶漏水")]
        )
        self.assertEqual(len(ticket), 1)
        self.assertIn(f"/my/ticket/{ticket.id}", response.headers["Location"])
        self.assertEqual(ticket.request_kind, "complaint")
        self.assertEqual(ticket.complaint_class, "quality")
        self.assertEqual(ticket.severity, "general")
        self.assertEqual(ticket.team_id, self.team_a)
        self.assertTrue(ticket.cs_regulated)
        self.assertEqual(ticket.channel_id, self.web_channel)
        self.assertEqual(ticket.register_product_id, self.product)
        self.assertEqual(ticket.quantity_affected, 2)
        self.assertEqual(str(ticket.purchase_date), "2025-06-01")
        self.assertEqual(ticket.lot_ref, "L-2609")
        self.assertEqual(ticket.purchase_place, "杭州旗舰店")
        # clocks running, set by the ticket's own actions; no owner before an
        # agent takes it (the portal user is no agent)
        self.assertTrue(ticket.round_start_date)
        self.assertTrue(ticket.deadline_ids)
        self.assertTrue(all(d.state == "running" for d in ticket.deadline_ids))
        self.assertFalse(ticket.first_owner_id)
        self.assertFalse(ticket.user_id)
        self.assertIn(self.customer, ticket.message_partner_ids)
        photo = ticket.attachment_ids
        self.assertEqual(photo.mapped("mimetype"), ["image/png"])
        self.assertEqual(self._attachment_count(), before + 1)

    def test_tampered_post_sets_no_workflow_field(self):
        """Extra keys in the POST (workflow fields, team, stage, kind, handler) are
        never read: only the form's configured fields are."""
        form = self._complaint_form(
            first_owner_id=str(self.agent1.id),
            user_id=str(self.agent1.id),
            team_id=str(self.team_b.id),
            stage_id=str(self.stage_done.id),
            request_kind="suggestion",
            severity="major",
            deadline_state="met",
            satisfaction_confirm_date="2025-01-01 00:00:00",
            partner_id=str(self.customer2.id),
            company_id=str(self.company2.id),
        )
        response = self._submit(form)
        self.assertEqual(response.status_code, 303)
        ticket = self.env["helpdesk.ticket"].search([("name", "=", "水壶漏水")])
        self.assertEqual(ticket.team_id, self.team_a)
        self.assertEqual(ticket.partner_id, self.customer)
        self.assertEqual(ticket.company_id, self.company)
        self.assertEqual(ticket.request_kind, "complaint")
        self.assertEqual(ticket.severity, "general")
        self.assertFalse(ticket.first_owner_id)
        self.assertFalse(ticket.user_id)
        self.assertFalse(ticket.satisfaction_confirm_date)
        self.assertFalse(ticket.stage_id.closed)

    def test_post_without_csrf_token_refused(self):
        count = self._ticket_count()
        self.authenticate("cs_portal", "cs_portal")
        response = self.url_open(
            "/my/tickets/new/complaint",
            data=self._complaint_form(),
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self._ticket_count(), count)

    def test_unknown_kind_and_back_office_user(self):
        self.authenticate("cs_portal", "cs_portal")
        self.assertEqual(self.url_open("/my/tickets/new/refund").status_code, 404)
        self.authenticate("cs_agent1", "cs_agent1")
        self.assertEqual(self.url_open("/my/tickets/new/complaint").status_code, 404)

    def test_plain_helpdesk_submission_writes_nothing(self):
        """helpdesk_mgmt's plain form writes nothing on a customer-service team (the
        customer uses the form of the kind); to another team, or to none (as an
        e-mail), it works as with helpdesk_mgmt alone."""
        company = self.env.company
        company.helpdesk_mgmt_portal_select_team = True
        other = self.env["helpdesk.ticket.team"].create(
            {"name": "IT helpdesk", "show_in_portal": True}
        )
        self.team_a.show_in_portal = True
        count = self._ticket_count()
        self.authenticate("cs_portal", "cs_portal")

        def submit(**data):
            data = dict(subject="x", description="y", csrf_token=self._csrf(), **data)
            return self.url_open("/submitted/ticket", data=data, allow_redirects=False)

        response = submit(team=str(self.team_a.id))
        self.assertEqual(response.status_code, 303)
        self.assertIn("/my/tickets/new", response.headers["Location"])
        self.assertEqual(self._ticket_count(), count)
        Ticket = self.env["helpdesk.ticket"].sudo()
        submit(team=str(other.id))
        ticket = Ticket.search([("team_id", "=", other.id)])
        self.assertEqual(len(ticket), 1)
        self.assertFalse(ticket.cs_regulated)
        submit()
        self.assertEqual(Ticket.search_count([("name", "=", "x")]), 2)

    # ------------------------------------------------------------------ refused
    def _assert_refused(self, response, message, count, attachments):
        self.assertEqual(response.status_code, 200)
        text = self._text(response)
        self.assertIn("o_cs_intake_error", text)
        self.assertIn(message, text)
        self.assertEqual(self._ticket_count(), count)
        self.assertEqual(self._attachment_count(), attachments)
        # the form is shown again with what the customer typed
        self.assertIn("杭州旗舰店", text)

    def test_future_purchase_date_refused_in_chinese(self):
        count, attachments = self._ticket_count(), self._attachment_count()
        response = self._submit(
            self._complaint_form(purchase_date="2999-01-01"),
            files={"attachment": ("photo.png", PNG)},
        )
        # the back office's own constraint, in the customer's language
        self._assert_refused(response, "购买日期不能晚于今天", count, attachments)

    def test_negative_quantity_refused(self):
        count, attachments = self._ticket_count(), self._attachment_count()
        response = self._submit(
            self._complaint_form(quantity_affected="-3"),
            files={"attachment": ("photo.png", PNG)},
        )
        self._assert_refused(response, "涉及数量不能为负数", count, attachments)

    def test_unreadable_values_refused(self):
        count, attachments = self._ticket_count(), self._attachment_count()
        response = self._submit(
            self._complaint_form(quantity_affected="abc", purchase_date="31/02/2025")
        )
        self._assert_refused(response, "填写的内容无效", count, attachments)
        response = self._submit(self._complaint_form(complaint_class="urgent"))
        self._assert_refused(response, "填写的内容无效", count, attachments)

    def test_product_not_allowed_refused(self):
        count, attachments = self._ticket_count(), self._attachment_count()
        response = self._submit(
            self._complaint_form(register_product_id=str(self.internal_product.id))
        )
        self._assert_refused(response, "不能选择此产品", count, attachments)

    def test_product_rule_holds_under_sudo_for_portal_user(self):
        """The rule is a constraint on the ticket: a controller's sudo keeps the
        portal user, so it holds whatever route creates the ticket; an agent in
        the back office may register any product."""
        vals = {
            "name": "x",
            "description": "<p>x</p>",
            "team_id": self.team_a.id,
            "partner_id": self.customer.id,
            "register_product_id": self.internal_product.id,
        }
        with self.assertRaisesMsg(ValidationError, "cannot be chosen"):
            self.env["helpdesk.ticket"].with_user(self.portal_user).sudo().create(
                dict(vals)
            )
        ticket = self.env["helpdesk.ticket"].with_user(self.agent1).create(dict(vals))
        self.assertEqual(ticket.register_product_id, self.internal_product)
        # a product the customer bought, even no longer sold, is allowed
        self.product.sale_ok = False
        vals["register_product_id"] = self.product.id
        ticket = (
            self.env["helpdesk.ticket"].with_user(self.portal_user).sudo().create(vals)
        )
        self.assertEqual(ticket.register_product_id, self.product)

    def test_missing_required_field_refused(self):
        count, attachments = self._ticket_count(), self._attachment_count()
        response = self._submit(self._complaint_form(purchase_date=""))
        self._assert_refused(response, "为必填项", count, attachments)

    def test_photo_limits(self):
        count, attachments = self._ticket_count(), self._attachment_count()
        # a text file sent as a photo: the content decides, not the name
        response = self._submit(
            self._complaint_form(),
            files={"attachment": ("photo.png", b"just some text, not an image")},
        )
        self._assert_refused(response, "不是照片", count, attachments)
        self.kind_complaint.max_file_size = 1
        response = self._submit(
            self._complaint_form(),
            files={"attachment": ("big.png", PNG + b"\0" * (1024 * 1024 + 1))},
        )
        self._assert_refused(response, "超过 1 MB", count, attachments)
        self.kind_complaint.max_files = 1
        response = self._submit(
            self._complaint_form(),
            files=[("attachment", ("a.png", PNG)), ("attachment", ("b.png", PNG))],
        )
        self._assert_refused(response, "最多只能上传 1 张照片", count, attachments)
        photo_line = self.kind_complaint.field_ids.filtered(
            lambda f: f.field_name == "attachment"
        )
        photo_line.required = True
        response = self._submit(self._complaint_form())
        self._assert_refused(response, "为必填项", count, attachments)

    def test_configuration_is_data(self):
        """Which fields show and which are required is data the CS manager edits."""
        kind = self.kind_complaint.with_user(self.manager)
        kind.field_ids.filtered(lambda f: f.field_name == "lot_ref").required = True
        count = self._ticket_count()
        response = self._submit(self._complaint_form(lot_ref=""))
        self.assertIn("为必填项", self._text(response))
        self.assertEqual(self._ticket_count(), count)
        kind.field_ids.filtered(lambda f: f.field_name == "lot_ref").unlink()
        self.authenticate("cs_portal", "cs_portal")
        page = self.url_open("/my/tickets/new/complaint")
        self.assertNotIn('name="lot_ref"', page.text)
        # an agent reads the configuration, does not change it
        with self.assertRaises(AccessError):
            self.kind_complaint.with_user(self.agent1).write({"severity": "major"})
        # a form routes to customer-service teams only
        team_it = self.env["helpdesk.ticket.team"].create({"name": "IT"})
        with self.assertRaisesMsg(ValidationError, "customer-service team"):
            kind.team_id = team_it
