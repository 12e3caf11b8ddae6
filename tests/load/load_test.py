"""Load test under Odoo workers (prints numbers and checks; not a unit test).

Two databases are built side by side on the project's cluster: one with every cs-center
addon (customer-service team, regulated clocks shortened so that escalation happens
during the run) and one with plain helpdesk_mgmt. For each, Odoo is started with
``--workers=4 --max-cron-threads=1`` and driven over HTTP/JSON-RPC, like the web client
does, by simulated users for ``CS_LOAD_SECONDS`` (default 150):

- agents: create a ticket, reply to the customer, transfer it to a colleague, confirm
  the customer's satisfaction, sign off and close; every fourth complaint gets a
  resolution proposal submitted for approval instead of being closed;
- approvers (cs-center only): validate the proposals waiting for them;
- portal customers: open the ticket form and submit a ticket, list their tickets;
- the escalation, archive-completeness and integrity jobs run as scheduled jobs.

The baseline does the equivalent ticket work with plain helpdesk_mgmt (transfer = change
of the assigned user, close = stage Done). Printed: per operation throughput and p50/p95
latency, the ratios against the baseline, HTTP/RPC errors, PostgreSQL deadlocks,
serialization failures and lock timeouts seen in the server log (retried by Odoo and
not), then the checks that nothing was lost: every ticket a client created exists with
its first owner and deadlines, every closed customer-service ticket has its archive
entry, the archive chain verifies, no deadline was escalated twice at the same level.

Every simulated user waits a think time between its steps (CS_LOAD_THINK, mean 1 s,
uniform 0.5-1.5x), the same in both runs, so that both servers get the same offered
load and the ratios compare what the server does with it.

Run: ./dev bench load     (CS_LOAD_SECONDS, CS_LOAD_USERS=40, CS_LOAD_WORKERS=4,
     CS_LOAD_THINK=1.0, CS_LOAD_SETTLE=120)
Exit status 1 when a check fails or an error reached a user.
"""

import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict

import requests

CONF = os.environ.get("CS_ODOO_CONF", ".local/odoo.conf")
SECONDS = int(os.environ.get("CS_LOAD_SECONDS", 150))
USERS = int(os.environ.get("CS_LOAD_USERS", 40))
WORKERS = int(os.environ.get("CS_LOAD_WORKERS", 4))
# think time between a user's steps (mean, seconds): users read and type, as
# Locust's wait_time models; 0 drives the server flat out
THINK = float(os.environ.get("CS_LOAD_THINK", 1.0))
PORT = int(os.environ.get("CS_LOAD_PORT", 8079))
CS_ADDONS = os.environ.get(
    "CS_LOAD_ADDONS", "cs_center,cs_resolution,cs_survey,cs_archive,cs_archive_survey"
)
LOG_DIR = os.environ.get("CS_LOAD_LOGDIR", ".local")
DBS = {"base": "cs_load_base", "cs": "cs_load"}
# the mix of simulated users (the rest of USERS are agents)
N_APPROVERS = max(1, USERS // 10)
N_PORTAL = max(1, USERS // 5)
N_AGENTS = USERS - N_APPROVERS - N_PORTAL
PASSWORD = "load-pass-1"


def say(*a):
    print(*a, flush=True)


# ---------------------------------------------------------------- database set-up
def create_db(db, modules):
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
            modules,
            "--without-demo=all",
            "--stop-after-init",
            "--log-level=warn",
        ],
        check=True,
    )


def odoo_env(db):
    import odoo  # noqa: PLC0415 - the driver itself runs without Odoo's registry
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    if not odoo.tools.config.get("cs_load_parsed"):
        odoo.tools.config.parse_config(["-c", CONF])
        odoo.tools.config["cs_load_parsed"] = True
    registry = odoo.modules.registry.Registry(db)
    cr = registry.cursor()
    return cr, api.Environment(cr, SUPERUSER_ID, {})


