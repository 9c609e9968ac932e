"""The `erasure_requests` table and the rows an erasure removes or blanks."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from dispute.storage.sealing import erased_email

_CLOSING = ("DisputeClosed", "DisputeWithdrawn")


def disputes_of(tx, user_id: UUID) -> list[dict[str, Any]]:
    """The borrower's disputes: number, stage, and when a closed one was closed (its last
    closing or withdrawal event)."""
    return tx.execute(
        "SELECT d.id, d.number, d.stage, (SELECT max(e.occurred_at) FROM events e "
        "WHERE e.dispute_id = d.id AND e.kind IN (?, ?)) AS closed_at FROM disputes d "
        "WHERE d.borrower_id = ? ORDER BY d.filed_at, d.number",
        (*_CLOSING, user_id)).dicts()


def request_of(tx, user_id: UUID) -> dict[str, Any] | None:
    return tx.execute("SELECT * FROM erasure_requests WHERE user_id = ?", (user_id,)).first()


def record_request(tx, user_id: UUID, at: datetime) -> None:
    tx.execute("INSERT INTO erasure_requests (user_id, requested_at) VALUES (?, ?) "
               "ON CONFLICT (user_id) DO NOTHING", (user_id, at))


def waiting(tx) -> list[UUID]:
    """Accounts whose request is not carried out yet."""
    return tx.execute("SELECT user_id FROM erasure_requests WHERE erased_at IS NULL "
                      "ORDER BY requested_at").column()


def files_of(tx, user_id: UUID) -> set[str]:
    """Store objects of the borrower's disputes: their evidence and the documents made on them."""
    return set(tx.execute(
        "SELECT sha256 FROM evidence WHERE dispute_id IN (SELECT id FROM disputes WHERE "
        "borrower_id = ?) UNION SELECT sha256 FROM documents WHERE dispute_id IN "
        "(SELECT id FROM disputes WHERE borrower_id = ?)", (user_id, user_id)).column())


def erase_rows(tx, user_id: UUID, at: datetime) -> None:
    """Remove the rows pointing at the borrower's files, put a placeholder in place of the
    (sealed) email and drop the blind indexes, which would still match a typed address or name;
    the sealed fields stay, unreadable once the person's key is destroyed. Event rows are not
    touched. Safe to run again."""
    mine = "(SELECT id FROM disputes WHERE borrower_id = ?)"
    tx.execute(f"DELETE FROM evidence WHERE dispute_id IN {mine}", (user_id,))
    tx.execute(f"DELETE FROM documents WHERE dispute_id IN {mine}", (user_id,))
    tx.execute("UPDATE users SET email = ?, email_idx = NULL, phone = NULL, name_idx = NULL, "
               "password_hash = '!', disabled = true WHERE id = ?", (erased_email(user_id), user_id))
    tx.execute("INSERT INTO erasure_requests (user_id, requested_at, erased_at) VALUES (?, ?, ?) "
               "ON CONFLICT (user_id) DO UPDATE SET erased_at = coalesce("
               "erasure_requests.erased_at, excluded.erased_at)", (user_id, at, at))


def is_referenced_elsewhere(tx, sha256: str) -> bool:
    return tx.execute("SELECT 1 FROM evidence WHERE sha256 = ? UNION ALL "
                      "SELECT 1 FROM documents WHERE sha256 = ?", (sha256, sha256)
                      ).first() is not None
