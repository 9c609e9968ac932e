"""A filing-date filter as whole UTC days the kept tables answer, plus the part days at its ends.

A local-date range in the organisation's zone is [start, end) in UTC (dispute/local_days.py).
Its start is a UTC midnight only in zones at UTC; elsewhere it falls at some hour, or on :30 or
:45 (Asia/Kolkata, Asia/Kathmandu), and moves with daylight saving. The kept tables of migration
0021 key a dispute by its UTC filing day (`CAST(filed_at AS DATE)`), and the range is split into
the whole UTC days inside it, read from those tables, and at most two pieces shorter than a day
at its ends, counted from the rows (a range shorter than a day is one piece). Exact for every
zone and date, with no fallback per zone.

Why the day and not a UTC quarter-hour (or hour) slot, which would answer any range from the
tables alone: a million disputes over three years are 26,000 filing hours (105,000 quarter
hours) of about 38 (9) disputes each, so a table keyed by (institution, slot, stage, outcome,
category) has nearly a row per dispute and a year's filter would add up a third of it; keyed by
the day the same tables hold some hundreds of thousands of rows and a year is 365 days of them
(README.md gives the row counts at a million). The two part days are a few hundred disputes,
found by PostgreSQL's index on `filed_at` and by DuckDB's min/max of each row group.

The whole days are split once more (`months`): the calendar months they cover come from the
month-keyed tables of migration 0023, and at each end the days before the first month or after
the last are added from the day-keyed ones, or, where fewer, the days of a month outside the
range are subtracted, so a year's view adds up twelve or thirteen months of rows and at most
half a month of days at each end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone


@dataclass(frozen=True)
class Split:
    """Whole UTC filing days [first, end) (None: unbounded on that side) and the instant
    ranges [lo, hi) to count from the rows."""

    first: date | None
    end: date | None
    edges: tuple[tuple[datetime, datetime], ...]
    days: bool = True  # False: the range holds no whole day, only `edges`


def _utc(instant: datetime) -> datetime:
    return instant.astimezone(timezone.utc) if instant.tzinfo else instant.replace(
        tzinfo=timezone.utc)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), timezone.utc)


def split(start: datetime | None, end: datetime | None) -> Split:
    """[start, end) (UTC instants, None for an open end) as whole UTC days and part days."""
    start = _utc(start) if start else None
    end = _utc(end) if end else None
    first = None
    if start is not None:
        first = start.date() if start == _midnight(start.date()) else (
            start.date() + timedelta(days=1))
    last_end = end.date() if end is not None else None
    if first is not None and last_end is not None and first >= last_end:
        return Split(None, None, ((start, end),) if start < end else (), days=False)
    edges = []
    if start is not None and start < _midnight(first):
        edges.append((start, _midnight(first)))
    if end is not None and _midnight(last_end) < end:
        edges.append((_midnight(last_end), end))
    return Split(first, last_end, tuple(edges))


@dataclass(frozen=True)
class Months:
    """Whole UTC days [first, end) as whole calendar months [first_month, end_month) (None:
    unbounded on that side), read from migration 0023's month-keyed tables, and days read from
    the day-keyed ones: `added` (the days before the first month and after the last) and
    `taken` (the days of the first and last month outside the range, subtracted). A month's
    view ending a day short of the month's end (a local month east of UTC is its UTC days but
    the last) is the month less a day, not thirty days; a year, twelve months less a day."""

    first_month: date | None
    end_month: date | None
    added: tuple[tuple[date, date], ...] = ()
    taken: tuple[tuple[date, date], ...] = ()


def _next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def _month_on_or_after(day: date) -> date:
    return day if day.day == 1 else _next_month(day)


def months(first: date | None, end: date | None) -> Months | None:
    """[first, end) (whole UTC days, None for an open end) as whole months and the days added
    or taken at each end, whichever is fewer days; None when no month is worth reading, as
    when the range is fewer days than those (then it is days only)."""
    added, taken = [], []
    first_month = end_month = None
    if first is not None:
        after = _month_on_or_after(first)
        if (first - first.replace(day=1)).days < (after - first).days:
            first_month = first.replace(day=1)
            taken.append((first_month, first))
        else:
            first_month = after
            if first < after:
                added.append((first, after))
    if end is not None:
        start = end.replace(day=1)
        after = _month_on_or_after(end)
        if (after - end).days < (end - start).days:
            end_month = after
            taken.append((end, after))
        else:
            end_month = start
            if start < end:
                added.append((start, end))
    if first_month is not None and end_month is not None and first_month >= end_month:
        return None
    if first is not None and end is not None and sum(
            (e - f).days for f, e in (*added, *taken)) >= (end - first).days:
        return None  # a few days inside a month: the month less more days than there are
    return Months(first_month, end_month, tuple(added), tuple(taken))
