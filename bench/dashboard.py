"""How long the dashboard takes at a million disputes (docs/product.md §8), on DuckDB and on
PostgreSQL in one run, and the deadline engine's throughput per dispute (what
`refresh_deadlines` adds to each workflow write).

The book is bench/queue_data.py's (skewed institutions, stages by age, three years of filings),
generated in DuckDB, with two deadlines per dispute (the lender's decision, the borrower's
limitation; a third met in time, a third late, a third not yet) and the events the dashboard
reads (a filing event per dispute, a closing event per closed one). For PostgreSQL a throwaway
cluster is started as bench/queue.py does (tests/pg_support.py) and the same rows are COPYed in
(bench/queue_data.py `copy_to_postgresql`). Then, per backend, `build_dashboard` is timed
unfiltered, for one institution, for a filing-date range and for both, beside the targets
(unfiltered < 100 ms, filtered < 50 ms), with each storage query's share of one run.

    .venv/bin/python bench/dashboard.py [--disputes 1000000] [--backend duckdb|postgresql|both]
        [--runs 7] [--keep DIR] [--writes N] [--days-only-too]

`--days-only-too` times each backend again with the filing-date views reading whole days only
(migration 0023's month-keyed tables left unread), as they were before them.

`--writes N` then times what keeping the tables adds to a write (filing, then acknowledging
the dispute just filed), N of each with every kept table, with all but migrations 0024's and
0025's (and without the rows of every institution), with all but 0023's, 0024's and 0025's,
with only migration 0020's and with none (their hooks made no-ops), in turn, after two warm-up
rounds.
"""

from __future__ import annotations

import argparse
import functools
import inspect
import shutil
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]  # bench/queue.py's name
sys.path.insert(0, str(HERE.parent))  # run as a script from anywhere

from bench.queue import FORM, PG_OPTIONS, load, percentile  # the same settings, load line
from bench.queue_data import TABLES, copy_to_postgresql, generate_duckdb

from dispute import accounts, cases, workflow
from dispute import event_kinds as ek
from dispute.config import Settings
from dispute.context import Context, open_context
from dispute.dashboard import Filters, build_dashboard
from dispute.deadlines.calendar import calendar_for
from dispute.deadlines.engine import Occurrence, compute_deadlines
from dispute.deadlines.rulebook import load_rulebook
from dispute.models import User
from dispute.storage import dashboard as dashboard_rows
from dispute.storage import dashboard_counts, dashboard_time
from dispute.vocab import Role
from tests.pg_support import start_cluster

NOW = datetime(2026, 11, 22, 4, 0, tzinfo=timezone.utc)
CASES = [  # label, filters, target in ms
    ("no filter", Filters(), 100),
    ("one institution (招商银行, the largest)", Filters(institution="招商银行"), 50),
    ("one institution (Barclays, small)", Filters(institution="Barclays"), 50),
    ("filed 2025-01-01 … 2025-12-31", Filters(date(2025, 1, 1), date(2025, 12, 31)), 50),
    ("filed 2026-10-01 … 2026-10-31", Filters(date(2026, 10, 1), date(2026, 10, 31)), 50),
    ("招商银行, filed 2025", Filters(date(2025, 1, 1), date(2025, 12, 31), "招商银行"), 50),
]


def add_deadlines_and_events(ctx: Context) -> None:
    """Two deadlines per dispute and the filing and closing events, in SQL on DuckDB."""
    def write(uow) -> None:
        uow.execute("""
            INSERT INTO deadlines
            SELECT d.id, r.rule, r.party, r.rule, d.filed_at::DATE, d.filed_at::DATE + r.days,
                   CASE WHEN hash(d.id) % 3 = 0 THEN d.filed_at::DATE + r.days - 2
                        WHEN hash(d.id) % 3 = 1 AND d.filed_at::DATE + r.days + 3 < DATE
                             '2026-11-22' THEN d.filed_at::DATE + r.days + 3 END,
                   false, 0, 0, 2, false, NULL, d.filed_at
            FROM disputes d, (VALUES ('decision', 'lender', 15),
                                     ('limitation', 'borrower', 1095)) r(rule, party, days)""")
        uow.execute(f"""
            INSERT INTO events (seq, dispute_id, actor_id, occurred_at, kind, payload,
                                prev_hash, hash)
            SELECT row_number() OVER (ORDER BY happened, id), id, NULL, happened, kind, '{{}}', '', ''
            FROM (SELECT id, filed_at AS happened, '{ek.DISPUTE_FILED}' AS kind FROM disputes
                  UNION ALL
                  SELECT id, filed_at + to_days(5 + (hash(id) % 200)::INTEGER),
                         CASE WHEN hash(id) % 4 = 0 THEN '{ek.DISPUTE_WITHDRAWN}'
                              ELSE '{ek.DISPUTE_CLOSED}' END
                  FROM disputes WHERE stage = 'closed')""")
    ctx.db.write(write)
    ctx.db.write(dashboard_counts.recount)  # the rows bypassed the writes that keep them
    ctx.db.raw_connection().execute("CHECKPOINT")


