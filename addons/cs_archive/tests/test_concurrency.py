import threading
import time

from odoo import SUPERUSER_ID, api
from odoo.service.model import retrying
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestConcurrentArchiving(TransactionCase):
    """Two real transactions archive for the same company at the same moment.

    The rows are committed, so the test cleans up after itself: archive entries
    refuse DELETE, hence the cleanup switches the guard off as the database
    owner (ALTER TABLE ... DISABLE TRIGGER), deletes the entries it created and
    puts the chain head back where it was. The test's own cursor never touches
    the archive tables (it would hold locks the ALTER TABLE waits for)."""

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
            self.partner_ids = (
                env["res.partner"]
                .create([{"name": "Concurrent A"}, {"name": "Concurrent B"}])
                .ids
            )
            cr.commit()  # pylint: disable=invalid-commit
        self.envs = []
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        for env in self.envs:
            env.cr.rollback()
            env.cr.close()
        with self.registry.cursor() as cr:
            cr.execute(
                "ALTER TABLE cs_archive_entry DISABLE TRIGGER cs_archive_entry_guard"
            )
            cr.execute(
                "DELETE FROM cs_archive_entry WHERE res_model = 'res.partner' "
                "AND res_id IN %s",
                [tuple(self.partner_ids)],
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
                "DELETE FROM res_partner WHERE id IN %s", [tuple(self.partner_ids)]
            )
            cr.commit()  # pylint: disable=invalid-commit

    def _env(self):
        env = api.Environment(self.registry.cursor(), SUPERUSER_ID, {})
        self.envs.append(env)
        return env

    def _archive(self, env, index):
        partner = env["res.partner"].browse(self.partner_ids[index])
        return env["cs.archive.entry"]._archive(
            "consultation",
            partner,
            env["res.company"].browse(self.company_id),
            partner,
            {"caller": partner.name},
        )

    def _start_b(self, env_b, result):
        def run():
            def archive():
                result["sequence"] = self._archive(env_b, 1).sequence

            try:
                # what Odoo does for every request: retry on serialization failure
                retrying(archive, env_b)
                env_b.cr.commit()  # pylint: disable=invalid-commit
            except Exception as exc:  # reported by the test below
                result["error"] = exc

        thread = threading.Thread(target=run)
        thread.start()
        return thread

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

    def _chain(self):
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT sequence, prev_hash, chain_hash FROM cs_archive_entry "
                "WHERE res_model = 'res.partner' AND res_id IN %s ORDER BY sequence",
                [tuple(self.partner_ids)],
            )
            rows = cr.fetchall()
            env = api.Environment(cr, SUPERUSER_ID, {})
            report = env["cs.archive.integrity.report"]._cs_check_company(
                env["res.company"].browse(self.company_id)
            )
            result = (rows, report.result, report.details)
            cr.rollback()
        return result

    def test_two_transactions_keep_a_gapless_valid_chain(self):
        env_a, env_b = self._env(), self._env()
        # both transactions have started (and taken their snapshot) already
        env_a.cr.execute("SELECT 1")
        env_b.cr.execute("SELECT 1")
        entry_a = self._archive(env_a, 0)  # holds the chain head lock
        result = {}
        thread = self._start_b(env_b, result)
        self.assertTrue(self._wait_until_blocked(env_b), "B waits for the head lock")
        seq_a = entry_a.sequence
        env_a.cr.commit()  # pylint: disable=invalid-commit
        thread.join(60)
        self.assertFalse(thread.is_alive())
        self.assertNotIn("error", result)
        self.assertEqual(seq_a, self.head_before[0] + 1)
        self.assertEqual(result["sequence"], seq_a + 1)
        rows, state, details = self._chain()
        self.assertEqual([r[0] for r in rows], [seq_a, seq_a + 1])
        self.assertEqual(rows[1][1], rows[0][2], "B is chained to A")
        self.assertEqual(state, "ok", details)

    def test_rolled_back_transaction_leaves_no_gap(self):
        env_a, env_b = self._env(), self._env()
        self._archive(env_a, 0)
        result = {}
        thread = self._start_b(env_b, result)
        self.assertTrue(self._wait_until_blocked(env_b))
        env_a.cr.rollback()  # A fails after having taken a number
        thread.join(60)
        self.assertNotIn("error", result)
        self.assertEqual(result["sequence"], self.head_before[0] + 1)
        rows, state, details = self._chain()
        self.assertEqual(len(rows), 1)
        self.assertEqual(state, "ok", details)
