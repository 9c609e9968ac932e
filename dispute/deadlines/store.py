"""The imperative shell around the engine: read a dispute and its events, write its deadlines.

`refresh_deadlines` runs inside the caller's unit of work at the end of every workflow write, so
the `deadlines` rows and `disputes.next_due_by` always match the events. Rows keep dates, not a
status: `STATUS_SQL` derives the status when read, so nothing goes stale as days pass.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, Callable, Iterable, Mapping
from uuid import UUID
from zoneinfo import ZoneInfo

from dispute import events
from dispute.db import UnitOfWork
from dispute.deadlines.calendar import WorkCalendar, calendar_for
from dispute.deadlines.engine import (Deadline, Occurrence, compute_deadlines,
                                      nearest_lender_deadline)
from dispute.deadlines.rulebook import Jurisdiction, load_rulebook

# Which calendar a jurisdiction counts by: the installed `holidays` release by default; a test
# (or a recount after an upgrade) passes another.
Calendars = Callable[[Jurisdiction | str], WorkCalendar]

EVENTS_SQL = ("SELECT kind, occurred_at, payload FROM events WHERE dispute_id = ? "
              "ORDER BY seq")


def status_sql(today: str = "?") -> str:
    """The status of a `deadlines` row (alias `dl`) as of `today` (a parameter by default)."""
    return ("CASE WHEN dl.met_on IS NOT NULL AND dl.met_on <= dl.due_by THEN 'met' "
            "WHEN dl.met_on IS NOT NULL THEN 'missed' "
            "WHEN dl.paused THEN 'paused' "
            f"WHEN dl.due_by < {today} THEN 'missed' ELSE 'running' END")


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
    row = uow.execute("SELECT * FROM disputes WHERE id = ?", (dispute_id,)).first()
    if row is None:
        raise LookupError(f"no dispute {dispute_id}")
    found = deadlines_of(row, uow.execute(EVENTS_SQL, (dispute_id,)), now, tz, calendars)
    uow.execute("DELETE FROM deadlines WHERE dispute_id = ?", (dispute_id,))
    stamp = events.utc_naive(now)
    if found:
        uow.executemany(
            "INSERT INTO deadlines VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(dispute_id, d.rule, d.party.value, d.label, d.start_on, d.due_by, d.met_on,
              d.paused, d.paused_days, d.extensions_used, d.extensions_allowed,
              bool(d.uncovered_years), d.warn_from, stamp) for d in found])
    nearest = nearest_lender_deadline(found)
    uow.execute("UPDATE disputes SET next_due_by = ? WHERE id = ?",
                (nearest.due_by if nearest else None, dispute_id))
    return found


def refresh_all(db, now: datetime, tz: str, calendars: Calendars = calendar_for) -> int:
    """Recompute every dispute (after a rulebook change, or on first upgrade; a calendar change
    goes through `dispute.deadlines.recount`, which also records what moved)."""
    ids = [r["id"] for r in db.query("SELECT id FROM disputes")]
    for dispute_id in ids:
        db.write(lambda uow, d=dispute_id: refresh_deadlines(uow, d, now, tz, calendars))
    return len(ids)


def today_in(now: datetime, tz: str) -> date:
    return now.astimezone(ZoneInfo(tz)).date()
