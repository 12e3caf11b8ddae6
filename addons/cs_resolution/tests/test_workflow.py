"""Named regression tests of issue 9 for the resolution half: the workflow layer
(cs_center's cs.workflow.mixin) on proposals, their lines, penalty lines, off-site
requests and the monthly review; the tier guard scoped to cs.resolution."""

from datetime import date

from odoo_test_helper import FakeModelLoader

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged

from .common_resolution import CsResolutionCommon


@tagged("post_install", "-at_install", "security")
class TestResolutionWorkflow(CsResolutionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.department = cls.env["hr.department"].create({"name": "Production"})
        cls.employee = cls.env["hr.employee"].create(
            {"name": "Wang Wu", "department_id": cls.department.id}
        )

    def _penalty(self, proposal, user=None, **kw):
        vals = {
            "resolution_id": proposal.id,
            "department_id": self.department.id,
            "employee_id": self.employee.id,
            "penalty_amount": 200.0,
        }
        vals.update(kw)
        return (
            self.env["cs.responsibility"]
            .with_user(user or self.supervisor)
            .create(vals)
            .with_env(self.env)
        )

    # ------------------------------------------------------------------ case 1
    def test_case1_amounts_never_written_by_a_client(self):
        """A 5,000 compensation with amount_company written to 500 is refused and
        routed on the server's amount (General Manager), approved at 5,000."""
        proposal = self._proposal(amount=5000.0)
        for field in ("amount_company", "amount_total"):
            for user in (self.agent1, self.supervisor, self.manager):
                with self.subTest(field=field, user=user.login):
                    with self.assertRaisesMsg(AccessError, "workflow's own actions"):
                        proposal.with_user(user).write({field: 500.0})
        with self.assertRaisesMsg(AccessError, "workflow's own actions"):
            self.Resolution.with_user(self.agent1).create(
                {"ticket_id": proposal.ticket_id.id, "amount_company": 500.0}
            )
        # even sudo with the old context key does not open the guard
        with self.assertRaisesMsg(AccessError, "workflow's own actions"):
            proposal.with_user(self.agent1).sudo().with_context(
                cs_resolution_write=True, skip_validation_check=True
            ).write({"amount_company": 500.0})
        # a stored amount tampered with before the fix is not taken on trust
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE cs_resolution SET amount_company = 500, amount_total = 500 "
            "WHERE id = %s",
            [proposal.id],
        )
        proposal.invalidate_recordset()
        proposal.with_user(self.agent1).action_submit()
        self.assertEqual(proposal.amount_company, 5000.0)
        self.assertEqual(
            proposal.review_ids.reviewer_group_id,
            self.env.ref("cs_resolution.group_cs_gm"),
        )
        with self.assertRaises(UserError):
            proposal.with_user(self.sales_mgr).validate_tier()
        proposal.with_user(self.gm).validate_tier()
        self.assertEqual(proposal.state, "approved")
        self.assertEqual(proposal.approved_amount, 5000.0)

    def test_case1_allowed_path_lines_decide_the_amount(self):
        proposal = self._proposal(amount=800.0)
        proposal.line_ids.with_user(self.agent1).write({"price_unit": 8000.0})
        self.assertEqual(proposal.amount_total, 8000.0)
        proposal.with_user(self.agent1).action_submit()
        self.assertEqual(
            proposal.review_ids.reviewer_group_id,
            self.env.ref("cs_resolution.group_cs_gm"),
        )

    # ------------------------------------------------------------------ case 7
    def test_case7_read_only_proposal_fields(self):
        """Reference, customer, validation status, loss and penalty amounts (and
        every stored compute) are workflow-only, in the declaration and refused."""
        proposal = self._proposal(amount=300.0)
        declared = set(self.Resolution._cs_workflow_declaration()["workflow_fields"])
        attempts = {
            "name": "FAKE/1",
            "partner_id": self.customer2.id,
            "validation_status": "validated",
            "loss_amount": 0.0,
            "penalty_amount": 0.0,
            "amount_total": 1.0,
            "amount_company": 1.0,
            "company_id": self.company2.id,
            "approved_amount": 1.0,
            "state": "approved",
            "reconcile_state": "matched",
            "responsibility_reopened": True,
        }
        for field, value in attempts.items():
            with self.subTest(field=field):
                self.assertIn(field, declared)
                with self.assertRaises(AccessError):
                    proposal.with_user(self.agent1).write({field: value})
                with self.assertRaises(AccessError):
                    self.Resolution.with_user(self.agent1).create(
                        {"ticket_id": proposal.ticket_id.id, field: value}
                    )
        self.assertEqual(proposal.partner_id, self.customer)
        self.assertEqual(proposal.validation_status, "no")
        # allowed: the agent's own fields of a draft
        proposal.with_user(self.agent1).write({"facts": "Seal leaks at 80 degC"})
        self.assertEqual(proposal.facts, "Seal leaks at 80 degC")

    def test_frozen_states_consistent(self):
        """Approved, rejected, superseded and cancelled: proposal, lines and
        penalty lines are all frozen for clients."""
        approved = self._approve(self._proposal(amount=300.0))
        rejected = self._proposal(amount=300.0)
        rejected.with_user(self.agent1).action_submit()
        rejected.with_user(self.sales_mgr).reject_tier()
        cancelled = self._proposal(amount=300.0)
        cancelled.with_user(self.agent1).action_cancel()
        for proposal in (approved, rejected, cancelled):
            with self.subTest(state=proposal.state):
                with self.assertRaises(AccessError):
                    proposal.with_user(self.manager).write({"facts": "x"})
                with self.assertRaises(AccessError):
                    proposal.line_ids.with_user(self.manager).write({"quantity": 9})
                with self.assertRaises(AccessError):
                    self._penalty(proposal, user=self.manager)
                with self.assertRaises(AccessError):
                    proposal.with_user(self.manager).unlink()
        self.assertEqual(
            set(self.Resolution._cs_frozen_states),
            {"approved", "rejected", "superseded", "cancel"},
        )

    # ------------------------------------------------------------------ cases 4, 8
    def test_case4_penalty_lines_by_supervisors_only(self):
        proposal = self._proposal(amount=300.0)
        with self.assertRaisesMsg(AccessError, "supervisor or manager"):
            self._penalty(proposal, user=self.agent1)
        line = self._penalty(proposal, user=self.supervisor)
        self.assertEqual(proposal.penalty_amount, 200.0)
        with self.assertRaisesMsg(AccessError, "supervisor or manager"):
            line.with_user(self.agent1).write({"penalty_amount": 0.0})
        with self.assertRaisesMsg(AccessError, "supervisor or manager"):
            line.with_user(self.agent1).unlink()
        with self.assertRaisesMsg(AccessError, "supervisor or manager"):
            proposal.with_user(self.agent1).write(
                {"responsibility_ids": [Command.update(line.id, {"penalty_amount": 0})]}
            )
        line.with_user(self.manager).write({"penalty_amount": 150.0})
        self.assertEqual(proposal.penalty_amount, 150.0)
        # the penalty amount on the proposal is the lines' sum, never a client's
        with self.assertRaises(AccessError):
            proposal.with_user(self.supervisor).write({"penalty_amount": 0.0})

    def test_case8_penalty_lines_frozen_with_the_approval(self):
        proposal = self._proposal(amount=300.0)
        line = self._penalty(proposal)
        self._approve(proposal)
        self.assertEqual(line.lock_state, "locked")
        for user in (self.agent1, self.supervisor, self.manager):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    line.with_user(user).write({"penalty_amount": 0.0})
                with self.assertRaises(AccessError):
                    line.with_user(user).unlink()
                with self.assertRaises(AccessError):
                    self._penalty(proposal, user=user)
                with self.assertRaises(AccessError):
                    proposal.with_user(user).write(
                        {"responsibility_ids": [Command.delete(line.id)]}
                    )
        self.assertEqual(line.penalty_amount, 200.0)

    def test_case8_manager_reopens_with_logged_reason(self):
        proposal = self._approve(self._proposal(amount=300.0))
        line = self._penalty(self._proposal(amount=1.0))  # unrelated, stays open
        self.assertEqual(line.lock_state, "open")
        for user in (self.agent1, self.supervisor):
            with self.subTest(user=user.login):
                with self.assertRaisesMsg(AccessError, "CS manager"):
                    proposal.with_user(user)._cs_reopen_responsibility("Appeal")
                with self.assertRaises(AccessError):
                    proposal.with_user(user).action_reopen_responsibility()
        with self.assertRaisesMsg(ValidationError, "reason"):
            proposal.with_user(self.manager)._cs_reopen_responsibility("  ")
        with self.assertRaisesMsg(AccessError, "workflow's own actions"):
            proposal.with_user(self.manager).write({"responsibility_reopened": True})
        action = proposal.with_user(self.manager).action_reopen_responsibility()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.manager)
            .with_context(**action["context"])
            .create({"reason": "Appeal by the production department"})
        )
        wizard.action_confirm()
        self.assertTrue(proposal.responsibility_reopened)
        self.assertIn(
            "Appeal by the production department", proposal.message_ids[0].body
        )
        penalty = self._penalty(proposal, user=self.supervisor, penalty_amount=80.0)
        with self.assertRaises(AccessError):  # still not the agents'
            penalty.with_user(self.agent1).write({"penalty_amount": 0.0})
        # approved amounts stay frozen while the penalty lines are open
        with self.assertRaises(AccessError):
            proposal.line_ids.with_user(self.manager).write({"price_unit": 1.0})
        with self.assertRaises(AccessError):
            proposal.with_user(self.agent1).action_lock_responsibility()
        proposal.with_user(self.supervisor).action_lock_responsibility()
        self.assertFalse(proposal.responsibility_reopened)
        with self.assertRaises(AccessError):
            penalty.with_user(self.manager).write({"penalty_amount": 0.0})
        self.assertEqual(proposal.penalty_amount, 80.0)
        self.assertEqual(proposal.approved_amount, 300.0)

    def test_document_links_set_by_the_workflow_only(self):
        """cs_resolution_id / cs_ticket_id of credit notes and returns are
        read-only for accounting and warehouse users too (not only in the UI)."""
        proposal = self._approve(
            self._proposal(lines=[(self.product, 2.0, 50.0)], rtype="return")
        )
        proposal.with_user(self.agent1).action_create_credit_note()
        proposal.with_user(self.agent1).action_create_return()
        refund = proposal.credit_note_ids
        picking = proposal.return_picking_ids
        other = self._approve(self._proposal(amount=10.0))
        with self.assertRaisesMsg(AccessError, "resolution workflow only"):
            refund.with_user(self.accountant).write({"cs_resolution_id": other.id})
        with self.assertRaisesMsg(AccessError, "resolution workflow only"):
            self.invoice.with_user(self.accountant).write(
                {"cs_resolution_id": other.id}
            )
        with self.assertRaisesMsg(AccessError, "resolution workflow only"):
            picking.with_user(self.stock_user).write({"cs_resolution_id": False})
        self.assertEqual(refund.cs_resolution_id, proposal)
        self.assertEqual(picking.cs_resolution_id, proposal)
        self.assertEqual(picking.cs_ticket_id, proposal.ticket_id)

    # ------------------------------------------------------------------ other models
    def test_offsite_request_workflow_fields(self):
        manager_employee = self.env["hr.employee"].create(
            {"name": "Dept manager", "user_id": self.supervisor.id}
        )
        department = self.env["hr.department"].create(
            {"name": "Field service", "manager_id": manager_employee.id}
        )
        vals = {
            "ticket_id": self._complaint().id,
            "department_id": department.id,
            "visit_date": date(2026, 12, 1),
            "destination": "Suzhou",
            "travel_cost": 100.0,
        }
        Request = self.env["cs.offsite.request"]
        for field, value in {
            "requested_by_id": self.agent2.id,
            "approver_id": self.agent1.id,
            "total_cost": 1.0,
            "state": "approved",
        }.items():
            with self.subTest(field=field):
                with self.assertRaises(AccessError):
                    Request.with_user(self.agent1).create(dict(vals, **{field: value}))
        request = Request.with_user(self.agent1).create(vals)
        self.assertEqual(request.requested_by_id, self.agent1)
        request.with_user(self.agent1).write({"travel_cost": 120.0})
        request.with_user(self.agent1).action_submit()
        with self.assertRaises(AccessError):
            request.with_user(self.agent1).sudo().with_context(
                cs_offsite_write=True
            ).write({"state": "approved"})
        with self.assertRaises(AccessError):
            request.with_user(self.supervisor).write({"travel_cost": 1.0})
        request.with_user(self.supervisor).action_approve()
        self.assertEqual(request.state, "approved")
        self.assertEqual(request.total_cost, 120.0)

    def test_monthly_review_published_by_manager_only(self):
        progress = self.env["ir.cron.progress"].create(
            {"cron_id": self.env.ref("cs_resolution.ir_cron_cs_monthly_review").id}
        )
        Review = self.env["cs.complaint.review"].with_context(
            ir_cron_progress_id=progress.id
        )
        reviews = Review._cron_create_monthly_reviews(today=date(2026, 8, 1))
        self.assertEqual(progress.done, len(reviews))
        self.assertEqual(progress.remaining, 0)
        review = reviews.filtered(lambda r: r.company_id == self.company)
        with self.assertRaisesMsg(AccessError, "created by the workflow only"):
            self.env["cs.complaint.review"].with_user(self.manager).create(
                {
                    "company_id": self.company.id,
                    "period_start": date(2026, 1, 1),
                    "period_end": date(2026, 1, 31),
                    "due_date": date(2026, 2, 10),
                }
            )
        with self.assertRaises(AccessError):
            review.with_user(self.manager).write({"state": "done"})
        with self.assertRaises(AccessError):
            review.with_user(self.supervisor).action_publish()
        review.with_user(self.manager).write({"decision": "<p>Two warnings</p>"})
        review.with_user(self.manager).action_publish()
        self.assertEqual(review.state, "done")
        with self.assertRaises(AccessError):
            review.with_user(self.manager).write({"decision": "<p>Rewritten</p>"})
        with self.assertRaises(AccessError):
            review.with_user(self.manager).unlink()