def setup_data(kind):
    """Users, team, customers; in cs-center short clocks and every-minute jobs."""
    cr, env = odoo_env(DBS[kind])
    with cr:
        group_user = env.ref("base.group_user")
        agent_groups = [group_user.id]
        if kind == "cs":
            agent_groups.append(env.ref("cs_center.group_cs_agent").id)
        else:
            agent_groups.append(env.ref("helpdesk_mgmt.group_helpdesk_user").id)
        Users = env["res.users"].with_context(no_reset_password=True)

        def user(login, groups, **kw):
            return Users.create(
                dict(
                    name=login,
                    login=login,
                    email=f"{login}@example.com",
                    password=PASSWORD,
                    groups_id=[(6, 0, groups)],
                    tz="Asia/Shanghai",
                    **kw,
                )
            )

        agents = [user(f"load_agent{i}", agent_groups) for i in range(N_AGENTS)]
        supervisor_groups = [group_user.id]
        if kind == "cs":
            supervisor_groups.append(env.ref("cs_center.group_cs_supervisor").id)
        else:
            supervisor_groups.append(env.ref("helpdesk_mgmt.group_helpdesk_manager").id)
        supervisor = user("load_supervisor", supervisor_groups)
        team_vals = {
            "name": "Load team",
            "user_ids": [(6, 0, [a.id for a in agents] + [supervisor.id])],
            "user_id": supervisor.id,
        }
        if kind == "cs":
            team_vals["cs_regulated"] = True
        team = env["helpdesk.ticket.team"].create(team_vals)
        # the jobs of a fresh database (all due at once) out of the window, in
        # both databases: the cron worker runs ours as on a live database
        env["ir.cron"].search([]).write(
            {"nextcall": time.strftime("%Y-%m-%d 23:59:59", time.gmtime())}
        )
        if kind == "cs":
            approver_group = env.ref("cs_resolution.group_cs_sales_dept_manager")
            for i in range(N_APPROVERS):
                user(f"load_approver{i}", [group_user.id, approver_group.id])
            env.company.cs_manager_id = user(
                "load_manager",
                [group_user.id, env.ref("cs_center.group_cs_manager").id],
            )
            env.company.partner_id.tz = "Asia/Shanghai"
            # regulated clocks shortened so that deadlines fall due during the run
            # (data, as a CS manager would edit them)
            env["cs.deadline.policy"].search([("unit", "=", "hours")]).write(
                {"duration": 0.01}
            )
            for level in env["cs.escalation.level"].search([("level", ">", 0)]):
                level.delay_hours = 0.01 * (level.level - 1)
            crons = [
                "cs_center.ir_cron_cs_escalate",
                "cs_archive.ir_cron_cs_archive_missing",
                "cs_archive.ir_cron_cs_archive_integrity",
            ]
            for xmlid in crons:
                env.ref(xmlid).write(
                    {
                        "active": True,
                        "interval_number": 1,
                        "interval_type": "minutes",
                        # now: the runner steps a past nextcall forward one
                        # interval at a time (a year back = 500,000 steps)
                        "nextcall": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()),
                    }
                )
        product_id = False
        portal_form = False
        if kind == "cs":
            product_id = (
                env["product.product"]
                .create({"name": "Kettle K1", "list_price": 100, "sale_ok": True})
                .id
            )
            if "cs.portal.intake.kind" in env:
                # the customers' complaint form (cs_portal) routed to the load team
                env.ref("cs_portal.intake_kind_complaint").team_id = team
                portal_form = "/my/tickets/new/complaint"
        portal_group = env.ref("base.group_portal")
        customers = env["res.partner"].create(
            [
                {"name": f"Load customer {i}", "email": f"c{i}@example.com"}
                for i in range(50)
            ]
        )
        for i in range(N_PORTAL):
            user(
                f"load_portal{i}",
                [portal_group.id],
                partner_id=customers[i].id,
            )
        cr.commit()
        return {
            "team": team.id,
            "customers": customers.ids,
            "agents": [a.id for a in agents],
            "product": product_id,
            "portal_form": portal_form,
            "done": env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done").id,
        }


