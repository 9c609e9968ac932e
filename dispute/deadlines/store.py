"""The imperative shell around the engine: read a dispute and its events, write its deadlines.

`refresh_deadlines` runs inside the caller's unit of work at the end of every workflow write, so
the `deadlines` rows and `disputes.next_due_by` always match the events (storage/deadlines.py).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, Callable, Iterable, Mapping
from uuid import UUID
from zoneinfo import ZoneInfo

from dispute import events
from dispute.storage import UnitOfWork, disputes, history
from dispute.storage import deadlines as deadline_rows
from dispute.deadlines.calendar import WorkCalendar, calendar_for
from dispute.deadlines.engine import (Deadline, Occurrence, compute_deadlines,
                                      nearest_lender_deadline)
from dispute.deadlines.rulebook import Jurisdiction, load_rulebook

# Which calendar a jurisdiction counts by: the installed `holidays` release by default; a test
# (or a recount after an upgrade) passes another.
Calendars = Callable[[Jurisdiction | str], WorkCalendar]

def dispute_facts(row: Mapping[str, Any], tz: ZoneInfo) -> dict[str, Any]:
    """What the rules may start from or apply to, from a `disputes` row."""
    filed = events.as_utc(row["filed_at"])
    return {"filed_on": filed.astimezone(tz).date() if filed else None,
            "discovered_on": row.get("discovered_on"),
            "error_occurred_on": row.get("error_occurred_on"),
            "payment_due_on": row.get("payment_due_on"),
            "error_category": row.get("error_category"), "product": row.get("product")}


def occurrences(rows: Iterable[Mapping[str, Any]]) -> list[Occurrence]:
    return [Occurrence(r["kind"], events.as_utc(r["occurred_at"]), json.loads(r["payload"]))
            for r in rows]


def deadlines_of(row: Mapping[str, Any], event_rows: Iterable[Mapping[str, Any]],
                 now: datetime, tz: str, calendars: Calendars = calendar_for) -> list[Deadline]:
    """Run the engine for one dispute row and its event rows."""
    zone = ZoneInfo(tz)
    book = load_rulebook(row["rulebook"])
    return compute_deadlines(dispute_facts(row, zone), occurrences(event_rows), book,
                             calendars(book.jurisdiction), now, zone)


def refresh_deadlines(uow: UnitOfWork, dispute_id: UUID, now: datetime, tz: str,
                      calendars: Calendars = calendar_for) -> list[Deadline]:
    """Recompute one dispute's deadlines inside the caller's transaction and store them, with
    `disputes.next_due_by` = the nearest open lender deadline (overdue included, paused not)."""
    row = deadline_rows.dispute_row(uow, dispute_id)
    if row is None:
        raise LookupError(f"no dispute {dispute_id}")
    found = deadlines_of(row, history.kinds_and_times(uow, dispute_id), now, tz, calendars)
    nearest = nearest_lender_deadline(found)
    deadline_rows.replace(uow, dispute_id, [
        {"rule": d.rule, "party": d.party.value, "label": d.label, "start_on": d.start_on,
         "due_by": d.due_by, "met_on": d.met_on, "paused": d.paused,
         "paused_days": d.paused_days, "extensions_used": d.extensions_used,
         "extensions_allowed": d.extensions_allowed,
         "calendar_limited": bool(d.uncovered_years), "warn_from": d.warn_from}
        for d in found], now, nearest.due_by if nearest else None,
        was_due_by=row["next_due_by"])
    return found


def refresh_all(db, now: datetime, tz: str, calendars: Calendars = calendar_for) -> int:
    """Recompute every dispute (after a rulebook change, or on first upgrade; a calendar change
    goes through `dispute.deadlines.recount`, which also records what moved)."""
    ids = db.read(disputes.all_ids)
    for dispute_id in ids:
        db.write(refresh_deadlines, dispute_id, now, tz, calendars)
    return len(ids)


def today_in(now: datetime, tz: str) -> date:
    return now.astimezone(ZoneInfo(tz)).date()
