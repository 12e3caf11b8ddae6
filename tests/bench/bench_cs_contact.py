"""Benchmark of cs_contact's PBX endpoint (prints numbers and checks; not a test).

On its own database (cs_contact, no demo data: 8 agents with extensions, 2,000
customers with phone numbers, one PBX with two queues) Odoo runs as a real server,
``--workers=4 --max-cron-threads=0`` (CS_BENCH_WORKERS), logging every request
at level info (the werkzeug line carries the request's query count and SQL time).
Then:

1. profile (in process, one request after the other through Odoo's WSGI
   application, cProfile): where a single event's time goes;
2. HTTP floor: requests with a wrong token (401, nothing read but the token)
   from 8 threads: Odoo's own cost of a request on this machine;
3. sustained single events: CS_BENCH_THREADS (8) client threads with keep-alive
   sessions post one event per request for CS_BENCH_SECONDS (30): per call
   ringing, then answered (70 %) and ended, or ended missed/abandoned; 10 % of
   the calls out of order (ended before answered, answered before ringing), 10 %
   of the events repeated at once by the same thread and 5 % re-posted by
   another thread (concurrent duplicates of the same call);
4. batches: 4 threads posting batches of 100 events for 10 s.

Printed: events/s stored, p50/p95 latency, queries and SQL/Python ms per event
(server log), server CPU ms per event, duplicates absorbed, non-200 answers,
serialization failures and retries in the server log; then checked by SQL that
every call is stored once with the final state its events give, and that every
missed or abandoned call has exactly one callback task.

The server runs with ``-d <database>`` and no ``--db-filter`` (a single-database
server: Odoo then does not list the databases on every request);
CS_BENCH_DBFILTER=1 adds ``--db-filter``.

Run: ./dev bench bench_cs_contact   (CS_BENCH_REUSE=1 keeps the database)
"""

import cProfile
import io
import json
import os
import pstats
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter, deque
from datetime import UTC, datetime, timedelta

import psutil
import requests

import odoo
from odoo import SUPERUSER_ID, api

CONF = os.environ.get("CS_ODOO_CONF", ".local/odoo.conf")
DB = "cs_bench_contact"
TOKEN = "bench-token-0123456789abcdef-0123456789abcdef"
SECONDS = int(os.environ.get("CS_BENCH_SECONDS", 30))
THREADS = int(os.environ.get("CS_BENCH_THREADS", 8))
WORKERS = int(os.environ.get("CS_BENCH_WORKERS", 4))
LOG = os.path.join(os.path.dirname(CONF) or ".", "bench-cs-contact.log")
URL_PATH = "/cs_contact/pbx/events"
N_PARTNERS = 2000
# Odoo with a --db-filter lists the databases of the server (a new connection to
# the "postgres" database) on every request without a session cookie, i.e. every
# PBX request; with -d <database> and no filter it does not
DBFILTER = bool(os.environ.get("CS_BENCH_DBFILTER"))


def say(*args):
    print(*args, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def odoo_cmd(*args):
    return [sys.executable, "-m", "odoo", "-c", CONF, "-d", DB, *args]


# ---------------------------------------------------------------- database
def create_db():
    if os.environ.get("CS_BENCH_REUSE"):
        exists = subprocess.run(
            ["psql", "-d", DB, "-c", "SELECT 1 FROM cs_pbx"], capture_output=True
        )
        if exists.returncode == 0:
            return odoo.modules.registry.Registry(DB)
    subprocess.run(["dropdb", "--if-exists", DB], check=True)
    subprocess.run(
        odoo_cmd(
            "-i",
            "cs_contact",
            "--without-demo=all",
            "--stop-after-init",
            "--log-level=warn",
        ),
        check=True,
    )
    registry = odoo.modules.registry.Registry(DB)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        teams = env["helpdesk.ticket.team"].create(
            [{"name": "Bench hotline"}, {"name": "Bench after-sales"}]
        )
        group = env.ref("cs_center.group_cs_agent")
        for i in range(8):
            user = env["res.users"].create(
                {
                    "name": f"Bench agent {i}",
                    "login": f"bench_agent{i}",
                    "groups_id": [(6, 0, [group.id])],
                }
            )
            user.cs_pbx_extension = f"80{i:02d}"
        env["res.partner"].create(
            [
                {"name": f"Customer {i}", "phone": f"+86 138 {i:04d} {i % 97:04d}"}
                for i in range(N_PARTNERS)
            ]
        )
        pbx = env["cs.pbx"].create(
            {
                "name": "Bench PBX",
                "team_id": teams[0].id,
                "queue_ids": [
                    (0, 0, {"code": "sales", "team_id": teams[0].id}),
                    (0, 0, {"code": "aftersales", "team_id": teams[1].id}),
                ],
            }
        )
        pbx._cs_set_token(TOKEN)
    return registry


# ---------------------------------------------------------------- calls
BASE = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)


