"""Working days of a jurisdiction, from the `holidays` library (no hand-typed holiday lists).

China: public holidays plus the make-up working days (调休上班, `weekend_workdays`) that the State
Council publishes each November for the next year. `holidays.China.end_year` says 2100, but past
the last published schedule the library only estimates the fixed festivals and knows no make-up
days, so a year counts as covered only up to the last year in its table of published schedules
(`ChinaStaticHolidays.special_public_holidays`). Beyond it we count weekends only and say so.

United States: the legal public holidays of 5 U.S.C. 6103(a), as the federal government observes
them (6103(b): a Saturday holiday on the Friday before, a Sunday one on the Monday after).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import holidays
from holidays.countries.china import ChinaStaticHolidays

from dispute.deadlines.rulebook import Jurisdiction


def _china() -> tuple[holidays.HolidayBase, range]:
    last_published = max(ChinaStaticHolidays.special_public_holidays)
    cal = holidays.China(categories=(holidays.PUBLIC,), language="en_US")
    return cal, range(2001, last_published + 1)


def _us() -> tuple[holidays.HolidayBase, range]:
    cal = holidays.US(categories=(holidays.PUBLIC,), observed=True, language="en_US")
    return cal, range(holidays.US.start_year, holidays.US.end_year + 1)


@dataclass
class WorkCalendar:
    """Answers "is this a working day?" and remembers which uncovered years it was asked about,
    so a count can say that it fell back to weekends only."""

    jurisdiction: Jurisdiction
    _days: holidays.HolidayBase = field(repr=False)
    covered_years: range = field(default=range(0))

    def covers(self, year: int) -> bool:
        return year in self.covered_years

    def is_working_day(self, day: date) -> bool:
        if not self.covers(day.year):
            return day.weekday() < 5
        off = day in self._days          # also fills the year, including its weekend_workdays
        if day in self._days.weekend_workdays:
            return True
        return day.weekday() < 5 and not off

    def holiday_name(self, day: date) -> str | None:
        if not self.covers(day.year):
            return None
        return self._days.get(day)


@lru_cache(maxsize=None)
def calendar_for(jurisdiction: Jurisdiction | str) -> WorkCalendar:
    jurisdiction = Jurisdiction(jurisdiction)
    days, covered = _china() if jurisdiction == Jurisdiction.CN else _us()
    return WorkCalendar(jurisdiction, days, covered)
