"""Mediation and litigation records, their sessions and hearings."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

Record = Literal["mediation", "litigation"]
_SITTINGS = {"mediation": "mediation_sessions", "litigation": "hearings"}
_FIELDS = {"mediation": {"body", "reference", "mediator", "result"},
           "litigation": {"court", "case_number", "filed_on", "judgment", "judgment_on",
                          "served_on", "appeal_by"}}


def exists(tx, record: Record, dispute_id: UUID) -> bool:
    return tx.execute(f"SELECT 1 FROM {record} WHERE dispute_id = ?",
                      (dispute_id,)).first() is not None


def get(tx, record: Record, dispute_id: UUID) -> dict[str, Any] | None:
    return tx.execute(f"SELECT * FROM {record} WHERE dispute_id = ?", (dispute_id,)).first()


def update(tx, record: Record, dispute_id: UUID, now: datetime, **fields: Any) -> None:
    unknown = set(fields) - _FIELDS[record]
    if unknown:
        raise ValueError(f"not a column of {record}: {sorted(unknown)}")
    sets = "".join(f"{column} = ?, " for column in fields)
    tx.execute(f"UPDATE {record} SET {sets}updated_at = ? WHERE dispute_id = ?",
               (*fields.values(), now, dispute_id))


def open_mediation(tx, dispute_id: UUID, body: str, now: datetime) -> None:
    """Escalating to mediation opens its record (or names a new body on the existing one)."""
    tx.execute("INSERT INTO mediation (dispute_id, body, reference, mediator, result, updated_at) "
               "VALUES (?, ?, '', '', '', ?) ON CONFLICT (dispute_id) "
               "DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
               (dispute_id, body, now))


def open_litigation(tx, dispute_id: UUID, court: str, now: datetime) -> None:
    tx.execute("INSERT INTO litigation (dispute_id, court, case_number, judgment, updated_at) "
               "VALUES (?, ?, '', '', ?) ON CONFLICT (dispute_id) "
               "DO UPDATE SET court = excluded.court, updated_at = excluded.updated_at",
               (dispute_id, court, now))


def add_sitting(tx, record: Record, *, sitting_id: UUID, dispute_id: UUID, held_on, notes: str,
                recorded_by: UUID, recorded_at: datetime) -> None:
    """A mediation session or a court hearing."""
    tx.execute(f"INSERT INTO {_SITTINGS[record]} (id, dispute_id, held_on, notes, recorded_by, "
               "recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
               (sitting_id, dispute_id, held_on, notes, recorded_by, recorded_at))


def add_hearing(tx, *, hearing_id: UUID, dispute_id: UUID, held_on, starts_at, courtroom: str,
                kind: str, notes: str, recorded_by: UUID, recorded_at: datetime) -> None:
    """A court hearing with its time, courtroom and kind (migration 0016)."""
    tx.execute("INSERT INTO hearings (id, dispute_id, held_on, starts_at, courtroom, kind, notes, "
               "recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
               (hearing_id, dispute_id, held_on, starts_at, courtroom, kind, notes, recorded_by,
                recorded_at))


def sittings(tx, record: Record, dispute_id: UUID) -> list[dict[str, Any]]:
    return tx.execute(f"SELECT * FROM {_SITTINGS[record]} WHERE dispute_id = ? "
                      "ORDER BY held_on, recorded_at", (dispute_id,)).dicts()


def hearing(tx, dispute_id: UUID, hearing_id: UUID) -> dict[str, Any] | None:
    """One hearing of this dispute with the court and case number (None: not this dispute's)."""
    return tx.execute("SELECT h.*, l.court, l.case_number FROM hearings h "
                      "JOIN litigation l ON l.dispute_id = h.dispute_id "
                      "WHERE h.dispute_id = ? AND h.id = ?", (dispute_id, hearing_id)).first()


def docket_hearings(tx, since) -> list[dict[str, Any]]:
    """Every hearing on or after `since` of the disputes on the docket (open, in mediation or
    litigation), with the dispute's number, the court and its case number, soonest first."""
    return tx.execute("SELECT h.*, d.number, l.court, l.case_number FROM hearings h "
                      "JOIN disputes d ON d.id = h.dispute_id "
                      "JOIN litigation l ON l.dispute_id = h.dispute_id "
                      "WHERE d.stage IN ('mediation', 'litigation') AND h.held_on >= ? "
                      "ORDER BY h.held_on, h.starts_at, d.number", (since,)).dicts()