# ---------------------------------------------------------------- the server
class Server:
    def __init__(self, db):
        self.db = db
        self.log = os.path.join(LOG_DIR, f"load-{db}.log")
        self.proc = None

    def __enter__(self):
        if os.path.exists(self.log):
            os.unlink(self.log)
        # the odoo script, not `python -m odoo`: the prefork server starts its
        # websocket (gevent) process again from sys.argv[0]
        odoo_bin = os.path.join(os.path.dirname(sys.executable), "odoo")
        self.proc = subprocess.Popen(
            [
                odoo_bin,
                "-c",
                CONF,
                "-d",
                self.db,
                f"--db-filter=^{self.db}$",
                f"--workers={WORKERS}",
                "--max-cron-threads=1",
                f"--http-port={PORT}",
                "--http-interface=127.0.0.1",
                f"--gevent-port={PORT + 1}",
                f"--logfile={self.log}",
                "--log-level=info",
                "--limit-time-real=600",
                "--limit-time-cpu=300",
                "--limit-memory-soft=4294967296",
                "--limit-memory-hard=6442450944",
            ],
            start_new_session=True,
        )
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                if requests.get(f"{url()}/web/login", timeout=5).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(1)
        raise RuntimeError(f"Odoo did not start (see {self.log})")

    def __exit__(self, *exc):
        os.killpg(self.proc.pid, signal.SIGINT)
        try:
            self.proc.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


def url():
    return f"http://127.0.0.1:{PORT}"


# ---------------------------------------------------------------- simulated users
class RpcError(Exception):
    pass


class Client:
    def __init__(self, db, login, stats):
        self.db, self.login, self.stats = db, login, stats
        self.http = requests.Session()
        res = {}
        for _attempt in range(3):
            reply = self.http.post(
                f"{url()}/web/session/authenticate",
                json={
                    "jsonrpc": "2.0",
                    "params": {"db": db, "login": login, "password": PASSWORD},
                },
                timeout=120,
            )
            try:
                res = reply.json()
            except ValueError:
                res = {"error": f"HTTP {reply.status_code}: {reply.text[:200]}"}
            if (res.get("result") or {}).get("uid"):
                break
            time.sleep(1)
        else:
            raise RuntimeError(f"login {login}: {res.get('error') or res}")
        self.uid = res["result"]["uid"]

    def call(self, model, method, *args, **kwargs):
        res = self.http.post(
            f"{url()}/web/dataset/call_kw/{model}/{method}",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "params": {
                    "model": model,
                    "method": method,
                    "args": list(args),
                    "kwargs": dict(kwargs, context={"tz": "Asia/Shanghai"}),
                },
            },
            timeout=300,
        )
        if res.status_code != 200:
            raise RpcError(f"HTTP {res.status_code}")
        body = res.json()
        if body.get("error"):
            data = body["error"].get("data") or {}
            raise RpcError(f"{data.get('name')}: {data.get('message')}"[:300])
        return body.get("result")  # Odoo leaves the key out for None


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.lat = defaultdict(list)
        self.errors = defaultdict(list)
        self.created = []  # (ticket id, by agent?)
        self.closed = []
        self.portal_created = []

    def timed(self, op, fn, *args, **kwargs):
        start = time.perf_counter()
        try:
            result = fn(*args, **kwargs)
        except Exception as e:  # noqa: BLE001 - every error reaching a user is counted
            with self.lock:
                self.errors[op].append(str(e))
            return None
        with self.lock:
            self.lat[op].append(time.perf_counter() - start)
        return result


READY = {"barrier": None}


