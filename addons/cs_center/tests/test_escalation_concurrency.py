from contextlib import closing
from datetime import timedelta

from odoo import SUPERUSER_ID, api, fields, sql_db
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestEscalationTwoWorkers(TransactionCase):
    """Two cron workers escalating at the same moment, on two real database
    connections (not the test transaction): each deadline escalated once."""

    def _env(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {})

    def test_two_workers_escalate_each_deadline_once(self):
        db = sql_db.db_connect(self.env.cr.dbname)
        ticket_ids, team_id = [], None
        try:
            with closing(db.cursor()) as cr_setup:
                env = self._env(cr_setup)
                team = env["helpdesk.ticket.team"].create(
                    {"name": "Concurrency", "cs_regulated": True}
                )
                tickets = env["helpdesk.ticket"].create(
                    [
                        {
                            "name": f"Concurrent {i}",
                            "description": "<p>x</p>",
                            "team_id": team.id,
                            "request_kind": "complaint",
                            "complaint_class": "quality",
                            "severity": "general",
                        }
                        for i in range(3)
                    ]
                )
                ticket_ids = tickets.ids
                env.flush_all()
                # accepted two days ago: the 24 h feedback is overdue
                cr_setup.execute(
                    "UPDATE cs_ticket_deadline SET due_date = %s WHERE ticket_id IN %s "
                    "AND target_type = 'feedback'",
                    [fields.Datetime.now() - timedelta(hours=2), tuple(ticket_ids)],
                )
                cr_setup.commit()
                team_id = team.id

            with closing(db.cursor()) as cr_a, closing(db.cursor()) as cr_b:
                env_a, env_b = self._env(cr_a), self._env(cr_b)
                # worker A refreshes and commits, then holds its batch (row locks)
                env_a["cs.ticket.deadline"]._cs_refresh_states()
                cr_a.commit()
                level = env_a.ref("cs_center.cs_escalation_level_owner")
                cr_a.execute(
                    "SELECT id FROM cs_ticket_deadline WHERE ticket_id IN %s "
                    "AND state = 'overdue' FOR UPDATE SKIP LOCKED",
                    [tuple(ticket_ids)],
                )
                locked = [r[0] for r in cr_a.fetchall()]
                self.assertEqual(len(locked), 3)
                env_a["cs.ticket.deadline"].browse(locked)._cs_escalate_to(level)
                env_a.flush_all()
                # worker B runs meanwhile: it must neither wait nor escalate again
                cr_b.execute("SET LOCAL lock_timeout = '5s'")
                done_b = env_b["cs.ticket.deadline"]._cron_escalate(auto_commit=False)
                env_b.flush_all()
                cr_b.commit()
                cr_a.commit()
                self.assertEqual(done_b, 0)

            with closing(db.cursor()) as cr_check:
                cr_check.execute(
                    "SELECT res_id, count(*) FROM mail_activity "
                    "WHERE res_model = 'helpdesk.ticket' AND res_id IN %s GROUP BY 1",
                    [tuple(ticket_ids)],
                )
                self.assertEqual(
                    dict(cr_check.fetchall()), dict.fromkeys(ticket_ids, 1)
                )
                cr_check.execute(
                    "SELECT DISTINCT escalation_level FROM cs_ticket_deadline "
                    "WHERE ticket_id IN %s AND target_type = 'feedback'",
                    [tuple(ticket_ids)],
                )
                self.assertEqual(cr_check.fetchall(), [(1,)])
        finally:
            with closing(db.cursor()) as cr_clean:
                if ticket_ids and team_id:
                    cr_clean.execute(
                        "DELETE FROM mail_activity WHERE res_model = 'helpdesk.ticket' "
                        "AND res_id IN %s",
                        [tuple(ticket_ids)],
                    )
                    cr_clean.execute(
                        "DELETE FROM mail_message WHERE model = 'helpdesk.ticket' "
                        "AND res_id IN %s",
                        [tuple(ticket_ids)],
                    )
                    cr_clean.execute(
                        "DELETE FROM helpdesk_ticket WHERE id IN %s",
                        [tuple(ticket_ids)],
                    )
                    cr_clean.execute(
                        "DELETE FROM helpdesk_ticket_team WHERE id = %s", [team_id]
                    )
                cr_clean.commit()
