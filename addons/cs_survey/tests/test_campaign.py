from collections import Counter
from datetime import date, datetime

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import CsSurveyCommon


@tagged("post_install", "-at_install")
class TestCampaign(CsSurveyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # 1,000 active customers: 100 key, 900 regular
        Partner = cls.env["res.partner"]
        with Partner._cs_segment_step():
            cls.population = Partner.create(
                [
                    {
                        "name": f"Customer {i:04d}",
                        "email": f"c{i}@example.com",
                        "cs_segment": "key" if i < 100 else "regular",
                    }
                    for i in range(1000)
                ]
            )
        cls.Campaign = cls.env["cs.survey.campaign"].with_user(cls.manager)

    def _campaign(self, day, **kw):
        vals = {
            "name": f"Yearly survey {day.year}",
            "survey_id": self.survey.id,
            "date": day,
            "send_email": False,
        }
        vals.update(kw)
        return self.Campaign.create(vals)

    def _run(self, day, **kw):
        campaign = self._campaign(day, **kw)
        campaign.action_sample()
        campaign.action_send()
        # the surveys went out on the campaign's day
        self.env.cr.execute(
            "UPDATE survey_user_input SET cs_sent_date = %s WHERE cs_campaign_id = %s",
            [datetime.combine(day, datetime.min.time()), campaign.id],
        )
        self.env["survey.user_input"].invalidate_model(["cs_sent_date"])
        return campaign

    def _picked(self, campaign):
        return campaign.line_ids.partner_id & self.population

    def test_coverage_targets_over_three_years(self):
        covered = set()
        for year in (2024, 2025, 2026):
            campaign = self._run(date(year, 11, 15))
            partners = campaign.line_ids.partner_id
            counts = Counter(campaign.line_ids.partner_id.ids)
            self.assertEqual(max(counts.values()), 1, "never twice in a campaign")
            self.assertEqual(len(partners), len(campaign.line_ids))
            self.assertEqual(campaign.population_count, 1000)
            self.assertGreaterEqual(campaign.year_coverage, 40.0)
            self.assertTrue(campaign.year_target_met)
            self.assertEqual(campaign.sent_count, len(campaign.line_ids))
            self.assertEqual(campaign.answered_count, 0)
            # random within segments: about one key customer in ten
            key = len(partners.filtered(lambda p: p.cs_segment == "key"))
            self.assertAlmostEqual(key / len(partners), 0.1, delta=0.01)
            covered |= set(self._picked(campaign).ids)
        self.assertEqual(len(covered), 1000, "every customer within three years")
        self.assertEqual(campaign.cycle_coverage, 100.0)
        self.assertTrue(campaign.cycle_target_met)

    def test_recently_surveyed_customers_are_skipped(self):
        first = self._run(date(2026, 3, 1), kind="ad_hoc", sample_size=300)
        self.assertEqual(len(first.line_ids), 300)
        recent = self._picked(first)
        # the yearly campaign tops up to 40% without those surveyed in March
        yearly = self._run(date(2026, 6, 1))
        self.assertFalse(self._picked(yearly) & recent)
        self.assertEqual(len(yearly.line_ids), 100)  # 400 - 300 this year
        self.assertEqual(yearly.year_coverage, 40.0)

    def test_answers_counted_and_resampling(self):
        campaign = self._campaign(date(2026, 11, 15), kind="ad_hoc", sample_size=5)
        campaign.action_sample()
        self.assertEqual(campaign.state, "sampled")
        campaign.action_sample()  # a draw again replaces the unsent sample
        self.assertEqual(len(campaign.line_ids), 5)
        campaign.action_send()
        self.assertEqual(campaign.sent_count, 5)
        self._answer(campaign.line_ids[0].user_input_id, overall="satisfied")
        campaign.invalidate_recordset()
        self.assertEqual(campaign.answered_count, 1)
        self.assertEqual(campaign.line_ids[0].state, "answered")
        self.assertEqual(
            campaign.line_ids[0].user_input_id.cs_score_ids.dimension_id.code,
            "overall",
        )
        with self.assertRaisesMsg(UserError, "was sent"):
            campaign.action_sample()

    def test_post_delivery_population(self):
        buyer = self.population[500]
        self._complaint(partner_id=buyer.id, purchase_date=date(2026, 5, 1))
        campaign = self._campaign(date(2026, 11, 15), kind="post_delivery")
        self.assertEqual(campaign.population_count, 1)
        campaign.action_sample()
        self.assertEqual(campaign.line_ids.partner_id, buyer)

    def test_campaigns_are_for_managers(self):
        campaign = self._campaign(date(2026, 11, 15))
        with self.assertRaisesMsg(AccessError, "Only a customer-service manager"):
            campaign.with_user(self.supervisor).action_sample()
        with self.assertRaisesMsg(AccessError, "."):
            self.env["cs.survey.campaign"].with_user(self.agent1).search([])
        with self.assertRaisesMsg(AccessError, "workflow's own actions"):
            campaign.write({"state": "sent"})
