"""The `contact_log` table: each dealing with the lender."""

from __future__ import annotations

from typing import Any
from uuid import UUID

_COLUMNS = ("id", "dispute_id", "contacted_at", "channel", "agent_name", "agent_position",
            "summary", "agreement", "follow_up_on", "evidence_ids", "logged_by", "logged_at")


def insert(tx, **values: Any) -> None:
    tx.execute(f"INSERT INTO contact_log ({', '.join(_COLUMNS)}) "
               f"VALUES ({', '.join('?' for _ in _COLUMNS)})", [values[c] for c in _COLUMNS])


def of_dispute(tx, dispute_id: UUID) -> list[dict[str, Any]]:
    return tx.execute("SELECT * FROM contact_log WHERE dispute_id = ? ORDER BY contacted_at",
                      (dispute_id,)).dicts()


def evidence_ids(tx, dispute_id: UUID) -> set[UUID]:
    """The exhibits an entry may link: those of the same dispute."""
    return set(tx.execute("SELECT id FROM evidence WHERE dispute_id = ?",
                          (dispute_id,)).column())
