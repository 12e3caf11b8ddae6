from odoo.tests import new_test_user

from odoo.addons.cs_resolution.tests.common_resolution import CsResolutionCommon


class CsCrmCommon(CsResolutionCommon):
    """Two sales teams (A and B) with their leaders and salespeople, a team
    without a leader, and one customer of each."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()

        def user(login, groups="sales_team.group_sale_salesman"):
            return new_test_user(
                cls.env,
                login=login,
                password=login,
                groups="base.group_user," + groups,
                company_id=cls.company.id,
                company_ids=[(6, 0, cls.company.ids)],
                tz="Asia/Shanghai",
            )

        cls.lead_a = user("crm_lead_a")
        cls.lead_b = user("crm_lead_b")
        cls.sales_a1 = user("crm_sales_a1")
        cls.sales_b1 = user("crm_sales_b1")
        cls.sales_none = user("crm_sales_none")
        Team = cls.env["crm.team"]
        cls.crm_team_a = Team.create(
            {
                "name": "Sales team A",
                "user_id": cls.lead_a.id,
                "company_id": cls.company.id,
            }
        )
        cls.crm_team_b = Team.create(
            {
                "name": "Sales team B",
                "user_id": cls.lead_b.id,
                "company_id": cls.company.id,
            }
        )
        cls.crm_team_none = Team.create(
            {"name": "Sales team without leader", "company_id": cls.company.id}
        )
        cls.crm_team_a.member_ids = cls.sales_a1
        cls.crm_team_b.member_ids = cls.sales_b1
        cls.crm_team_none.member_ids = cls.sales_none
        Partner = cls.env["res.partner"]
        cls.customer_a = Partner.create(
            {
                "name": "Customer of team A",
                "email": "a@example.com",
                "user_id": cls.sales_a1.id,
            }
        )
        cls.customer_b = Partner.create(
            {
                "name": "Customer of team B",
                "email": "b@example.com",
                "user_id": cls.sales_b1.id,
            }
        )
        cls.customer_none = Partner.create(
            {
                "name": "Customer of the team without leader",
                "user_id": cls.sales_none.id,
            }
        )

    def _complaint_of(self, partner):
        return self._complaint(partner_id=partner.id)

    def _proposal_of(self, partner, amount=500.0):
        return self._proposal(amount=amount, ticket=self._complaint_of(partner))
