"""Benchmark of cs_survey (prints numbers; not a test).

A month's appraisal for 100 agents over 200,000 tickets (400,000 regulated deadlines,
20,000 transfers) and 50,000 answered satisfaction surveys (450,000 score rows),
fixtures bulk-inserted with SQL (generate_series):

1. the module's computation (`cs.appraisal.period._cs_compute_vals`: one _read_group per
   KPI), then the whole "Compute" (aggregation + writing the 100 lines): time and
   SQL queries;
2. the same aggregation written as one SQL query, in the same run, and the ratio;
   both results are compared, number by number.

Run: ./dev bench bench_cs_survey   (or CS_ODOO_CONF=.local/odoo.conf python3 this_file)
Set CS_BENCH_REUSE=1 to keep the database of a previous run (fixtures included).
"""

import os
import subprocess
import sys
import time
from datetime import date, datetime, timedelta

import pytz

import odoo
from odoo import SUPERUSER_ID, api

CONF = os.environ.get("CS_ODOO_CONF", ".local/odoo.conf")
DB = os.environ.get("CS_BENCH_SURVEY_DB", "cs_bench_survey")
N_AGENTS = int(os.environ.get("CS_BENCH_AGENTS", 100))
N_TICKETS = int(os.environ.get("CS_BENCH_TICKETS", 200000))
N_ANSWERS = int(os.environ.get("CS_BENCH_ANSWERS", 50000))
MONTH = date(2026, 9, 1)  # tickets spread over April-September 2026
REPEAT = 3


def utc_bounds(start, end, tz_name):
    """Naive UTC datetimes [from, to) of the local days start..end."""
    tz = pytz.timezone(tz_name or "UTC")

    def to_utc(day):
        local = tz.localize(datetime.combine(day, datetime.min.time()))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    return to_utc(start), to_utc(end + timedelta(days=1))


def create_db():
    subprocess.run(["dropdb", "--if-exists", DB], check=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "odoo",
            "-c",
            CONF,
            "-d",
            DB,
            "-i",
            "cs_survey",
            "--without-demo=all",
            "--stop-after-init",
            "--log-level=warn",
        ],
        check=True,
    )


