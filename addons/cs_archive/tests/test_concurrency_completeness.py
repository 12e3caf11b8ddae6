import threading
import time

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestConcurrentCompleteness(TransactionCase):
    """Two cron workers run the completeness job at once, in two real
    transactions: they take different tickets (SKIP LOCKED), the second waits for
    the chain head, retries its stale batch, and every ticket is archived once in
    a gapless chain. Committed rows are removed by the cleanup (the archive guard is
    switched off for it, as in test_concurrency)."""

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.company_id = env.ref("base.main_company").id
            env["cs.archive.chain"]._lock_heads([self.company_id])
            cr.execute(
                "SELECT last_sequence, last_hash FROM cs_archive_chain "
                "WHERE company_id = %s",
                [self.company_id],
            )
            self.head_before = cr.fetchone()
            team_vals = {"name": "Concurrent completeness"}
            if "cs_regulated" in env["helpdesk.ticket.team"]._fields:
                team_vals["cs_regulated"] = True
            team = env["helpdesk.ticket.team"].create(team_vals)
            partner = env["res.partner"].create({"name": "Concurrent customer"})
            tickets = env["helpdesk.ticket"].create(
                [
                    {
                        "name": f"Concurrent {i}",
                        "description": "<p>Leaks.</p>",
                        "team_id": team.id,
                        "partner_id": partner.id,
                    }
                    for i in range(4)
                ]
            )
            env.flush_all()
            # closed without the hook (as before the archive existed)
            cr.execute(
                "UPDATE helpdesk_ticket SET stage_id = %s WHERE id IN %s",
                [
                    env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done").id,
                    tuple(tickets.ids),
                ],
            )
            self.team_id, self.partner_id = team.id, partner.id
            self.ticket_ids = tickets.ids
            cr.commit()  # pylint: disable=invalid-commit
        self.envs = []
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        for env in self.envs:
            env.cr.rollback()
            env.cr.close()
        with self.registry.cursor() as cr:
            ids = tuple(self.ticket_ids)
            cr.execute(
                "ALTER TABLE cs_archive_entry DISABLE TRIGGER cs_archive_entry_guard"
            )
            cr.execute(
                "DELETE FROM cs_archive_entry WHERE res_model = 'helpdesk.ticket' "
                "AND res_id IN %s",
                [ids],
            )
            cr.execute(
                "ALTER TABLE cs_archive_entry ENABLE TRIGGER cs_archive_entry_guard"
            )
            cr.execute(
                "ALTER TABLE cs_archive_chain DISABLE TRIGGER cs_archive_chain_guard"
            )
            cr.execute(
                "UPDATE cs_archive_chain SET last_sequence = %s, last_hash = %s "
                "WHERE company_id = %s",
                [*self.head_before, self.company_id],
            )
            cr.execute(
                "ALTER TABLE cs_archive_chain ENABLE TRIGGER cs_archive_chain_guard"
            )
            cr.execute(
                "DELETE FROM cs_callback WHERE ticket_id IN %s OR partner_id = %s",
                [ids, self.partner_id],
            )
            cr.execute("DELETE FROM helpdesk_ticket WHERE id IN %s", [ids])
            cr.execute("DELETE FROM helpdesk_ticket_team WHERE id = %s", [self.team_id])
            cr.execute("DELETE FROM res_partner WHERE id = %s", [self.partner_id])
            cr.commit()  # pylint: disable=invalid-commit

    def _env(self):
        env = api.Environment(self.registry.cursor(), SUPERUSER_ID, {})
        self.envs.append(env)
        return env

    def _wait_until_blocked(self, env_b):
        pid = env_b.cr._cnx.get_backend_pid()
        with self.registry.cursor() as cr:
            for _i in range(100):
                cr.execute(
                    "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid]
                )
                if cr.fetchone()[0] == "Lock":
                    return True
                cr.rollback()
                time.sleep(0.05)
        return False

    def test_two_workers_archive_each_ticket_once(self):
        env_a, env_b = self._env(), self._env()
        env_b.cr.execute("SELECT 1")  # B's snapshot is taken before A commits
        # A takes two tickets and holds the chain head
        done_a = env_a["helpdesk.ticket"]._cron_cs_archive_missing(batch_size=2)
        self.assertEqual(done_a, 2)
        result = {}

        def run_b():
            try:
                result["done"] = env_b["helpdesk.ticket"]._cron_cs_archive_missing(
                    batch_size=10
                )
                env_b.cr.commit()  # pylint: disable=invalid-commit
            except Exception as exc:  # reported by the test below
                result["error"] = exc

        thread = threading.Thread(target=run_b)
        thread.start()
        self.assertTrue(self._wait_until_blocked(env_b), "B waits for the head lock")
        env_a.cr.commit()  # pylint: disable=invalid-commit
        thread.join(60)
        self.assertFalse(thread.is_alive())
        self.assertNotIn("error", result)
        self.assertGreaterEqual(result["done"], 2)
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT res_id, sequence FROM cs_archive_entry"
                " WHERE res_model = 'helpdesk.ticket' AND res_id IN %s"
                " ORDER BY sequence",
                [tuple(self.ticket_ids)],
            )
            rows = cr.fetchall()
            env = api.Environment(cr, SUPERUSER_ID, {})
            report = env["cs.archive.integrity.report"]._cs_check_company(
                env["res.company"].browse(self.company_id)
            )
            state, details = report.result, report.details
            cr.rollback()
        self.assertEqual(sorted(r[0] for r in rows), sorted(self.ticket_ids))
        sequences = [r[1] for r in rows]
        self.assertEqual(
            sequences, list(range(sequences[0], sequences[0] + len(sequences)))
        )
        self.assertEqual(state, "ok", details)
