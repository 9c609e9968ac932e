"""The `events` table and its chain head: the append-only, hash-chained history."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable, Iterator
from uuid import UUID

from dispute.storage import dashboard_counts
from dispute.storage.audit_log import json_field
from dispute.storage.sealing import USER_NAME, opened_rows


def head(tx) -> dict[str, Any]:
    """The chain head: the last event's sequence number and hash. In a write on PostgreSQL its row
    stays locked to the commit, so appends from several processes make one chain, in turn."""
    return tx.execute("SELECT seq, hash FROM chain_head WHERE id = 1"
                      + tx.for_update("chain_head")).first()


def insert(tx, *, seq: int, dispute_id: UUID | None, actor_id: UUID | None, at: datetime,
           kind: str, payload: str, prev_hash: str, digest: str) -> None:
    """One event, and the chain head moved to it (in the caller's transaction); a closing event
    moves its dispute in the dashboard's days to close (dashboard_counts.py)."""
    with dashboard_counts.kept(tx, dispute_id, dispute_id is not None
                               and kind in dashboard_counts.CLOSING_KINDS,
                               tables=dashboard_counts.CLOSING):
        tx.execute("INSERT INTO events (seq, dispute_id, actor_id, occurred_at, kind, payload, "
                   "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   (seq, dispute_id, actor_id, at, kind, payload, prev_hash, digest))
    tx.execute("UPDATE chain_head SET seq = ?, hash = ? WHERE id = 1", (seq, digest))


def every_event(tx) -> Iterator[dict[str, Any]]:
    """Every event in sequence order, streamed (the chain check reads them all)."""
    return tx.stream("SELECT seq, dispute_id, actor_id, occurred_at, kind, payload, prev_hash, "
                     "hash FROM events ORDER BY seq")


def count(tx) -> int:
    return tx.execute("SELECT count(*) FROM events").scalar()


def of_dispute(tx, dispute_id: UUID, hidden_kinds: Iterable[str] = ()) -> list[dict[str, Any]]:
    """A dispute's events, oldest first, with the actor's name and role, leaving out
    `hidden_kinds`."""
    hidden = list(hidden_kinds)
    leave_out = (f" AND e.kind NOT IN ({', '.join('?' for _ in hidden)})" if hidden else "")
    rows = tx.execute(
        "SELECT e.seq, e.occurred_at, e.kind, e.payload, e.actor_id, u.name AS actor_name, "
        "u.role AS actor_role FROM events e LEFT JOIN users u ON u.id = e.actor_id "
        f"WHERE e.dispute_id = ?{leave_out} ORDER BY e.seq", [dispute_id, *hidden]).dicts()
    return opened_rows(tx.keys, rows, {"actor_name": (USER_NAME, "actor_id")})


def kinds_and_times(tx, dispute_id: UUID) -> list[dict[str, Any]]:
    """What the deadline engine reads of a dispute's history: kind, time and payload."""
    return tx.execute("SELECT kind, occurred_at, payload FROM events WHERE dispute_id = ? "
                      "ORDER BY seq", (dispute_id,)).dicts()


def about_user(tx, user_id: UUID) -> list[dict[str, Any]]:
    """Events about an account (no dispute): those it did and those naming it as "user"."""
    return tx.execute(
        "SELECT seq, occurred_at, kind, payload FROM events WHERE dispute_id IS NULL AND "
        f"(actor_id = ? OR {json_field(tx.backend, 'payload', 'user')} = ?) ORDER BY seq",
        (user_id, str(user_id))).dicts()
