"""The `notes` table: internal notes by staff and legal."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from dispute.storage.sealing import USER_NAME, opened_rows


def insert(tx, *, note_id: UUID, dispute_id: UUID, author_id: UUID, body: str,
           created_at: datetime) -> None:
    tx.execute("INSERT INTO notes (id, dispute_id, author_id, body, created_at) "
               "VALUES (?, ?, ?, ?, ?)", (note_id, dispute_id, author_id, body, created_at))


def of_dispute(tx, dispute_id: UUID) -> list[dict[str, Any]]:
    """Newest first, with each author's name."""
    rows = tx.execute("SELECT n.id, n.author_id, u.name AS author_name, n.body, n.created_at "
                      "FROM notes n JOIN users u ON u.id = n.author_id WHERE n.dispute_id = ? "
                      "ORDER BY n.created_at DESC", (dispute_id,)).dicts()
    return opened_rows(tx.keys, rows, {"author_name": (USER_NAME, "author_id")},
                       drop=("author_id",))
