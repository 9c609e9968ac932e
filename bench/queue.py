"""How fast the staff queue answers on a large book: the app's own code against the same SQL raw,
on DuckDB and on PostgreSQL in one run.

Generates `--cases` disputes (default a million) into a fresh temp data folder opened through
`open_context` (so every migration runs), in bulk with DuckDB `INSERT … SELECT` (bench/
queue_data.py). For PostgreSQL it starts a throwaway cluster the way the tests do
(tests/pg_support.py: initdb as the postgres user, a Unix socket in a temp folder, stopped and
removed at the end), migrates a database and COPYs the same rows into it. Then times, for each
case and each backend, `queue(ctx, staff, QueueFilter(...), after=cursor)` against the statements
`count_statement` (the kept counts per stage, or `counts_sql`) and `page_sql` give
(dispute/storage/queue.py), with the name lookup and the text index's (its lookup, a one-term
search's kept counts, a common term's window), executed raw on the same session, alternating
the two, after a warm-up. Prints p50/p95 and the app/raw ratio beside the targets (p95 under
100 ms for paging, sorts, filters and text search, through the text index: raw runs the same
index query; app at most 1.5× raw), per backend and then side by side. Then filing and a staff
message, with the text index and without it (target: within 1.2×).

    .venv/bin/python bench/queue.py [--cases 1000000] [--backend duckdb|postgresql|both]
        [--runs 20] [--keep DIR] [--database-url URL] [--only TEXT]
        [--groups paging,filter,search,docket,writes]     (or: make bench-queue)

`--keep DIR` generates into DIR once and reuses it on later runs (migrations still run).
`--database-url` uses an existing PostgreSQL database instead of a cluster of the run's own
(filled when it has no disputes; kept afterwards, e.g. to try an index by hand).
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Callable

# This file shares its name with the standard library's `queue`, which threading code imports:
# take bench/ off the path and put the repository on it (run as a script from anywhere).
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(HERE.parent))

from bench.queue_data import TABLES, NOW, copy_to_postgresql, fill_search_index, generate_duckdb

from dispute import accounts
from dispute.config import Settings
from dispute.context import Context, open_context
from dispute.events import as_utc
from dispute.models import User
from dispute.queue import Cursor, QueueFilter, _resolve, docket, queue
from dispute.storage import queue as queue_rows
from dispute.storage import search_index, users
from dispute.storage.queue import (DOCKET_COUNT_SQL, NUMBER, count_statement, docket_sql,
                                   page_sql)
from dispute.storage.sealing import USER_NAME, open_text
from tests.pg_support import start_cluster

TARGET_MS = {"paging": 100, "filter": 100, "search": 100, "docket": 100}
WRITE_RATIO = 1.2   # filing and a message with the text index, against without it
MAX_RATIO = 1.5
PAGE = 25
# The throwaway cluster's settings beyond tests/pg_support.py's (durability off, as there):
# the memory a small real server would be given, so a million rows are read from memory.
PG_OPTIONS = "-c shared_buffers=512MB -c effective_cache_size=2GB -c work_mem=32MB"
SEARCH_INDEXES = search_index.PG_INDEXES
PG_SIZE = "SELECT pg_database_size(current_database())"


@dataclass
class Case:
    label: str
    group: str
    app: Callable[[], object]
    raw: Callable[[], object] | None


def sql(ctx: Context, statement: str, params=()):
    return ctx.db.read(lambda tx: tx.execute(statement, params))


def user(ctx: Context, role: str) -> User:
    """The staff (or legal) member holding the most disputes: "assigned to me" is a real page."""
    user_id = sql(ctx, "SELECT u.id FROM users u JOIN disputes d ON d.handler_id = u.id "
                       "WHERE u.role = ? GROUP BY u.id ORDER BY count(*) DESC, u.id LIMIT 1",
                  (role,)).scalar()
    return accounts.get_user(ctx, user_id)


def queue_case(ctx: Context, staff: User, label: str, group: str, f: QueueFilter,
               after: Cursor | None = None) -> Case:
    """app = the service (names looked up, counts, page, names opened, rows as models); raw =
    the same statements on the same session, rows fetched and nothing more."""
    resolved = _resolve(ctx, staff, f)
    page = page_sql(f, resolved, after, PAGE, ctx.db.backend)
    counts = count_statement(f, resolved, ctx.db.backend)
    text = f.text.strip()
    named = bool(text) and not NUMBER.fullmatch(text.upper())
    # The text index's own ways, as the app takes them: a one-term search's kept counts, and a
    # window of the queue searched first for a common term's page.
    term = queue_rows.one_term(f, resolved)
    counted = term is not None and queue_rows._only_text(f, resolved)
    matches = sum(queue(ctx, staff, f, after=after, size=PAGE).counts.values())
    first = queue_rows.page_window(f, resolved, PAGE, matches)

    def raw() -> tuple:
        def run(tx) -> tuple:
            found = users.borrower_ids_named(tx, text) if named else []
            index = search_index.lookup(tx, text) if named else None  # the index's own query
            n = search_index.stage_counts(tx, term) if counted else tx.execute(*counts).rows
            window, rows = first, []
            for attempt in range(2):  # as queue_rows.page: up to two windows
                if window is None:
                    break
                rows = tx.execute(*page_sql(f, resolved, after, PAGE, ctx.db.backend,
                                            window)).rows
                if len(rows) > PAGE:
                    break
                window = queue_rows.next_window(window, len(rows), PAGE) if not attempt else None
            if len(rows) <= PAGE:
                rows = tx.execute(*page).rows
            return found, index, n, rows
        return ctx.db.read(run)

    return Case(label, group, lambda: queue(ctx, staff, f, after=after, size=PAGE), raw)


def deep_cursor(ctx: Context, staff: User, f: QueueFilter, pages: int) -> Cursor:
    cursor = None
    for _ in range(pages):
        cursor = queue(ctx, staff, f, after=cursor, size=PAGE).next_cursor
    assert cursor is not None, "fewer pages than asked for"
    return cursor


def cases(ctx: Context, staff: User, legal: User, deep: int) -> list[Case]:
    today = ctx.today()
    number = sql(ctx, "SELECT number FROM disputes WHERE borrower_replied ORDER BY number "
                 "LIMIT 1 OFFSET 7"
                 ).scalar()
    names = [open_text(ctx.sealing, r["name"], USER_NAME, r["id"], r["id"])  # sealed: open here
             for r in sql(ctx, "SELECT id, name FROM users WHERE role = 'borrower' "
                          "ORDER BY id LIMIT 2000"
                          ).dicts()]
    zh_name = [n for n in names if " " not in n][99]
    en_name = [n for n in names if " " in n][99]
    month = (NOW - timedelta(days=400)).date()
    q = lambda label, group, after=None, **kw: queue_case(  # noqa: E731
        ctx, staff, label, group, QueueFilter(**kw), after)
    docket_page = docket_sql(today, PAGE, 0, ctx.db.backend)

    def docket_raw() -> tuple:
        return ctx.db.read(lambda tx: (tx.execute(DOCKET_COUNT_SQL).rows,
                                       tx.execute(*docket_page).rows))

    return [
        q("first page (newest)", "paging"),
        q(f"deep page (newest, after {deep} pages)", "paging",
          deep_cursor(ctx, staff, QueueFilter(), deep)),
        q(f"deep page (deadline, after {deep} pages)", "paging",
          deep_cursor(ctx, staff, QueueFilter(sort="deadline"), deep), sort="deadline"),
        q("sort: oldest", "paging", sort="oldest"),
        q("sort: last activity", "paging", sort="activity"),
        q("sort: deadline", "paging", sort="deadline"),
        q("stage = negotiation", "filter", stage="negotiation"),
        q("stage = litigation", "filter", stage="litigation"),
        q("assigned to me", "filter", assigned="me"),
        q("unassigned", "filter", assigned="unassigned"),
        q("institution = 招商银行 (largest)", "filter", institution="招商银行"),
        q("institution = Barclays (small)", "filter", institution="Barclays"),
        q("product = mortgage", "filter", product="mortgage"),
        q("error category = fee_in_error", "filter", error_category="fee_in_error"),
        q(f"filed between {month} and +30 days", "filter", filed_from=month,
          filed_to=month + timedelta(days=30)),
        q("waiting on borrower", "filter", waiting="waiting_on_borrower"),
        q("borrower replied", "filter", waiting="borrower_replied"),
        q("overdue", "filter", overdue=True),
        q("negotiation + me + waiting, by deadline", "filter", stage="negotiation",
          assigned="me", waiting="waiting_on_borrower", sort="deadline"),
        q(f"search: number {number}", "search", text=number.lower()),
        q("search: Chinese word 征信", "search", text="征信"),
        q("search: English word autopay", "search", text="autopay"),
        q(f"search: borrower name {zh_name}", "search", text=zh_name),
        q(f"search: borrower name {en_name}", "search", text=en_name),
        q("search: one character 王", "search", text="王"),
        q("search: one character 费 (frequent)", "search", text="费"),
        q("search: Chinese phrase 征信报告", "search", text="征信报告"),
        q("search: English phrase 'credit report'", "search", text="credit report"),
        # Past the index's longest terms: checked on the candidates holding all their terms.
        q("search: five characters 征信报告上", "search", text="征信报告上"),
        q("search: three words 'my credit report'", "search", text="my credit report"),
        q("search: no match (不存在)", "search", text="不存在的词语"),
        q("search: no match (English zzyzx)", "search", text="zzyzx"),
        q("search + stage = filed", "search", text="征信", stage="filed"),
        q("search + stage = litigation, autopay", "search", text="autopay",
          stage="litigation"),
        Case("docket (page 1 + count)", "docket", lambda: docket(ctx, legal, 1, PAGE),
             docket_raw),
    ]


FORM = {"institution": "招商银行信用卡中心", "product": "credit_card",
        "account_ref": "6225 8802 1234 5678", "error_category": "wrong_credit_report",
        "description": "征信报告上出现了一笔不属于我的逾期记录，银行多收取了违约金和滞纳金。"
                       "My credit report lists a late payment that is not mine.",
        "error_occurred_on": date(2026, 9, 1), "payment_due_on": date(2026, 9, 5),
        "discovered_on": date(2026, 9, 10), "currency": "CNY", "overdue_minor": "1,234.50",
        "fees_minor": "85.00", "compensation_minor": "0", "remedies": ["fee_reversal"]}


def writes(ctx: Context, staff: User, runs: int) -> None:
    """Filing (which indexes its description) and a staff message (which does not touch it),
    with the text index and without it (its writes made no-ops for the "without" runs),
    alternating; each filing by another borrower and the message on the dispute just filed (the
    generated ones hold account numbers not sealed), so that no posting limit is reached."""
    from dispute import cases as case_service
    from dispute.messages import send_message
    from dispute.storage import search_index

    borrowers = [accounts.get_user(ctx, i) for i in sql(
        ctx, "SELECT id FROM users WHERE role = 'borrower' ORDER BY id LIMIT ?",
        (2 * runs + 4,)).column()]
    # The generated numbers went in without the per-year counter (and the other backend's
    # filings were copied with them): file past them all.
    year = ctx.now().year
    last = sql(ctx, "SELECT max(number) FROM disputes WHERE number LIKE ?", (f"DSP-{year}-%",)
               ).scalar()
    start = max(900000, int(last.rsplit("-", 1)[1]) if last else 0)
    ctx.db.write(lambda uow: uow.execute(
        "INSERT INTO counters VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = ?",
        (f"dispute:{year}", start, start)))
    kept = search_index.index, search_index.reindex
    times: dict[str, list[float]] = {k: [] for k in
                                     ("filing with", "filing without", "message with",
                                      "message without")}
    kept_clock, moment = ctx.clock, [as_utc(NOW)]
    ctx.clock = lambda: moment[0]  # an hour between writes: the posting limits refill
    for i in range(2 * runs + 4):
        moment[0] += timedelta(hours=1)
        with_index = i % 2 == 0
        if not with_index:
            search_index.index = search_index.reindex = lambda *a, **k: None
        try:
            started = time.perf_counter()
            number = case_service.file_dispute(ctx, borrowers[i], dict(FORM))
            filed = time.perf_counter()
            send_message(ctx, staff, number, {"body": "请上传最近三个月的银行流水。"})
            done = time.perf_counter()
        finally:
            search_index.index, search_index.reindex = kept
        if i >= 4:  # the first two of each are warm-up
            label = "with" if with_index else "without"
            times[f"filing {label}"].append((filed - started) * 1000)
            times[f"message {label}"].append((done - filed) * 1000)
    ctx.clock = kept_clock
    print("\n| write | with index p50 | p95 | without p50 | p95 | ratio p50 | target | |")
    print("|---|---:|---:|---:|---:|---:|---|---|")
    for what in ("filing", "message"):
        w, wo = times[f"{what} with"], times[f"{what} without"]
        ratio = percentile(w, .5) / percentile(wo, .5)
        print(f"| {what} | {percentile(w, .5):.1f} | {percentile(w, .95):.1f} | "
              f"{percentile(wo, .5):.1f} | {percentile(wo, .95):.1f} | {ratio:.2f}× | "
              f"≤ {WRITE_RATIO}× | {'ok' if ratio <= WRITE_RATIO else 'MISS'} |", flush=True)


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(p * len(ordered)) - 1)]


def measure(case: Case, runs: int, warmup: int) -> dict[str, list[float]]:
    """Wall and CPU milliseconds (CPU of every thread of this process, so DuckDB's workers count),
    alternating app and raw, and which goes first, so drifts in load hit both alike."""
    for _ in range(warmup):
        case.app()
        case.raw()
    out: dict[str, list[float]] = {"app": [], "raw": [], "app cpu": [], "raw cpu": []}
    for i in range(runs):
        for name, fn in (("app", case.app), ("raw", case.raw))[:: 1 if i % 2 else -1]:
            wall, cpu = time.perf_counter(), time.process_time()
            fn()
            out[name + " cpu"].append((time.process_time() - cpu) * 1000)
            out[name].append((time.perf_counter() - wall) * 1000)
    return out


def peak_rss_mib() -> float:
    """This process's peak resident memory so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f} on {os.cpu_count()} cores"


def bench_backend(ctx: Context, args: argparse.Namespace) -> dict[str, dict[str, float]]:
    """Every selected case on this context's backend, printed as it is measured; returns the
    figures by case label."""
    staff, legal = user(ctx, "staff"), user(ctx, "legal")
    selected = [c for c in cases(ctx, staff, legal, args.deep)
                if args.only in c.label and c.group in args.groups.split(",")]
    print(f"\n### {ctx.db.backend}\n")
    print("| case | app p50 | app p95 | raw p50 | raw p95 | app/raw p50 | "
          "CPU p50 app / raw | target: p95, app/raw | |")
    print("|---|---:|---:|---:|---:|---:|---:|---|---|")
    figures = {}
    for case in selected:
        t = measure(case, args.runs, args.warmup)
        f = {"group": case.group, "a50": percentile(t["app"], .5),
             "a95": percentile(t["app"], .95), "r50": percentile(t["raw"], .5),
             "r95": percentile(t["raw"], .95)}
        f["ok"] = f["a95"] < TARGET_MS[case.group] and f["a50"] / f["r50"] <= MAX_RATIO
        figures[case.label] = f
        print(f"| {case.label} | {f['a50']:.1f} | {f['a95']:.1f} | {f['r50']:.1f} | "
              f"{f['r95']:.1f} | {f['a50'] / f['r50']:.2f}× | "
              f"{percentile(t['app cpu'], .5):.1f} / {percentile(t['raw cpu'], .5):.1f} | "
              f"< {TARGET_MS[case.group]} ms, ≤ {MAX_RATIO}× | {'ok' if f['ok'] else 'MISS'} |",
              flush=True)
    if "writes" in args.groups.split(","):
        writes(ctx, staff, args.runs)
    print(f"\nload average: {load()}  (times in ms; CPU is this process's only, so on "
          f"PostgreSQL it leaves out the server's work)")
    return figures


def print_side_by_side(results: dict[str, dict[str, dict[str, float]]]) -> None:
    """One row per case: each backend's app p50/p95 and app/raw beside the target."""
    names = list(results)
    labels = list(dict.fromkeys(label for r in results.values() for label in r))
    print("\n### side by side (app p50 / p95, raw p95, app/raw p50; ms)\n")
    print("| case | " + " | ".join(f"{n} app p50 / p95 | {n} raw p95 | {n} app/raw"
                                   for n in names) + " | target: p95, app/raw | |")
    print("|---|" + "---:|---:|---:|" * len(names) + "---|---|")
    for label in labels:
        cells, ok, group = [], True, None
        for n in names:
            f = results[n].get(label)
            if f is None:
                cells.append("- | - | -")
                continue
            group, ok = f["group"], ok and f["ok"]
            cells.append(f"{f['a50']:.1f} / {f['a95']:.1f} | {f['r95']:.1f} | "
                         f"{f['a50'] / f['r50']:.2f}×")
        print(f"| {label} | " + " | ".join(cells) + f" | < {TARGET_MS[group]} ms, ≤ "
              f"{MAX_RATIO}× | {'ok' if ok else 'MISS'} |")


def open_bench(data_dir: Path, database_url: str | None = None) -> Context:
    ctx = open_context(Settings(data_dir=data_dir, max_upload_mb=50, timezone="Asia/Shanghai",
                                database_url=database_url))
    ctx.clock = lambda: as_utc(NOW)
    return ctx


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--borrowers", type=int, help="default: a fifth of --cases")
    parser.add_argument("--runs", type=int, default=20, help="timed runs per case (after warm-up)")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--deep", type=int, default=200, help="pages to follow for the deep page")
    parser.add_argument("--keep", type=Path, help="data folder to generate into once and reuse")
    parser.add_argument("--only", default="", help="run only cases whose label contains this")
    parser.add_argument("--groups", default=",".join([*TARGET_MS, "writes"]),
                        help="case groups to run, of " + ", ".join([*TARGET_MS, "writes"]))
    parser.add_argument("--backend", choices=["duckdb", "postgresql", "both"], default="both")
    parser.add_argument("--database-url", help="an existing PostgreSQL database to use (filled "
                        "when it has no disputes) instead of a cluster started for the run")
    args = parser.parse_args()

    data_dir = args.keep or Path(tempfile.mkdtemp(prefix="queue-bench-"))
    cluster = None
    try:
        ctx = open_bench(data_dir)  # the DuckDB book is generated first, whichever is timed
        print(f"load average before: {load()}")
        have = sql(ctx, "SELECT count(*) FROM disputes").scalar()
        if have == 0:
            started = time.perf_counter()
            counts = generate_duckdb(ctx.db, args.cases,
                                     args.borrowers or max(1, args.cases // 5), ctx.sealing)
            print(f"generated in {time.perf_counter() - started:.1f} s: "
                  + ", ".join(f"{n:,} {t}" for t, n in counts.items()))
        else:
            print(f"reusing {have:,} disputes in {data_dir}")
        if ctx.db.read(search_index.is_stale):  # generated (or kept) without it
            started, rss = time.perf_counter(), peak_rss_mib()
            indexed = fill_search_index(ctx.db)
            print(f"text index built in {time.perf_counter() - started:.1f} s for "
                  f"{indexed:,} disputes: "
                  f"{sql(ctx, 'SELECT count(*) FROM search_terms').scalar():,} terms; "
                  f"peak RSS {rss:,.0f} MiB before, {peak_rss_mib():,.0f} MiB after")
        size = sum(f.stat().st_size for f in data_dir.glob("*.duckdb*"))
        print(f"DuckDB file: {size / 2**20:.0f} MiB; {args.runs} runs per case after "
              f"{args.warmup} warm-up runs; app = queue() (names, counts, page, rows as models), "
              f"raw = the name lookup, the text index lookup + count_statement (or a term's "
              f"kept counts) + page_sql (a common term's window first) on the same session, "
              f"rows fetched")
        results = {}
        if args.backend in ("duckdb", "both"):
            results["DuckDB"] = bench_backend(ctx, args)
        if args.backend in ("postgresql", "both"):
            url = args.database_url
            if url is None:
                cluster = start_cluster(PG_OPTIONS)
                url = cluster.new_database()
                print(f"\nPostgreSQL cluster started in {cluster.root} ({PG_OPTIONS})")
            pg = open_bench(data_dir, url)  # same data directory: the same keys
            if sql(pg, "SELECT count(*) FROM disputes").scalar() == 0:
                started = time.perf_counter()
                # The text index's postings go in without its B-trees, built once afterwards.
                pg.db.write(lambda uow: [uow.execute(f"DROP INDEX {i}") for i in SEARCH_INDEXES])
                counts = copy_to_postgresql(ctx.db, pg.db, data_dir,
                                            (*TABLES, "search_terms", "search_words",
                                             "search_pairs", "search_term_stages"))
                pg.db.write(lambda uow: [uow.execute(f"CREATE INDEX {i} ON search_terms ({c})")
                                         for i, c in SEARCH_INDEXES.items()])
                print(f"copied into PostgreSQL in {time.perf_counter() - started:.1f} s "
                      f"(COPY, then VACUUM ANALYZE): "
                      + ", ".join(f"{n:,} {t}" for t, n in counts.items()))
            ctx.db.close()
            ctx = pg
            print(f"PostgreSQL database: {sql(pg, PG_SIZE).scalar() / 2**20:.0f} MiB, "
                  f"server {pg.db.server_version}")
            results["PostgreSQL"] = bench_backend(pg, args)
        ctx.db.close()
        if len(results) > 1:
            print_side_by_side(results)
        print(f"\nload average after: {load()}")
    finally:
        if cluster is not None:
            cluster.stop()
        if args.keep is None:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