@tagged("post_install", "-at_install", "security")
class TestTierGuardScope(TransactionCase):
    """Case 5: the tier.review guard and the sudo around the OCA approval steps
    apply to cs.resolution only; another tier-validated model (base_tier_validation's
    own tester model) behaves as plain base_tier_validation."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.loader = FakeModelLoader(cls.env, cls.__module__)
        cls.loader.backup_registry()
        from odoo.addons.base_tier_validation.tests.tier_validation_tester import (  # noqa: PLC0415, I001 (loaded by FakeModelLoader only)
            TierDefinition,
            TierValidationTester,
        )

        cls.loader.update_registry((TierValidationTester, TierDefinition))
        cls.addClassCleanup(cls.loader.restore_registry)
        model = cls.env["ir.model"]._get("tier.validation.tester")
        cls.env["ir.model.access"].create(
            {
                "name": "tester",
                "model_id": model.id,
                "group_id": cls.env.ref("base.group_user").id,
                "perm_read": 1,
                "perm_write": 1,
                "perm_create": 1,
                "perm_unlink": 1,
            }
        )
        cls.reviewer = new_test_user(cls.env, login="tier_reviewer")
        cls.requester = new_test_user(cls.env, login="tier_requester")
        cls.env["tier.definition"].create(
            {
                "model_id": model.id,
                "review_type": "individual",
                "reviewer_id": cls.reviewer.id,
                "definition_domain": "[('test_field', '=', 1.0)]",
            }
        )
        cls.record = cls.env["tier.validation.tester"].create({"test_field": 1.0})

    def test_case5_other_tier_model_untouched(self):
        record = self.record.with_user(self.requester)
        reviews = record.request_validation()  # not "Submit for approval" only
        self.assertTrue(reviews)
        # plain base_tier_validation: a user may write the reviews of this model
        reviews.with_user(self.requester).write({"comment": "checked"})
        self.assertEqual(reviews.comment, "checked")
        self.record.with_user(self.reviewer).validate_tier()
        self.assertEqual(self.record.validation_status, "validated")
        self.record.with_user(self.reviewer).action_confirm()
        self.assertEqual(self.record.state, "confirmed")
        self.assertFalse(hasattr(self.record, "_cs_workflow_declaration"))

    def test_case5_cs_resolution_reviews_guarded(self):
        Review = self.env["tier.review"]
        self.assertIsNone(Review._cs_guard(("tier.validation.tester",)))
        with self.assertRaises(AccessError):
            Review.sudo().create(
                {"model": "cs.resolution", "res_id": 1, "status": "approved"}
            )


@tagged("post_install", "-at_install")
class TestMigrationHook(TransactionCase):
    def test_pre_init_hook_takes_records_over_from_cs_center(self):
        """A database where cs_center held the resolution half keeps its groups
        (same ids, same users) and models: the hook changes their owner."""
        from ..hooks import pre_init_hook  # noqa: PLC0415

        group = self.env.ref("cs_resolution.group_cs_gm")
        names = [
            "group_cs_gm",
            "model_cs_resolution",
            "field_cs_resolution__amount_company",
            "field_helpdesk_ticket__service_cost",
            "access_cs_resolution_agent",
            "cs_resolution_rule_agent",
            "ir_cron_cs_monthly_review",
        ]
        self.env.cr.execute(
            "UPDATE ir_model_data SET module = 'cs_center' "
            "WHERE module = 'cs_resolution' AND name = ANY(%s)",
            [names],
        )
        self.assertEqual(self.env.cr.rowcount, len(names))
        pre_init_hook(self.env)
        self.env.cr.execute(
            "SELECT name FROM ir_model_data WHERE module = 'cs_resolution' "
            "AND name = ANY(%s)",
            [names],
        )
        self.assertEqual({r[0] for r in self.env.cr.fetchall()}, set(names))
        self.env.registry.clear_cache()
        self.assertEqual(self.env.ref("cs_resolution.group_cs_gm"), group)
        # a fresh database (nothing of cs_center's to take over) is left alone
        self.env.cr.execute(
            "SELECT count(*) FROM ir_model_data WHERE module = 'cs_center' "
            "AND name = 'group_cs_agent'"
        )
        self.assertEqual(self.env.cr.fetchone()[0], 1)
