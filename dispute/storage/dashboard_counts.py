"""The dashboard's figures that do not depend on "today", kept beside the tables they count so
that the dashboard need not group a million disputes (and two million deadlines, and the closing
events) on every view (bench/dashboard.py: 0.5 s on DuckDB, 6 s on PostgreSQL, counted raw).

Three tables, each keyed by the institution first (the dashboard's one filter besides the filing
date) and small however large the book is (their size is the combinations in use):

- `dashboard_counts` (institution, stage, resolution, error_category): disputes per stage,
  outcome, institution (and how many open), error category. No resolution is '' (a key column
  cannot hold NULL); read back as NULL.
- `dashboard_close_days` (institution, days): closed disputes by the days from filing (UTC date)
  to their last closing event (UTC date), those the median days to close is taken over (closed,
  with at least one closing event): the median is read off this histogram exactly.
- `dashboard_lender_deadlines` (institution, due_by, status): lender deadlines by due day and by
  what their status is whatever the day: `met` (met on or before due), `late` (met after it),
  `paused`, `open` (neither met nor paused: missed once `due_by` is before today, else running,
  which is decided when read, so the figures stay exact as days pass).

Filtering by filing date is not served from here (a local date is an instant in UTC that no day
key matches in every time zone): those views count the rows (dispute/storage/dashboard.py).

Kept exact by every write that can change what a dispute contributes: `disputes.insert`, `touch`
and `set_flags` (institution, stage, resolution, error category, filing time), `history.insert`
of a closing event, and `deadlines.replace`. Each reads the dispute's contribution before and
after (one row by key, its closing events and lender deadlines by the dispute's indexes) and
applies the difference in the same transaction, so a rolled-back write leaves them as they were;
reading the contribution rather than reasoning about the change keeps them exact whatever order
a write touches the dispute, closes it and appends the event in. Disputes, events and deadlines
of a dispute are never deleted but by `deadlines.replace`. Bulk loaders that write the tables
directly (the benchmarks) call `recount`; migration 0020 filled them the same way.
"""

from __future__ import annotations

from collections import Counter
from contextlib import contextmanager
from typing import Any, Iterable, Iterator
from uuid import UUID

from dispute.event_kinds import DISPUTE_CLOSED, DISPUTE_WITHDRAWN

CLOSING_KINDS = (DISPUTE_CLOSED, DISPUTE_WITHDRAWN)
# The dispute columns a contribution depends on (a change to any other leaves it alone).
COLUMNS = frozenset({"institution", "stage", "resolution", "error_category", "filed_at"})
COUNTS, CLOSE_DAYS, LENDER = ("dashboard_counts", "dashboard_close_days",
                              "dashboard_lender_deadlines")
TABLES = {"dashboard_counts": ("institution", "stage", "resolution", "error_category"),
          "dashboard_close_days": ("institution", "days"),
          "dashboard_lender_deadlines": ("institution", "due_by", "status")}

_CLOSED_AT = (f"(SELECT max(e.occurred_at) FROM events e WHERE e.dispute_id = d.id "
              f"AND e.kind IN ('{DISPUTE_CLOSED}', '{DISPUTE_WITHDRAWN}'))")
_DAYS = f"CAST({_CLOSED_AT} AS DATE) - CAST(d.filed_at AS DATE)"
_STATUS = ("CASE WHEN dl.met_on IS NOT NULL AND dl.met_on <= dl.due_by THEN 'met' "
           "WHEN dl.met_on IS NOT NULL THEN 'late' WHEN dl.paused THEN 'paused' ELSE 'open' END")