def staff_user() -> User:
    return User(id=uuid.uuid4(), email="s@example.com", name="s", phone=None, role=Role.STAFF,
                language=None, disabled=False, created_at=NOW)


class QueryClock:
    """Times each storage query `build_dashboard` makes, by wrapping the public functions of
    dispute/storage/dashboard.py while it is on (the service calls them through the module)."""

    def __init__(self) -> None:
        self.ms: dict[str, float] = {}
        self._kept: dict[str, object] = {}

    def __enter__(self) -> "QueryClock":
        for name, fn in inspect.getmembers(dashboard_rows, inspect.isfunction):
            if fn.__module__ == dashboard_rows.__name__ and not name.startswith("_"):
                self._kept[name] = fn
                setattr(dashboard_rows, name, self._timed(name, fn))
        return self

    def _timed(self, name, fn):
        @functools.wraps(fn)
        def run(*args, **kwargs):
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.ms[name] = self.ms.get(name, 0.0) + (time.perf_counter() - start) * 1000
        return run

    def __exit__(self, *exc) -> None:
        for name, fn in self._kept.items():
            setattr(dashboard_rows, name, fn)


def bench_backend(ctx: Context, runs: int, days_only: bool = False) -> dict[str, float]:
    """Every case timed (`days_only`: the filing-date views read whole days, not months)."""
    months = dashboard_time.months
    if days_only:
        dashboard_time.months = lambda first, end: None
    try:
        return _bench_cases(ctx, runs, " (days only)" if days_only else "")
    finally:
        dashboard_time.months = months


