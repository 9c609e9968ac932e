"""Two-factor sign-in at rest: the TOTP secret (sealed) and last accepted time step on `users`,
and the hashed recovery codes in `recovery_codes`."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any
from uuid import UUID

from dispute.storage.sealing import Field, open_text, seal_text

TOTP_SECRET = Field("users", "totp_secret", "id")  # sealed under the user's own key, bound to the row


def state(tx, user_id: UUID) -> dict[str, Any] | None:
    """The user's secret (opened; None when not enrolled) and last accepted step."""
    row = tx.execute("SELECT totp_secret, totp_last_step, totp_enrolled_at FROM users "
                     "WHERE id = ?", (user_id,)).first()
    if row is None:
        return None
    row["totp_secret"] = open_text(tx.keys, row["totp_secret"], TOTP_SECRET, user_id, user_id)
    return row


def enrol(tx, user_id: UUID, secret: str, step: int, now: datetime,
          code_hashes: list[str]) -> None:
    """Store a confirmed secret (the step of the code that confirmed it counts as used) and
    replace the recovery codes."""
    tx.execute("UPDATE users SET totp_secret = ?, totp_last_step = ?, totp_enrolled_at = ? "
               "WHERE id = ?", (seal_text(tx.keys, secret, TOTP_SECRET, user_id, user_id), step, now, user_id))
    replace_codes(tx, user_id, code_hashes)


def replace_codes(tx, user_id: UUID, code_hashes: list[str]) -> None:
    """The user's recovery codes become these (hashes); every earlier one is gone."""
    tx.execute("DELETE FROM recovery_codes WHERE user_id = ?", (user_id,))
    tx.executemany("INSERT INTO recovery_codes (id, user_id, code_hash, used_at) "
                   "VALUES (?, ?, ?, NULL)",
                   [(uuid.uuid4(), user_id, h) for h in code_hashes])


def clear(tx, user_id: UUID) -> None:
    """Forget the second factor: secret, last step and recovery codes."""
    tx.execute("UPDATE users SET totp_secret = NULL, totp_last_step = NULL, "
               "totp_enrolled_at = NULL WHERE id = ?", (user_id,))
    tx.execute("DELETE FROM recovery_codes WHERE user_id = ?", (user_id,))


def use_step(tx, user_id: UUID, step: int) -> None:
    tx.execute("UPDATE users SET totp_last_step = ? WHERE id = ?", (step, user_id))


def unused_codes(tx, user_id: UUID) -> list[dict[str, Any]]:
    return tx.execute("SELECT id, code_hash FROM recovery_codes WHERE user_id = ? AND "
                      "used_at IS NULL", (user_id,)).dicts()


def use_code(tx, code_id: UUID, now: datetime) -> None:
    tx.execute("UPDATE recovery_codes SET used_at = ? WHERE id = ?", (now, code_id))


def codes_left(tx, user_id: UUID) -> int:
    return tx.execute("SELECT count(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NULL",
                      (user_id,)).scalar()
