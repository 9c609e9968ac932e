"""The `deadlines` table: each dispute's computed deadlines, rewritten whenever it changes.

Rows keep dates, not a status: `STATUS_SQL` derives the status when read, so nothing goes stale as
days pass.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable
from uuid import UUID

from dispute.storage import dashboard_counts

_COLUMNS = ("dispute_id", "rule", "party", "label", "start_on", "due_by", "met_on", "paused",
            "paused_days", "extensions_used", "extensions_allowed", "calendar_limited", "warn_from",
            "refreshed_at")


def status_sql(today: str = "?") -> str:
    """The status of a `deadlines` row (alias `dl`) as of `today` (a parameter by default)."""
    return ("CASE WHEN dl.met_on IS NOT NULL AND dl.met_on <= dl.due_by THEN 'met' "
            "WHEN dl.met_on IS NOT NULL THEN 'missed' "
            "WHEN dl.paused THEN 'paused' "
            f"WHEN dl.due_by < {today} THEN 'missed' ELSE 'running' END")


def dispute_row(tx, dispute_id: UUID) -> dict[str, Any] | None:
    """What the engine reads of a dispute (its columns). In a write on PostgreSQL the row stays
    locked to the commit: two refreshes of one dispute from two processes then run in turn, the
    second reading the first's events and replacing its rows (never adding beside them)."""
    return tx.execute("SELECT * FROM disputes WHERE id = ?" + tx.for_update("disputes"),
                      (dispute_id,)).first()


def replace(tx, dispute_id: UUID, rows: Iterable[dict[str, Any]], refreshed_at: datetime,
            next_due_by, *, was_due_by) -> None:
    """Store a dispute's deadlines in place of the old ones, and its nearest lender deadline
    (`was_due_by`: the one stored, as the caller read it with the dispute's row, locked).
    When they are what is stored already (most writes: a message, a note, a hearing), only
    their refresh time is written: nothing the dashboard keeps can move then, and working its
    figures out before and after took about half of such a write on DuckDB at a million
    disputes (bench/queue_data.py's book: a hearing 41 ms, of it 25 ms)."""
    values = [[dispute_id, *(r[c] for c in _COLUMNS[1:-1]), refreshed_at] for r in rows]
    if next_due_by == was_due_by and _stored_already(tx, dispute_id, values):
        tx.execute("UPDATE deadlines SET refreshed_at = ? WHERE dispute_id = ?",
                   (refreshed_at, dispute_id))
        return
    with dashboard_counts.kept(tx, dispute_id, tables=dashboard_counts.DEADLINES):
        tx.execute("DELETE FROM deadlines WHERE dispute_id = ?", (dispute_id,))
        if values:
            tx.executemany(f"INSERT INTO deadlines ({', '.join(_COLUMNS)}) "
                           f"VALUES ({', '.join('?' for _ in _COLUMNS)})", values)
        tx.execute("UPDATE disputes SET next_due_by = ? WHERE id = ?", (next_due_by, dispute_id))


def _stored_already(tx, dispute_id: UUID, values: list[list[Any]]) -> bool:
    """The same rows (every column but the refresh time, in any order) are stored for the
    dispute. Values that read back as another type compare unequal, which only costs the full
    replace."""
    stored = tx.execute(f"SELECT {', '.join(_COLUMNS[1:-1])} FROM deadlines "
                        "WHERE dispute_id = ?", (dispute_id,)).rows
    if len(stored) != len(values):
        return False
    return sorted(map(tuple, stored), key=repr) == sorted((tuple(v[1:-1]) for v in values),
                                                           key=repr)


def with_status(tx, dispute_id: UUID, today) -> list[dict[str, Any]]:
    """A dispute's stored deadlines with their status as of `today`."""
    return tx.execute(f"SELECT dl.*, {status_sql()} AS status FROM deadlines dl "
                      "WHERE dispute_id = ? ORDER BY due_by, rule", (today, dispute_id)).dicts()


def stored(tx, dispute_id: UUID) -> list[dict[str, Any]]:
    """What a recount compares: each rule's start, due date and whether it is paused."""
    return tx.execute("SELECT rule, start_on, due_by, paused FROM deadlines WHERE dispute_id = ?",
                      (dispute_id,)).dicts()


def disputes_spanning(tx, years: list[int]) -> list[UUID]:
    """Disputes with a stored deadline whose count (start to due date) touches one of `years`."""
    if not years:
        return []
    values = ", ".join("(?)" for _ in years)
    return tx.execute(
        f"SELECT DISTINCT dl.dispute_id FROM deadlines dl, (VALUES {values}) AS c(y) "
        "WHERE c.y BETWEEN EXTRACT(YEAR FROM dl.start_on) AND EXTRACT(YEAR FROM dl.due_by) "
        "ORDER BY 1", years).column()
