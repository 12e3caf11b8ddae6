import base64
import re

from odoo import http
from odoo.tests import HttpCase, new_test_user

from odoo.addons.cs_resolution.tests.common_resolution import CsResolutionCommon

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA"
    "60e6kgAAAABJRU5ErkJggg=="
)


class CsPortalCommon(HttpCase, CsResolutionCommon):
    """The default portal forms routed to Team A; the portal customer (cs_portal,
    customer Zhang, who bought Kettle K1) reads Simplified Chinese; another
    customer with portal access (cs_portal_other)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.portal_user.write({"lang": "zh_CN", "tz": "Asia/Shanghai"})
        cls.other_portal = new_test_user(
            cls.env,
            login="cs_portal_other",
            groups="base.group_portal",
            partner_id=cls.customer2.id,
        )
        cls.Kind = cls.env["cs.portal.intake.kind"]
        cls.kind_complaint = cls.env.ref("cs_portal.intake_kind_complaint")
        cls.Kind.search([]).write({"team_id": cls.team_a.id})
        cls.catalogue_product = cls.env["product.product"].create(
            {"name": "Teapot T9", "list_price": 80, "sale_ok": True}
        )
        cls.internal_product = cls.env["product.product"].create(
            {"name": "Spare seal (internal)", "sale_ok": False}
        )
        cls.web_channel = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_web")

    def _csrf(self):
        return http.Request.csrf_token(self)

    def _complaint_form(self, **kw):
        form = {
            "subject": "水壶漏水",
            "description": "用了一周就漏水。",
            "register_product_id": str(self.product.id),
            "complaint_class": "quality",
            "order_ref": "SO-88",
            "lot_ref": "L-2609",
            "quantity_affected": "2",
            "purchase_date": "2025-06-01",
            "purchase_place": "杭州旗舰店",
        }
        form.update(kw)
        return form

    def _submit(self, form, kind="complaint", files=None, login="cs_portal"):
        if login:
            self.authenticate(login, login)
        data = dict(form, csrf_token=self._csrf())
        return self.url_open(
            f"/my/tickets/new/{kind}",
            data=data,
            files=files or {},
            allow_redirects=False,
        )

    def _ticket_count(self):
        return self.env["helpdesk.ticket"].search_count([])

    def _attachment_count(self):
        return self.env["ir.attachment"].search_count(
            [("res_model", "=", "helpdesk.ticket")]
        )

    @staticmethod
    def _text(response):
        return re.sub(r"\s+", " ", response.text)
