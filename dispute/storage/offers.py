"""The `offers` table: terms proposed to the borrower and their answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from dispute.storage.sealing import USER_NAME, opened_rows


def insert(tx, *, offer_id: UUID, dispute_id: UUID, made_by: UUID, made_at: datetime,
           terms: dict[str, Any]) -> None:
    """A proposed offer; `terms` has currency, refund_minor, credit_correction, instalments,
    instalment_minor, deferral_to, note and expires_on."""
    tx.execute("INSERT INTO offers (id, dispute_id, made_by, made_at, currency, refund_minor, "
               "credit_correction, instalments, instalment_minor, deferral_to, note, expires_on, "
               "status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'proposed')",
               (offer_id, dispute_id, made_by, made_at, terms["currency"], terms["refund_minor"],
                terms["credit_correction"], terms["instalments"], terms["instalment_minor"],
                terms["deferral_to"], terms["note"], terms["expires_on"]))


def status_of(tx, dispute_id: UUID, offer_id: UUID) -> dict[str, Any] | None:
    return tx.execute("SELECT status, expires_on FROM offers WHERE id = ? AND dispute_id = ?",
                      (offer_id, dispute_id)).first()


def answer(tx, offer_id: UUID, status: str, answered_by: UUID, answered_at: datetime,
           note: str) -> None:
    tx.execute("UPDATE offers SET status = ?, answered_by = ?, answered_at = ?, answer_note = ? "
               "WHERE id = ?", (status, answered_by, answered_at, note, offer_id))


def of_dispute(tx, dispute_id: UUID) -> list[dict[str, Any]]:
    """Newest first, with the name of who made each."""
    rows = tx.execute("SELECT o.*, u.name AS made_by_name FROM offers o JOIN users u "
                      "ON u.id = o.made_by WHERE o.dispute_id = ? ORDER BY o.made_at DESC",
                      (dispute_id,)).dicts()
    return opened_rows(tx.keys, rows, {"made_by_name": (USER_NAME, "made_by")})