def call_script(call_id, rnd):
    """(events in the order the PBX sends them, expected final state)."""
    start = BASE + timedelta(seconds=rnd.randrange(7200))
    i = rnd.randrange(N_PARTNERS)
    ringing = {
        "call_id": call_id,
        "event": "ringing",
        "at": start.isoformat(),
        "number": f"+86 138 {i:04d} {i % 97:04d}",
        "queue": rnd.choice(["sales", "aftersales"]),
    }
    kind = rnd.random()
    expected = {"rang_at": start, "answered_at": None, "agent": None}
    if kind < 0.7:
        wait = rnd.randrange(60)
        agent = f"80{rnd.randrange(8):02d}"
        end = start + timedelta(seconds=wait + 60 + rnd.randrange(300))
        answered = {
            "call_id": call_id,
            "event": "answered",
            "at": (start + timedelta(seconds=wait)).isoformat(),
            "agent": agent,
        }
        ended = {"call_id": call_id, "event": "ended", "at": end.isoformat()}
        events = [ringing, answered, ended]
        expected.update(
            answered_at=start + timedelta(seconds=wait),
            agent=agent,
            outcome="answered",
        )
    else:
        outcome = "missed" if kind < 0.85 else "abandoned"
        end = start + timedelta(seconds=5 + rnd.randrange(90))
        ended = {
            "call_id": call_id,
            "event": "ended",
            "at": end.isoformat(),
            "outcome": outcome,
        }
        events = [ringing, ended]
        expected["outcome"] = outcome
    expected["ended_at"] = end
    if rnd.random() < 0.1:  # out of order
        events = events[::-1] if len(events) == 2 else [events[1], events[2], events[0]]
    return events, expected


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = []
        self.status = Counter()
        self.posted = 0
        self.duplicates = 0
        self.expected = {}


def post(session, url, body, token=TOKEN):
    t0 = time.perf_counter()
    r = session.post(
        url,
        data=json.dumps(body),
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
        },
        timeout=120,
    )
    return r, time.perf_counter() - t0


def run_single(url, prefix, seconds, threads):
    stats = Stats()
    shared = deque(maxlen=200)  # recent events, re-posted by other threads
    end = time.perf_counter() + seconds

    def worker(tid):
        rnd = random.Random(tid)
        session = requests.Session()
        n = 0
        lat, status = [], Counter()
        posted = dups = 0
        expected = {}
        while time.perf_counter() < end:
            call_id = f"{prefix}{tid}-{n}"
            n += 1
            events, expected[call_id] = call_script(call_id, rnd)
            for event in events:
                batch = [event]
                if rnd.random() < 0.1:
                    batch.append(event)  # the PBX retries at once
                if rnd.random() < 0.05 and shared:
                    batch.append(rnd.choice(list(shared)))  # another thread's event
                shared.append(event)
                for i, body in enumerate(batch):
                    r, dt = post(session, url, body)
                    lat.append(dt)
                    status[r.status_code] += 1
                    posted += 1
                    dups += i > 0
                    if r.status_code != 200 and status[r.status_code] < 3:
                        say(f"  HTTP {r.status_code}: {r.text[:200]}")
        with stats.lock:
            stats.latencies += lat
            stats.status.update(status)
            stats.posted += posted
            stats.duplicates += dups
            stats.expected.update(expected)

    workers = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
    t0 = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    stats.elapsed = time.perf_counter() - t0
    return stats


