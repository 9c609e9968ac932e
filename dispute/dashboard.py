"""The staff and legal dashboard: small aggregate tables, each computed in SQL.

Every figure is read from the counts the writes keep (dispute/storage/dashboard_counts.py),
filtered by filing date and institution, so the cost grows with the combinations in use, not
with the number of disputes; `counted=True` counts them with one GROUP BY over `disputes` (and
`deadlines`, `events`) each, the reference the tests hold the kept figures to. Tables carry raw
vocabulary values; pages translate them as labels.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from dispute import event_kinds as ek
from dispute import local_days, spreadsheet
from dispute.access import require_role
from dispute.context import Context
from dispute.storage import dashboard as dashboard_rows
from dispute.models import User
from dispute.vocab import Role

TOP = 10
AGE_BUCKETS = ((0, 7, "0–7"), (8, 30, "8–30"), (31, 60, "31–60"), (61, 90, "61–90"),
               (91, 180, "91–180"), (181, None, "181+"))
WEEK_DAYS = 7        # "due this week": today and the six days after it
MET_WINDOW_DAYS = 30  # "lender deadlines met": those due in the last 30 days


@dataclass(frozen=True)
class Table:
    """A small result: column names and rows, with a CSV for download."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, r)) for r in self.rows]

    def to_csv(self) -> str:
        """Text a spreadsheet would run as a formula is neutralised (dispute/spreadsheet.py)."""
        return spreadsheet.to_csv(self.columns, self.rows)


@dataclass(frozen=True)
class Filters:
    filed_from: date | None = None     # local dates, inclusive
    filed_to: date | None = None
    institution: str | None = None


@dataclass(frozen=True)
class Headline:
    """The figures a team lead reads first."""

    open: int
    overdue: int                 # open disputes whose nearest lender deadline has passed
    due_this_week: int           # … whose nearest lender deadline is today or in 6 days
    met: int                     # lender deadlines due in the last 30 days that were met
    missed: int                  # … and that were missed
    median_days_to_close: float | None
    closed: int

    @property
    def met_share(self) -> float | None:
        decided = self.met + self.missed
        return self.met / decided if decided else None


@dataclass(frozen=True)
class Dashboard:
    headline: Headline
    by_stage: Table
    age_of_open: Table
    due_this_week: Table
    met_share_by_month: Table
    outcomes: Table
    top_institutions: Table
    top_error_categories: Table


def _scope(filters: Filters, tz: str, counted: bool = False) -> dashboard_rows.Scope:
    start, end = local_days.days_between(filters.filed_from, filters.filed_to, tz)
    return dashboard_rows.Scope(start, end, filters.institution or None, counted)


def _table(rows) -> Table:
    return Table(tuple(rows.columns), tuple(tuple(r) for r in rows.rows))


def _every_bucket(table: Table) -> Table:
    """The age histogram with every bucket, empty ones as 0, so the axis has no gaps."""
    found = dict(table.rows)
    return Table(("age_days", "disputes"),
                 tuple((name, found.get(name, 0)) for *_, name in AGE_BUCKETS))


def _every_day(table: Table, first: date) -> Table:
    """One row per day of the week ahead, days with nothing due as 0."""
    found = {r[0]: r[1] for r in table.rows}
    days = [first + timedelta(days=i) for i in range(WEEK_DAYS)]
    return Table(("due_by", "disputes"), tuple((d, found.get(d, 0)) for d in days))


def bucket_days(name: str) -> tuple[int, int | None]:
    """The (low, high) days since filing of an age bucket (high None: open-ended)."""
    for low, high, bucket in AGE_BUCKETS:
        if bucket == name:
            return low, high
    raise ValueError(name)


def build_dashboard(ctx: Context, actor: User, filters: Filters = Filters(),
                    counted: bool = False) -> Dashboard:
    """The dashboard under `filters`. `counted` counts every figure from the rows, the kept
    tables left aside: the reference the tests hold the quick way to (the same figures, tables
    and row order)."""
    require_role(actor, Role.STAFF, Role.LEGAL)
    scope = _scope(filters, ctx.settings.timezone, counted)
    today = ctx.today()
    week_last = today + timedelta(days=WEEK_DAYS - 1)

    def read(tx) -> Dashboard:
        if counted:
            counts = dashboard_rows.headline(tx, scope, today, week_last)
            ages = _table(dashboard_rows.age_of_open(tx, scope, ctx.now(), AGE_BUCKETS))
            days = _table(dashboard_rows.next_due_between(tx, scope, today, week_last))
        else:
            counts, ages, days = _open_figures(dashboard_rows.open_disputes(
                tx, scope, ctx.now(), today, week_last, AGE_BUCKETS).rows)
        months, decided = dashboard_rows.lender_figures(
            tx, scope, today - timedelta(days=MET_WINDOW_DAYS), today - timedelta(days=1), today)
        closing = dashboard_rows.median_days_to_close(
            tx, scope, (ek.DISPUTE_CLOSED, ek.DISPUTE_WITHDRAWN))
        median = closing["median_days"]
        keyed = {name: _table(rows) for name, rows in dashboard_rows.by_key(tx, scope,
                                                                           TOP).items()}
        return Dashboard(
            headline=Headline(open=counts["open"] or 0, overdue=counts["overdue"] or 0,
                              due_this_week=counts["due_this_week"] or 0,
                              met=decided["met"] or 0, missed=decided["missed"] or 0,
                              median_days_to_close=float(median) if median is not None
                              else None, closed=closing["closed"] or 0),
            by_stage=keyed["by_stage"],
            age_of_open=_every_bucket(ages),
            due_this_week=_every_day(days, today),
            met_share_by_month=_table(months),
            outcomes=keyed["outcomes"], top_institutions=keyed["top_institutions"],
            top_error_categories=keyed["top_error_categories"])

    return ctx.db.read(read)


def _open_figures(rows) -> tuple[dict[str, int], Table, Table]:
    """The headline's open, overdue and due-this-week counts, the age histogram and the days of
    the week ahead, from `open_disputes`' rows (figure, age bucket, day due, disputes): open
    disputes are the sum of the ages."""
    ages: dict[str, int] = {}
    days: dict[date, int] = {}
    counts = {"open": 0, "overdue": 0, "due_this_week": 0}
    for figure, age, due_by, n in rows:
        if figure == "age":
            ages[age] = ages.get(age, 0) + n
            counts["open"] += n
        elif figure == "overdue":
            counts["overdue"] += n or 0
        else:
            days[due_by] = days.get(due_by, 0) + n
            counts["due_this_week"] += n
    return (counts, Table(("age_days", "disputes"), tuple(ages.items())),
            Table(("due_by", "disputes"), tuple(sorted(days.items()))))


def queue_params(chart: str, value: Any, today: date) -> dict[str, str] | None:
    """The queue's filter for one bar of a chart, as query parameters (see ui/queue_links.py);
    None for a bar the queue cannot filter to (a month of the met-share chart)."""
    if chart == "by_stage":
        return {"stage": str(value)}
    if chart == "outcomes":
        return {"stage": "closed"}
    if chart == "top_institutions":
        return {"institution": str(value)}
    if chart == "top_error_categories":
        return {"category": str(value)}
    if chart == "due_this_week":
        return {"due_on": str(value)[:10]}
    if chart == "age_of_open":
        low, high = bucket_days(str(value))
        found = {"open": "1", "filed_to": (today - timedelta(days=low)).isoformat()}
        if high is not None:
            found["filed_from"] = (today - timedelta(days=high)).isoformat()
        return found
    return None
