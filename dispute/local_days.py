"""Dates people pick (in the organisation's time zone) as the UTC instants stored in the database.

"Filed between 1 and 3 December" in Asia/Shanghai means from 1 December 00:00 there (30 November
16:00 UTC) up to, not including, 4 December 00:00 there. Every filter on a stored timestamp by a
local date goes through here (queue, dashboard, audit log), so none of them compares a local date
with a UTC time.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo


def day_start(day: date, tz: str) -> datetime:
    """The UTC instant at which `day` begins in `tz`."""
    return datetime.combine(day, time(), ZoneInfo(tz)).astimezone(timezone.utc)


def days_between(first: date | None, last: date | None, tz: str
                 ) -> tuple[datetime | None, datetime | None]:
    """[start, end) in UTC covering the local days `first` to `last`, both included; None for an
    open end."""
    return (day_start(first, tz) if first else None,
            day_start(last + timedelta(days=1), tz) if last else None)
