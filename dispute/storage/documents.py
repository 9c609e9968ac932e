"""The `documents` table: the documents made on a dispute (issue 13); the bytes are objects of
the evidence store, by SHA-256 (`evidence.referenced_objects` keeps them from the sweep)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from dispute.storage.sealing import USER_NAME, opened_rows


_ROW_PLACE = {"duckdb": "rowid", "postgresql": "ctid"}


def insert(tx, **values: Any) -> None:
    """One kept document (id, dispute_id, kind, lang, format, sha256, size, made_by, made_at)."""
    columns = list(values)
    tx.execute(f"INSERT INTO documents ({', '.join(columns)}) "
               f"VALUES ({', '.join('?' for _ in columns)})", list(values.values()))


def of_dispute(tx, dispute_id: UUID) -> list[dict[str, Any]]:
    """Newest first, with the maker's name; documents made at the same instant, the last made
    first (the row's place in the table: `documents` rows are only ever appended)."""
    rows = tx.execute("SELECT d.*, u.name AS made_by_name FROM documents d "
                      "LEFT JOIN users u ON u.id = d.made_by WHERE d.dispute_id = ? "
                      f"ORDER BY d.made_at DESC, d.{_ROW_PLACE[tx.backend]} DESC",
                      (dispute_id,)).dicts()
    return opened_rows(tx.keys, rows, {"made_by_name": (USER_NAME, "made_by")})


def one(tx, dispute_id: UUID, document_id: UUID) -> dict[str, Any] | None:
    """One kept document of this dispute (None when it is another dispute's)."""
    return tx.execute("SELECT * FROM documents WHERE dispute_id = ? AND id = ?",
                      (dispute_id, document_id)).first()
