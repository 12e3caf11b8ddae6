from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from .common_crm import CsCrmCommon

TODAY = "2026-06-15 04:00:00"


@tagged("post_install", "-at_install")
class TestSegmentRules(CsCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rule = cls.env["cs.segment.rule"]._cs_rule_for(cls.company)
        if not cls.rule.id:
            cls.rule = cls.env["cs.segment.rule"].create({"company_id": cls.company.id})
        cls.Partner = cls.env["res.partner"]
        cls.buyer = cls.Partner.create({"name": "Fresh buyer", "is_company": True})
        cls.old_buyer = cls.Partner.create({"name": "Old buyer", "is_company": True})
        with freeze_time("2026-06-05 04:00:00"):
            cls._make_invoice(cls.buyer, cls.product, 2, 500.0)
        with freeze_time("2026-01-10 04:00:00"):
            cls._make_invoice(cls.old_buyer, cls.product, 10, 2000.0)

    def _refresh(self):
        with freeze_time(TODAY):
            return self.Partner._cs_refresh_segments()

    def test_defaults(self):
        self.assertEqual(self.rule.new_days, 60)
        self._refresh()
        self.assertTrue(self.buyer.cs_is_new)
        self.assertEqual(self.buyer.cs_segment, "new")
        # first invoice 156 days ago, revenue 20,000 below 100,000
        self.assertFalse(self.old_buyer.cs_is_new)
        self.assertEqual(self.old_buyer.cs_segment, "regular")

    def test_edited_thresholds(self):
        self.rule.write({"new_days": 200, "key_revenue_threshold": 15000.0})
        self._refresh()
        self.assertTrue(self.old_buyer.cs_is_new)
        self.assertTrue(self.old_buyer.cs_is_key)
        self.assertEqual(self.old_buyer.cs_segment, "key")
        self.assertFalse(self.buyer.cs_is_key)
        self.rule.write({"new_days": 5, "key_revenue_months": 3})
        self._refresh()
        self.assertFalse(self.buyer.cs_is_new)
        self.assertFalse(self.old_buyer.cs_is_key)  # invoiced 5 months ago

    def test_won_opportunity_makes_new(self):
        partner = self.Partner.create({"name": "Won prospect", "is_company": True})
        with freeze_time("2026-06-01 04:00:00"):
            lead = self.env["crm.lead"].create(
                {"name": "Deal", "type": "opportunity", "partner_id": partner.id}
            )
            lead.action_set_won()
        self._refresh()
        self.assertTrue(partner.cs_is_new)
        self.rule.new_from_opportunity = False
        self._refresh()
        self.assertFalse(partner.cs_is_new)

    def test_key_by_tag(self):
        tag = self.env["res.partner.category"].create({"name": "Strategic"})
        self.rule.key_category_ids = tag
        self.old_buyer.category_id = tag
        self._refresh()
        self.assertTrue(self.old_buyer.cs_is_key)
        self.assertEqual(self.old_buyer.cs_segment, "key")

    def test_new_customer_callback_planned_once(self):
        self._refresh()
        callbacks = self.env["cs.callback"].search(
            [("partner_id", "=", self.buyer.id), ("reason", "=", "new_customer")]
        )
        self.assertEqual(len(callbacks), 1)
        self._refresh()
        self.assertEqual(
            self.env["cs.callback"].search_count(
                [("partner_id", "=", self.buyer.id), ("reason", "=", "new_customer")]
            ),
            1,
        )

    def test_manual_override_with_reason(self):
        with self.assertRaises(AccessError):
            self.buyer.with_user(self.agent1)._cs_set_segment("key", "big")
        with self.assertRaisesMsg(ValidationError, "reason"):
            self.buyer.with_user(self.supervisor)._cs_set_segment("key", " ")
        wizard = (
            self.env["cs.segment.override.wizard"]
            .with_user(self.supervisor)
            .create(
                {
                    "partner_id": self.buyer.id,
                    "segment": "key",
                    "reason": "Group purchasing contract signed",
                }
            )
        )
        wizard.action_confirm()
        self.assertTrue(self.buyer.cs_segment_manual)
        self.assertIn("Group purchasing", self.buyer.message_ids[0].body)
        self._refresh()
        self.assertEqual(self.buyer.cs_segment, "key")
        self.buyer.with_user(self.supervisor)._cs_set_segment(False, "back to rules")
        self._refresh()
        self.assertFalse(self.buyer.cs_segment_manual)
        self.assertEqual(self.buyer.cs_segment, "new")

    def test_flags_not_writable(self):
        for vals in (
            {"cs_segment_manual": True},
            {"cs_is_key": True},
            {"cs_segment_reason": "x"},
        ):
            with self.subTest(vals=vals):
                with self.assertRaises(AccessError):
                    self.buyer.write(vals)
                with self.assertRaises(AccessError):
                    self.buyer.with_user(self.manager).write(vals)
        with self.assertRaises(AccessError):
            self.Partner.create({"name": "x", "cs_is_key": True})

    def test_rules_editable_by_cs_manager_only(self):
        self.rule.with_user(self.manager).write({"new_days": 90})
        self.assertEqual(self.rule.new_days, 90)
        with self.assertRaises(AccessError):
            self.rule.with_user(self.agent1).write({"new_days": 10})
        with self.assertRaises(AccessError):
            self.rule.with_user(self.sales_a1).write({"new_days": 10})

    def test_segment_not_writable_directly(self):
        """RPC writes of the segment are refused to every caller, managers
        included; the rule job and the override set it."""
        sales_manager = self._sales_manager()
        for user in (self.sales_a1, self.agent1, self.manager, sales_manager):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.buyer.with_user(user).write({"cs_segment": "key"})
                with self.assertRaises(AccessError):
                    self.Partner.with_user(user).create(
                        {"name": "x", "cs_segment": "key"}
                    )
        with self.assertRaises(AccessError):
            self.buyer.write({"cs_segment": "key"})
        # the rule job (superuser, no user context) sets it
        with freeze_time(TODAY):
            self.env.ref("cs_crm.ir_cron_cs_refresh_segments").method_direct_trigger()
        self.assertEqual(self.buyer.cs_segment, "new")
        # a copy does not carry the segment (copying a customer stays possible)
        self.assertFalse(self.buyer.copy().cs_segment)

    def _sales_manager(self):
        return new_test_user(
            self.env,
            login="crm_sales_manager",
            groups="base.group_user,sales_team.group_sale_manager",
            company_id=self.company.id,
            company_ids=[(6, 0, self.company.ids)],
        )

    def test_sales_manager_override(self):
        sales_manager = self._sales_manager()
        with self.assertRaises(AccessError):
            self.buyer.with_user(self.sales_a1)._cs_set_segment("key", "big")
        self.buyer.with_user(sales_manager)._cs_set_segment("key", "Framework deal")
        self.assertEqual(self.buyer.cs_segment, "key")
        self.assertTrue(self.buyer.cs_segment_manual)
