"""Recount stored deadlines when the holiday calendar changes, and say on each dispute what moved.

A newer `holidays` release brings a year's official schedule (China publishes each November), or
corrects a year. The stored deadlines were counted with the calendar of the release installed
when their dispute was last written, so on start the calendar in use is compared, year by year,
with the one recorded in `calendar_years`: for each jurisdiction and year, whether its schedule
is published and a digest of its working days. Disputes with a stored deadline whose count spans
a changed year are recounted; each due date that moves is a `DeadlineMoved` event on the
dispute's timeline (from, to, and why: "the official holiday schedule for 2027 is now known").

The first start with this table (migration 0009) recounts every dispute: deadlines stored before
it counted the years without a schedule by weekends only, and now count their statutory
holidays too.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any, Callable, Mapping
from uuid import UUID

import holidays

from dispute import event_kinds as ek
from dispute import events
from dispute.storage import Database, UnitOfWork, calendar_years, disputes
from dispute.storage import deadlines as deadline_rows
from dispute.deadlines.calendar import calendar_for
from dispute.deadlines.rulebook import Jurisdiction, load_rulebook
from dispute.deadlines.store import Calendars, refresh_deadlines
from dispute.i18n import N_

TRACKED_YEARS = range(2001, 2101)  # the library's Chinese schedules start in 2001; it ends in 2100
WEEKENDS_ONLY = hashlib.sha256(b"").hexdigest()  # a year whose days off are its weekends

# Why a deadline moved, per year of its count (payload `reasons`: [{"year", "cause"}]).
PUBLISHED, STATUTORY, UPDATED = "published", "statutory", "updated"
CAUSES = {
    PUBLISHED: N_("The official holiday schedule for {year} is now known."),
    STATUTORY: N_("The statutory holidays of {year} are now counted; its official schedule is "
                  "not published yet."),
    UPDATED: N_("The holiday calendar for {year} was updated."),
}
NO_YEAR = N_("The holiday calendar was updated.")
MOVED = N_("{rule}: due by {new} instead of {old}.")


@dataclass(frozen=True)
class YearState:
    published: bool
    digest: str


State = dict[tuple[str, int], YearState]


@dataclass(frozen=True)
class Moved:
    """One stored due date that a recount changed."""

    dispute_id: UUID
    rule: str
    old: date
    new: date
    reasons: tuple[tuple[int, str], ...]


@lru_cache(maxsize=8)
def calendar_state(calendars: Calendars = calendar_for) -> State:
    """Every tracked year of every jurisdiction as `calendars` counts it (about 0.2 s; cached)."""
    state = {}
    for jurisdiction in Jurisdiction:
        cal = calendars(jurisdiction)
        for year in TRACKED_YEARS:
            state[(jurisdiction.value, year)] = YearState(cal.covers(year), cal.year_digest(year))
    return state


def stored_state(db: Database) -> State:
    return {(r["jurisdiction"], r["year"]): YearState(r["published"], r["digest"])
            for r in db.read(calendar_years.recorded)}


def _save_state(db: Database, state: State, now: datetime) -> None:
    db.write(calendar_years.replace, [(j, y, s.published, s.digest)
                                      for (j, y), s in sorted(state.items())],
             holidays.__version__, now)


def cause(before: YearState | None, after: YearState) -> str:
    """Why a year counts differently now (`before` None: the year was not recorded)."""
    if before is None:
        return UPDATED
    if after.published and not before.published:
        return PUBLISHED
    if not after.published and not before.published and before.digest == WEEKENDS_ONLY:
        return STATUTORY
    return UPDATED


def _recount_one(uow: UnitOfWork, dispute_id: UUID, now: datetime, tz: str,
                 calendars: Calendars, changed: Mapping[tuple[str, int], str]) -> list[Moved]:
    row = deadline_rows.dispute_row(uow, dispute_id)
    if row is None:
        return []
    jurisdiction = load_rulebook(row["rulebook"]).jurisdiction.value
    before = {r["rule"]: r for r in deadline_rows.stored(uow, dispute_id)}
    moved = []
    for d in refresh_deadlines(uow, dispute_id, now, tz, calendars):
        old = before.get(d.rule)
        # A paused deadline's date assumes the clock restarts tomorrow: it moves every day.
        if old is None or old["due_by"] == d.due_by or old["paused"] or d.paused:
            continue
        first = min(old["start_on"], d.start_on).year
        last = max(old["due_by"], d.due_by).year
        reasons = tuple((y, c) for (j, y), c in sorted(changed.items())
                        if j == jurisdiction and first <= y <= last)
        moved.append(Moved(dispute_id, d.rule, old["due_by"], d.due_by, reasons))
        events.append(uow, kind=ek.DEADLINE_MOVED, at=now, actor_id=None, dispute_id=dispute_id,
                      payload={"rule": d.rule, "label": d.label,
                               "from": old["due_by"].isoformat(), "to": d.due_by.isoformat(),
                               "reasons": [{"year": y, "cause": c} for y, c in reasons],
                               "holidays": holidays.__version__})
    return moved


def recount_on_calendar_change(db: Database, now: datetime, tz: str,
                               calendars: Calendars = calendar_for) -> list[Moved]:
    """On start: when the calendar differs from the one recorded, recount the disputes it
    concerns, record each moved due date as an event, then record the calendar. Safe to repeat
    after a crash: a dispute already recounted has nothing left to move."""
    after = calendar_state(calendars)
    recorded = stored_state(db)
    if recorded == after:
        return []
    if recorded:
        before: State = recorded
        changed = {k: cause(before.get(k), s) for k, s in after.items() if before.get(k) != s}
        # in any jurisdiction: a few disputes too many is harmless
        targets = db.read(deadline_rows.disputes_spanning, sorted({y for _, y in changed}))
    else:  # first start with this table: unpublished years were counted by weekends only
        before = {k: s if s.published else YearState(False, WEEKENDS_ONLY)
                  for k, s in after.items()}
        changed = {k: cause(before[k], s) for k, s in after.items() if before[k] != s}
        targets = sorted(db.read(disputes.all_ids))
    moved: list[Moved] = []
    for dispute_id in targets:
        moved += db.write(_recount_one, dispute_id, now, tz, calendars, changed)
    _save_state(db, after, now)
    return moved


def describe_move(payload: Mapping[str, Any], translate: Callable[[str], str] = lambda s: s,
                  show_date: Callable[[date], str] = date.isoformat) -> str:
    """A DeadlineMoved event in words: which deadline, from which date to which, and why."""
    def when(value: Any) -> str:
        try:
            return show_date(date.fromisoformat(str(value)))
        except ValueError:
            return str(value)

    rule = translate(payload["label"]) if payload.get("label") else str(payload.get("rule", ""))
    parts = [translate(MOVED).format(rule=rule, old=when(payload.get("from")),
                                     new=when(payload.get("to")))]
    reasons = payload.get("reasons") or []
    parts += [translate(CAUSES.get(r.get("cause"), CAUSES[UPDATED])).format(year=r.get("year"))
              for r in reasons]
    if not reasons:
        parts.append(translate(NO_YEAR))
    text = parts[0]
    for part in parts[1:]:  # Chinese sentences follow each other without a space
        text += ("" if text.endswith("。") else " ") + part
    return text