def _bench_cases(ctx: Context, runs: int, heading: str) -> dict[str, float]:
    staff = staff_user()
    print(f"\n### {ctx.db.backend}{heading}  (load {load()})\n", flush=True)
    print("| filter | best ms | median ms | target | | slowest queries (ms, one run) |")
    print("|---|---:|---:|---:|---|---|")
    out = {}
    for label, filters, target in CASES:
        build_dashboard(ctx, staff, filters)  # warm-up
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            build_dashboard(ctx, staff, filters)
            times.append((time.perf_counter() - start) * 1000)
        with QueryClock() as clock:
            build_dashboard(ctx, staff, filters)
        parts = ", ".join(f"{n} {ms:.0f}" for n, ms in
                          sorted(clock.ms.items(), key=lambda kv: -kv[1]))
        times.sort()
        out[label] = times[len(times) // 2]
        print(f"| {label} | {times[0]:.0f} | {times[len(times) // 2]:.0f} | < {target} | "
              f"{'ok' if times[len(times) // 2] < target else 'MISS'} | {parts} |", flush=True)
    print(f"\nunfiltered: {build_dashboard(ctx, staff).headline}")
    print("kept tables, rows: " + ", ".join(f"{t} {n:,}" for t, n in ctx.db.read(lambda tx: [
        (t, tx.execute(f"SELECT count(*) FROM {t}").scalar()) for t in dashboard_counts.TABLES])))
    return out


OLD_TABLES = ("dashboard_counts", "dashboard_close_days", "dashboard_lender_deadlines")
NEW_0024 = (dashboard_counts.OPEN_AGES, dashboard_counts.OPEN_DUE_MONTHS)
NEW_0025 = (dashboard_counts.DAY_STAGES, dashboard_counts.MONTH_STAGES)
# The write-cost variants: every kept table, all but those of migrations 0024 and 0025 (their
# tables, and the rows of every institution they keep in the others), all but 0023's month
# tables too, 0020's alone, none. The rows per dispute of 0026 are what the days to close and
# the lender tables are read from, so every variant that keeps those keeps them.
VARIANTS = {"all kept": None,
            "before 0024": tuple(t for t in dashboard_counts.TABLES if t not in (
                *NEW_0024, *NEW_0025)),
            "before 0023": tuple(t for t in dashboard_counts.TABLES if t not in (
                *NEW_0024, *NEW_0025, dashboard_counts.MONTH_COUNTS,
                dashboard_counts.MONTH_CLOSE_DAYS)),
            "0020 only": OLD_TABLES, "none": ()}


def _without_every(found: Counter) -> Counter:
    """A contribution without the rows of every institution (migration 0024's)."""
    return Counter({(table, key): n for (table, key), n in found.items()
                    if key[0] != dashboard_counts.EVERY})


def write_costs(ctx: Context, runs: int) -> None:
    """Filing then acknowledging with each of `VARIANTS`' tables kept (the others'
    contributions read as empty, so nothing is read nor moved for them), in turn."""
    staff = accounts.get_user(ctx, ctx.db.read(lambda tx: tx.execute(
        "SELECT id FROM users WHERE role = 'staff' ORDER BY id LIMIT 1").scalar()))
    borrowers = [accounts.get_user(ctx, i) for i in ctx.db.read(lambda tx: tx.execute(
        "SELECT id FROM users WHERE role = 'borrower' ORDER BY id DESC LIMIT ?",
        (len(VARIANTS) * (runs + 2),)).column())]
    year = NOW.year  # file past the generated numbers (they went in without the counter)
    last = ctx.db.read(lambda tx: tx.execute(
        "SELECT max(number) FROM disputes WHERE number LIKE ?", (f"DSP-{year}-%",)).scalar())
    start = max(900000, int(last.rsplit("-", 1)[1]) if last else 0)
    ctx.db.write(lambda uow: uow.execute(
        "INSERT INTO counters VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = ?",
        (f"dispute:{year}", start, start)))
    # The generated events went in without the chain head: append after them (their hashes are
    # placeholders; the chain is not what is timed).
    ctx.db.write(lambda uow: uow.execute(
        "UPDATE chain_head SET seq = (SELECT max(seq) FROM events) WHERE id = 1"))
    whole = dashboard_counts.contribution
    times: dict[str, list[float]] = {f"{w} {v}": [] for w in ("filing", "acknowledging")
                                     for v in VARIANTS}
    kept_clock, moment = ctx.clock, [NOW]
    ctx.clock = lambda: moment[0]
    try:
        for i in range(len(VARIANTS) * (runs + 2)):
            moment[0] += timedelta(hours=1)
            variant, only = list(VARIANTS.items())[i % len(VARIANTS)]
            if only is not None:
                dashboard_counts.contribution = (
                    lambda tx, dispute_id, tables=dashboard_counts.TABLES, only=only:
                    _without_every(whole(tx, dispute_id, [t for t in tables if t in only]))
                    if any(t in only for t in tables) else Counter())
            try:
                started = time.perf_counter()
                number = cases.file_dispute(ctx, borrowers[i], dict(FORM))
                filed = time.perf_counter()
                workflow.move(ctx, staff, number, "acknowledge",
                              {"acknowledgment": "已收到您的投诉，我们将在15日内答复。"})
                done = time.perf_counter()
            finally:
                dashboard_counts.contribution = whole
            if i >= 2 * len(VARIANTS):
                times[f"filing {variant}"].append((filed - started) * 1000)
                times[f"acknowledging {variant}"].append((done - filed) * 1000)
    finally:
        ctx.clock = kept_clock
        ctx.db.write(dashboard_counts.recount)  # the filings made without them count again
    print(f"\n{ctx.db.backend}: what the kept tables add to a write, ms p50 (p95), {runs} each "
          f"(load {load()})\n\n| write | " + " | ".join(VARIANTS) + " |\n|---|"
          + "---:|" * len(VARIANTS))
    for what in ("filing", "acknowledging"):
        print(f"| {what} | " + " | ".join(
            f"{percentile(times[f'{what} {v}'], .5):.1f} ({percentile(times[f'{what} {v}'], .95):.1f})"
            for v in VARIANTS) + " |", flush=True)


def open_bench(data_dir: Path, database_url: str | None = None) -> Context:
    ctx = open_context(Settings(data_dir=data_dir, max_upload_mb=2, timezone="Asia/Shanghai",
                                database_url=database_url))
    ctx.clock = lambda: NOW
    return ctx


def engine_throughput() -> None:
    book = load_rulebook("cn-banking")
    cal = calendar_for(book.jurisdiction)
    facts = {"filed_on": date(2026, 9, 22), "discovered_on": date(2026, 9, 10),
             "error_category": "wrong_credit_report", "product": "credit_card"}
    occurrences = [Occurrence("DisputeFiled", datetime(2026, 9, 22, 2, tzinfo=timezone.utc))]
    runs = 2000
    started = time.perf_counter()
    for _ in range(runs):
        compute_deadlines(facts, occurrences, book, cal, NOW, "Asia/Shanghai")
    per = (time.perf_counter() - started) / runs
    print(f"\ndeadline engine, one dispute (3 rules): {per * 1e6:.0f} µs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--disputes", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=["duckdb", "postgresql", "both"], default="both")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="data folder to generate into once and reuse")
    parser.add_argument("--days-only-too", action="store_true",
                        help="time each backend again reading whole days only (before 0023)")
    parser.add_argument("--writes", type=int, default=0,
                        help="then time N filings and acknowledgments per variant (adds rows)")
    args = parser.parse_args()
    data_dir = args.keep or Path(tempfile.mkdtemp(prefix="dashboard-bench-"))
    cluster, results = None, {}
    try:
        print(f"load average before: {load()}")
        started = time.perf_counter()
        ctx = open_bench(data_dir)  # a kept folder from before 0020 is migrated (and filled) here
        print(f"opened (migrations run) in {time.perf_counter() - started:.1f} s", flush=True)
        if ctx.db.read(lambda tx: tx.execute("SELECT count(*) FROM disputes").scalar()) == 0:
            started = time.perf_counter()
            # Names sealed only where they are read: opening a kept folder again checks them,
            # and `--writes` reads accounts.
            generate_duckdb(ctx.db, args.disputes, max(1, args.disputes // 5),
                            ctx.sealing if args.keep or args.writes else None)
            add_deadlines_and_events(ctx)
            print(f"generated {args.disputes:,} disputes, {2 * args.disputes:,} deadlines and "
                  f"their events in {time.perf_counter() - started:.1f} s")
        if args.backend in ("duckdb", "both"):
            results["DuckDB"] = bench_backend(ctx, args.runs)
            if args.days_only_too:
                results["DuckDB, days only"] = bench_backend(ctx, args.runs, days_only=True)
        if args.backend in ("postgresql", "both"):
            cluster = start_cluster(PG_OPTIONS)
            pg = open_bench(data_dir, cluster.new_database())
            started = time.perf_counter()
            copy_to_postgresql(ctx.db, pg.db, data_dir, (*TABLES, "deadlines", "events"))
            print(f"copied into PostgreSQL ({PG_OPTIONS}) in "
                  f"{time.perf_counter() - started:.1f} s")
            results["PostgreSQL"] = bench_backend(pg, args.runs)
            if args.days_only_too:
                results["PostgreSQL, days only"] = bench_backend(pg, args.runs, days_only=True)
            if args.writes:
                write_costs(pg, args.writes)
            pg.db.close()
        if args.writes and args.backend in ("duckdb", "both"):
            write_costs(ctx, args.writes)  # last: the rows it adds stay in a kept folder
        ctx.db.close()
        if len(results) > 1:
            print("\n| filter | " + " | ".join(f"{n} median ms" for n in results)
                  + " | target |\n|---|" + "---:|" * len(results) + "---:|")
            for label, _f, target in CASES:
                print(f"| {label} | " + " | ".join(f"{r[label]:.0f}" for r in results.values())
                      + f" | < {target} |")
        engine_throughput()
        print(f"\nload average after: {load()}")
    finally:
        if cluster is not None:
            cluster.stop()
        if args.keep is None:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