def logged_in(stop):
    """Every user logs in first (Odoo hashes passwords on purpose slowly): the
    measured window starts when all are in, so that it measures the work."""
    try:
        READY["barrier"].wait(timeout=600)
    except threading.BrokenBarrierError:
        stop.set()


def think(stop, rnd):
    if THINK:
        stop.wait(rnd.uniform(0.5, 1.5) * THINK)


def agent_loop(kind, db, login, data, stats, stop, rnd):
    """One ticket after another, the steps separated by think time. The baseline
    does each step's nearest plain-helpdesk equivalent (confirmation and proposal
    recorded as notes, transfer as a change of assignee)."""
    client = Client(db, login, stats)
    logged_in(stop)
    n = 0
    while not stop.is_set():
        n += 1
        think(stop, rnd)
        vals = {
            "name": f"Kettle leaks {login}-{n}",
            "description": "<p>The kettle leaks at the seal.</p>",
            "team_id": data["team"],
            "partner_id": rnd.choice(data["customers"]),
        }
        if kind == "cs":
            vals.update(
                request_kind="complaint", complaint_class="quality", severity="general"
            )
        tid = stats.timed("create", client.call, "helpdesk.ticket", "create", vals)
        if not tid:
            continue
        with stats.lock:
            stats.created.append(tid)
        think(stop, rnd)
        stats.timed(
            "reply",
            client.call,
            "helpdesk.ticket",
            "message_post",
            [tid],
            body="We are looking into it and will call you back today.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        think(stop, rnd)
        colleague = rnd.choice([a for a in data["agents"] if a != client.uid])
        if kind == "cs":
            vals = {"ticket_id": tid, "to_user_id": colleague, "reason": "Expert"}
            ok = stats.timed(
                "transfer", wizard, client, "cs.ticket.transfer.wizard", vals
            )
        else:
            vals = {"user_id": colleague}
            ok = stats.timed(
                "transfer", client.call, "helpdesk.ticket", "write", [tid], vals
            )
        if ok is None:
            continue
        think(stop, rnd)
        if n % 4 == 0:
            if kind == "cs":
                stats.timed("propose", propose, client, tid, data, rnd)
            else:
                stats.timed("propose", note, client, tid, "Proposal: compensation")
            continue
        if kind == "cs":
            vals = {"ticket_id": tid, "method": "phone", "note": "Satisfied"}
            wiz = "cs.satisfaction.confirm.wizard"
            if stats.timed("confirm", wizard, client, wiz, vals) is None:
                continue
        else:
            stats.timed("confirm", note, client, tid, "Customer satisfied (phone)")
        think(stop, rnd)
        if stats.timed("close", close, kind, client, tid, data) is not None:
            with stats.lock:
                stats.closed.append(tid)


def note(client, tid, body):
    """The plain-helpdesk way of recording a step: an internal note."""
    return client.call(
        "helpdesk.ticket",
        "message_post",
        [tid],
        body=body,
        message_type="comment",
        subtype_xmlid="mail.mt_note",
    )


def wizard(client, model, vals):
    """What the web client does with a wizard: create it, press its button."""
    return client.call(model, "action_confirm", client.call(model, "create", vals))


def close(kind, client, tid, data):
    if kind == "cs":
        client.call("helpdesk.ticket", "action_owner_signoff", [tid])
    return client.call("helpdesk.ticket", "write", [tid], {"stage_id": data["done"]})


def propose(client, tid, data, rnd):
    rid = client.call(
        "cs.resolution",
        "create",
        {
            "ticket_id": tid,
            "resolution_type": "compensation",
            "facts": "Leaking seal",
            "line_ids": [
                (
                    0,
                    0,
                    {
                        "product_id": data["product"],
                        "name": "Compensation",
                        "quantity": 1,
                        "price_unit": rnd.choice([200, 500, 800]),
                    },
                )
            ],
        },
    )
    return client.call("cs.resolution", "action_submit", [rid])


def approver_loop(kind, db, login, data, stats, stop, rnd):
    client = Client(db, login, stats)
    logged_in(stop)
    while not stop.is_set():
        ids = stats.timed(
            "approvals_list",
            lambda: client.call(
                "cs.resolution",
                "search",
                [("state", "=", "to_approve"), ("reviewer_ids", "in", [client.uid])],
                limit=20,
            ),
        )
        if not ids:
            stop.wait(2)
            continue
        think(stop, rnd)
        rid = rnd.choice(ids)
        try:
            start = time.perf_counter()
            client.call("cs.resolution", "validate_tier", [rid])
            with stats.lock:
                stats.lat["approve"].append(time.perf_counter() - start)
        except RpcError as e:
            # another approver took it first: the proposal is no longer waiting
            if "no review to do" in str(e):
                with stats.lock:
                    stats.lat["approve_taken"].append(0)
            else:
                with stats.lock:
                    stats.errors["approve"].append(str(e))


def portal_loop(kind, db, login, data, stats, stop, rnd):
    # the portal user's browser session (the JSON login sets the form's cookie)
    http = Client(db, login, stats).http
    logged_in(stop)
    n = 0
    while not stop.is_set():
        n += 1

        def submit(n=n):
            page = data["portal_form"] or "/new/ticket"
            form = http.get(f"{url()}{page}", timeout=120)
            if form.status_code != 200:
                raise RpcError(f"HTTP {form.status_code} on {page}")
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
            if data["portal_form"]:
                # cs_portal's complaint form: the register fields it requires
                values = {
                    "csrf_token": csrf,
                    "subject": f"Portal {login}-{n}",
                    "description": "The kettle stopped heating.",
                    "register_product_id": str(data["product"]),
                    "quantity_affected": "1",
                    "purchase_date": "2026-01-15",
                }
                res = http.post(
                    f"{url()}{page}", data=values, allow_redirects=False, timeout=120
                )
                match = re.search(r"/my/ticket/(\d+)", res.headers.get("Location", ""))
                if res.status_code not in (302, 303) or not match:
                    raise RpcError(f"HTTP {res.status_code} on {page}, no ticket")
                return int(match.group(1))
            category = re.search(
                r'name="category"[^>]*>\s*<option value="(\d*)"', form.text
            )
            res = http.post(
                f"{url()}/submitted/ticket",
                data={
                    "csrf_token": csrf,
                    "subject": f"Portal {login}-{n}",
                    "description": "The kettle stopped heating.",
                    "category": category.group(1) if category else "",
                },
                allow_redirects=False,
                timeout=120,
            )
            if res.status_code not in (302, 303):
                raise RpcError(f"HTTP {res.status_code} on /submitted/ticket")
            match = re.search(r"/my/ticket/(\d+)", res.headers.get("Location", ""))
            if not match:
                raise RpcError(f"no ticket in redirect {res.headers.get('Location')}")
            return int(match.group(1))

        tid = stats.timed("portal_submit", submit)
        if tid:
            with stats.lock:
                stats.portal_created.append(tid)

        def listing():
            res = http.get(f"{url()}/my/tickets", timeout=120)
            if res.status_code != 200:
                raise RpcError(f"HTTP {res.status_code} on /my/tickets")

        think(stop, rnd)
        stats.timed("portal_list", listing)
        think(stop, rnd)


def drive(kind, data):
    db = DBS[kind]
    stats = Stats()
    stop = threading.Event()
    threads = []
    roles = [("agent", f"load_agent{i}", agent_loop) for i in range(N_AGENTS)]
    roles += [("portal", f"load_portal{i}", portal_loop) for i in range(N_PORTAL)]
    if kind == "cs":
        roles += [
            ("approver", f"load_approver{i}", approver_loop) for i in range(N_APPROVERS)
        ]
    READY["barrier"] = barrier = threading.Barrier(len(roles) + 1)
    for i, (_role, login, fn) in enumerate(roles):

        def run(fn=fn, login=login, seed=i):
            try:
                fn(kind, db, login, data, stats, stop, random.Random(seed))
            except Exception as e:  # noqa: BLE001
                with stats.lock:
                    stats.errors["session"].append(f"{login}: {e}")
                barrier.abort()

        t = threading.Thread(target=run, daemon=True)
        threads.append(t)
    for t in threads:
        t.start()
    try:
        barrier.wait(timeout=600)
    except threading.BrokenBarrierError:
        stop.set()
    say(f"[{kind}] {len(roles)} users logged in; measuring for {SECONDS} s")
    start = time.perf_counter()
    stop.wait(SECONDS)
    stop.set()
    for t in threads:
        t.join(330)
    stats.elapsed = time.perf_counter() - start
    return stats


# ---------------------------------------------------------------- log and checks
LOG_PATTERNS = {
    "deadlocks": re.compile(r"deadlock.detected", re.I),
    "serialization failures": re.compile(r"serializ\w*.failure", re.I),
    "lock timeouts": re.compile(r"lock.?not.available", re.I),
}


def settle(kind):
    """Let the scheduled jobs finish what the run left them: the archive job
    (triggered by every close) until no closed ticket is missing from the archive,
    then one more escalation period; at most CS_LOAD_SETTLE seconds."""
    limit = time.monotonic() + int(os.environ.get("CS_LOAD_SETTLE", 120))
    if kind != "cs":
        time.sleep(5)
        return
    cr, _env = odoo_env(DBS[kind])
    with cr:
        while time.monotonic() < limit:
            cr.execute(
                "SELECT (SELECT count(*) FROM cs_archive_missing)"
                " + (SELECT count(*) FROM survey_user_input"
                "    WHERE cs_ticket_id IS NOT NULL AND cs_sent_date IS NULL)"
            )
            missing = cr.fetchone()[0]
            cr.rollback()
            if not missing:
                break
            time.sleep(2)
        say(
            f"[{kind}] closed tickets still waiting for the archive or the survey"
            f" sending job: {missing}"
        )
    say(f"[{kind}] waiting one escalation period")
    time.sleep(max(0, min(65, limit - time.monotonic())))


def scan_log(path):
    """Concurrency errors seen by the server: retried by Odoo (a later try worked)
    or not (the error reached the caller)."""
    counts = defaultdict(lambda: {"retried": 0, "not retried": 0})
    tracebacks = 0
    with open(path, errors="replace") as f:
        for line in f:
            # (the "bad query" lines of concurrency errors are counted below)
            if " ERROR " in line and "odoo.sql_db: bad query" not in line:
                tracebacks += 1
            for name, rx in LOG_PATTERNS.items():
                if rx.search(line):
                    if "tries left" in line:
                        counts[name]["retried"] += 1
                    elif "maximum number of tries" in line:
                        counts[name]["not retried"] += 1
    return counts, tracebacks


def check_cs(stats):
    """Nothing lost: the database against what the clients saw."""
    cr, env = odoo_env(DBS["cs"])
    failures = []
    with cr:
        created = sorted(set(stats.created))
        closed = sorted(set(stats.closed))
        portal = sorted(set(stats.portal_created))
        if created:
            cr.execute(
                """SELECT t.id, t.first_owner_id,
                          (SELECT count(*) FROM cs_ticket_deadline d
                            WHERE d.ticket_id = t.id)
                     FROM helpdesk_ticket t WHERE t.id IN %s""",
                [tuple(created)],
            )
            rows = {r[0]: r for r in cr.fetchall()}
            lost = [t for t in created if t not in rows]
            no_owner = [t for t, r in rows.items() if not r[1]]
            no_deadline = [t for t, r in rows.items() if not r[2]]
            if lost:
                failures.append(f"{len(lost)} created tickets missing: {lost[:10]}")
            if no_owner:
                failures.append(f"{len(no_owner)} tickets without first owner")
            if no_deadline:
                failures.append(f"{len(no_deadline)} complaints without deadlines")
        if portal:
            cr.execute(
                "SELECT count(*) FROM helpdesk_ticket WHERE id IN %s", [tuple(portal)]
            )
            if cr.fetchone()[0] != len(portal):
                failures.append("portal tickets missing")
        if closed:
            cr.execute(
                """SELECT count(DISTINCT res_id) FROM cs_archive_entry
                    WHERE res_model = 'helpdesk.ticket' AND res_id IN %s""",
                [tuple(closed)],
            )
            archived = cr.fetchone()[0]
            if archived != len(closed):
                failures.append(f"{len(closed) - archived} closed tickets not archived")
            # the archive job runs after the close (triggered by it): its lag
            cr.execute(
                """SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY lag),
                          percentile_cont(0.95) WITHIN GROUP (ORDER BY lag),
                          max(lag)
                     FROM (SELECT extract(epoch FROM e.archive_date - t.closed_date)
                                  AS lag
                             FROM cs_archive_entry e
                             JOIN helpdesk_ticket t ON t.id = e.res_id
                              AND e.source_round = t.round_number
                            WHERE e.res_model = 'helpdesk.ticket'
                              AND t.id IN %s) x""",
                [tuple(closed)],
            )
            lag = cr.fetchone()
            cr.execute(
                """SELECT count(*) FROM survey_user_input
                    WHERE cs_ticket_id IN %s AND cs_sent_date IS NULL""",
                [tuple(closed)],
            )
            unsent = cr.fetchone()[0]
            if unsent:
                failures.append(f"{unsent} closed tickets' surveys not mailed")
        report = env["cs.archive.integrity.report"]._cs_check_company(env.company)
        chain = report.result
        if chain != "ok":
            failures.append("archive chain broken")
        # an escalation step leaves one activity per ticket and recipient listing
        # the deadlines it took to that level: a deadline taken twice to the same
        # level shows as the same (ticket, target, level) twice
        cr.execute(
            """SELECT a.res_id, a.summary FROM mail_activity a
                WHERE a.res_model = 'helpdesk.ticket'
                  AND a.activity_type_id = %s""",
            [env.ref("cs_center.mail_activity_type_cs_escalation").id],
        )
        seen, twice, steps = set(), 0, 0
        for res_id, summary in cr.fetchall():
            m = re.match(r"Overdue: (.*) \(level (\d+)\)$", summary or "")
            if not m:
                continue
            for target in m.group(1).split(", "):
                steps += 1
                key = (res_id, target, m.group(2))
                twice += key in seen
                seen.add(key)
        if twice:
            failures.append(f"{twice} deadline escalation steps done twice")
        cr.execute(
            "SELECT count(*), max(escalation_level) FROM cs_ticket_deadline"
            " WHERE escalation_level > 0"
        )
        escalated, top = cr.fetchone()
        cr.rollback()
    return failures, {
        "tickets created by agents": len(created),
        "tickets closed (archived)": len(closed),
        "archive lag after close p50/p95/max s": (
            "/".join(f"{v:.1f}" for v in lag) if closed and lag[0] is not None else "-"
        ),
        "portal tickets": len(portal),
        "escalation steps": steps,
        "deadlines escalated": escalated,
        "highest level reached": top,
        "archive chain": chain,
    }


def check_base(stats):
    cr, env = odoo_env(DBS["base"])
    failures = []
    with cr:
        created = sorted(set(stats.created) | set(stats.portal_created))
        if created:
            cr.execute(
                "SELECT count(*) FROM helpdesk_ticket WHERE id IN %s", [tuple(created)]
            )
            if cr.fetchone()[0] != len(created):
                failures.append("created tickets missing")
        cr.rollback()
    return failures


# HTTP requests per operation where cs-center's step takes more than the baseline's
# one (a wizard is created, then its button pressed; closing is sign-off then stage):
# an operation's latency is the sum of its requests'
REQUESTS_CS = {"transfer": 2, "confirm": 2, "close": 2, "propose": 2}


def pct(values, q):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main():
    say(
        f"load test: {USERS} simulated users ({N_AGENTS} agents,"
        f" {N_APPROVERS} approvers, {N_PORTAL} portal customers), {SECONDS} s per"
        f" database, Odoo --workers={WORKERS} --max-cron-threads=1,"
        f" {os.cpu_count()} CPU cores"
    )
    results = {}
    for kind, modules in (("base", "helpdesk_mgmt"), ("cs", CS_ADDONS)):
        db = DBS[kind]
        say(f"[{kind}] building database {db} ({modules})")
        create_db(db, modules)
        data = setup_data(kind)
        server = Server(db)
        with server:
            say(f"[{kind}] driving for {SECONDS} s")
            stats = drive(kind, data)
            # let the scheduled jobs finish what the run left them
            settle(kind)
        counts, tracebacks = scan_log(server.log)
        results[kind] = (stats, counts, tracebacks, server.log)

    say("\n== results")
    failed = False
    base, cs = results["base"][0], results["cs"][0]
    header = (
        f"{'operation':16} {'req':>3} {'n':>6} {'ops/s':>7} {'p50 ms':>8} {'p95 ms':>8}"
        "   vs helpdesk_mgmt: ops/s  p95"
    )
    say(header)
    for op in sorted(set(cs.lat) | set(base.lat)):
        if op == "approve_taken":
            continue
        for kind, st in (("cs", cs), ("base", base)):
            lat = st.lat.get(op)
            if not lat:
                continue
            tput = len(lat) / st.elapsed
            reqs = (REQUESTS_CS if kind == "cs" else {}).get(op, 1)
            line = (
                f"{op + (' (base)' if kind == 'base' else ''):16} {reqs:3d}"
                f" {len(lat):6d} {tput:7.2f}"
                f" {pct(lat, 0.5) * 1000:8.0f} {pct(lat, 0.95) * 1000:8.0f}"
            )
            if kind == "cs" and base.lat.get(op):
                b = base.lat[op]
                line += (
                    f"   {tput / (len(b) / base.elapsed):5.2f}x"
                    f" {pct(lat, 0.95) / pct(b, 0.95):5.2f}x"
                )
            say(line)
    if cs.lat.get("approve_taken"):
        say(
            "approvals already taken by another approver (not errors):"
            f" {len(cs.lat['approve_taken'])}"
        )
    for kind in ("base", "cs"):
        stats, counts, tracebacks, log = results[kind]
        errors = sum(len(v) for v in stats.errors.values())
        say(
            f"\n[{kind}] errors reaching users: {errors};"
            f" server log ERROR lines: {tracebacks} ({log})"
        )
        for op, errs in stats.errors.items():
            say(f"  {op}: {len(errs)} e.g. {errs[0]}")
        for name in LOG_PATTERNS:
            c = counts[name]
            say(f"  {name}: {c['retried']} retried, {c['not retried']} not retried")
        failed |= bool(errors)
    failures, figures = check_cs(cs)
    failures += [f"baseline: {f}" for f in check_base(base)]
    say("\n== checks (cs-center database)")
    for k, v in figures.items():
        say(f"  {k}: {v}")
    for f in failures:
        say(f"  FAILED: {f}")
    if not failures:
        say("  nothing lost: every check passed")
    failed |= bool(failures)
    summary = {
        op: {
            "throughput_ratio": round(
                (len(cs.lat[op]) / cs.elapsed) / (len(base.lat[op]) / base.elapsed), 3
            ),
            "p95_ratio": round(pct(cs.lat[op], 0.95) / pct(base.lat[op], 0.95), 3),
        }
        for op in cs.lat
        if base.lat.get(op)
    }
    say("\nratios: " + json.dumps(summary))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
