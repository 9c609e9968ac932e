"""The `login_throttle` table: failed-login counts per email, keyed by a hash of the email."""

from __future__ import annotations

from datetime import datetime
from typing import Any


def load(tx, email_sha256: str) -> dict[str, Any] | None:
    """The row of this email. Inside a write on PostgreSQL, attempts on one email take turns to
    the commit (a transaction-level lock on the email's hash: the row may not exist yet, so there
    is no row to lock), so parallel guesses from several processes are each counted."""
    if tx.locks:
        tx.execute("SELECT pg_advisory_xact_lock(7263525, hashtext(?))", (email_sha256,))
    return tx.execute("SELECT failures, locked_until, updated_at FROM login_throttle "
                      "WHERE email_sha256 = ?", (email_sha256,)).first()


def save(tx, email_sha256: str, failures: int, locked_until: datetime | None, now: datetime,
         forget_before: datetime) -> None:
    """Store the count, and forget counts nobody has touched since `forget_before`."""
    tx.execute("INSERT INTO login_throttle VALUES (?, ?, ?, ?) ON CONFLICT (email_sha256) "
               "DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until, "
               "updated_at = excluded.updated_at", (email_sha256, failures, locked_until, now))
    tx.execute("DELETE FROM login_throttle WHERE updated_at < ?", (forget_before,))


def clear(tx, email_sha256: str) -> None:
    tx.execute("DELETE FROM login_throttle WHERE email_sha256 = ?", (email_sha256,))