def fixtures(env):
    cr = env.cr
    company = env.company
    company.partner_id.tz = "Asia/Shanghai"
    agent_group = env.ref("cs_center.group_cs_agent")
    users = env["res.users"].create(
        [
            {
                "name": f"Agent {i:03d}",
                "login": f"bench_agent_{i}",
                "groups_id": [(6, 0, [env.ref("base.group_user").id, agent_group.id])],
            }
            for i in range(N_AGENTS)
        ]
    )
    env["hr.employee"].create(
        [{"name": u.name, "user_id": u.id, "company_id": company.id} for u in users]
    )
    teams = env["helpdesk.ticket.team"].create(
        [
            {"name": f"Team {t}", "user_ids": [(6, 0, users[t * 10 : t * 10 + 10].ids)]}
            for t in range(N_AGENTS // 10)
        ]
    )
    partners = env["res.partner"].create(
        [{"name": f"Customer {i}", "cs_segment": "regular"} for i in range(2000)]
    )
    env.flush_all()
    stage_done = env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done").id
    survey = env.ref("cs_survey.survey_cs_satisfaction")
    dims = env["cs.survey.dimension"].search([])
    params = {
        "n": N_TICKETS,
        "users": users.ids,
        "teams": teams.ids,
        "partners": partners.ids,
        "company": company.id,
        "stage": stage_done,
        "start": "2026-04-01",
    }
    # tickets: 6 months, one in 3 a complaint, 90% closed, 5% reopened
    cr.execute(
        """
        INSERT INTO helpdesk_ticket (name, description, company_id, request_kind,
               team_id, user_id, first_owner_id, partner_id, stage_id, round_number,
               create_date, write_date, closed_date, active)
        SELECT 'Bench ' || g, '<p>bench</p>', %(company)s,
               CASE WHEN g %% 3 = 0 THEN 'complaint' ELSE 'consultation' END,
               (%(teams)s::int[])[1 + (g %% 100) / 10],
               (%(users)s::int[])[1 + g %% 100],
               (%(users)s::int[])[1 + g %% 100],
               (%(partners)s::int[])[1 + g %% 2000],
               CASE WHEN (g / 100) %% 10 = 0 THEN NULL ELSE %(stage)s END,
               CASE WHEN (g / 100) %% 20 = 7 THEN 2 ELSE 1 END,
               c, c,
               CASE WHEN (g / 100) %% 10 = 0 THEN NULL ELSE c + interval '30 hours' END,
               TRUE
          FROM generate_series(1, %(n)s) g,
               LATERAL (SELECT %(start)s::timestamp
                        + (g::float / %(n)s) * interval '183 days' AS c) d
        """,
        params,
    )
    # two regulated deadlines per ticket: feedback (24 h) and closure (6 days)
    cr.execute(
        """
        INSERT INTO cs_ticket_deadline (ticket_id, target_type, met_event, round,
               start_date, due_date, met_date, state, company_id, team_id, user_id,
               first_owner_id, request_kind)
        SELECT t.id, k.target_type, k.met_event, 1, t.create_date,
               t.create_date + k.delay,
               t.create_date + k.delay
                 + CASE WHEN (t.id / 100) % k.late = 0 THEN interval '2 hours'
                        ELSE interval '-2 hours' END,
               CASE WHEN (t.id / 100) % k.late = 0 THEN 'missed' ELSE 'met' END,
               t.company_id, t.team_id, t.user_id, t.first_owner_id, t.request_kind
          FROM helpdesk_ticket t
         CROSS JOIN (VALUES ('feedback', 'first_reply', interval '24 hours', 50),
                            ('closure', 'closed', interval '6 days', 19))
               AS k(target_type, met_event, delay, late)
         WHERE t.name LIKE 'Bench %'
        """
    )
    cr.execute(
        """
        INSERT INTO cs_ticket_transfer (ticket_id, date, user_id, from_user_id,
               to_user_id, reason, company_id)
        SELECT t.id, t.create_date, t.user_id, t.user_id, t.user_id, 'bench',
               t.company_id
          FROM helpdesk_ticket t WHERE t.name LIKE 'Bench %' AND (t.id / 100) % 10 = 3
        """
    )
    # answered surveys on the first N_ANSWERS closed tickets, one score row per
    # dimension (agent dimensions rate the ticket's owner)
    cr.execute(
        """
        INSERT INTO survey_user_input (survey_id, partner_id, access_token, state,
               cs_ticket_id, cs_company_id, end_datetime, cs_sent_date,
               cs_has_score, create_date, write_date)
        SELECT %(survey)s, t.partner_id, md5(random()::text || t.id), 'done', t.id,
               t.company_id, t.closed_date + interval '1 day', t.closed_date, TRUE,
               t.closed_date, t.closed_date
          FROM helpdesk_ticket t
         WHERE t.name LIKE 'Bench %%' AND t.closed_date IS NOT NULL
         ORDER BY t.id %% 4, t.id LIMIT %(n)s
        """,
        {"survey": survey.id, "n": N_ANSWERS},
    )
    cr.execute(
        """
        INSERT INTO cs_survey_score (user_input_id, survey_id, ticket_id, team_id,
               partner_id, company_id, rated_user_id, dimension_id, dimension_kind,
               date, date_local, in_total, answer_count, counted_count, points,
               score, has_score)
        SELECT i.id, i.survey_id, t.id, t.team_id, i.partner_id, i.cs_company_id,
               CASE WHEN d.kind = 'agent' THEN t.first_owner_id END, d.id, d.kind,
               i.end_datetime,
               (i.end_datetime AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Shanghai')::date,
               TRUE, 1, c.counted, c.counted * (60 + (i.id + d.id) %% 5 * 10),
               60 + (i.id + d.id) %% 5 * 10, c.counted = 1
          FROM survey_user_input i
          JOIN helpdesk_ticket t ON t.id = i.cs_ticket_id
         CROSS JOIN cs_survey_dimension d
         CROSS JOIN LATERAL (SELECT CASE WHEN (i.id + d.id) %% 13 = 0 THEN 0
                                         ELSE 1 END AS counted) c
         WHERE d.id = ANY(%(dims)s)
        """,
        {"dims": dims.ids},
    )
    cr.execute("ANALYZE")
    return users


ONE_SQL = """
WITH agents AS (
    SELECT e.id AS employee_id, e.user_id
      FROM hr_employee e
      JOIN res_groups_users_rel g ON g.uid = e.user_id AND g.gid = %(group)s
     WHERE e.company_id = %(company)s
       AND (e.active OR e.departure_date >= %(start)s)
), sat AS (
    SELECT s.rated_user_id AS user_id, SUM(s.points) AS points,
           SUM(s.counted_count) AS counted, SUM(s.answer_count) AS answers
      FROM cs_survey_score s
     WHERE s.company_id = %(company)s AND s.rated_user_id IS NOT NULL
       AND s.date_local BETWEEN %(start)s AND %(end)s
     GROUP BY 1
), dl AS (
    SELECT d.first_owner_id AS user_id,
           COUNT(*) FILTER (WHERE d.target_type = 'closure' AND d.state = 'met')
               AS closure_met,
           COUNT(*) FILTER (WHERE d.target_type = 'closure') AS closure_total,
           COUNT(*) FILTER (WHERE d.target_type = 'feedback' AND d.state = 'met')
               AS feedback_met,
           COUNT(*) FILTER (WHERE d.target_type = 'feedback') AS feedback_total
      FROM cs_ticket_deadline d
     WHERE d.company_id = %(company)s AND d.state IN ('met', 'missed')
       AND d.target_type IN ('closure', 'feedback')
       AND d.due_date >= %(start_utc)s AND d.due_date < %(end_utc)s
     GROUP BY 1
), closed AS (
    SELECT t.first_owner_id AS user_id, COUNT(*) AS total,
           COUNT(*) FILTER (
               WHERE t.round_number = 1 AND NOT EXISTS (
                   SELECT 1 FROM cs_ticket_transfer x WHERE x.ticket_id = t.id)
           ) AS fcr
      FROM helpdesk_ticket t
      JOIN helpdesk_ticket_stage st ON st.id = t.stage_id AND st.closed
     WHERE t.company_id = %(company)s
       AND t.closed_date >= %(start_utc)s AND t.closed_date < %(end_utc)s
     GROUP BY 1
), owned AS (
    SELECT t.first_owner_id AS user_id, COUNT(*) AS owned
      FROM helpdesk_ticket t
     WHERE t.company_id = %(company)s AND t.request_kind = 'complaint'
       AND t.create_date >= %(start_utc)s AND t.create_date < %(end_utc)s
     GROUP BY 1
)
SELECT a.employee_id,
       ROUND((sat.points / NULLIF(sat.counted, 0))::numeric, 2),
       COALESCE(sat.counted, 0), COALESCE(dl.closure_met, 0),
       COALESCE(dl.closure_total, 0), COALESCE(dl.feedback_met, 0),
       COALESCE(dl.feedback_total, 0), COALESCE(closed.fcr, 0),
       COALESCE(closed.total, 0), COALESCE(owned.owned, 0)
  FROM agents a
  LEFT JOIN sat ON sat.user_id = a.user_id
  LEFT JOIN dl ON dl.user_id = a.user_id
  LEFT JOIN closed ON closed.user_id = a.user_id
  LEFT JOIN owned ON owned.user_id = a.user_id
"""


def run():
    odoo.tools.config.parse_config(["-c", CONF])
    reuse = os.environ.get("CS_BENCH_REUSE") == "1"
    if not reuse:
        t0 = time.perf_counter()
        create_db()
        print(f"database {DB} created in {time.perf_counter() - t0:.0f} s")
    registry = odoo.modules.registry.Registry(DB)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if not env["hr.employee"].search_count([("name", "=like", "Agent %")]):
            t0 = time.perf_counter()
            fixtures(env)
            cr.commit()
            print(f"fixtures inserted in {time.perf_counter() - t0:.0f} s")
        cr.execute(
            "SELECT (SELECT COUNT(*) FROM helpdesk_ticket),"
            " (SELECT COUNT(*) FROM cs_ticket_deadline),"
            " (SELECT COUNT(*) FROM survey_user_input WHERE state = 'done'),"
            " (SELECT COUNT(*) FROM cs_survey_score)"
        )
        tickets, deadlines, answers, rows = cr.fetchone()
        print(
            f"{tickets} tickets, {deadlines} deadlines, {answers} answered surveys, "
            f"{rows} score rows, month {MONTH:%Y-%m}"
        )
        Period = env["cs.appraisal.period"]
        period = Period._cs_get_or_create("month", MONTH)
        start_utc, end_utc = utc_bounds(
            period.date_start, period.date_end, env.company.partner_id.tz
        )

        def timed(fn):
            env.invalidate_all()
            env.flush_all()
            q0, t0 = cr.sql_log_count, time.perf_counter()
            res = fn()
            env.flush_all()
            return res, cr.sql_log_count - q0, time.perf_counter() - t0

        sql_params = {
            "group": env.ref("cs_center.group_cs_agent").id,
            "company": env.company.id,
            "start": period.date_start,
            "end": period.date_end,
            "start_utc": start_utc,
            "end_utc": end_utc,
        }

        def one_sql():
            cr.execute(ONE_SQL, sql_params)
            return cr.fetchall()

        results = {}
        for name, fn in (
            ("module: _read_group per KPI", period._cs_compute_vals),
            ("one SQL query", one_sql),
            ("module: Compute (+ write lines)", period._cs_compute),
        ):
            fn()  # warm-up
            best = None
            for _i in range(REPEAT):
                res, queries, secs = timed(fn)
                if best is None or secs < best[2]:
                    best = (res, queries, secs)
            results[name] = best
        vals_list = results["module: _read_group per KPI"][0][0]
        by_employee = {v["employee_id"]: v for v in vals_list}
        sql_rows = results["one SQL query"][0]
        mismatches = 0
        for emp, sat, counted, cm, ct, fm, ft, fcr, closed, owned in sql_rows:
            v = by_employee[emp]
            got = (
                round(v["satisfaction_score"], 2),
                v["satisfaction_counted"],
                v["closure_met"],
                v["closure_total"],
                v["feedback_met"],
                v["feedback_total"],
                v["fcr_count"],
                v["fcr_total"],
                v["complaints_owned"],
            )
            want = (float(sat or 0), counted, cm, ct, fm, ft, fcr, closed, owned)
            mismatches += got != want
        module_t = results["module: _read_group per KPI"][2]
        sql_t = results["one SQL query"][2]
        print(f"agents appraised: {len(vals_list)}, results differing: {mismatches}")
        print(f"{'method':36} {'queries':>8} {'time (ms)':>10}")
        for name, (_res, queries, secs) in results.items():
            print(f"{name:36} {queries:>8} {secs * 1000:>10.1f}")
        print(f"ratio module / one SQL query (time): {module_t / sql_t:.2f}")
        sample = max(vals_list, key=lambda v: v["satisfaction_counted"])
        print(
            "first agent: satisfaction {satisfaction_score} ({satisfaction_counted}), "
            "on time {closure_rate}%, responses {feedback_rate}%, first contact "
            "{fcr_rate}%, complaints {complaints_owned}, total {weighted_total}".format(
                **sample
            )
        )
        cr.rollback()


if __name__ == "__main__":
    run()
