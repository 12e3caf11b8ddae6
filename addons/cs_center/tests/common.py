from contextlib import contextmanager

from odoo.tests import new_test_user

from odoo.addons.base.tests.common import BaseCommon


class CsCenterCommon(BaseCommon):
    """Two teams, agents, a supervisor and a manager in one company; an agent in
    another company; customers and a portal user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))
        cls.company = cls.env.company
        cls.company.partner_id.tz = "Asia/Shanghai"
        cls.company2 = cls.env["res.company"].create({"name": "Other Co"})
        cls.stage_new = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_new")
        cls.stage_progress = cls.env.ref(
            "helpdesk_mgmt.helpdesk_ticket_stage_in_progress"
        )
        cls.stage_done = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        cls.stage_cancelled = cls.env.ref(
            "helpdesk_mgmt.helpdesk_ticket_stage_cancelled"
        )

        def user(login, groups, company=None, **kw):
            company = company or cls.company
            return new_test_user(
                cls.env,
                login=login,
                groups=groups,
                company_id=company.id,
                company_ids=[(6, 0, company.ids)],
                tz="Asia/Shanghai",
                **kw,
            )

        cls.agent1 = user("cs_agent1", "cs_center.group_cs_agent")
        cls.agent2 = user("cs_agent2", "cs_center.group_cs_agent")
        cls.agent_b = user("cs_agent_b", "cs_center.group_cs_agent")
        cls.supervisor = user("cs_supervisor", "cs_center.group_cs_supervisor")
        cls.manager = user("cs_manager", "cs_center.group_cs_manager")
        cls.agent_other_co = user(
            "cs_agent_other", "cs_center.group_cs_agent", company=cls.company2
        )
        cls.team_a = cls.env["helpdesk.ticket.team"].create(
            {
                "name": "Team A",
                "cs_regulated": True,
                "user_ids": [(6, 0, (cls.agent1 | cls.agent2 | cls.supervisor).ids)],
                "user_id": cls.supervisor.id,
            }
        )
        cls.team_b = cls.env["helpdesk.ticket.team"].create(
            {
                "name": "Team B",
                "cs_regulated": True,
                "user_ids": [(6, 0, cls.agent_b.ids)],
            }
        )
        cls.team_other_co = cls.env["helpdesk.ticket.team"].create(
            {
                "name": "Other company team",
                "cs_regulated": True,
                "company_id": cls.company2.id,
                "user_ids": [(6, 0, cls.agent_other_co.ids)],
            }
        )
        cls.company.cs_manager_id = cls.manager
        cls.customer = cls.env["res.partner"].create(
            {"name": "Customer Zhang", "email": "zhang@example.com"}
        )
        cls.customer2 = cls.env["res.partner"].create(
            {"name": "Customer Li", "email": "li@example.com"}
        )
        cls.portal_user = new_test_user(
            cls.env,
            login="cs_portal",
            groups="base.group_portal",
            partner_id=cls.customer.id,
        )
        cls.Ticket = cls.env["helpdesk.ticket"]

    @classmethod
    def _ticket_vals(cls, **kw):
        vals = {
            "name": "Broken kettle",
            "description": "<p>The kettle leaks.</p>",
            "team_id": cls.team_a.id,
            "partner_id": cls.customer.id,
        }
        vals.update(kw)
        return vals

    def _complaint(self, user=None, severity="general", **kw):
        vals = self._ticket_vals(
            request_kind="complaint",
            complaint_class="quality",
            severity=severity,
            **kw,
        )
        return self.Ticket.with_user(user or self.agent1).create(vals)

    @contextmanager
    def assertRaisesMsg(self, exception, regex):
        """assertRaises (which rolls back to a savepoint, so nothing half-written
        stays) plus a check of the message the user reads."""
        with self.assertRaises(exception) as cm:
            yield cm
        self.assertRegex(str(cm.exception), regex)
