"""Working days of a jurisdiction, from the `holidays` library (no hand-typed holiday lists).

China: public holidays plus the make-up working days (调休上班, `weekend_workdays`) that the State
Council publishes each November for the next year. `holidays.China.end_year` says 2100, but past
the last published schedule the library only estimates (its `observed=True` shifts days that no
law shifts) and knows no make-up days, so a year counts as published only up to the last year in
its table of published schedules (`ChinaStaticHolidays.special_public_holidays`). Beyond it we
count the statutory holidays, which the law fixes in advance (全国年节及纪念日放假办法 as amended
with effect from 2025-01-01: 元旦 1 day, 春节 4 days from 除夕, 清明 1, 劳动节 2, 端午 1, 中秋 1,
国庆 3; the library's `observed=False`), plus weekends, and say that the date may still change:
the schedule adds days off around them and make-up working days.

United States: the legal public holidays of 5 U.S.C. 6103(a), as the federal government observes
them (6103(b): a Saturday holiday on the Friday before, a Sunday one on the Monday after).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import holidays
from holidays.countries.china import ChinaStaticHolidays

from dispute.deadlines.rulebook import Jurisdiction


def china(last_published: int | None = None) -> WorkCalendar:
    """China's calendar: the published schedules through `last_published` (by default the last
    one the installed `holidays` has), the statutory holidays after it."""
    if last_published is None:
        last_published = max(ChinaStaticHolidays.special_public_holidays)
    published = holidays.China(categories=(holidays.PUBLIC,), language="en_US")
    statutory = holidays.China(categories=(holidays.PUBLIC,), observed=False, language="en_US")
    # observed=False still adds a published year's extra days off; a year counted by its
    # statutory days must have none (none exist past the last published year, unless a caller
    # simulates an older release with an earlier `last_published`).
    statutory.special_public_holidays = {
        year: days for year, days in statutory.special_public_holidays.items()
        if year <= last_published}
    return WorkCalendar(Jurisdiction.CN, published, range(2001, last_published + 1), statutory)


def united_states() -> WorkCalendar:
    cal = holidays.US(categories=(holidays.PUBLIC,), observed=True, language="en_US")
    return WorkCalendar(Jurisdiction.US, cal, range(holidays.US.start_year,
                                                    holidays.US.end_year + 1))


@dataclass
class WorkCalendar:
    """Answers "is this a working day?". A year is *covered* when its official schedule is
    known; in other years only the statutory holidays (`_statutory`, when the jurisdiction has
    them) and weekends are days off, and a count that touches such a year says so."""

    jurisdiction: Jurisdiction
    _days: holidays.HolidayBase = field(repr=False)
    covered_years: range = field(default=range(0))
    _statutory: holidays.HolidayBase | None = field(default=None, repr=False)

    def covers(self, year: int) -> bool:
        return year in self.covered_years

    def is_working_day(self, day: date) -> bool:
        if not self.covers(day.year):
            return day.weekday() < 5 and not (self._statutory is not None
                                              and day in self._statutory)
        off = day in self._days          # also fills the year, including its weekend_workdays
        if day in self._days.weekend_workdays:
            return True
        return day.weekday() < 5 and not off

    def holiday_name(self, day: date) -> str | None:
        if not self.covers(day.year):
            return self._statutory.get(day) if self._statutory is not None else None
        return self._days.get(day)

    def year_digest(self, year: int) -> str:
        """A fingerprint of the year's working days: the SHA-256 of its weekdays off and its
        weekend working days. Equal digests count every period the same way."""
        day, exceptions = date(year, 1, 1), []
        while day.year == year:
            if self.is_working_day(day) != (day.weekday() < 5):
                exceptions.append(day.isoformat())
            day += timedelta(days=1)
        return hashlib.sha256(",".join(exceptions).encode()).hexdigest()


@lru_cache(maxsize=None)
def calendar_for(jurisdiction: Jurisdiction | str) -> WorkCalendar:
    """The calendar of the installed `holidays` release (one per process)."""
    return china() if Jurisdiction(jurisdiction) == Jurisdiction.CN else united_states()
