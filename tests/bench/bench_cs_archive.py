"""Benchmark of cs_archive (prints numbers; not a test).

1. Archiving: SQL queries and time to archive 10,000 closed tickets (each with two
   messages with the customer and a deadline) through the completeness job, in batches
   of 500; then one ticket at a time (the cost added to closing a ticket).
2. Integrity verification: entries per second of the integrity check over a chain of
   1,000,000 entries (inserted with COPY, chain computed in Python), next to plain
   sha256 chaining of the same bytes read from the same table in the same way (the
   check's server-side cursor query), alternating in one transaction, as a ratio; the
   peak RSS growth during each walk (flat memory); for reference the same hashing of
   bytes already in memory (no database).

Run: ./dev bench bench_cs_archive   (or CS_ODOO_CONF=.local/odoo.conf python3 this_file)
Sizes: CS_BENCH_TICKETS (10000; 0 skips part 1), CS_BENCH_ENTRIES (1000000),
CS_BENCH_PASSES (2). The database cs_bench_arch is dropped at the end unless
CS_BENCH_KEEP=1; CS_BENCH_REUSE=1 reuses it (and a chain of the same size) when it
exists. CS_BENCH_PROFILE=1 prints a cProfile of the check.
"""

import cProfile
import hashlib
import importlib
import io
import os
import pstats
import resource
import subprocess
import sys
import threading
import time

import odoo
from odoo import SUPERUSER_ID, api

CONF = os.environ.get("CS_ODOO_CONF", ".local/odoo.conf")
N_TICKETS = int(os.environ.get("CS_BENCH_TICKETS", 10000))
N_ENTRIES = int(os.environ.get("CS_BENCH_ENTRIES", 1000000))
N_HASH_SAMPLE = min(N_ENTRIES, 100000)
PASSES = int(os.environ.get("CS_BENCH_PASSES", 2))
BATCH = 5000
COPY_CHUNK = 50000
DB = "cs_bench_arch"
COMPANY_NAME = f"Bench archive company {N_ENTRIES}"
# set by load_hashing() (the archive's own functions)
GENESIS_HASH = canonical_json = chain_input = sha256_hex = subject_hash = None
scan_entries = subject_input = None


def pg_env():
    """PostgreSQL client settings from the Odoo configuration (./dev sets them too)."""
    cfg = odoo.tools.config
    env = dict(os.environ)
    if cfg.get("db_host"):
        env["PGHOST"] = cfg["db_host"]
    if cfg.get("db_port"):
        env["PGPORT"] = str(cfg["db_port"])
    if cfg.get("db_user"):
        env["PGUSER"] = cfg["db_user"]
    return env


def create_db():
    if os.environ.get("CS_BENCH_REUSE"):
        exists = subprocess.run(
            ["psql", "-d", DB, "-c", "SELECT 1"], capture_output=True, env=pg_env()
        )
        if exists.returncode == 0:
            return
    subprocess.run(["dropdb", "--if-exists", DB], check=True, env=pg_env())
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
            "cs_archive",
            "--without-demo=all",
            "--stop-after-init",
            "--log-level=warn",
        ],
        check=True,
    )


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def measure(cr, fn):
    env = api.Environment(cr, SUPERUSER_ID, {})
    env.flush_all()
    start_q, start_t = cr.sql_log_count, time.perf_counter()
    fn()
    env.flush_all()
    return cr.sql_log_count - start_q, time.perf_counter() - start_t


