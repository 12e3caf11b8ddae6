"""Benchmark of cs_center I (prints numbers; not a test).

1. Ticket creation: SQL queries and time to create 1,000 tickets, one by one and in one
   batch, on a database with cs_center installed and on one with every cs-center addon
   (CS_BENCH_ADDONS, set by ./dev) against one with helpdesk_mgmt alone, in the same
   run, as ratios (target of issue 13: at most 1.10x the time and the queries).
2. Escalation: queries and time of one escalation run over 100,000 open tickets (on
   the database with every addon), of which some are overdue by various amounts, per
   deadline-level step, then of a second run (idempotence).

Run: ./dev bench bench_cs_center   (or CS_ODOO_CONF=.local/odoo.conf python3 this_file)
"""

import os
import subprocess
import sys
import time

import odoo
from odoo import SUPERUSER_ID, api

CONF = os.environ.get("CS_ODOO_CONF", ".local/odoo.conf")
N_CREATE = int(os.environ.get("CS_BENCH_CREATE", 1000))
N_OPEN = int(os.environ.get("CS_BENCH_OPEN", 100000))
# every cs-center addon, as ./dev installs them (the product as users run it)
ALL = os.environ.get("CS_BENCH_ADDONS", "")
DBS = {"helpdesk_mgmt": "cs_bench_base", "cs_center": "cs_bench_cs"}
if ALL:
    DBS["every addon"] = "cs_bench_all"


def new_user(env, login, groups):
    return env["res.users"].create(
        {
            "name": login,
            "login": login,
            "groups_id": [(6, 0, [env.ref("base.group_user").id, env.ref(groups).id])],
        }
    )


def create_db(db, module):
    subprocess.run(["dropdb", "--if-exists", db], check=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "odoo",
            "-c",
            CONF,
            "-d",
            db,
            "-i",
            module,
            "--without-demo=all",
            "--stop-after-init",
            "--log-level=warn",
        ],
        check=True,
    )


def measure(cr, fn):
    env = api.Environment(cr, SUPERUSER_ID, {})
    env.flush_all()
    start_q, start_t = cr.sql_log_count, time.perf_counter()
    fn()
    env.flush_all()
    return cr.sql_log_count - start_q, time.perf_counter() - start_t


def bench_create(module, db):
    registry = odoo.modules.registry.Registry(db)
    results = {}
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        cs = module != "helpdesk_mgmt"
        groups = "helpdesk_mgmt.group_helpdesk_user_own"
        if cs:
            groups = "cs_center.group_cs_agent"
        agent = new_user(env, "bench_agent", groups)
        team_vals = {"name": "Bench", "user_ids": [(6, 0, agent.ids)]}
        if cs:
            team_vals["cs_regulated"] = True  # a customer-service team
        team = env["helpdesk.ticket.team"].create(team_vals)
        customer = env["res.partner"].create(
            {"name": "Bench customer", "email": "c@example.com"}
        )
        vals = {
            "name": "Leaking kettle",
            "description": "<p>It leaks</p>",
            "team_id": team.id,
            "partner_id": customer.id,
            "user_id": agent.id,
        }
        if cs:
            vals.update(
                request_kind="complaint", complaint_class="quality", severity="general"
            )
        Ticket = env["helpdesk.ticket"].with_user(agent)
        Ticket.create(dict(vals))  # warm-up

        def one_by_one():
            for _i in range(N_CREATE):
                Ticket.create(dict(vals))

        def batch():
            Ticket.create([dict(vals) for _i in range(N_CREATE)])

        results["one by one"] = measure(cr, one_by_one)
        results["batch"] = measure(cr, batch)
        if cs:
            cons = dict(vals, request_kind="consultation")
            results["one by one (consultation)"] = measure(
                cr, lambda: [Ticket.create(dict(cons)) for _i in range(N_CREATE)]
            )
        cr.rollback()
    return results