def run_batches(url, prefix, seconds, threads=4, size=100):
    stats = Stats()
    end = time.perf_counter() + seconds

    def worker(tid):
        rnd = random.Random(100 + tid)
        session = requests.Session()
        n = 0
        while time.perf_counter() < end:
            events, expected = [], {}
            while len(events) < size:
                call_id = f"{prefix}{tid}-{n}"
                n += 1
                script, expected[call_id] = call_script(call_id, rnd)
                events += script
            r, dt = post(session, url, {"events": events})
            with stats.lock:
                stats.latencies.append(dt)
                stats.status[r.status_code] += 1
                stats.posted += len(events)
                if r.status_code == 200:
                    stats.expected.update(expected)

    workers = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
    t0 = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    stats.elapsed = time.perf_counter() - t0
    return stats


def run_floor(url, seconds=5, threads=8):
    count = Counter()
    end = time.perf_counter() + seconds

    def worker():
        session = requests.Session()
        n = 0
        while time.perf_counter() < end:
            post(session, url, {"call_id": "x", "event": "ringing"}, token="wrong")
            n += 1
        count["n"] += n

    workers = [threading.Thread(target=worker) for _ in range(threads)]
    t0 = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return count["n"] / (time.perf_counter() - t0)


# ---------------------------------------------------------------- checks
def check(registry, prefix, expected):
    """Every call once with the final state its events give; one callback task
    per missed or abandoned call. Returns a list of problems."""
    with registry.cursor() as cr:
        cr.execute(
            """
            SELECT c.pbx_call_id, c.rang_at, c.answered_at, c.ended_at, c.outcome,
                   u.cs_pbx_extension,
                   (SELECT count(*) FROM mail_activity a
                     WHERE a.res_model = 'cs.call' AND a.res_id = c.id)
              FROM cs_call c LEFT JOIN res_users u ON u.id = c.agent_id
             WHERE c.pbx_call_id LIKE %s
            """,
            [prefix + "%"],
        )
        rows = cr.fetchall()
    problems = []
    seen = Counter(r[0] for r in rows)
    problems += [f"{cid} stored {n} times" for cid, n in seen.items() if n > 1]
    missing = set(expected) - set(seen)
    if missing:
        problems.append(f"{len(missing)} calls missing, e.g. {sorted(missing)[:3]}")

    def naive(moment):
        return moment and moment.astimezone(UTC).replace(tzinfo=None)

    for cid, rang, answered, ended, outcome, agent, activities in rows:
        exp = expected.get(cid)
        if exp is None:
            continue
        got = (rang, answered, ended, outcome, agent, activities)
        want = (
            naive(exp["rang_at"]),
            naive(exp["answered_at"]),
            naive(exp["ended_at"]),
            exp["outcome"],
            exp["agent"],
            0 if exp["outcome"] == "answered" else 1,
        )
        if got != want:
            problems.append(f"{cid}: stored {got}, expected {want}")
    return problems


# ---------------------------------------------------------------- server log
WERKZEUG = re.compile(
    r'"POST ' + re.escape(URL_PATH) + r' HTTP/1\.1" (\d+) - (\d+) ([\d.]+) ([\d.]+)'
)


def log_figures(start_offset):
    """Per 200 answer from the server log since ``start_offset``: (count,
    queries, SQL ms, other ms), and the concurrency incidents."""
    with open(LOG, encoding="utf-8", errors="replace") as f:
        f.seek(start_offset)
        text = f.read()
    rows = [
        (int(q), float(s), float(o))
        for status, q, s, o in WERKZEUG.findall(text)
        if status == "200"
    ]
    incidents = {
        "serialization failures": len(
            re.findall(r"serialization_failure|could not serialize", text)
        ),
        "deadlocks": len(re.findall(r"deadlock", text, re.I)),
        "unique violations": len(re.findall(r"unique_violation|duplicate key", text)),
        "tracebacks": text.count("Traceback"),
    }
    if not rows:
        return 0, 0, 0, 0, incidents
    n = len(rows)
    return (
        n,
        sum(r[0] for r in rows) / n,
        1000 * sum(r[1] for r in rows) / n,
        1000 * sum(r[2] for r in rows) / n,
        incidents,
    )