# ---------------------------------------------------------------------- 1. archiving
def insert_closed_tickets(env, n, tag):
    cr = env.cr
    agent = env["res.users"].create(
        {
            "name": f"Bench agent {tag}",
            "login": f"bench_agent_{tag}",
            "groups_id": [(6, 0, env.ref("cs_center.group_cs_agent").ids)],
        }
    )
    team_vals = {"name": f"Bench {tag}", "user_ids": [(6, 0, agent.ids)]}
    regulated = "cs_regulated" in env["helpdesk.ticket.team"]._fields
    if regulated:  # only customer-service teams' tickets are archived
        team_vals["cs_regulated"] = True
    team = env["helpdesk.ticket.team"].create(team_vals)
    customer = env["res.partner"].create(
        {"name": "Bench customer 客户", "email": "c@example.com", "phone": "+86 21 1"}
    )
    stage = env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
    cr.execute(
        """
        INSERT INTO helpdesk_ticket
            (number, name, description, team_id, stage_id, company_id, partner_id,
             user_id, first_owner_id, request_kind, complaint_class, severity,
             round_number, round_start_date, closed_date, active, priority,
             kanban_state, satisfaction_confirm_date, satisfaction_confirm_method,
             owner_signoff_date, create_date, write_date, create_uid, write_uid,
             last_stage_update, product_spec, order_ref, customer_request)
        SELECT %(tag)s || g, 'Bench ticket ' || g, '<p>The kettle leaks.</p>',
               %(team)s, %(stage)s, %(company)s, %(customer)s, %(agent)s, %(agent)s,
               'complaint', 'quality', 'general', 1, n - interval '3 days', n, TRUE,
               '1', 'normal', n, 'phone', n, n, n, 1, 1, n, 'KT-1500', 'SO-' || g,
               'A new lid'
          FROM generate_series(1, %(n)s) g, (SELECT now() at time zone 'utc' AS n) x
        RETURNING id
        """,
        {
            "tag": tag,
            "team": team.id,
            "stage": stage.id,
            "company": env.company.id,
            "customer": customer.id,
            "agent": agent.id,
            "n": n,
        },
    )
    ids = [r[0] for r in cr.fetchall()]
    if regulated:
        cr.execute(
            "UPDATE helpdesk_ticket SET cs_regulated = TRUE WHERE id = ANY(%s)", [ids]
        )
    comment = env.ref("mail.mt_comment").id
    cr.execute(
        """
        INSERT INTO mail_message
            (model, res_id, message_type, subtype_id, body, author_id, date,
             create_date, write_date, create_uid, write_uid)
        SELECT 'helpdesk.ticket', t.id, 'comment', %(comment)s, m.body, m.author,
               now() at time zone 'utc', now() at time zone 'utc',
               now() at time zone 'utc', 1, 1
          FROM unnest(%(ids)s::int[]) t(id),
               (VALUES ('<p>My kettle leaks, what can I do?</p>', %(customer)s),
                       ('<p>We send you a new lid today.</p>', %(agent_partner)s))
                   AS m(body, author)
        """,
        {
            "comment": comment,
            "ids": ids,
            "customer": customer.id,
            "agent_partner": agent.partner_id.id,
        },
    )
    policy = env.ref("cs_center.cs_deadline_policy_feedback_general")
    cr.execute(
        """
        INSERT INTO cs_ticket_deadline
            (ticket_id, policy_id, target_type, met_event, round, start_date,
             due_date, met_date, state, escalation_level, company_id, team_id,
             user_id, first_owner_id, request_kind, create_date, write_date,
             create_uid, write_uid)
        SELECT t.id, %(policy)s, 'feedback', 'first_reply', 1, n - interval '3 days',
               n - interval '2 days', n - interval '60 hours', 'met', 0,
               %(company)s, %(team)s, %(agent)s, %(agent)s, 'complaint', n, n, 1, 1
          FROM unnest(%(ids)s::int[]) t(id), (SELECT now() at time zone 'utc' AS n) x
        """,
        {
            "policy": policy.id,
            "ids": ids,
            "company": env.company.id,
            "team": team.id,
            "agent": agent.id,
        },
    )
    cr.execute("ANALYZE helpdesk_ticket")
    cr.execute("ANALYZE mail_message")
    env.invalidate_all()
    return ids


def bench_archiving(registry):
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        t0 = time.perf_counter()
        insert_closed_tickets(env, N_TICKETS, "B")
        fixture_s = time.perf_counter() - t0
        count = {}

        def run():
            # the completeness loop of cs.archivable.mixin (the cron runs it one
            # batch per call; here all batches in one transaction)
            count["n"] = env["helpdesk.ticket"]._cs_archive_missing(batch_size=500)[0]

        batch = measure(cr, run)
        n_batch = count["n"]
        ids = insert_closed_tickets(env, 100, "S")
        Ticket = env["helpdesk.ticket"]

        def one_by_one():
            for ticket_id in ids:
                Ticket.browse(ticket_id)._cs_archive()

        single = measure(cr, one_by_one)
        cr.execute("SELECT pg_size_pretty(pg_total_relation_size('cs_archive_entry'))")
        size = cr.fetchone()[0]
        cr.rollback()
    return fixture_s, n_batch, batch, len(ids), single, size