def bench_close(db, n=200):
    """The close path with every addon: the stage write that closes a complaint,
    with the archive job triggered (as shipped) and with the job switched off (the
    entry appended in the closing transaction, as before issue 13)."""
    registry = odoo.modules.registry.Registry(db)
    results = {}
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        agent = new_user(env, "bench_closer", "cs_center.group_cs_agent")
        agent.email = "closer@example.com"  # closing mails the customer a survey
        team = env["helpdesk.ticket.team"].create(
            {
                "name": "Bench close",
                "cs_regulated": True,
                "user_ids": [(6, 0, agent.ids)],
            }
        )
        customer = env["res.partner"].create(
            {"name": "Bench closing customer", "email": "closing@example.com"}
        )
        done = env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        progress = env.ref("helpdesk_mgmt.helpdesk_ticket_stage_in_progress")
        Ticket = env["helpdesk.ticket"].with_user(agent)
        cron = env.ref("cs_archive.ir_cron_cs_archive_missing")
        for mode, active in (
            ("archive job triggered", True),
            ("archived in the close", False),
        ):
            cron.active = active
            tickets = Ticket.create(
                [
                    {
                        "name": f"Close {i}",
                        "description": "<p>It leaks</p>",
                        "team_id": team.id,
                        "partner_id": customer.id,
                        "user_id": agent.id,
                        "request_kind": "complaint",
                        "complaint_class": "quality",
                        "severity": "general",
                    }
                    for i in range(n + 1)
                ]
            )
            for ticket in tickets:
                ticket.stage_id = progress
                ticket._cs_confirm_satisfaction("phone", "Satisfied")
                ticket.action_owner_signoff()
            tickets[0].stage_id = done  # warm-up
            rest = tickets[1:]
            results[mode] = measure(
                cr, lambda rest=rest: [t.write({"stage_id": done.id}) for t in rest]
            )
        cr.rollback()
    return results


