import uuid
from contextlib import contextmanager

import psycopg2.errors

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestConcurrentApproval(TransactionCase):
    """Two reviewers of the same tier approve at the same moment, each in its own
    database transaction (real cursors, committed fixtures cleaned up afterwards)."""

    def _cursor(self):
        cr = self.registry.cursor()
        cr.execute("SET lock_timeout = '10s'")
        return cr

    def _setup_committed(self):
        tag = uuid.uuid4().hex[:8]
        with self._cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            users = [
                new_test_user(
                    env,
                    login=f"cs_conc_{name}_{tag}",
                    groups="base.group_user,cs_resolution.group_cs_deputy_gm",
                )
                for name in ("a", "b")
            ]
            partner = env["res.partner"].create({"name": f"Concurrent {tag}"})
            ticket = env["helpdesk.ticket"].create(
                {
                    "name": f"Concurrent approval {tag}",
                    "description": "<p>x</p>",
                    "partner_id": partner.id,
                    "request_kind": "complaint",
                    "complaint_class": "quality",
                    "severity": "general",
                }
            )
            proposals = env["cs.resolution"].create(
                [
                    {
                        "ticket_id": ticket.id,
                        "line_ids": [
                            Command.create(
                                {
                                    "name": "Compensation",
                                    "quantity": 1,
                                    "price_unit": 2000,
                                }
                            )
                        ],
                    }
                    for _i in range(2)
                ]
            )
            proposals.action_submit()
            ids = {
                "users": [u.id for u in users],
                "partner": partner.id,
                "ticket": ticket.id,
                "proposals": proposals.ids,
            }
        return ids

    def _cleanup(self, ids):
        with self._cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            proposals = env["cs.resolution"].browse(ids["proposals"])
            with proposals._cs_workflow_step("tier.review"):
                proposals.unlink()
            env["helpdesk.ticket"].browse(ids["ticket"]).unlink()
            users = env["res.users"].browse(ids["users"])
            partners = users.partner_id | env["res.partner"].browse(ids["partner"])
            try:
                with cr.savepoint():
                    users.unlink()
                    partners.unlink()
            except Exception:  # noqa: BLE001 — referenced by logs: archive instead
                users.active = False

    def _state(self, proposal_id):
        with self._cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            proposal = env["cs.resolution"].browse(proposal_id)
            return (
                proposal.state,
                proposal.review_ids.mapped("status"),
                proposal.review_ids.done_by.ids,
            )

    def test_two_reviewers_one_outcome(self):
        ids = self._setup_committed()
        user_a, user_b = ids["users"]
        first, second = ids["proposals"]
        cr_a, cr_b = self._cursor(), self._cursor()
        try:
            env_a = api.Environment(cr_a, user_a, {})
            env_b = api.Environment(cr_b, user_b, {})
            # 1. both press "Validate" at once: the second one cannot take the row
            env_a["cs.resolution"].browse(first).validate_tier()
            with self.assertRaises(psycopg2.errors.LockNotAvailable):
                env_b["cs.resolution"].browse(first).validate_tier()
            cr_b.rollback()
            cr_a.commit()
            # the RPC layer retries B in a new transaction: nothing left to review
            with self.assertRaisesMsg(UserError, "no review to do"):
                env_b["cs.resolution"].browse(first).validate_tier()
            cr_b.rollback()
            self.assertEqual(self._state(first), ("approved", ["approved"], [user_a]))

            # 2. B read the proposal before A committed: B's stale snapshot fails
            self.assertEqual(env_b["cs.resolution"].browse(second).state, "to_approve")
            env_a["cs.resolution"].browse(second).reject_tier()
            cr_a.commit()
            with self.assertRaises(psycopg2.errors.SerializationFailure):
                env_b["cs.resolution"].browse(second).validate_tier()
            cr_b.rollback()
            with self.assertRaisesMsg(UserError, "no review to do"):
                env_b["cs.resolution"].browse(second).validate_tier()
            cr_b.rollback()
            self.assertEqual(self._state(second), ("rejected", ["rejected"], [user_a]))
        finally:
            cr_a.rollback()
            cr_b.rollback()
            cr_a.close()
            cr_b.close()
            self._cleanup(ids)

    @contextmanager
    def assertRaisesMsg(self, exception, regex):
        with self.assertRaises(exception) as cm:
            yield cm
        self.assertRegex(str(cm.exception), regex)