# Each table's rows for the disputes matching `{where}` (alias d): the recount, and one
# dispute's contribution.
_GROUPS = {
    "dashboard_counts": ("SELECT d.institution, d.stage, coalesce(d.resolution, '') AS "
                         "resolution, d.error_category, count(*) AS n FROM disputes d "
                         "WHERE {where} GROUP BY 1, 2, 3, 4"),
    "dashboard_close_days": (f"SELECT institution, days, count(*) AS n FROM (SELECT "
                             f"d.institution, {_DAYS} AS days FROM disputes d WHERE {{where}} "
                             f"AND d.stage = 'closed') c WHERE days IS NOT NULL GROUP BY 1, 2"),
    "dashboard_lender_deadlines": (f"SELECT d.institution, dl.due_by, {_STATUS} AS status, "
                                   f"count(*) AS n FROM deadlines dl JOIN disputes d ON "
                                   f"d.id = dl.dispute_id WHERE {{where}} AND "
                                   f"dl.party = 'lender' GROUP BY 1, 2, 3"),
}
RECOUNT = [f"INSERT INTO {table} ({', '.join((*key, 'n'))}) " + _GROUPS[table].format(
    where="true") for table, key in TABLES.items()]

Contribution = Counter  # (table, key) -> disputes (or deadlines) it adds


def contribution(tx, dispute_id: UUID, tables: Iterable[str] = TABLES) -> Contribution:
    """What one dispute adds to the tables (all three by default) now (empty when there is no
    such dispute)."""
    found: Contribution = Counter()
    for table in tables:
        key = TABLES[table]
        for row in tx.execute(_GROUPS[table].format(where="d.id = ?"), (dispute_id,)).rows:
            found[(table, tuple(row[:len(key)]))] += row[len(key)]
    return found


@contextmanager
def kept(tx, dispute_id: UUID, when: bool = True,
         tables: Iterable[str] = TABLES) -> Iterator[None]:
    """Around a write to one dispute: its contribution (to `tables`, those the write can change)
    before, then after, the difference applied. `when` False (the write cannot change any)
    does nothing."""
    tables = tuple(tables)
    before = contribution(tx, dispute_id, tables) if when else None
    yield
    if before is not None:
        after = contribution(tx, dispute_id, tables)
        delta = Counter(after)
        delta.subtract(before)
        _apply(tx, delta)


def added(tx, dispute_id: UUID) -> None:
    """A dispute just inserted (no events nor deadlines yet): its counts added."""
    _apply(tx, contribution(tx, dispute_id, [COUNTS]))


def _apply(tx, delta: Counter) -> None:
    """Row-locked increments taken in table and key order (PostgreSQL: two writers do not
    deadlock on them, and READ COMMITTED writers lose none)."""
    for (table, key), n in sorted(delta.items(), key=lambda kv: (kv[0][0], str(kv[0][1]))):
        if n:
            cols = TABLES[table]
            tx.execute(f"INSERT INTO {table} ({', '.join((*cols, 'n'))}) VALUES "
                       f"({', '.join('?' for _ in (*cols, 'n'))}) ON CONFLICT "
                       f"({', '.join(cols)}) DO UPDATE SET n = {table}.n + excluded.n",
                       (*key, n))


def recount(tx) -> None:
    """Rebuild the tables from the disputes, events and deadlines (after a bulk load)."""
    for table, statement in zip(TABLES, RECOUNT):
        tx.execute(f"DELETE FROM {table}")
        tx.execute(statement)


def grouped(tx) -> dict[str, dict[tuple, int]]:
    """Every non-zero count by table and key: what the tests compare with a recount."""
    return {table: {tuple(r[:-1]): r[-1] for r in tx.execute(
        f"SELECT {', '.join(key)}, n FROM {table} WHERE n <> 0").rows}
        for table, key in TABLES.items()}


def recounted(tx) -> dict[str, dict[tuple, int]]:
    """The same, counted from the disputes, events and deadlines now."""
    return {table: {tuple(r[:-1]): r[-1] for r in tx.execute(
        _GROUPS[table].format(where="true")).rows} for table in TABLES}


def scope_sql(institution: str | None) -> tuple[str, list[Any]]:
    """The WHERE of a read of these tables for every institution (None) or one."""
    return ("institution = ?", [institution]) if institution else ("true", [])
