"""The `data_keys` table: which data keys (by id) have sealed anything here."""

from __future__ import annotations

from datetime import datetime


def recorded(tx) -> list[str]:
    """Key ids in the order they were first used."""
    return tx.execute("SELECT id FROM data_keys ORDER BY first_used_at, id").column()


def record(tx, key_id: str, first_used_at: datetime) -> None:
    tx.execute("INSERT INTO data_keys VALUES (?, ?)", (key_id, first_used_at))


def forget(tx, key_id: str) -> None:
    """A key nothing is sealed under any more (dropped from the keyring)."""
    tx.execute("DELETE FROM data_keys WHERE id = ?", (key_id,))
