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

Migration 0021_dashboard_time adds what the views filtered by filing date and the figures that
depend on today read (dashboard_time.py says why the filing key is the UTC day):

- `dashboard_open` (institution, filed_on, next_due_by): open disputes by UTC filing day and
  nearest lender deadline (none: `NO_DUE`); age, overdue and due this week are read off it for
  any today (the age is today's UTC date less `filed_on`, as the count takes it).
- `dashboard_day_counts`, `dashboard_day_close_days`, `dashboard_day_lender`: the three tables
  above with the UTC filing day (`filed_on`) in the key.
- `dashboard_lender_months` (institution, month, status): the lender deadlines per month of
  their due date, what the met share by month reads for every month but today's.

Migration 0023_dashboard_months adds `dashboard_month_counts` and `dashboard_month_close_days`:
the day-keyed counts and days to close again with the month of the UTC filing day
(`filed_month`, its first day) in the key instead of the day. A view filtered by filing date
reads its whole months from them (dashboard_time.months): a year is twelve months of rows, not
365 days of them, which on PostgreSQL were most of that view's time (bench/dashboard.py).

Migration 0024_dashboard_every adds two open-dispute tables, `dashboard_open_ages`
(institution, filed_on), what the ages and the count of open disputes read, and
`dashboard_open_due_months` (institution, filed_month, next_due_by), what overdue and due this
week read for whole months (`dashboard_open` has nearly a row per open dispute: a filing day
and a deadline day apart). And the tables `WITH_EVERY` also hold each key's sum over every
institution under the institution `EVERY` (''): a view of every institution reads those rows,
a few per day or month, where its institutions' were tens of thousands a year; a write moves
its dispute's rows and those. Migration 0025_dashboard_stages gives the counts the same rows of
every institution, and adds `dashboard_day_stages` and `dashboard_month_stages` (institution,
filing day or month, stage): the top institutions of a view of every institution by filing
date, read off some thousands of rows a year instead of the counts' 18,000. Migration
0026_dashboard_part_days keeps, per dispute and with its filing time, its days to close
(`dashboard_closed_disputes`) and its lender deadlines (`dashboard_lender_disputes`): the part
days at a range's ends are read from those by the filing time (`PART_DAYS`) instead of joining
their disputes to every closing event and lender deadline; a write reads its dispute's
contribution to the days to close and the lender tables from the same rows.

Kept exact by every write that can change what a dispute contributes: `disputes.insert`, `touch`
and `set_flags` (institution, stage, resolution, error category, filing time: only the tables
the columns changed count by, `DEPENDS`), `history.insert` of a closing event, and
`deadlines.replace` (the deadlines and the nearest lender deadline). Each reads the dispute's
contribution before and after (one row by key, its closing events and lender deadlines by the
dispute's indexes; one query per family of tables, `FINEST`) and applies the difference in the same transaction, so a rolled-back write leaves them as they were;
reading the contribution rather than reasoning about the change keeps them exact whatever order
a write touches the dispute, closes it and appends the event in. Disputes, events and deadlines
of a dispute are never deleted but by `deadlines.replace`. Bulk loaders that write the tables
directly (the benchmarks) call `recount`; migrations 0020 and 0021 filled them the same way
(0023 from 0021's day-keyed tables, which hold the same counts by day).
"""

from __future__ import annotations

from collections import Counter
from contextlib import contextmanager
from datetime import timezone
from typing import Any, Iterable, Iterator
from uuid import UUID

from dispute.event_kinds import DISPUTE_CLOSED, DISPUTE_WITHDRAWN

CLOSING_KINDS = (DISPUTE_CLOSED, DISPUTE_WITHDRAWN)
COUNTS, CLOSE_DAYS, LENDER = ("dashboard_counts", "dashboard_close_days",
                              "dashboard_lender_deadlines")
OPEN, DAY_COUNTS, DAY_CLOSE_DAYS, DAY_LENDER, LENDER_MONTHS = (
    "dashboard_open", "dashboard_day_counts", "dashboard_day_close_days", "dashboard_day_lender",
    "dashboard_lender_months")
MONTH_COUNTS, MONTH_CLOSE_DAYS = "dashboard_month_counts", "dashboard_month_close_days"
OPEN_AGES, OPEN_DUE_MONTHS = "dashboard_open_ages", "dashboard_open_due_months"
DAY_STAGES, MONTH_STAGES = "dashboard_day_stages", "dashboard_month_stages"
CLOSED_DISPUTES, LENDER_DISPUTES = "dashboard_closed_disputes", "dashboard_lender_disputes"
TABLES = {"dashboard_counts": ("institution", "stage", "resolution", "error_category"),
          "dashboard_close_days": ("institution", "days"),
          "dashboard_lender_deadlines": ("institution", "due_by", "status"),
          "dashboard_open": ("institution", "filed_on", "next_due_by"),
          "dashboard_day_counts": ("institution", "filed_on", "stage", "resolution",
                                   "error_category"),
          "dashboard_day_close_days": ("institution", "filed_on", "days"),
          "dashboard_day_lender": ("institution", "filed_on", "due_by", "status"),
          "dashboard_lender_months": ("institution", "month", "status"),
          "dashboard_month_counts": ("institution", "filed_month", "stage", "resolution",
                                     "error_category"),
          "dashboard_month_close_days": ("institution", "filed_month", "days"),
          "dashboard_open_ages": ("institution", "filed_on"),
          "dashboard_open_due_months": ("institution", "filed_month", "next_due_by"),
          "dashboard_day_stages": ("institution", "filed_on", "stage"),
          "dashboard_month_stages": ("institution", "filed_month", "stage"),
          "dashboard_closed_disputes": ("institution", "filed_at", "dispute_id", "days"),
          "dashboard_lender_disputes": ("institution", "filed_at", "dispute_id", "due_by",
                                        "status")}
# The tables that also hold, under the institution `EVERY`, each key's sum over every
# institution (migrations 0024, 0025 for the counts): what a view of every institution reads, a
# few rows per day or month where the institutions' own are tens of thousands a year. The top
# institutions of a view of every institution are read off the institutions' own rows of
# `dashboard_counts` or, by filing date, of the stages per day and month (0025).
EVERY = ""  # no institution is empty (models.Text)
WITH_EVERY = (CLOSE_DAYS, DAY_CLOSE_DAYS, MONTH_CLOSE_DAYS, LENDER, DAY_LENDER, LENDER_MONTHS,
              OPEN_AGES, OPEN_DUE_MONTHS, COUNTS, DAY_COUNTS, MONTH_COUNTS)
# The tables each kind of write can change, and the dispute columns each table's rows depend on.
ADDED = (COUNTS, DAY_COUNTS, MONTH_COUNTS, OPEN, OPEN_AGES, OPEN_DUE_MONTHS, DAY_STAGES,
         MONTH_STAGES)
CLOSING = (CLOSE_DAYS, DAY_CLOSE_DAYS, MONTH_CLOSE_DAYS, CLOSED_DISPUTES)
DEADLINES = (LENDER, DAY_LENDER, LENDER_MONTHS, OPEN, OPEN_DUE_MONTHS, LENDER_DISPUTES)
DEPENDS = {COUNTS: {"institution", "stage", "resolution", "error_category"},
           DAY_COUNTS: {"institution", "stage", "resolution", "error_category", "filed_at"},
           MONTH_COUNTS: {"institution", "stage", "resolution", "error_category", "filed_at"},
           CLOSE_DAYS: {"institution", "stage", "filed_at"},
           DAY_CLOSE_DAYS: {"institution", "stage", "filed_at"},
           MONTH_CLOSE_DAYS: {"institution", "stage", "filed_at"},
           LENDER: {"institution"}, LENDER_MONTHS: {"institution"},
           DAY_LENDER: {"institution", "filed_at"},
           OPEN: {"institution", "stage", "filed_at", "next_due_by"},
           OPEN_AGES: {"institution", "stage", "filed_at"},
           OPEN_DUE_MONTHS: {"institution", "stage", "filed_at", "next_due_by"},
           DAY_STAGES: {"institution", "stage", "filed_at"},
           MONTH_STAGES: {"institution", "stage", "filed_at"},
           CLOSED_DISPUTES: {"institution", "stage", "filed_at"},
           LENDER_DISPUTES: {"institution", "filed_at"}}
# A dispute's contribution is read once per family, at its finest key, and the coarser tables'
# keys are taken from those rows (one query where there would be two or three).
FINEST = {COUNTS: DAY_COUNTS, DAY_COUNTS: DAY_COUNTS, MONTH_COUNTS: DAY_COUNTS,
          CLOSE_DAYS: CLOSED_DISPUTES, DAY_CLOSE_DAYS: CLOSED_DISPUTES,
          MONTH_CLOSE_DAYS: CLOSED_DISPUTES, CLOSED_DISPUTES: CLOSED_DISPUTES,
          LENDER: LENDER_DISPUTES, LENDER_MONTHS: LENDER_DISPUTES, DAY_LENDER: LENDER_DISPUTES,
          LENDER_DISPUTES: LENDER_DISPUTES, OPEN: OPEN, OPEN_AGES: OPEN, OPEN_DUE_MONTHS: OPEN,
          DAY_STAGES: DAY_COUNTS, MONTH_STAGES: DAY_COUNTS}
# A key column cannot hold NULL: an open dispute with no lender deadline is kept under this day,
# which no "today" reaches (not overdue, not due in the week ahead).
NO_DUE = "9999-12-31"

_CLOSED_AT = (f"(SELECT max(e.occurred_at) FROM events e WHERE e.dispute_id = d.id "
              f"AND e.kind IN ('{DISPUTE_CLOSED}', '{DISPUTE_WITHDRAWN}'))")
_DAYS = f"CAST({_CLOSED_AT} AS DATE) - CAST(d.filed_at AS DATE)"
_FILED_ON = "CAST(d.filed_at AS DATE)"
_FILED_MONTH = f"CAST(date_trunc('month', CAST({_FILED_ON} AS TIMESTAMP)) AS DATE)"
_MONTH = "CAST(date_trunc('month', CAST(dl.due_by AS TIMESTAMP)) AS DATE)"
_STATUS = ("CASE WHEN dl.met_on IS NOT NULL AND dl.met_on <= dl.due_by THEN 'met' "
           "WHEN dl.met_on IS NOT NULL THEN 'late' WHEN dl.paused THEN 'paused' ELSE 'open' END")
# Each table's rows for the disputes matching `{where}` (alias d): the recount, and one
# dispute's contribution.
GROUPS = {
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
    "dashboard_open": (f"SELECT d.institution, {_FILED_ON} AS filed_on, coalesce(d.next_due_by, "
                       f"DATE '{NO_DUE}') AS next_due_by, count(*) AS n FROM disputes d WHERE "
                       f"{{where}} AND d.stage <> 'closed' GROUP BY 1, 2, 3"),
    "dashboard_day_counts": (f"SELECT d.institution, {_FILED_ON} AS filed_on, d.stage, "
                             f"coalesce(d.resolution, '') AS resolution, d.error_category, "
                             f"count(*) AS n FROM disputes d WHERE {{where}} "
                             f"GROUP BY 1, 2, 3, 4, 5"),
    "dashboard_day_close_days": (f"SELECT institution, filed_on, days, count(*) AS n FROM (SELECT "
                                 f"d.institution, {_FILED_ON} AS filed_on, {_DAYS} AS days "
                                 f"FROM disputes d WHERE {{where}} AND d.stage = 'closed') c "
                                 f"WHERE days IS NOT NULL GROUP BY 1, 2, 3"),
    "dashboard_day_lender": (f"SELECT d.institution, {_FILED_ON} AS filed_on, dl.due_by, "
                             f"{_STATUS} AS status, count(*) AS n FROM deadlines dl JOIN "
                             f"disputes d ON d.id = dl.dispute_id WHERE {{where}} AND "
                             f"dl.party = 'lender' GROUP BY 1, 2, 3, 4"),
    "dashboard_lender_months": (f"SELECT d.institution, {_MONTH} AS month, {_STATUS} AS status, "
                                f"count(*) AS n FROM deadlines dl JOIN disputes d ON "
                                f"d.id = dl.dispute_id WHERE {{where}} AND "
                                f"dl.party = 'lender' GROUP BY 1, 2, 3"),
    "dashboard_month_counts": (f"SELECT d.institution, {_FILED_MONTH} AS filed_month, d.stage, "
                               f"coalesce(d.resolution, '') AS resolution, d.error_category, "
                               f"count(*) AS n FROM disputes d WHERE {{where}} "
                               f"GROUP BY 1, 2, 3, 4, 5"),
    "dashboard_month_close_days": (f"SELECT institution, filed_month, days, count(*) AS n FROM "
                                   f"(SELECT d.institution, {_FILED_MONTH} AS filed_month, "
                                   f"{_DAYS} AS days FROM disputes d WHERE {{where}} AND "
                                   f"d.stage = 'closed') c WHERE days IS NOT NULL "
                                   f"GROUP BY 1, 2, 3"),
    "dashboard_open_ages": (f"SELECT d.institution, {_FILED_ON} AS filed_on, count(*) AS n "
                             f"FROM disputes d WHERE {{where}} AND d.stage <> 'closed' "
                             f"GROUP BY 1, 2"),
    "dashboard_open_due_months": (f"SELECT d.institution, {_FILED_MONTH} AS filed_month, "
                                  f"coalesce(d.next_due_by, DATE '{NO_DUE}') AS next_due_by, "
                                  f"count(*) AS n FROM disputes d WHERE {{where}} AND "
                                  f"d.stage <> 'closed' GROUP BY 1, 2, 3"),
    "dashboard_day_stages": (f"SELECT d.institution, {_FILED_ON} AS filed_on, d.stage, count(*) "
                             f"AS n FROM disputes d WHERE {{where}} GROUP BY 1, 2, 3"),
    "dashboard_month_stages": (f"SELECT d.institution, {_FILED_MONTH} AS filed_month, d.stage, "
                               f"count(*) AS n FROM disputes d WHERE {{where}} GROUP BY 1, 2, 3"),
    "dashboard_closed_disputes": (f"SELECT institution, filed_at, dispute_id, days, count(*) AS n "
                                  f"FROM (SELECT d.institution, d.filed_at, d.id AS dispute_id, "
                                  f"{_DAYS} AS days FROM disputes d WHERE {{where}} AND "
                                  f"d.stage = 'closed') c WHERE days IS NOT NULL "
                                  f"GROUP BY 1, 2, 3, 4"),
    "dashboard_lender_disputes": (f"SELECT d.institution, d.filed_at, d.id AS dispute_id, "
                                  f"dl.due_by, {_STATUS} AS status, count(*) AS n FROM deadlines "
                                  f"dl JOIN disputes d ON d.id = dl.dispute_id WHERE {{where}} "
                                  f"AND dl.party = 'lender' GROUP BY 1, 2, 3, 4, 5"),
}
# The part days at a filing-date range's ends (dashboard.py `_source`) are counted from the
# disputes, but the days to close and the lender deadlines from the kept rows per dispute, which
# carry the filing time (`{where}` filters on d.filed_at and d.institution): counting them
# joined the few hundred disputes of the part days to every closing event and every lender
# deadline, 10-14 ms each on DuckDB at a million (bench/README-dashboard.md).
PART_DAYS = {
    DAY_CLOSE_DAYS: ("SELECT d.institution, CAST(d.filed_at AS DATE) AS filed_on, d.days, "
                     "sum(d.n) AS n FROM dashboard_closed_disputes d WHERE {where} AND d.n <> 0 "
                     "GROUP BY 1, 2, 3"),
    DAY_LENDER: ("SELECT d.institution, CAST(d.filed_at AS DATE) AS filed_on, d.due_by, "
                 "d.status, sum(d.n) AS n FROM dashboard_lender_disputes d WHERE {where} "
                 "AND d.n <> 0 GROUP BY 1, 2, 3, 4"),
}
# The rows per dispute go in by filing time: DuckDB then skips, by each row group's least and
# greatest filing time, all but the few groups a part day's rows are in.
RECOUNT = [f"INSERT INTO {table} ({', '.join((*key, 'n'))}) " + GROUPS[table].format(
    where="true") + (" ORDER BY filed_at" if "filed_at" in key else "")
    for table, key in TABLES.items()]


def every_sql(table: str) -> str:
    """The INSERT of `table`'s rows of every institution, summed from its institutions' rows
    (the recount's, and migration 0024's written out)."""
    rest = ", ".join(TABLES[table][1:])
    return (f"INSERT INTO {table} ({', '.join(TABLES[table])}, n) SELECT '{EVERY}', {rest}, "
            f"sum(n) FROM {table} WHERE institution <> '{EVERY}' GROUP BY {rest} "
            f"HAVING sum(n) <> 0")

Contribution = Counter  # (table, key) -> disputes (or deadlines) it adds


def touched(changes: Iterable[str]) -> tuple[str, ...]:
    """The tables a change of these dispute columns can move the dispute in."""
    columns = set(changes)
    return tuple(table for table, depends in DEPENDS.items() if depends & columns)


def contribution(tx, dispute_id: UUID, tables: Iterable[str] = TABLES) -> Contribution:
    """What one dispute adds to `tables` (all by default) now (empty when there is no such
    dispute)."""
    found: Contribution = Counter()
    tables = tuple(tables)
    for finest in dict.fromkeys(FINEST[t] for t in tables):
        names = TABLES[finest]
        for row in tx.execute(GROUPS[finest].format(where="d.id = ?"), (dispute_id,)).rows:
            values = dict(zip(names, row))
            if "filed_at" in values:  # as CAST(filed_at AS DATE): timestamps are UTC
                values["filed_on"] = values["filed_at"].astimezone(timezone.utc).date()
            if "due_by" in values:
                values["month"] = values["due_by"].replace(day=1)
            if "filed_on" in values:
                values["filed_month"] = values["filed_on"].replace(day=1)
            for table in tables:
                if FINEST[table] == finest:
                    key = tuple(values[c] for c in TABLES[table])
                    found[(table, key)] += row[len(names)]
                    if table in WITH_EVERY:
                        found[(table, (EVERY, *key[1:]))] += row[len(names)]
    return found


@contextmanager
def kept(tx, dispute_id: UUID, when: bool = True,
         tables: Iterable[str] = TABLES) -> Iterator[None]:
    """Around a write to one dispute: its contribution (to `tables`, those the write can change)
    before, then after, the difference applied. `when` False (the write cannot change any)
    does nothing."""
    tables = tuple(tables)
    before = contribution(tx, dispute_id, tables) if when and tables else None
    yield
    if before is not None:
        after = contribution(tx, dispute_id, tables)
        delta = Counter(after)
        delta.subtract(before)
        _apply(tx, delta)


def added(tx, dispute_id: UUID) -> None:
    """A dispute just inserted (no events nor deadlines yet): its counts added."""
    _apply(tx, contribution(tx, dispute_id, ADDED))


def _apply(tx, delta: Counter) -> None:
    """Row-locked increments taken in table and key order (PostgreSQL: two writers do not
    deadlock on them, and READ COMMITTED writers lose none), one statement per table (a
    dispute moves a few keys of each, and under `EVERY` as many again: on DuckDB each
    statement costs about a millisecond)."""
    by_table: dict[str, list[tuple]] = {}
    for (table, key), n in sorted(delta.items(), key=lambda kv: (kv[0][0], str(kv[0][1]))):
        if n:
            by_table.setdefault(table, []).append((*key, n))
    for table, rows in by_table.items():
        cols = TABLES[table]
        row = f"({', '.join('?' for _ in (*cols, 'n'))})"
        tx.execute(f"INSERT INTO {table} ({', '.join((*cols, 'n'))}) VALUES "
                   f"{', '.join(row for _ in rows)} ON CONFLICT ({', '.join(cols)}) "
                   f"DO UPDATE SET n = {table}.n + excluded.n",
                   tuple(value for values in rows for value in values))


def recount(tx) -> None:
    """Rebuild the tables from the disputes, events and deadlines (after a bulk load)."""
    for table, statement in zip(TABLES, RECOUNT):
        tx.execute(f"DELETE FROM {table}")
        tx.execute(statement)
        if table in WITH_EVERY:
            tx.execute(every_sql(table))


def grouped(tx) -> dict[str, dict[tuple, int]]:
    """Every non-zero count by table and key: what the tests compare with a recount."""
    return {table: {tuple(r[:-1]): r[-1] for r in tx.execute(
        f"SELECT {', '.join(key)}, n FROM {table} WHERE n <> 0").rows}
        for table, key in TABLES.items()}


def recounted(tx) -> dict[str, dict[tuple, int]]:
    """The same, counted from the disputes, events and deadlines now."""
    found = {}
    for table in TABLES:
        rows = {tuple(r[:-1]): r[-1] for r in tx.execute(GROUPS[table].format(where="true")).rows}
        if table in WITH_EVERY:
            every: Counter = Counter()
            for key, n in rows.items():
                every[(EVERY, *key[1:])] += n
            rows.update(every)
        found[table] = rows
    return found


def scope_sql(institution: str | None, table: str, own: bool = False) -> tuple[str, list[Any]]:
    """The WHERE of a read of `table` for every institution (None) or one: every
    institution's rows where it keeps them (`WITH_EVERY`), else all; `own`: each
    institution's own rows (never every institution's)."""
    if institution:
        return "institution = ?", [institution]
    if table not in WITH_EVERY:
        return "true", []
    return ("institution <> ?" if own else "institution = ?"), [EVERY]