# ---------------------------------------------------------------------- 2. verification
def make_entry(company_id, type_id, user_id, partner_id, seq, prev_hash):
    """A realistic small entry (the same bytes every run for a given seq)."""
    payload = {
        "schema": "cs_archive.ticket/1",
        "customer": {"id": partner_id, "name": "王芳", "email": f"c{seq}@example.com"},
        "ticket": {"number": f"HT{seq:07d}", "title": f"Leaking kettle {seq}"},
        "request": {"order_ref": f"SO-{seq}", "product_spec": "KT-1500 1.5 L"},
        "messages": [
            {"date": "2026-01-01 10:00:00", "body": "<p>My kettle leaks.</p>"},
            {"date": "2026-01-01 11:00:00", "body": "<p>A new lid is on its way.</p>"},
        ],
        "deadlines": {"met": 2, "missed": 0},
    }
    content = canonical_json(payload)
    html = (
        f'<h3>Complaint HT{seq:07d}</h3><table class="table table-sm"><tbody>'
        f"<tr><th>Customer</th><td>王芳</td></tr><tr><th>Order</th><td>SO-{seq}</td>"
        "</tr><tr><th>Product</th><td>KT-1500 1.5 L</td></tr></tbody></table>"
        "<p>My kettle leaks.</p><p>A new lid is on its way.</p>"
    )
    name = f"HT{seq:07d} Leaking kettle {seq}"
    columns = {
        "company_id": company_id,
        "sequence": seq,
        "entry_type_id": type_id,
        "archive_date": "2026-01-02 08:00:00",
        "retention_years": 10,
        "res_model": f"bench.source.c{company_id}",
        "res_id": seq,
        "source_round": 1,
        "first_owner_id": user_id,
        "handler_id": user_id,
        "archived_by_id": user_id,
    }
    return columns, content, html, name


def hash_entry(columns, content, html, partner_id, name, prev_hash):
    content_hash = sha256_hex(content)
    rendering_hash = sha256_hex(html)
    subj = subject_hash(partner_id, name)
    chain = sha256_hex(
        chain_input(prev_hash, columns, content_hash, rendering_hash, subj)
    )
    return content_hash, rendering_hash, subj, chain


def copy_escape(value):
    if value is None:
        return "\\N"
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )


COPY_COLUMNS = (
    "name, partner_id, company_id, sequence, entry_type_id, archive_date, "
    "retention_years, res_model, res_id, source_round, first_owner_id, handler_id, "
    "archived_by_id, content_json, content_html, content_hash, rendering_hash, "
    "subject_hash, prev_hash, chain_hash, state"
)


def existing_chain(registry):
    """CS_BENCH_REUSE: the chain of a previous run of the same size, if any."""
    with registry.cursor() as cr:
        cr.execute(
            "SELECT c.id, e.entry_type_id, e.partner_id, e.sequence"
            "  FROM res_company c JOIN cs_archive_entry e ON e.company_id = c.id"
            " WHERE c.name = %s ORDER BY e.sequence DESC LIMIT 1",
            [COMPANY_NAME],
        )
        row = cr.fetchone()
        if row and row[3] == N_ENTRIES:
            cr.execute(
                "SELECT pg_size_pretty(pg_total_relation_size('cs_archive_entry'))"
            )
            return (row[0], row[1], SUPERUSER_ID, row[2]), 0.0, cr.fetchone()[0]
    return None


