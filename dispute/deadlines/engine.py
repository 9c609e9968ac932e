"""The deadline engine: facts and events in, deadlines out. Pure — no clock, no queries.

Counting (each rule says which): day one is the day after the start (民法典 art. 201; FRCP 6(a)
by analogy for Reg X) or the start day itself (FCRA "the period beginning on the date"); calendar
or business days are counted one by one, skipping days on which the deadline is paused; periods
in months or years end on the corresponding day, or the month's last day where there is none
(民法典 art. 202); a last day that is not a working day moves to the next working day where the
law says so (民法典 art. 203). Extensions add to the count in the rule's unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, Callable, Iterable, Mapping, Sequence
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from dispute import event_kinds as ek
from dispute.deadlines.calendar import WorkCalendar
from dispute.deadlines.rulebook import DayOne, LastDay, Party, Rule, Rulebook, Unit
from dispute.i18n import N_

MAX_DAYS = 200_000  # a guard against a runaway count (a pause that never ends, say)


class Status(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    MET = "met"
    MISSED = "missed"


@dataclass(frozen=True)
class Occurrence:
    """One event as the engine sees it: its kind, when (aware UTC) and its payload."""

    kind: str
    at: datetime
    payload: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Phrase:
    """A line of explanation: an English msgid and its parameters, translated where shown."""

    msgid: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def render(self, translate: Callable[[str], str] = lambda s: s) -> str:
        return translate(self.msgid).format(**self.params)


@dataclass(frozen=True)
class Deadline:
    rule: str
    label: str
    party: Party
    start_on: date
    due_by: date
    status: Status
    met_on: date | None
    extensions_used: int
    extensions_allowed: int
    paused: bool
    paused_days: int
    explanation: tuple[Phrase, ...]
    calendar_note: Phrase | None
    uncovered_years: tuple[int, ...]
    warn_from: date | None = None
    # The roles that may pause it by hand (the rule's `pause_roles`): a page offers Pause only
    # to them, not a button that is always refused.
    pause_roles: tuple[str, ...] = ()
    paused_by_hand: bool = False  # paused by staff (only that can be resumed by hand), not
    # only while the borrower is asked for information

    @property
    def is_open(self) -> bool:
        return self.status in (Status.RUNNING, Status.MISSED) and self.met_on is None


@dataclass(frozen=True)
class Count:
    due_by: date
    explanation: tuple[Phrase, ...]
    uncovered_years: tuple[int, ...]


# ---------------------------------------------------------------------------------------------
# Counting a period

def _paused_set(intervals: Iterable[tuple[date, date]]) -> Callable[[date], bool]:
    spans = list(intervals)
    return lambda d: any(a < d <= b for a, b in spans)


def count_period(start: date, length: int, unit: Unit, calendar: WorkCalendar, *,
                 day_one: DayOne = DayOne.NEXT_DAY, last_day: LastDay = LastDay.AS_COUNTED,
                 paused: Iterable[tuple[date, date]] = ()) -> Count:
    """The last day of a period of `length` units from `start`, and how it was reached.

    `paused` holds (after, through) pairs: the days after the first date through the second are
    not counted."""
    is_paused = _paused_set(paused)
    uncovered: set[int] = set()
    lines: list[Phrase] = []

    def working(d: date) -> bool:
        if not calendar.covers(d.year):
            uncovered.add(d.year)
        return calendar.is_working_day(d)

    if unit in (Unit.MONTHS, Unit.YEARS):
        step = relativedelta(months=length) if unit == Unit.MONTHS else relativedelta(years=length)
        day = start + step  # relativedelta clamps to the month's last day (art. 202)
        lines.append(Phrase(N_("{count} years end on {date}: the corresponding day, or the "
                               "last day of the month when it has none.") if unit == Unit.YEARS
                            else N_("{count} months end on {date}: the corresponding day, or "
                                    "the last day of the month when it has none."),
                            {"count": length, "date": day.isoformat()}))
    else:
        day = start if day_one == DayOne.SAME_DAY else start + timedelta(days=1)
        lines.append(Phrase(N_("The start day counts as day 1.") if day_one == DayOne.SAME_DAY
                            else N_("The start day is not counted; counting begins on {date}."),
                            {"date": day.isoformat()}))
        business = unit == Unit.BUSINESS_DAYS
        counted, skipped_paused, holidays_off, makeup = 0, 0, [], []
        day -= timedelta(days=1)
        while counted < length:
            day += timedelta(days=1)
            if (day - start).days > MAX_DAYS:
                raise ValueError("deadline count does not end")
            if is_paused(day):
                skipped_paused += 1
                continue
            if business:
                if not working(day):
                    name = calendar.holiday_name(day)
                    if name:
                        holidays_off.append(f"{day.isoformat()} {name}")
                    continue
                if day.weekday() >= 5:
                    makeup.append(day.isoformat())
            counted += 1
        if business:
            lines.append(Phrase(N_("{count} business days, without Saturdays, Sundays and "
                                   "public holidays, end on {date}."),
                                {"count": length, "date": day.isoformat()}))
            if holidays_off:
                lines.append(Phrase(N_("Holidays not counted: {days}."),
                                    {"days": ", ".join(holidays_off)}))
            if makeup:
                lines.append(Phrase(N_("Make-up working days counted: {days}."),
                                    {"days": ", ".join(makeup)}))
        else:
            lines.append(Phrase(N_("{count} calendar days end on {date}."),
                                {"count": length, "date": day.isoformat()}))
        if skipped_paused:
            lines.append(Phrase(N_("{days} paused days were not counted."),
                                {"days": skipped_paused}))
    if last_day == LastDay.NEXT_WORKING_DAY and not working(day):
        moved = day
        while not working(moved):
            moved += timedelta(days=1)
        why = calendar.holiday_name(day) or ("weekend" if day.weekday() >= 5 else "")
        lines.append(Phrase(N_("{date} is not a working day ({why}); the period ends on the "
                               "next working day, {moved}."),
                            {"date": day.isoformat(), "why": why, "moved": moved.isoformat()}))
        day = moved
    return Count(day, tuple(lines), tuple(sorted(uncovered)))


def due_from(rule: Rule, start: date, calendar: WorkCalendar) -> Count:
    """A rule's due date from a start date alone (no events: no pauses or extensions)."""
    return count_period(start, rule.length, rule.unit, calendar, day_one=rule.day_one,
                        last_day=rule.last_day)