def log_size():
    return os.path.getsize(LOG) if os.path.exists(LOG) else 0


def server_cpu(proc):
    """CPU seconds used so far by the server and its workers."""
    total = 0.0
    try:
        procs = [psutil.Process(proc.pid)]
        procs += procs[0].children(recursive=True)
    except psutil.NoSuchProcess:
        return 0.0
    for p in procs:
        try:
            t = p.cpu_times()
            total += t.user + t.system + t.children_user + t.children_system
        except psutil.NoSuchProcess:
            pass
    return total


def pg_cpu():
    """CPU seconds used so far by the PostgreSQL backends of the bench database."""
    total = 0.0
    for p in psutil.process_iter(["name", "cmdline"]):
        try:
            if "postgres" in (p.info["name"] or "") and DB in " ".join(
                p.info["cmdline"] or []
            ):
                t = p.cpu_times()
                total += t.user + t.system
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return total


# ---------------------------------------------------------------- profile
def profile(n=300):
    """n single events through Odoo's WSGI application in this process."""
    from werkzeug.test import Client  # noqa: PLC0415

    odoo.tools.config["db_name"] = DB
    odoo.tools.config["dbfilter"] = f"^{DB}$" if DBFILTER else ""
    client = Client(odoo.http.root)
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    rnd = random.Random(7)
    bodies = []
    i = 0
    while len(bodies) < n + 30:
        bodies += call_script(f"prof-{int(time.time())}-{i}", rnd)[0]
        i += 1
    for body in bodies[:30]:  # warm-up
        r = client.post(URL_PATH, data=json.dumps(body), headers=headers)
        assert r.status_code == 200, r.get_data(as_text=True)
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    for body in bodies[30 : 30 + n]:
        client.post(URL_PATH, data=json.dumps(body), headers=headers)
    prof.disable()
    elapsed = time.perf_counter() - t0
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out)
    stats.sort_stats("cumulative").print_stats(
        r"(cs_contact|odoo/http\.py|sql_db|service/model|ir_http|werkzeug/test)", 22
    )
    stats.sort_stats("tottime").print_stats(14)
    return n / elapsed, elapsed / n * 1000, out.getvalue()


# ---------------------------------------------------------------- main
def start_server(port):
    if os.path.exists(LOG):
        os.unlink(LOG)
    # the odoo script, not `python -m odoo`: the prefork server starts its
    # websocket (gevent) process again from sys.argv[0]
    odoo_bin = os.path.join(os.path.dirname(sys.executable), "odoo")
    proc = subprocess.Popen(
        [
            odoo_bin,
            "-c",
            CONF,
            "-d",
            DB,
            *([f"--db-filter=^{DB}$"] if DBFILTER else []),
            f"--workers={WORKERS}",
            "--max-cron-threads=0",
            f"--http-port={port}",
            "--http-interface=127.0.0.1",
            f"--gevent-port={free_port()}",
            f"--logfile={LOG}",
            "--log-level=warn",
            "--log-handler=werkzeug:INFO",
            "--log-handler=odoo.service.model:INFO",
            "--limit-time-real=600",
            "--limit-time-cpu=300",
        ],
        start_new_session=True,
    )
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/web/health", timeout=5).ok:
                return proc
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"Odoo did not start (see {LOG})")


