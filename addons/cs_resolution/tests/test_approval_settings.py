from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from .common_resolution import CsResolutionCommon


@tagged("post_install", "-at_install")
class TestApprovalSettings(CsResolutionCommon):
    """R12 limits and approvers edited on the CS manager's screen; the tier
    definitions follow."""

    def _group_for(self, amount, ticket=None):
        proposal = self._proposal(amount=amount, ticket=ticket)
        proposal.with_user(self.agent1).action_submit()
        self.assertEqual(len(proposal.review_ids), 1)
        return proposal.review_ids.reviewer_group_id

    def _save(self, user=None, **vals):
        form = Form(self.env["cs.approval.settings"].with_user(user or self.manager))
        for name, value in vals.items():
            setattr(form, name, value)
        settings = form.save()
        settings.action_save()
        return settings

    def test_defaults_shown(self):
        settings = self.env["cs.approval.settings"].with_user(self.manager).create({})
        self.assertEqual(settings.tier1_limit, 1000.0)
        self.assertEqual(settings.tier2_limit, 5000.0)
        self.assertEqual(
            settings.tier1_group_id,
            self.env.ref("cs_resolution.group_cs_sales_dept_manager"),
        )
        self.assertIn("≤", settings.rule_html)
        self.assertIn("≥", settings.rule_html)

    def test_dialog_in_chinese(self):
        """Every label of the dialog is translated (field strings and buttons)."""
        if not self.env["res.lang"]._lang_get("zh_CN").active:
            self.skipTest("zh_CN not loaded")
        Settings = self.env["cs.approval.settings"].with_context(lang="zh_CN")
        strings = Settings.fields_get(["company_id", "tier1_limit"], ["string"])
        self.assertEqual(strings["company_id"]["string"], "公司")
        arch = Settings.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('string="取消"', arch)
        self.assertIn('string="保存"', arch)
        self.assertNotIn('string="Cancel"', arch)

    def test_edited_limits_route(self):
        self._save(tier1_limit=2000.0, tier2_limit=8000.0)
        self.assertEqual(self.company.cs_tier1_limit, 2000.0)
        sdm = self.env.ref("cs_resolution.group_cs_sales_dept_manager")
        dgm = self.env.ref("cs_resolution.group_cs_deputy_gm")
        gm = self.env.ref("cs_resolution.group_cs_gm")
        for amount, group in [
            (1500.0, sdm),
            (2000.0, sdm),
            (2000.01, dgm),
            (7999.99, dgm),
            (8000.0, gm),
        ]:
            with self.subTest(amount=amount):
                self.assertEqual(self._group_for(amount), group)

    def test_edited_approver(self):
        gm = self.env.ref("cs_resolution.group_cs_gm")
        self._save(tier2_group_id=gm)
        self.assertEqual(self._group_for(3000.0), gm)

    def test_bad_limits_refused(self):
        with self.assertRaisesMsg(ValidationError, "third tier's limit above"):
            self._save(tier1_limit=5000.0, tier2_limit=5000.0)
        with self.assertRaisesMsg(ValidationError, "must be positive"):
            self._save(tier1_limit=0.0)

    def test_only_cs_manager(self):
        for user in (self.agent1, self.supervisor, self.sales_mgr, self.gm):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self._save(user=user, tier1_limit=3000.0)
        self.assertEqual(self.company.cs_tier1_limit, 1000.0)
        # the company's limits and the definitions are not a client's to write
        with self.assertRaises(AccessError):
            self.company.with_user(self.manager).write({"cs_tier1_limit": 3000.0})
        definition = self.env.ref(
            "cs_resolution.tier_definition_cs_resolution_sales_manager"
        )
        with self.assertRaises(AccessError):
            definition.with_user(self.manager).write({"definition_domain": "[]"})

    def test_companies_keep_their_limits(self):
        self.company2.sudo().write({"cs_tier1_limit": 100.0, "cs_tier2_limit": 200.0})
        self.env["res.company"]._cs_sync_tier_definitions()
        sdm = self.env.ref("cs_resolution.group_cs_sales_dept_manager")
        dgm = self.env.ref("cs_resolution.group_cs_deputy_gm")
        self.assertEqual(self._group_for(500.0), sdm)
        definitions = self.env["cs.approval.settings"]._cs_definitions()
        domain = definitions[1].definition_domain
        self.assertIn(str(self.company2.id), domain)
        # a company-2 proposal of 150 is between its limits: second tier
        proposal = self._proposal(amount=150.0)
        self.env.cr.execute(
            "UPDATE cs_resolution SET company_id = %s WHERE id = %s",
            [self.company2.id, proposal.id],
        )
        proposal.invalidate_recordset()
        tiers = [d for d in definitions if proposal.evaluate_tier(d)]
        self.assertEqual([d.reviewer_group_id for d in tiers], [dgm])
