"""Benchmark of cs_resolution, complaint resolution (prints numbers; not a test).

1. Approval: SQL queries and time to submit one resolution proposal and have it fully
   approved by its tier's reviewer (after one warm-up proposal), for each tier.
2. Reconciliation over N proposals (default 10,000, inserted with generate_series):
   time and queries of the set-based refresh of all of them, of the finance list (first
   page + count, as the web client asks) and of its pivot (_read_group).

Run: ./dev bench bench_cs_resolution
(or CS_ODOO_CONF=.local/odoo.conf python3 this_file)
"""

import os
import subprocess
import sys
import time

import odoo
from odoo import SUPERUSER_ID, Command, api

CONF = os.environ.get("CS_ODOO_CONF", ".local/odoo.conf")
N_PROPOSALS = int(os.environ.get("CS_BENCH_PROPOSALS", 10000))
DB = "cs_bench_res"


def create_db(db):
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
            "cs_resolution",
            "--without-demo=all",
            "--stop-after-init",
            "--log-level=warn",
        ],
        check=True,
    )


def measure(env, fn):
    env.flush_all()
    cr = env.cr
    start_q, start_t = cr.sql_log_count, time.perf_counter()
    result = fn()
    env.flush_all()
    return cr.sql_log_count - start_q, time.perf_counter() - start_t, result


def new_user(env, login, group):
    return env["res.users"].create(
        {
            "name": login,
            "login": login,
            "groups_id": [
                Command.set([env.ref("base.group_user").id, env.ref(group).id])
            ],
        }
    )


def bench_approval(env):
    agent = new_user(env, "bench_res_agent", "cs_center.group_cs_agent")
    reviewers = {
        "sales dept manager (500)": (
            500.0,
            "cs_resolution.group_cs_sales_dept_manager",
        ),
        "deputy GM (2000)": (2000.0, "cs_resolution.group_cs_deputy_gm"),
        "general manager (8000)": (8000.0, "cs_resolution.group_cs_gm"),
    }
    team = env["helpdesk.ticket.team"].create(
        {"name": "Bench resolution", "user_ids": [Command.set(agent.ids)]}
    )
    partner = env["res.partner"].create({"name": "Bench customer"})
    ticket = (
        env["helpdesk.ticket"]
        .with_user(agent)
        .create(
            {
                "name": "Bench complaint",
                "description": "<p>x</p>",
                "team_id": team.id,
                "partner_id": partner.id,
                "request_kind": "complaint",
                "complaint_class": "quality",
                "severity": "general",
            }
        )
    )

    def proposal(amount):
        return (
            env["cs.resolution"]
            .with_user(agent)
            .create(
                {
                    "ticket_id": ticket.id,
                    "line_ids": [
                        Command.create(
                            {
                                "name": "Compensation",
                                "quantity": 1,
                                "price_unit": amount,
                            }
                        )
                    ],
                }
            )
        )

    rows = []
    for label, (amount, group) in reviewers.items():
        reviewer = new_user(env, "bench_" + group.split(".")[1], group)
        for warm in (True, False):
            rec = proposal(amount)
            q_submit, t_submit, _r = measure(env, rec.action_submit)
            q_approve, t_approve, _r = measure(
                env, rec.with_user(reviewer).validate_tier
            )
            assert rec.state == "approved", rec.state
            if not warm:
                rows.append((label, q_submit, t_submit, q_approve, t_approve))
    print("\n1. Submit and fully approve one proposal (after one warm-up)")
    print(
        f"{'tier':28} {'submit q':>9} {'ms':>7} "
        f"{'approve q':>10} {'ms':>7} {'total q':>8}"
    )
    for label, qs, ts, qa, ta in rows:
        print(
            f"{label:28} {qs:9d} {ts * 1000:7.1f} "
            f"{qa:10d} {ta * 1000:7.1f} {qs + qa:8d}"
        )
    return ticket