def calendar_note(years: Sequence[int]) -> Phrase | None:
    if not years:
        return None
    return Phrase(N_("Counted in {years} with the statutory holidays and weekends only: the "
                     "official holiday schedule for that year (extra days off, make-up working "
                     "days) is not published yet, so this date may change."),
                  {"years": ", ".join(str(y) for y in years)})


# ---------------------------------------------------------------------------------------------
# From events to a deadline

def _local(at: datetime, tz: ZoneInfo) -> date:
    return at.astimezone(tz).date()


def _payload_date(payload: Mapping[str, Any], key: str) -> date | None:
    value = payload.get(key)
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _start(rule: Rule, facts: Mapping[str, Any], events: Sequence[Occurrence],
           tz: ZoneInfo) -> tuple[date, Occurrence | None, Phrase] | None:
    s = rule.start
    if s.fact is not None:
        value = facts.get(s.fact)
        if value is None:
            return None
        return value, None, Phrase(N_("Starts on {date}, the dispute's {fact}."),
                                   {"date": value.isoformat(), "fact": s.fact})
    found = [e for e in events if e.kind == s.event]
    if not found:
        return None
    occ = found[0] if s.occurrence == "first" else found[-1]
    if s.date_key:
        on = _payload_date(occ.payload, s.date_key)
        if on is None:
            return None
        return on, occ, Phrase(N_("Starts on {date}, the {key} of {event}."),
                                  {"date": on.isoformat(), "key": s.date_key, "event": s.event})
    on = _local(occ.at, tz)
    return on, occ, Phrase(N_("Starts on {date}, when {event} was recorded."),
                              {"date": on.isoformat(), "event": s.event})


def _waiting_spans(events: Sequence[Occurrence], tz: ZoneInfo,
                   today: date) -> list[tuple[date, date, bool]]:
    """(from, through, still_open) spans while a request for information was unanswered."""
    spans, open_ids, since = [], set(), None
    for e in events:
        if e.kind == ek.INFORMATION_REQUESTED:
            if not open_ids:
                since = _local(e.at, tz)
            open_ids.add(str(e.payload.get("message_id", e.at.isoformat())))
        elif e.kind == ek.INFORMATION_PROVIDED and open_ids:
            answered = e.payload.get("request_ids")
            open_ids -= {str(i) for i in answered} if answered else set(open_ids)
            if not open_ids:
                spans.append((since, _local(e.at, tz), False))
    if open_ids:
        spans.append((since, today, True))
    return spans


def _manual_spans(rule: str, events: Sequence[Occurrence], tz: ZoneInfo,
                  today: date) -> list[tuple[date, date, bool]]:
    spans, since = [], None
    for e in events:
        if e.payload.get("rule") != rule:
            continue
        if e.kind == ek.DEADLINE_PAUSED and since is None:
            since = _local(e.at, tz)
        elif e.kind == ek.DEADLINE_RESUMED and since is not None:
            spans.append((since, _local(e.at, tz), False))
            since = None
    if since is not None:
        spans.append((since, today, True))
    return spans


