"""Benchmark of cs_contact's PBX endpoint (prints numbers; not a test).

On its own database (cs_contact, no demo data) and a real Odoo HTTP server
(one process, threaded, as ./dev run):

1. events/second stored, one event per request (ringing, answered, ended of N
   calls), sequential, keep-alive;
2. the same events again: idempotence (no new call, nothing changed) and its rate;
3. events/second in batches of 100 events per request;
4. concurrency: 4 threads posting the events of the same calls at once (no
   duplicate call, no error);
5. SQL queries per event (in process, around validation + storing, single events
   and per event in a batch of 100).

Run: ./dev bench bench_cs_contact   (CS_BENCH_CALLS=N, default 1000 calls)
"""

import json
import os
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta

import requests

import odoo
from odoo import SUPERUSER_ID, api

CONF = os.environ.get("CS_ODOO_CONF", ".local/odoo.conf")
N_CALLS = int(os.environ.get("CS_BENCH_CALLS", 1000))
DB = "cs_bench_contact"
TOKEN = "bench-token-0123456789abcdef"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def odoo_cmd(*args):
    return [sys.executable, "-m", "odoo", "-c", CONF, "-d", DB, *args]


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
        team = env["helpdesk.ticket.team"].create({"name": "Bench hotline"})
        user = env["res.users"].create(
            {
                "name": "Bench agent",
                "login": "bench_agent",
                "groups_id": [(6, 0, [env.ref("cs_center.group_cs_agent").id])],
            }
        )
        user.cs_pbx_extension = "8001"
        env["res.partner"].create(
            [{"name": f"Customer {i}", "phone": f"138{i:08d}"} for i in range(2000)]
        )
        pbx = env["cs.pbx"].create({"name": "Bench PBX", "team_id": team.id})
        pbx._cs_set_token(TOKEN)
    return registry


def events_for(prefix, n):
    base = datetime.now(UTC) - timedelta(hours=2)
    out = []
    for i in range(n):
        start = base + timedelta(seconds=i)
        cid = f"{prefix}{i}"
        out += [
            {
                "call_id": cid,
                "event": "ringing",
                "at": start.isoformat(),
                "number": f"138{i % 3000:08d}",
            },
            {
                "call_id": cid,
                "event": "answered",
                "at": (start + timedelta(seconds=i % 50)).isoformat(),
                "agent": "8001",
            },
            {
                "call_id": cid,
                "event": "ended",
                "at": (start + timedelta(seconds=120)).isoformat(),
            },
        ]
    return out


def post_all(url, events, batch=1, errors=None, token=TOKEN, expect=200):
    """Seconds to post every event; non-200 answers counted in ``errors`` (a
    list) when given, else fatal."""
    session = requests.Session()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    start = time.perf_counter()
    for i in range(0, len(events), batch):
        chunk = events[i : i + batch]
        body = chunk[0] if batch == 1 else {"events": chunk}
        r = session.post(url, data=json.dumps(body), headers=headers, timeout=60)
        if r.status_code != expect:
            if errors is None:
                raise SystemExit(f"HTTP {r.status_code}: {r.text[:300]}")
            errors.append(r.status_code)
    return time.perf_counter() - start


def snapshot(registry, prefix):
    with registry.cursor() as cr:
        cr.execute(
            "SELECT count(*), md5(string_agg(concat_ws('|', pbx_call_id, rang_at, "
            "answered_at, ended_at, outcome, response_state, agent_id, partner_id), "
            "',' ORDER BY pbx_call_id)) FROM cs_call WHERE pbx_call_id LIKE %s",
            [prefix + "%"],
        )
        return cr.fetchone()


def queries_per_event(registry):
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        Call = env["cs.call"]
        pbx = env["cs.pbx"].search([], limit=1)
        single = events_for("q", 20)
        Call._cs_apply_events(pbx, Call._cs_validate_events(single[:3])[0])  # warm-up
        env.flush_all()
        start = cr.sql_log_count
        for event in single[3:]:
            Call._cs_apply_events(pbx, Call._cs_validate_events([event])[0])
        one = (cr.sql_log_count - start) / len(single[3:])
        batch = events_for("qb", 34)[:100]
        start = cr.sql_log_count
        Call._cs_apply_events(pbx, Call._cs_validate_events(batch)[0])
        per_batch = (cr.sql_log_count - start) / len(batch)
        cr.rollback()
    return one, per_batch


def main():
    odoo.tools.config.parse_config(["-c", CONF])
    registry = create_db()
    one, batched = queries_per_event(registry)
    port = free_port()
    server = subprocess.Popen(
        odoo_cmd(
            f"--http-port={port}",
            "--http-interface=127.0.0.1",
            f"--db-filter=^{DB}$",
            "--log-level=warn",
            "--max-cron-threads=0",
        )
    )
    url = f"http://127.0.0.1:{port}/cs_contact/pbx/events"
    try:
        for _ in range(120):
            try:
                requests.get(f"http://127.0.0.1:{port}/web/health", timeout=30)
                break
            except requests.RequestException:
                time.sleep(0.5)
        run = f"{int(time.time())}-"
        post_all(url, events_for(run + "w", 20))  # warm-up
        probe = events_for(run + "x", 100)
        t401 = post_all(url, probe, token="wrong", expect=401)
        events = events_for(run + "s", N_CALLS)
        t = post_all(url, events)
        first = snapshot(registry, run + "s")
        t2 = post_all(url, events)
        second = snapshot(registry, run + "s")
        batch_events = events_for(run + "b", N_CALLS)
        tb = post_all(url, batch_events, batch=100)
        conc_events = events_for(run + "c", N_CALLS // 4)
        errors = []

        def worker():
            post_all(url, conc_events, errors=errors)

        threads = [threading.Thread(target=worker) for _ in range(4)]
        tc = time.perf_counter()
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        tc = time.perf_counter() - tc
        conc = snapshot(registry, run + "c")
    finally:
        server.terminate()
        server.wait(30)
    n = len(events)
    print(f"PBX endpoint, {N_CALLS} calls x 3 events, one Odoo HTTP process (threaded)")
    print(
        f"  HTTP floor (401, no write): {len(probe) / t401:6.0f} requests/s "
        "(Odoo's request handling alone)"
    )
    print(f"  one event per request : {n / t:8.0f} events/s  ({n} events, {t:.1f} s)")
    print(
        f"  same events again     : {n / t2:8.0f} events/s  idempotent: "
        f"{'yes' if first == second else 'NO'} (calls {first[0]} -> {second[0]})"
    )
    print(f"  batches of 100 events : {len(batch_events) / tb:8.0f} events/s")
    print(
        f"  4 threads, same calls : {4 * len(conc_events) / tc:8.0f} events/s, "
        f"calls {conc[0]} (expected {N_CALLS // 4}), non-200 answers "
        f"{len(errors)} {sorted(set(errors))}"
    )
    print(
        f"  SQL queries per event : {one:.1f} single, {batched:.2f} in a batch of 100"
    )
    odoo.sql_db.close_db(DB)
    if not os.environ.get("CS_BENCH_REUSE"):
        subprocess.run(["dropdb", "--if-exists", DB], check=False)


if __name__ == "__main__":
    main()
