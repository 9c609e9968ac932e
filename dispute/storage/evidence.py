"""The `evidence` table: one row per exhibit; the bytes are in the evidence store, by SHA-256."""

from __future__ import annotations

from typing import Any
from uuid import UUID


def count_on(tx, dispute_id: UUID) -> int:
    return tx.execute("SELECT count(*) FROM evidence WHERE dispute_id = ?",
                      (dispute_id,)).scalar()


def insert(tx, **values: Any) -> None:
    """One exhibit row (id, dispute_id, exhibit, kind, original_name, media_type, size, sha256,
    description, recorded_on, uploaded_by, uploaded_at)."""
    columns = list(values)
    tx.execute(f"INSERT INTO evidence ({', '.join(columns)}) "
               f"VALUES ({', '.join('?' for _ in columns)})", list(values.values()))


def of_dispute(tx, dispute_id: UUID) -> list[dict[str, Any]]:
    """Every exhibit of a dispute in exhibit order."""
    return tx.execute("SELECT * FROM evidence WHERE dispute_id = ? ORDER BY uploaded_at, "
                      "length(exhibit), exhibit", (dispute_id,)).dicts()


def sha256_of(tx, dispute_id: UUID, evidence_id: UUID) -> str | None:
    """The object behind an exhibit of this dispute (None when it is another dispute's)."""
    return tx.execute("SELECT sha256 FROM evidence WHERE dispute_id = ? AND id = ?",
                      (dispute_id, evidence_id)).scalar()


def one(tx, dispute_id: UUID, evidence_id: UUID) -> dict[str, Any] | None:
    """One exhibit of this dispute (None when it is another dispute's)."""
    return tx.execute("SELECT * FROM evidence WHERE dispute_id = ? AND id = ?",
                      (dispute_id, evidence_id)).first()


def set_details(tx, evidence_id: UUID, proves: str | None, source: str | None) -> None:
    """What the exhibit proves (证明目的) and where it comes from (证据来源)."""
    tx.execute("UPDATE evidence SET proves = ?, source = ? WHERE id = ?",
               (proves, source, evidence_id))


def is_referenced(tx, sha256: str) -> bool:
    return tx.execute("SELECT 1 FROM evidence WHERE sha256 = ? UNION ALL "
                      "SELECT 1 FROM documents WHERE sha256 = ?",
                      (sha256, sha256)).first() is not None


def referenced_objects(tx) -> set[str]:
    """Every store object some row refers to (a table that starts keeping files adds itself):
    the exhibits and the documents kept on disputes."""
    return set(tx.execute("SELECT sha256 FROM evidence UNION "
                          "SELECT sha256 FROM documents").column())


def correct(tx, evidence_id: UUID, kind: str, description: str, recorded_on) -> None:
    """What the uploader or the team corrected of an exhibit (its bytes never change)."""
    tx.execute("UPDATE evidence SET kind = ?, description = ?, recorded_on = ? WHERE id = ?",
               (kind, description, recorded_on, evidence_id))


def withdraw(tx, evidence_id: UUID, at, reason: str) -> None:
    """Mark an exhibit withdrawn; the row and the stored bytes stay (chain of custody)."""
    tx.execute("UPDATE evidence SET withdrawn_at = ?, withdrawn_reason = ? WHERE id = ?",
               (at, reason, evidence_id))
