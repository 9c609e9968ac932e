"""The `messages` table (the conversation on a dispute) and `last_seen` (each reader's visit)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from dispute.storage.sealing import USER_NAME, opened_rows


def insert(tx, *, message_id: UUID, dispute_id: UUID, author_id: UUID, author_role: str,
           body: str, is_request: bool, sent_at: datetime) -> None:
    tx.execute("INSERT INTO messages (id, dispute_id, author_id, author_role, body, is_request, "
               "answered_at, sent_at) VALUES (?, ?, ?, ?, ?, ?, NULL, ?)",
               (message_id, dispute_id, author_id, author_role, body, is_request, sent_at))


def open_request_ids(tx, dispute_id: UUID) -> list[UUID]:
    return tx.execute("SELECT id FROM messages WHERE dispute_id = ? AND is_request AND "
                      "answered_at IS NULL", (dispute_id,)).column()


def answer_requests(tx, dispute_id: UUID, now: datetime) -> None:
    tx.execute("UPDATE messages SET answered_at = ? WHERE dispute_id = ? AND is_request "
               "AND answered_at IS NULL", (now, dispute_id))


def of_dispute(tx, dispute_id: UUID) -> list[dict[str, Any]]:
    """The conversation, oldest first, with each author's name."""
    rows = tx.execute("SELECT m.*, u.name AS author_name FROM messages m "
                      "JOIN users u ON u.id = m.author_id WHERE m.dispute_id = ? "
                      "ORDER BY m.sent_at, m.id", (dispute_id,)).dicts()
    return opened_rows(tx.keys, rows, {"author_name": (USER_NAME, "author_id")})


def seen_at(tx, user_id: UUID, dispute_id: UUID) -> datetime | None:
    return tx.execute("SELECT seen_at FROM last_seen WHERE user_id = ? AND dispute_id = ?",
                      (user_id, dispute_id)).scalar()


def mark_seen(tx, user_id: UUID, dispute_id: UUID, now: datetime) -> None:
    tx.execute("INSERT INTO last_seen VALUES (?, ?, ?) ON CONFLICT (user_id, dispute_id) "
               "DO UPDATE SET seen_at = excluded.seen_at", (user_id, dispute_id, now))