def bench_reconciliation(env, ticket):
    cr = env.cr
    company = env.company
    t0 = time.perf_counter()
    cr.execute(
        """
        INSERT INTO cs_resolution
               (name, ticket_id, company_id, partner_id, state, resolution_type,
                currency_id, amount_total, amount_company, approved_amount,
                validation_status, reconcile_state, create_uid, write_uid,
                create_date, write_date)
        SELECT 'BENCH/' || g, %(ticket)s, %(company)s, NULL,
               CASE WHEN g %% 10 = 0 THEN 'draft' ELSE 'approved' END,
               (ARRAY['compensation', 'discount', 'return', 'reprocess',
                      'replacement', 'not_justified'])[1 + g %% 6],
               %(currency)s, 100 + g %% 900, 100 + g %% 900, 100 + g %% 900,
               'validated', 'none', 1, 1, now(), now()
          FROM generate_series(1, %(n)s) g
        """,
        {
            "ticket": ticket.id,
            "company": company.id,
            "currency": company.currency_id.id,
            "n": N_PROPOSALS,
        },
    )
    cr.execute(
        """
        INSERT INTO cs_resolution_line
               (resolution_id, company_id, sequence, name, quantity, price_unit,
                subtotal, create_uid, write_uid, create_date, write_date)
        SELECT r.id, r.company_id, 10, 'Bench line', 1 + r.id % 5,
               r.amount_total / (1 + r.id % 5), r.amount_total, 1, 1, now(), now()
          FROM cs_resolution r WHERE r.name LIKE 'BENCH/%'
        """
    )
    print(
        f"\n2. Reconciliation over {N_PROPOSALS:,} proposals "
        f"(fixtures inserted in {time.perf_counter() - t0:.1f} s)"
    )
    # Some credit notes: a real posted credit note of one approved proposal, copied
    # (SQL) onto every 7th compensation/discount proposal, crediting 50 of 100-999:
    # "credited less than approved" mismatches for the finance list.
    proposal = env["cs.resolution"].search(
        [
            ("state", "=", "approved"),
            ("resolution_type", "=", "compensation"),
            ("name", "not like", "BENCH/"),
        ],
        limit=1,
    )
    proposal.action_create_credit_note()
    refund = proposal.credit_note_ids
    refund.invoice_line_ids.price_unit = 50.0
    refund.action_post()
    env.flush_all()
    cr.execute(
        """
        SELECT column_name FROM information_schema.columns
         WHERE table_name = 'account_move'
           AND column_name NOT IN ('id', 'name', 'cs_resolution_id', 'cs_ticket_id')
        """
    )
    names = [r[0] for r in cr.fetchall()]
    cols = ", ".join(f'"{n}"' for n in names)
    mcols = ", ".join(f'm."{n}"' for n in names)
    cr.execute(
        f"""
        INSERT INTO account_move (name, cs_resolution_id, {cols})
        SELECT 'BENCH-CN/' || r.id, r.id, {mcols}
          FROM account_move m, cs_resolution r
         WHERE m.id = %s AND r.name LIKE 'BENCH/%%' AND r.id %% 7 = 0
           AND r.resolution_type IN ('compensation', 'discount')
        """,
        [refund.id],
    )
    print(f"   ({cr.rowcount:,} posted credit notes copied onto bench proposals)")
    Resolution = env["cs.resolution"]
    env.invalidate_all()
    rows = []
    q, t, _r = measure(
        env, lambda: Resolution._cs_refresh_reconciliation(all_records=True)
    )
    rows.append(("refresh all (one SQL statement)", q, t, ""))
    q, t, _r = measure(
        env, lambda: Resolution._cs_refresh_reconciliation(all_records=True)
    )
    rows.append(("refresh all again (nothing changed)", q, t, ""))
    domain = [("reconcile_state", "in", ("pending", "mismatch"))]
    fields_ = [
        "name",
        "partner_id",
        "resolution_type",
        "approved_qty",
        "received_qty",
        "approved_amount",
        "credited_amount",
        "currency_id",
        "reconcile_state",
        "reconcile_reason",
        "reconcile_override",
        "company_id",
    ]
    env.invalidate_all()
    q, t, res = measure(
        env,
        lambda: Resolution.web_search_read(domain, {f: {} for f in fields_}, limit=80),
    )
    rows.append(("finance list: first 80 + count", q, t, f"{res['length']:,} open"))
    env.invalidate_all()
    q, t, res = measure(
        env,
        lambda: Resolution._read_group(
            domain,
            ["reconcile_reason", "resolution_type"],
            ["approved_amount:sum", "credited_amount:sum", "__count"],
        ),
    )
    rows.append(("pivot: _read_group reason x type", q, t, f"{len(res)} cells"))
    env.invalidate_all()
    q, t, res = measure(
        env,
        lambda: Resolution.search_count([("reconcile_state", "=", "mismatch")]),
    )
    rows.append(("count of open mismatches", q, t, f"{res:,}"))
    print(f"{'step':40} {'queries':>8} {'ms':>9}  result")
    for label, q, t, extra in rows:
        print(f"{label:40} {q:8d} {t * 1000:9.1f}  {extra}")


def main():
    odoo.tools.config.parse_config(["-c", CONF])
    if not os.environ.get("CS_BENCH_REUSE"):
        create_db(DB)
    registry = odoo.modules.registry.Registry(DB)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        ticket = bench_approval(env)
        bench_reconciliation(env, ticket)
        cr.rollback()
    if not os.environ.get("CS_BENCH_KEEP"):
        odoo.modules.registry.Registry.delete(DB)
        odoo.sql_db.close_db(DB)
        subprocess.run(["dropdb", "--if-exists", DB], check=False)


if __name__ == "__main__":
    main()
