# Copyright 2026 cs-center
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import new_test_user

TOKEN = "test-pbx-token-0123456789"


def setup_contact(cls):
    """Company, two teams, agents with PBX extensions, a customer with a phone, a
    PBX with a known token and a queue per team."""
    env = cls.env
    cls.company = env.company

    def user(login, groups):
        return new_test_user(
            env,
            login=login,
            groups=groups,
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
            tz="Asia/Shanghai",
        )

    cls.c_agent1 = user("cc_agent1", "cs_center.group_cs_agent")
    cls.c_agent2 = user("cc_agent2", "cs_center.group_cs_agent")
    cls.c_agent3 = user("cc_agent3", "cs_center.group_cs_agent")
    cls.c_supervisor = user("cc_supervisor", "cs_center.group_cs_supervisor")
    cls.c_manager = user("cc_manager", "cs_center.group_cs_manager")
    cls.c_agent1.sudo().cs_pbx_extension = "8001"
    cls.c_agent2.sudo().cs_pbx_extension = "8002"
    cls.c_team = env["helpdesk.ticket.team"].create(
        {
            "name": "Hotline team",
            "cs_regulated": True,
            "user_ids": [(6, 0, (cls.c_agent1 | cls.c_agent3 | cls.c_supervisor).ids)],
            "user_id": cls.c_supervisor.id,
        }
    )
    cls.c_team2 = env["helpdesk.ticket.team"].create(
        {
            "name": "After-sales team",
            "cs_regulated": True,
            "user_ids": [(6, 0, cls.c_agent2.ids)],
        }
    )
    cls.c_customer = env["res.partner"].create(
        {"name": "Customer Wang", "phone": "+86 138-0013-8000"}
    )
    cls.pbx = env["cs.pbx"].create(
        {
            "name": "Test PBX",
            "team_id": cls.c_team.id,
            "user_id": cls.c_manager.id,
            "queue_ids": [(0, 0, {"code": "aftersales", "team_id": cls.c_team2.id})],
        }
    )
    cls.pbx._cs_set_token(TOKEN)


BASE = fields.Datetime.now()


def ago(seconds):
    """A moment before the module's base time (fixed: waits are exact)."""
    return BASE - timedelta(seconds=seconds)


def iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + "Z"
