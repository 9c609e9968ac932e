"""Single-use links (`account_tokens`): sign-up verification and password reset. Only the
SHA-256 of a token is stored, so the table alone opens nothing."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID


def insert(tx, *, token_sha256: str, user_id: UUID, purpose: str, now: datetime,
           expires_at: datetime) -> None:
    tx.execute("INSERT INTO account_tokens (token_sha256, user_id, purpose, created_at, "
               "expires_at) VALUES (?, ?, ?, ?, ?)",
               (token_sha256, user_id, purpose, now, expires_at))


def get(tx, token_sha256: str, purpose: str) -> dict[str, Any] | None:
    return tx.execute("SELECT * FROM account_tokens WHERE token_sha256 = ? AND purpose = ?",
                      (token_sha256, purpose)).first()


def use(tx, token_sha256: str, now: datetime) -> bool:
    """Spend the token; False when it was already spent (by a parallel request)."""
    return len(tx.execute("UPDATE account_tokens SET used_at = ? WHERE token_sha256 = ? "
                          "AND used_at IS NULL RETURNING token_sha256", (now, token_sha256))) == 1


def spend_all(tx, user_id: UUID, purpose: str, now: datetime) -> None:
    """Every open token of this kind of the account ends (a reset used, a newer link sent)."""
    tx.execute("UPDATE account_tokens SET used_at = ? WHERE user_id = ? AND purpose = ? "
               "AND used_at IS NULL", (now, user_id, purpose))


def latest_open(tx, user_id: UUID, purpose: str, now: datetime) -> datetime | None:
    """When the newest unspent, unexpired token of this kind was made (None: there is none)."""
    return tx.execute("SELECT max(created_at) FROM account_tokens WHERE user_id = ? "
                      "AND purpose = ? AND used_at IS NULL AND expires_at > ?",
                      (user_id, purpose, now)).scalar()
