"""The `web_sessions` table: signed-in sessions, found by their id or by the hash of the
browser's cookie token (dispute/session_store.py holds the rules)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

_COLUMNS = "id, user_id, created_at, last_seen_at, ended_at, end_reason"


def insert(tx, *, session_id: str, user_id: UUID, handover_sha256: str,
           handover_until: datetime, now: datetime) -> None:
    tx.execute("INSERT INTO web_sessions (id, user_id, handover_sha256, handover_until, "
               "created_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)",
               (session_id, user_id, handover_sha256, handover_until, now, now))


def by_id(tx, session_id: str) -> dict[str, Any] | None:
    return tx.execute(f"SELECT {_COLUMNS} FROM web_sessions WHERE id = ?", (session_id,)).first()


def live_by_token(tx, token_sha256: str) -> dict[str, Any] | None:
    return tx.execute(f"SELECT {_COLUMNS} FROM web_sessions WHERE token_sha256 = ? "
                      "AND ended_at IS NULL", (token_sha256,)).first()


def live_by_handover(tx, handover_sha256: str, now: datetime) -> dict[str, Any] | None:
    return tx.execute(f"SELECT {_COLUMNS} FROM web_sessions WHERE handover_sha256 = ? "
                      "AND handover_until >= ? AND ended_at IS NULL",
                      (handover_sha256, now)).first()


def set_token(tx, session_id: str, token_sha256: str) -> None:
    """The hand-over is used up: the session is now found by its cookie token."""
    tx.execute("UPDATE web_sessions SET token_sha256 = ?, handover_sha256 = NULL, "
               "handover_until = NULL WHERE id = ?", (token_sha256, session_id))


def touch(tx, session_id: str, now: datetime) -> None:
    tx.execute("UPDATE web_sessions SET last_seen_at = ? WHERE id = ?", (now, session_id))


def renew(tx, session_id: str, now: datetime) -> None:
    """The session counts as begun now (its user just proved their new password in it)."""
    tx.execute("UPDATE web_sessions SET created_at = ?, last_seen_at = ? WHERE id = ? "
               "AND ended_at IS NULL", (now, now, session_id))


def end(tx, session_id: str, now: datetime, reason: str) -> bool:
    """End a live session; False when it had already ended."""
    live = tx.execute("SELECT 1 FROM web_sessions WHERE id = ? AND ended_at IS NULL",
                      (session_id,)).first()
    if live is None:
        return False
    tx.execute("UPDATE web_sessions SET ended_at = ?, end_reason = ?, token_sha256 = NULL, "
               "handover_sha256 = NULL, handover_until = NULL WHERE id = ?",
               (now, reason, session_id))
    return True


def forget_before(tx, cutoff: datetime) -> None:
    """Delete sessions that ended, or were last seen, before `cutoff`."""
    tx.execute("DELETE FROM web_sessions WHERE (ended_at IS NOT NULL AND ended_at < ?) "
               "OR last_seen_at < ?", (cutoff, cutoff))


def live_count(tx, user_id: UUID) -> int:
    return tx.execute("SELECT count(*) FROM web_sessions WHERE user_id = ? AND ended_at IS NULL",
                      (user_id,)).scalar()