def stop_server(proc):
    os.killpg(proc.pid, signal.SIGINT)
    try:
        proc.wait(60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def pct(values, q):
    values = sorted(values)
    return 1000 * values[min(len(values) - 1, int(q * len(values)))] if values else 0


def main():
    odoo.tools.config.parse_config(["-c", CONF])
    registry = create_db()
    say(
        f"PBX endpoint benchmark, {os.cpu_count()} CPU cores (shared), load 1 min "
        f"{os.getloadavg()[0]:.1f}, --db-filter: {'yes' if DBFILTER else 'no'}"
    )
    rate, ms, text = profile()
    say(
        f"\n1. profile, in process, one event per request: {rate:.0f} events/s "
        f"({ms:.1f} ms each, cProfile overhead included)"
    )
    say(text)
    port = free_port()
    url = f"http://127.0.0.1:{port}{URL_PATH}"
    proc = start_server(port)
    failed = False
    try:
        session = requests.Session()
        rnd = random.Random(0)
        for i in range(40):  # every worker loads its registry
            for body in call_script(f"warm-{int(time.time())}-{i}", rnd)[0]:
                post(session, url, body)
        cpu0, pg0, t0 = server_cpu(proc), pg_cpu(), time.perf_counter()
        floor = run_floor(url)
        floor_n = floor * (time.perf_counter() - t0)
        cpu1, pg1 = server_cpu(proc), pg_cpu()
        say(
            f"2. HTTP floor (401, wrong token, 8 threads): {floor:.0f} requests/s, "
            f"CPU per request: Odoo {1000 * (cpu1 - cpu0) / floor_n:.1f} ms, "
            f"PostgreSQL {1000 * (pg1 - pg0) / floor_n:.1f} ms"
        )
        run = f"r{int(time.time())}-"
        offset, cpu0, pg0 = log_size(), server_cpu(proc), pg_cpu()
        client0 = time.process_time()
        single = run_single(url, run + "s", SECONDS, THREADS)
        time.sleep(1)
        cpu1, pg1 = server_cpu(proc), pg_cpu()
        client = time.process_time() - client0
        n, queries, sql_ms, py_ms, incidents = log_figures(offset)
        ok = single.status[200]
        say(
            f"3. sustained, one event per request, {THREADS} threads, "
            f"{single.elapsed:.0f} s, Odoo --workers={WORKERS}:"
        )
        say(
            f"   events stored (200)  : {ok / single.elapsed:8.0f} events/s "
            f"({ok} requests, {len(single.expected)} calls)"
        )
        say(
            f"   latency              : p50 {pct(single.latencies, 0.5):.0f} ms, "
            f"p95 {pct(single.latencies, 0.95):.0f} ms, "
            f"max {pct(single.latencies, 1):.0f} ms"
        )
        say(
            f"   duplicates absorbed  : {single.duplicates} (repeated at once by "
            "the same thread or re-posted by another one)"
        )
        say(f"   answers              : {dict(single.status)}")
        say(
            f"   per event (server log, {n} requests): {queries:.1f} queries, "
            f"SQL {sql_ms:.1f} ms, Python {py_ms:.1f} ms"
        )
        say(
            f"   CPU per event        : Odoo {1000 * (cpu1 - cpu0) / max(ok, 1):.1f} "
            f"ms, PostgreSQL {1000 * (pg1 - pg0) / max(ok, 1):.1f} ms, "
            f"benchmark client {1000 * client / max(ok, 1):.1f} ms"
        )
        say(f"   server log           : {incidents}")
        problems = check(registry, run + "s", single.expected)
        verdict = "all stored once with their final state and callbacks"
        say(
            f"   check by SQL         : {len(single.expected)} calls, "
            f"{verdict if not problems else problems[:5]}"
        )
        failed |= bool(problems) or set(single.status) != {200}

        offset = log_size()
        batches = run_batches(url, run + "b", 10)
        n, queries, sql_ms, py_ms, incidents = log_figures(offset)
        events = batches.posted
        say(
            f"4. batches of 100 events, 4 threads: {events / batches.elapsed:.0f} "
            f"events/s, p50 {pct(batches.latencies, 0.5):.0f} ms per batch, "
            f"{queries / 100:.2f} queries per event, answers {dict(batches.status)}"
        )
        problems = check(registry, run + "b", batches.expected)
        say(
            f"   check by SQL: {len(batches.expected)} calls, "
            f"{'all right' if not problems else problems[:5]}"
        )
        failed |= bool(problems)
    finally:
        stop_server(proc)
    odoo.sql_db.close_db(DB)
    if not os.environ.get("CS_BENCH_REUSE"):
        subprocess.run(["dropdb", "--if-exists", DB], check=False)
    if failed:
        say("FAILED: see above")
        sys.exit(1)


if __name__ == "__main__":
    main()
