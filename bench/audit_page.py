"""How long one page of the administrator's audit log takes on a long history.

Fills a temp database with N synthetic events (1 million by default: account events and dispute
events over a year, inserted in bulk; their hashes are not a valid chain, which the listing never
reads), then times `audit.list_events` for the newest page, a page deep in the history (keyset),
and each filter. Prints the median of 5 runs per query and the process's peak RSS.

    .venv/bin/python bench/audit_page.py [--events 1000000]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from dispute import accounts, audit  # noqa: E402
from dispute import event_kinds as ek  # noqa: E402
from dispute.config import Settings  # noqa: E402
from dispute.context import open_context  # noqa: E402
from dispute.vocab import Role  # noqa: E402


def sql(ctx, statement: str, params=()):
    """A statement straight on the database (a benchmark fills tables in bulk)."""
    return ctx.db.read(lambda tx: tx.execute(statement, params))


def fill(ctx, count: int, admin_id) -> None:
    """`count` events after the existing ones: every tenth a failed login, the rest a dispute's."""
    start = sql(ctx, "SELECT max(seq) FROM events").scalar()
    sql(ctx, 
        "INSERT INTO events SELECT ? + i, CASE WHEN i % 10 = 0 THEN NULL ELSE uuid() END, "
        "CASE WHEN i % 10 = 0 THEN NULL ELSE ?::UUID END, "
        "TIMESTAMP '2026-01-01' + to_seconds(i * 31536000 // ?), "
        "CASE WHEN i % 10 = 0 THEN ? ELSE ? END, "
        "CASE WHEN i % 10 = 0 THEN '{\"user\": null, \"email\": \"x' || (i % 1000) || "
        "'@example.com\", \"reason\": \"unknown\"}' ELSE '{}' END, 'x', 'x' "
        "FROM range(1, ? + 1) t(i)",
        (start, str(admin_id), count, ek.LOGIN_FAILED, ek.MESSAGE_SENT, count))


def timed(fn) -> float:
    runs = []
    for _ in range(5):
        began = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - began)
    return statistics.median(runs) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ctx = open_context(Settings(data_dir=Path(tmp), max_upload_mb=50,
                                    timezone="Asia/Shanghai"))
        admin = accounts.create_account(ctx, None, {
            "name": "Bench Admin", "email": "admin@example.com", "phone": "+86 138 0000 0000",
            "password": "bench password", "role": Role.ADMIN.value})
        began = time.perf_counter()
        fill(ctx, args.events, admin.id)
        print(f"{args.events:,} events inserted in {time.perf_counter() - began:.1f} s")
        deep = sql(ctx, "SELECT max(seq) FROM events").scalar() // 10
        cases = {
            "newest page": (audit.AuditFilter(), None),
            "page 90% down the history (keyset)": (audit.AuditFilter(), deep),
            "by kind (LoginFailed)": (audit.AuditFilter(kind=ek.LOGIN_FAILED), None),
            "by user (an email seen in failed logins)": (audit.AuditFilter(
                user="x7@example.com"), None),
            "by one day in March": (audit.AuditFilter(from_on=date(2026, 3, 3),
                                                     to_on=date(2026, 3, 3)), None),
            "by a dispute number that does not exist": (audit.AuditFilter(
                number="DSP-2026-999999"), None),
        }
        for name, (filters, before) in cases.items():
            ms = timed(lambda: audit.list_events(ctx, admin, filters, before=before))
            print(f"{name:45} {ms:8.1f} ms per page of {audit.PAGE_SIZE}")
        ctx.db.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MiB")


if __name__ == "__main__":
    main()
