"""The ticket side of the workflow layer (issue 9): what a client can send on a ticket
and its history, and who may run each transition. Case 7 (ticket fields)."""

from datetime import datetime

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import CsCenterCommon

# every context key the ticket side used to trust, and a few more: none opens a guard
CONTEXT_KEYS = (
    "cs_internal_write",
    "install_mode",
    "cs_reopen",
    "cs_force_close",
    "cs_workflow_grants",
    "tracking_disable",
)


@tagged("post_install", "-at_install")
class TestTicketWorkflowGuard(CsCenterCommon):
    def setUp(self):
        super().setUp()
        self.ticket = self._complaint(user=self.agent1, user_id=self.agent1.id)
        self.ticket.with_user(self.agent1).stage_id = self.stage_progress

    def _snapshot(self, ticket, names):
        return {name: ticket[name] for name in names}

    # ------------------------------------------------------------------ case 7
    def test_case7_agent_cannot_write_ticket_workflow_fields(self):
        """Over RPC an agent on their own ticket wrote its company, number, assigned
        and closed dates, deadline state, next due date, service cost, commercial
        partner: all refused now, nothing changed."""
        attempts = {
            "number": "HACKED",
            "assigned_date": datetime(2020, 1, 1),
            "closed_date": datetime(2020, 1, 1),
            "last_stage_update": datetime(2020, 1, 1),
            "deadline_state": "met",
            "next_due_date": datetime(2099, 1, 1),
            "commercial_partner_id": self.customer2.id,
            "cs_regulated": False,
            "first_owner_id": self.agent2.id,
            "round_number": 7,
            "owner_signoff_date": datetime(2020, 1, 1),
            "satisfaction_confirm_date": datetime(2020, 1, 1),
            "force_closed": True,
            "first_reply_date": datetime(2020, 1, 1),
            "priority_dispatch": True,
        }
        if "service_cost" in self.ticket._fields:
            attempts["service_cost"] = 0.01
        before = self._snapshot(self.ticket, attempts)
        for name, value in attempts.items():
            for key in (None, *CONTEXT_KEYS):
                ticket = self.ticket.with_user(self.agent1)
                if key:
                    ticket = ticket.with_context(**{key: True})
                with self.subTest(field=name, context=key):
                    with self.assertRaises(AccessError):
                        ticket.write({name: value})
        self.ticket.invalidate_recordset()
        self.assertEqual(self._snapshot(self.ticket, attempts), before)

    def test_case7_company_moved_out_of_the_agents_companies_refused(self):
        with self.assertRaisesMsg(AccessError, "one of your companies"):
            self.ticket.with_user(self.agent1).write({"company_id": self.company2.id})
        # a controller's sudo keeps the real user: still refused
        with self.assertRaisesMsg(AccessError, "one of your companies"):
            self.ticket.with_user(self.agent1).sudo().write(
                {"company_id": self.company2.id}
            )
        self.assertEqual(self.ticket.company_id, self.company)

    def test_case7_company_frozen_once_the_ticket_has_deadlines(self):
        both = new_test_user(
            self.env,
            login="cs_agent_two_cos",
            groups="cs_center.group_cs_manager",
            company_id=self.company.id,
            company_ids=[(6, 0, (self.company | self.company2).ids)],
        )
        self.assertTrue(self.ticket.deadline_ids)
        with self.assertRaisesMsg(UserError, "regulated deadlines"):
            self.ticket.with_user(both).write({"company_id": self.company2.id})
        self.assertEqual(self.ticket.company_id, self.company)
        # allowed path: a consultation (no deadline), to one of the user's companies
        consultation = self.Ticket.with_user(both).create(
            self._ticket_vals(request_kind="consultation")
        )
        self.assertFalse(consultation.deadline_ids)
        consultation.with_user(both).write({"company_id": self.company2.id})
        self.assertEqual(consultation.company_id, self.company2)

    def test_case7_declaration_lists_the_ticket_fields(self):
        declared = set(self.Ticket._cs_workflow_declaration()["workflow_fields"])
        expected = {
            "number",
            "assigned_date",
            "closed_date",
            "deadline_state",
            "next_due_date",
            "commercial_partner_id",
            "cs_regulated",
            "first_owner_id",
            "owner_signoff_date",
        }
        if "service_cost" in self.Ticket._fields:
            expected.add("service_cost")
        self.assertLessEqual(expected, declared)

    def test_create_with_workflow_fields_refused(self):
        for name, value in (
            ("first_owner_id", self.agent2.id),
            ("closed_date", datetime(2020, 1, 1)),
            ("deadline_state", "met"),
            ("number", "X-1"),
            ("round_start_date", datetime(2020, 1, 1)),
        ):
            with self.subTest(field=name):
                with self.assertRaises(AccessError):
                    self.Ticket.with_user(self.agent1).with_context(
                        install_mode=True, cs_internal_write=True
                    ).create(self._ticket_vals(**{name: value}))
        # helpdesk_mgmt's placeholder number is accepted (it replaces it)
        ticket = self.Ticket.with_user(self.agent1).create(
            self._ticket_vals(number="/")
        )
        self.assertNotEqual(ticket.number, "/")

    def test_allowed_client_write_still_works(self):
        """Helpdesk_mgmt's own timestamps are set by its write inside the grant."""
        ticket = self.ticket.with_user(self.agent1)
        ticket.write({"name": "Kettle leaks again", "user_id": self.agent2.id})
        self.assertEqual(ticket.user_id, self.agent2)
        self.assertTrue(ticket.assigned_date)

    def test_superuser_gets_no_pass(self):
        with self.assertRaises(AccessError):
            self.ticket.sudo().write({"closed_date": datetime(2020, 1, 1)})
        for key in CONTEXT_KEYS:
            with self.assertRaises(AccessError):
                self.ticket.sudo().with_context(**{key: True}).write(
                    {"first_owner_id": self.agent2.id}
                )
        with self.assertRaisesMsg(UserError, "cannot be closed"):
            self.ticket.sudo().with_context(
                cs_force_close=True, cs_internal_write=True
            ).write({"stage_id": self.stage_done.id})

    def test_regulated_ticket_not_deleted_by_clients(self):
        for user in (self.agent1, self.supervisor):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.ticket.with_user(user).unlink()
        # a manager has helpdesk_mgmt's delete right, still refused on a CS ticket
        with self.assertRaisesMsg(AccessError, "archive them instead"):
            self.ticket.with_user(self.manager).unlink()
        with self.assertRaises(AccessError):
            self.ticket.sudo().unlink()
        self.assertTrue(self.ticket.exists())
        # archiving stays possible (helpdesk_mgmt's way to put a ticket away)
        self.ticket.with_user(self.manager).active = False
        self.assertFalse(self.ticket.active)

    def test_reopen_by_stage_refused(self):
        self.ticket.with_user(self.supervisor)._cs_force_close("Unreachable")
        for user in (self.agent1, self.supervisor, self.manager):
            with self.assertRaisesMsg(UserError, "Reopen"):
                self.ticket.with_user(user).with_context(cs_reopen=True).write(
                    {"stage_id": self.stage_progress.id}
                )
        self.assertTrue(self.ticket.closed)

    # ------------------------------------------------------------------ history
    def test_history_created_by_actions_only(self):
        self.ticket.with_user(self.agent1)._cs_transfer(self.agent2, False, "expert")
        self.ticket.with_user(self.supervisor)._cs_force_close("Unreachable")
        self.ticket.with_user(self.agent1)._cs_reopen("Still leaking")
        history = {
            "cs.ticket.deadline": self.ticket.deadline_ids[:1],
            "cs.ticket.transfer": self.ticket.transfer_ids[:1],
            "cs.ticket.round": self.ticket.round_ids[:1],
        }
        for model, record in history.items():
            self.assertTrue(record, model)
            decl = self.env[model]._cs_workflow_declaration()
            self.assertTrue(decl["no_client_create"])
            self.assertEqual(decl["unlink_states"], [])
            writable = [
                f
                for f in decl["workflow_fields"]
                if self.env[model]._fields[f].type in ("datetime", "char", "text")
            ]
            for user in (self.agent1, self.supervisor, self.manager):
                env_model = self.env[model].with_user(user)
                with self.subTest(model=model, user=user.login):
                    with self.assertRaises(AccessError):
                        env_model.with_context(cs_internal_write=True).create(
                            {"ticket_id": self.ticket.id}
                        )
                    with self.assertRaises(AccessError):
                        record.with_user(user).unlink()
                    for name in writable:
                        with self.assertRaises(AccessError):
                            record.with_user(user).write({name: False})
            # the superuser gets no pass either
            with self.assertRaises(AccessError):
                record.sudo().unlink()
            with self.assertRaises(AccessError):
                self.env[model].sudo().create({"ticket_id": self.ticket.id})
            self.assertTrue(record.exists())

    # ------------------------------------------------------------------ transitions
    def test_force_close_allowed_and_refused(self):
        for user in (self.agent1, self.agent_b, self.portal_user):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.ticket.with_user(user)._cs_force_close("no")
        self.assertFalse(self.ticket.closed)
        self.ticket.with_user(self.manager)._cs_force_close("Customer unreachable")
        self.assertTrue(self.ticket.closed)
        self.assertEqual(self.ticket.force_close_user_id, self.manager)

    def test_confirm_and_signoff_allowed_and_refused(self):
        for user in (self.agent_b, self.portal_user, self.agent_other_co):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.ticket.with_user(user)._cs_confirm_satisfaction("phone")
        self.assertFalse(self.ticket.satisfaction_confirm_date)
        self.ticket.with_user(self.agent2)._cs_confirm_satisfaction("phone")
        for user in (self.agent2, self.agent_b, self.supervisor, self.manager):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.ticket.with_user(user).action_owner_signoff()
        self.ticket.with_user(self.agent1).action_owner_signoff()
        self.assertEqual(self.ticket.owner_signoff_user_id, self.agent1)
        self.ticket.with_user(self.agent1).stage_id = self.stage_done
        self.assertTrue(self.ticket.closed)

    def test_reopen_allowed_and_refused(self):
        self.ticket.with_user(self.supervisor)._cs_force_close("Unreachable")
        for user in (self.agent_b, self.portal_user, self.agent_other_co):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.ticket.with_user(user)._cs_reopen("again")
        self.assertTrue(self.ticket.closed)
        self.ticket.with_user(self.agent2)._cs_reopen("Still leaking")
        self.assertFalse(self.ticket.closed)
        self.assertEqual(self.ticket.round_number, 2)

    def test_transfer_allowed_and_refused(self):
        for user in (self.agent_b, self.portal_user):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.ticket.with_user(user)._cs_transfer(self.agent_b, False, "x")
        it_team = self.env["helpdesk.ticket.team"].create({"name": "IT"})
        with self.assertRaisesMsg(UserError, "stays on a customer-service team"):
            self.ticket.with_user(self.supervisor)._cs_transfer(False, it_team, "IT")
        self.ticket.with_user(self.agent1)._cs_transfer(False, self.team_b, "Team B")
        self.assertEqual(self.ticket.team_id, self.team_b)
        self.assertEqual(self.ticket.first_owner_id, self.agent1)

    def test_redesignate_allowed_and_refused(self):
        for user in (self.agent1, self.agent2, self.portal_user):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.ticket.with_user(user)._cs_redesignate_owner(self.agent2, "x")
        self.ticket.with_user(self.supervisor)._cs_redesignate_owner(
            self.agent2, "Agent 1 left"
        )
        self.assertEqual(self.ticket.first_owner_id, self.agent2)

    def test_wizard_cannot_be_pointed_at_another_teams_ticket(self):
        """The wizards are public RPC entry points: the ticket they target is checked
        like the action itself."""
        other = self._complaint(user=self.agent_b, team_id=self.team_b.id)
        wizard = (
            self.env["cs.satisfaction.confirm.wizard"]
            .with_user(self.agent1)
            .create({"ticket_id": other.id, "method": "phone"})
        )
        with self.assertRaises(AccessError):
            wizard.action_confirm()
        self.assertFalse(other.satisfaction_confirm_date)