def insert_chain(registry):
    if os.environ.get("CS_BENCH_REUSE"):
        found = existing_chain(registry)
        if found:
            return found
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        company = env["res.company"].search([("name", "=", COMPANY_NAME)])
        # (left by a run that failed while inserting: it has no entry)
        company = company or env["res.company"].create({"name": COMPANY_NAME})
        partner = env["res.partner"].create({"name": "王芳"})
        type_id = env.ref("cs_archive.entry_type_complaint").id
        ids = (company.id, type_id, SUPERUSER_ID, partner.id)
        cr.commit()
    t0 = time.perf_counter()
    prev = GENESIS_HASH
    with registry.cursor() as cr:
        buf = io.StringIO()
        for seq in range(1, N_ENTRIES + 1):
            columns, content, html, name = make_entry(*ids, seq, prev)
            content_hash, rendering_hash, subj, chain = hash_entry(
                columns, content, html, ids[3], name, prev
            )
            row = (
                name,
                ids[3],
                *(
                    columns[c]
                    for c in (
                        "company_id",
                        "sequence",
                        "entry_type_id",
                        "archive_date",
                        "retention_years",
                        "res_model",
                        "res_id",
                        "source_round",
                        "first_owner_id",
                        "handler_id",
                        "archived_by_id",
                    )
                ),
                content,
                html,
                content_hash,
                rendering_hash,
                subj,
                prev,
                chain,
                "archived",
            )
            buf.write("\t".join(copy_escape(v) for v in row) + "\n")
            prev = chain
            if seq % COPY_CHUNK == 0 or seq == N_ENTRIES:
                buf.seek(0)
                cr._obj.copy_expert(
                    f"COPY cs_archive_entry ({COPY_COLUMNS}) FROM STDIN", buf
                )
                buf = io.StringIO()
        cr.execute(
            "INSERT INTO cs_archive_chain (company_id, last_sequence, last_hash) "
            "VALUES (%s, %s, %s)",
            [ids[0], N_ENTRIES, prev],
        )
        cr.execute("ANALYZE cs_archive_entry")
        cr.execute("SELECT pg_size_pretty(pg_total_relation_size('cs_archive_entry'))")
        size = cr.fetchone()[0]
        cr.commit()
    return ids, time.perf_counter() - t0, size


class RssSampler:
    """Peak resident memory of the process while a block runs (sampled every
    20 ms in a thread), in MB above the RSS when the block started."""

    def __enter__(self):
        self.start = self.peak = rss_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self):
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, rss_mb())

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mb())
        self.delta = self.peak - self.start


def plain_chaining(cr, company_id):
    """The baseline: plain sha256 chaining of the same bytes the check hashes,
    read from the same table in the same way (the check's own server-side cursor
    query, same batch size, text as raw bytes): per entry the content, the
    rendering, the subject text and the chain input led by the previous hash this
    loop computed. Nothing is compared: only the reading and the hashing."""
    sha256 = hashlib.sha256
    prev = GENESIS_HASH
    n = 0
    for rows in scan_entries(cr, company_id, N_ENTRIES, BATCH):
        for (
            _id,
            _seq,
            _link,
            _chain,
            rest,
            content,
            html,
            _ch,
            _rh,
            partner_id,
            name,
            _sh,
            _state,
            _disposal,
            _ok,
        ) in rows:
            sha256(content).hexdigest()
            sha256(html).hexdigest()
            sha256(subject_input(partner_id, name).encode()).hexdigest()
            prev = sha256(prev.encode() + rest).hexdigest()
            n += 1
    return n, prev


def in_memory_hashing(cr, company_id):
    """Reference only: the same hashing over the same bytes of the first
    N_HASH_SAMPLE entries already held in memory (no database at all)."""
    sample = []
    for rows in scan_entries(cr, company_id, N_HASH_SAMPLE, BATCH):
        sample += [
            (r[5], r[6], subject_input(r[9], r[10]).encode(), r[4]) for r in rows
        ]
    sha256 = hashlib.sha256
    t0 = time.perf_counter()
    prev = GENESIS_HASH
    for content, html, subject, rest in sample:
        sha256(content).hexdigest()
        sha256(html).hexdigest()
        sha256(subject).hexdigest()
        prev = sha256(prev.encode() + rest).hexdigest()
    return len(sample) / (time.perf_counter() - t0)