def deadline_for(rule: Rule, facts: Mapping[str, Any], events: Sequence[Occurrence],
                 calendar: WorkCalendar, now: datetime, tz: ZoneInfo) -> Deadline | None:
    """One rule's deadline for one dispute, or None when it does not apply or has not started."""
    for key, values in rule.applies_when.items():
        if str(facts.get(key)) not in values:
            return None
    started = _start(rule, facts, events, tz)
    if started is None:
        return None
    start_on, start_event, first_line = started
    lines = [first_line]
    today = _local(now, tz)

    def after(e: Occurrence, since_on: date, since: Occurrence | None) -> bool:
        """Later than the start: events at the same instant as the start event count (they
        were written in the same transaction), the start event itself does not."""
        if since is None:
            return _local(e.at, tz) >= since_on
        return e.at >= since.at and e is not since

    if rule.restart_on is not None:
        for e in events:
            if e.kind == rule.restart_on.event and after(e, start_on, start_event):
                on = (_payload_date(e.payload, rule.restart_on.date_key)
                      if rule.restart_on.date_key else None) or _local(e.at, tz)
                if on >= start_on:
                    start_on, start_event = on, e
                    lines.append(Phrase(N_("Interrupted by {event} on {date}: the period runs "
                                           "afresh from that day."),
                                        {"event": e.kind, "date": on.isoformat()}))
    later = [e for e in events if after(e, start_on, start_event)]

    met = next((e for e in later if any(m.matches(e.kind, e.payload) for m in rule.met_by)),
               None)
    met_on = _local(met.at, tz) if met else None
    horizon = met_on or today

    extensions = [e for e in later
                  if e.kind == ek.DEADLINE_EXTENDED and e.payload.get("rule") == rule.name]
    extra = sum(int(e.payload.get("days", 0)) for e in extensions)

    spans = _manual_spans(rule.name, later, tz, horizon)
    paused_by_hand = met is None and any(still for _, _, still in spans)
    if rule.pauses_on_borrower:
        spans += _waiting_spans(later, tz, horizon)
    spans = [(a, min(b, horizon), still) for a, b, still in spans]
    paused_now = met is None and any(still for _, _, still in spans)

    count = count_period(start_on, rule.length + extra, rule.unit, calendar,
                         day_one=rule.day_one, last_day=rule.last_day,
                         paused=[(a, b) for a, b, _ in spans])
    paused_days = len({a + timedelta(days=i + 1) for a, b, _ in spans
                       for i in range((b - a).days)})
    if extensions:
        lines.append(Phrase(N_("Extended {times} of {allowed} allowed times, by {count} in all."),
                            {"times": len(extensions), "allowed": len(rule.extensions),
                             "count": extra}))
    lines.extend(count.explanation)
    if paused_now:
        lines.append(Phrase(N_("Paused now; the due date shown assumes the clock restarts "
                               "tomorrow.")))

    if met_on is not None:
        status = Status.MET if met_on <= count.due_by else Status.MISSED
        lines.append(Phrase(N_("Met on {date}.") if status == Status.MET
                            else N_("Met on {date}, after the due date."),
                            {"date": met_on.isoformat()}))
    elif paused_now:
        status = Status.PAUSED
    else:
        status = Status.MISSED if today > count.due_by else Status.RUNNING

    warn = (count.due_by - relativedelta(months=rule.warn_months_before)
            if rule.warn_months_before else None)
    return Deadline(rule=rule.name, label=rule.label, party=rule.party, start_on=start_on,
                    due_by=count.due_by, status=status, met_on=met_on,
                    extensions_used=len(extensions), extensions_allowed=len(rule.extensions),
                    paused=paused_now, paused_days=paused_days, explanation=tuple(lines),
                    calendar_note=calendar_note(count.uncovered_years),
                    uncovered_years=count.uncovered_years, warn_from=warn,
                    pause_roles=tuple(rule.pause_roles), paused_by_hand=paused_by_hand)


def compute_deadlines(facts: Mapping[str, Any], events: Sequence[Occurrence], rulebook: Rulebook,
                      calendar: WorkCalendar, now: datetime, tz: ZoneInfo | str) -> list[Deadline]:
    """Every deadline of `rulebook` that applies to the dispute and has started, in rule order.

    `facts`: filed_on, discovered_on (dates), error_category, product; `events` in time order."""
    zone = tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)
    ordered = sorted(events, key=lambda e: e.at)
    found = (deadline_for(rule, facts, ordered, calendar, now, zone) for rule in rulebook.rules)
    return [d for d in found if d is not None]


def nearest_lender_deadline(deadlines: Iterable[Deadline]) -> Deadline | None:
    """The lender's open deadline that falls first (overdue ones included; paused ones not):
    what the staff queue sorts by."""
    open_ = [d for d in deadlines if d.party == Party.LENDER and d.is_open]
    return min(open_, key=lambda d: d.due_by, default=None)
