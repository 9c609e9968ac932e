"""How long the dashboard takes at a million disputes (docs/product.md §8), and the deadline engine's
throughput per dispute (what `refresh_deadlines` adds to each workflow write).

Fills a temp DuckDB file with N synthetic disputes and two deadline rows each, entirely in SQL,
then times `build_dashboard` unfiltered and filtered by one institution.

    .venv/bin/python bench/dashboard.py [--disputes 1000000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from dispute.config import Settings
from dispute.context import open_context
from dispute.dashboard import Filters, build_dashboard
from dispute.deadlines.calendar import calendar_for
from dispute.deadlines.engine import Occurrence, compute_deadlines
from dispute.deadlines.rulebook import load_rulebook
from dispute.models import User
from dispute.storage import queue_counts
from dispute.vocab import Role

NOW = datetime(2026, 11, 22, 4, 0, tzinfo=timezone.utc)


def fill(ctx, n: int) -> None:
    ctx.db.write(lambda uow: uow.execute(f"""
        INSERT INTO disputes (id, number, borrower_id, institution, product, account_ref,
            error_category, description, discovered_on, currency, overdue_minor, fees_minor,
            compensation_minor, remedies, stage, resolution, rulebook, version, filed_at,
            updated_at)
        SELECT uuid(), 'DSP-B-' || lpad(i::VARCHAR, 7, '0'), uuid(), 'Bank ' || (i % 50),
               'credit_card', '****', (['autopay_failed', 'fee_in_error', 'wrong_credit_report',
               'payment_misapplied'])[1 + i % 4], 'x', DATE '2024-01-01' + (i % 1000)::INTEGER,
               'CNY', 0, 0, 0, ['fee_reversal'],
               (['filed', 'negotiation', 'mediation', 'litigation', 'closed'])[1 + i % 5],
               CASE WHEN i % 5 = 4 THEN 'monetary_relief' END, 'cn-banking', 1,
               TIMESTAMP '2024-01-01' + to_days((i % 1050)::INTEGER),
               TIMESTAMP '2024-01-01' + to_days((i % 1050)::INTEGER)
        FROM range({n}) t(i)"""))
    ctx.db.write(queue_counts.recount)  # the rows bypassed disputes.insert
    ctx.db.write(lambda uow: uow.execute("""
        INSERT INTO deadlines
        SELECT d.id, r.rule, r.party, r.rule, d.filed_at::DATE, d.filed_at::DATE + r.days,
               CASE WHEN hash(d.id) % 3 = 0 THEN d.filed_at::DATE + r.days - 2
                    WHEN hash(d.id) % 3 = 1 THEN d.filed_at::DATE + r.days + 3 END,
               false, 0, 0, 2, false, NULL, now()
        FROM disputes d, (VALUES ('decision', 'lender', 15),
                                 ('limitation', 'borrower', 1095)) r(rule, party, days)"""))


def timed(label: str, fn, repeat: int = 3) -> None:
    best = min(_once(fn) for _ in range(repeat))
    print(f"{label:44} {best * 1000:8.0f} ms (best of {repeat})")


def _once(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--disputes", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ctx = open_context(Settings(data_dir=Path(tmp), max_upload_mb=2,
                                    timezone="Asia/Shanghai"))
        ctx.clock = lambda: NOW
        started = time.perf_counter()
        fill(ctx, args.disputes)
        print(f"filled {args.disputes:,} disputes and {2 * args.disputes:,} deadlines in "
              f"{time.perf_counter() - started:.1f} s")
        staff = User(id=uuid.uuid4(), email="s@example.com", name="s", phone=None,
                     role=Role.STAFF, language=None, disabled=False, created_at=NOW)
        timed("dashboard, no filter", lambda: build_dashboard(ctx, staff))
        timed("dashboard, one institution, one year", lambda: build_dashboard(
            ctx, staff, Filters(date(2025, 1, 1), date(2025, 12, 31), "Bank 7")))
        ctx.db.close()

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
    print(f"{'deadline engine, one dispute (3 rules)':44} {per * 1e6:8.0f} µs")


if __name__ == "__main__":
    main()