def bench_verification(registry, ids):
    """Check and baseline alternate in one transaction (same load, same cache),
    after one untimed warm-up read of the table; best pass of each."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        company = env["res.company"].browse(ids[0])
        Report = env["cs.archive.integrity.report"]
        plain_chaining(cr, company.id)  # warm-up: table in the caches
        checks, plains = [], []
        for _ in range(PASSES):
            with RssSampler() as mem:
                t0 = time.perf_counter()
                if os.environ.get("CS_BENCH_PROFILE"):
                    prof = cProfile.Profile()
                    report = prof.runcall(
                        Report._cs_check_company, company, batch_size=BATCH
                    )
                    pstats.Stats(prof).sort_stats("tottime").print_stats(20)
                else:
                    report = Report._cs_check_company(company, batch_size=BATCH)
                elapsed = time.perf_counter() - t0
            checks.append((report.entries_verified / elapsed, elapsed, mem.delta))
            result = (report.result, report.entries_verified, report.details)
            head = report.head_hash
            with RssSampler() as mem:
                t0 = time.perf_counter()
                n, plain_head = plain_chaining(cr, company.id)
                elapsed = time.perf_counter() - t0
            plains.append((n / elapsed, elapsed, mem.delta))
        reference = in_memory_hashing(cr, company.id)
        cr.rollback()
    return checks, plains, result, head == plain_head, reference


def load_hashing():
    """The archive's own hashing functions (importable once the addons path is
    known)."""
    global GENESIS_HASH, canonical_json, chain_input, sha256_hex, subject_hash
    global scan_entries, subject_input
    odoo.modules.module.initialize_sys_path()
    mod = importlib.import_module("odoo.addons.cs_archive.models.cs_archive_hashing")

    GENESIS_HASH = mod.GENESIS_HASH
    canonical_json = mod.canonical_json
    chain_input = mod.chain_input
    sha256_hex = mod.sha256_hex
    subject_hash = mod.subject_hash
    scan = importlib.import_module(
        "odoo.addons.cs_archive.models.cs_archive_integrity_scan"
    )
    scan_entries = scan.scan_entries
    subject_input = scan.subject_input


def main():
    odoo.tools.config.parse_config(["-c", CONF])
    load_hashing()
    print(f"creating database {DB} with cs_archive …", flush=True)
    create_db()
    registry = odoo.modules.registry.Registry(DB)

    if N_TICKETS:
        print(f"archiving {N_TICKETS} closed tickets …", flush=True)
        bench_part1(registry)
    bench_part2(registry)


def bench_part1(registry):
    fixture_s, n_batch, batch, n_single, single, size = bench_archiving(registry)
    print()
    print(f"1. Archiving closed tickets (fixture by SQL: {fixture_s:.1f} s)")
    print(
        f"{'path':<38}{'tickets':>9}{'queries':>10}{'q/ticket':>10}"
        f"{'time s':>9}{'ms/ticket':>11}"
    )
    for label, n, (q, t) in (
        ("completeness job, batches of 500", n_batch, batch),
        ("one ticket at a time (close hook)", n_single, single),
    ):
        print(f"{label:<38}{n:>9}{q:>10}{q / n:>10.2f}{t:>9.2f}{t * 1000 / n:>11.2f}")
    print(f"archive table size after the batch: {size}")


def bench_part2(registry):
    print(f"\ninserting a chain of {N_ENTRIES} entries (COPY) …", flush=True)
    ids, insert_s, size = insert_chain(registry)
    print(f"inserted in {insert_s:.1f} s, table size {size}", flush=True)
    checks, plains, result, same_head, reference = bench_verification(registry, ids)
    best_check, best_plain = max(checks), max(plains)
    print()
    print(
        f"2. Integrity verification over {N_ENTRIES} entries ({PASSES} passes each, "
        f"alternating in one transaction; best pass; fetch batches of {BATCH})"
    )
    print(f"{'':<50}{'entries/s':>11}{'s':>7}{'peak RSS +MB':>14}")
    for label, (rate, secs, mem) in (
        ("integrity check", best_check),
        ("plain sha256 chaining, same rows and bytes", best_plain),
    ):
        print(f"{label:<50}{rate:>11,.0f}{secs:>7.1f}{mem:>14.1f}")
    pairs = zip(checks, plains, strict=True)
    per_pass = ", ".join(f"{c[0] / p[0]:.2f}" for c, p in pairs)
    print(
        f"ratio check / plain chaining: {best_check[0] / best_plain[0]:.2f} "
        f"(per pass: {per_pass})"
    )
    print(
        f"reference, the same hashing of the first {N_HASH_SAMPLE} entries' bytes "
        f"already in memory (no database): {reference:,.0f} entries/s "
        f"(check at {best_check[0] / reference:.2f} of it)"
    )
    print(
        f"check: {result[0]}, {result[1]} entries verified; head hash equal to the "
        f"plain chaining's last hash: {'yes' if same_head else 'NO'}; "
        f"process peak RSS {peak_rss_mb():.0f} MB"
    )
    if result[0] != "ok" or not same_head:
        print("UNEXPECTED:", result[2])


def drop_db():
    if not os.environ.get("CS_BENCH_KEEP"):
        odoo.sql_db.close_all()
        subprocess.run(["dropdb", "--if-exists", DB], check=True, env=pg_env())


if __name__ == "__main__":
    main()
    drop_db()