def bench_escalation(db):
    registry = odoo.modules.registry.Registry(db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        agent = new_user(env, "bench_agent2", "cs_center.group_cs_agent")
        leader = new_user(env, "bench_leader", "cs_center.group_cs_supervisor")
        manager = new_user(env, "bench_manager", "cs_center.group_cs_manager")
        env.company.cs_manager_id = manager
        team = env["helpdesk.ticket.team"].create(
            {
                "name": "Bench esc",
                "cs_regulated": True,
                "user_ids": [(6, 0, agent.ids)],
                "user_id": leader.id,
            }
        )
        stage = env.ref("helpdesk_mgmt.helpdesk_ticket_stage_in_progress")
        env.flush_all()
        t0 = time.perf_counter()
        # N_OPEN open complaints, one feedback deadline each. 2% just overdue
        # (level 1), 2% overdue by more than a day (levels 1-2), 1% by more than two
        # days (levels 1-3); the rest is running or at risk.
        cr.execute(
            """
            INSERT INTO helpdesk_ticket
                (number, name, description, team_id, stage_id, company_id,
                 user_id, first_owner_id, request_kind, complaint_class, severity,
                 round_number, round_start_date, active, priority, kanban_state,
                 create_date, write_date, create_uid, write_uid, last_stage_update,
                 cs_regulated)
            SELECT 'B' || g, 'Bench ticket ' || g, '<p>x</p>', %(team)s, %(stage)s,
                   %(company)s, %(agent)s, %(agent)s, 'complaint', 'quality',
                   'general', 1, now() at time zone 'utc', TRUE, '1', 'normal',
                   now() at time zone 'utc', now() at time zone 'utc', 1, 1,
                   now() at time zone 'utc', TRUE
              FROM generate_series(1, %(n)s) g
            """,
            {
                "team": team.id,
                "stage": stage.id,
                "company": env.company.id,
                "agent": agent.id,
                "n": N_OPEN,
            },
        )
        policy = env.ref("cs_center.cs_deadline_policy_feedback_general")
        cr.execute(
            """
            INSERT INTO cs_ticket_deadline
                (ticket_id, policy_id, target_type, met_event, round, start_date,
                 due_date, at_risk_date, state, escalation_level, company_id, team_id,
                 user_id, first_owner_id, request_kind, create_date, write_date,
                 create_uid, write_uid)
            SELECT t.id, %(policy)s, 'feedback', 'first_reply', 1, n - interval '1 day',
                   CASE WHEN r < 0.02 THEN n - interval '1 hour'
                        WHEN r < 0.04 THEN n - interval '30 hours'
                        WHEN r < 0.05 THEN n - interval '60 hours'
                        ELSE n + interval '10 hours' END,
                   CASE WHEN r < 0.02 THEN n - interval '3 hours'
                        WHEN r < 0.04 THEN n - interval '32 hours'
                        WHEN r < 0.05 THEN n - interval '62 hours'
                        ELSE n + interval '8 hours' END,
                   'running', 0, t.company_id, t.team_id,
                   t.user_id, t.first_owner_id, 'complaint', n, n, 1, 1
              FROM (SELECT id, company_id, team_id, user_id, first_owner_id,
                           (id %% 100) / 100.0 AS r, now() at time zone 'utc' AS n
                      FROM helpdesk_ticket WHERE number LIKE 'B%%') t
            """,
            {"policy": policy.id},
        )
        cr.execute("ANALYZE helpdesk_ticket")
        cr.execute("ANALYZE cs_ticket_deadline")
        fixture_s = time.perf_counter() - t0
        Deadline = env["cs.ticket.deadline"]
        steps = {}

        def run():
            steps["n"] = Deadline._cron_escalate(auto_commit=False)

        first = measure(cr, run)
        first_steps = steps["n"]
        second = measure(cr, run)
        second_steps = steps["n"]
        cr.execute(
            "SELECT escalation_level, count(*) FROM cs_ticket_deadline d "
            "JOIN helpdesk_ticket t ON t.id = d.ticket_id "
            "WHERE t.number LIKE 'B%%' GROUP BY 1 ORDER BY 1"
        )
        levels = cr.fetchall()
        cr.rollback()
    return fixture_s, first, first_steps, second, second_steps, levels


def main():
    odoo.tools.config.parse_config(["-c", CONF])
    for module, db in DBS.items():
        print(f"creating database {db} with {module} …", flush=True)
        create_db(db, ALL if module == "every addon" else module)
    base = bench_create("helpdesk_mgmt", DBS["helpdesk_mgmt"])
    products = {m: bench_create(m, DBS[m]) for m in DBS if m != "helpdesk_mgmt"}
    print()
    print(f"== Ticket creation: {N_CREATE} general complaints, as an agent ==")
    print(
        f"{'installed / mode':40} {'helpdesk_mgmt q/ticket':>22} {'cs q/ticket':>12} "
        f"{'query ratio':>11} {'ms/ticket base':>15} {'ms/ticket cs':>13} "
        f"{'time ratio':>10}"
    )
    for module, cs in products.items():
        for mode in ("one by one", "batch", "one by one (consultation)"):
            (bq, bt) = base[mode.replace(" (consultation)", "")]
            (cq, ct) = cs[mode]
            print(
                f"{module + ' / ' + mode:40} {bq / N_CREATE:22.2f}"
                f" {cq / N_CREATE:12.2f} {cq / bq:11.2f} {1000 * bt / N_CREATE:15.2f}"
                f" {1000 * ct / N_CREATE:13.2f} {ct / bt:10.2f}"
            )
    esc_db = DBS.get("every addon", DBS["cs_center"])
    if "every addon" in DBS:
        closing = bench_close(esc_db)
        print()
        print("== Closing a complaint (the stage write), every addon, 200 tickets ==")
        for mode, (q, t) in closing.items():
            print(
                f"{mode:28} {q / 200:8.2f} queries/close {1000 * t / 200:9.2f} ms/close"
            )
        (q1, t1), (q0, t0) = closing.values()
        print(
            f"archiving adds to a close: {(q0 - q1) / 200:+.2f} queries and "
            f"{1000 * (t0 - t1) / 200:+.2f} ms when done in the close, i.e. the "
            "trigger costs that much less"
        )
    fixture_s, first, first_steps, second, second_steps, levels = bench_escalation(
        esc_db
    )
    print()
    print(
        f"== Escalation over {N_OPEN} open tickets, database {esc_db} "
        f"(fixture by SQL in {fixture_s:.1f} s) =="
    )
    print(
        f"first run : {first_steps:6d} deadline-level steps, {first[0]:6d} queries, "
        f"{first[1]:.2f} s, {1000 * first[1] / max(first_steps, 1):.3f} ms per step"
    )
    print(
        f"second run: {second_steps:6d} deadline-level steps, {second[0]:6d} queries, "
        f"{second[1]:.2f} s   (idempotent: nothing escalated twice)"
    )
    print("deadlines per escalation level after the runs:", dict(levels))
    for db in DBS.values():
        odoo.sql_db.close_db(db)
        subprocess.run(["dropdb", "--if-exists", db], check=False)


if __name__ == "__main__":
    main()
