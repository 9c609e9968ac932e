"""The email outbox (`mails`): one row per message, its content sealed, its delivery state.

A sender claims a row ('pending' → 'sending', with the time) in its own committed write before
it talks to the mail server, so a row in 'sending' has perhaps been delivered and is never handed
over again automatically (see dispute/notify/sender.py)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from uuid import UUID

from dispute.storage.sealing import ERASED, Field, open_text, seal_text

# Sealed under the recipient's own key (erasing the person erases their unsent mail too), or the
# outbox's own key for a message to no account (`notify test`).
PAYLOAD = Field("mails", "payload", "user_id")
_NO_ACCOUNT = UUID(int=0)  # the owner of mail to no account: never a person, never erased


def insert(tx, *, mail_id: UUID, user_id: UUID | None, purpose: str, message_id: str,
           content: dict[str, str], now: datetime) -> None:
    """A new pending message; `content` (to, subject, text, html) is sealed."""
    tx.execute("INSERT INTO mails (id, user_id, purpose, message_id, payload, state, attempts, "
               "next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?)",
               (mail_id, user_id, purpose, message_id,
                seal_text(tx.keys, json.dumps(content, ensure_ascii=False), PAYLOAD, mail_id,
                          user_id or _NO_ACCOUNT), now, now))


def _open(tx, row: dict[str, Any] | None) -> dict[str, Any] | None:
    if row is not None:
        text = open_text(tx.keys, row.pop("payload"), PAYLOAD, row["id"],
                         row.get("user_id") or _NO_ACCOUNT)
        row["content"] = None if text == ERASED else json.loads(text)
    return row


def next_due(tx, now: datetime, after: list[UUID]) -> dict[str, Any] | None:
    """The oldest pending message due by `now`, leaving out `after` (already tried this run)."""
    skip = (f" AND id NOT IN ({', '.join('?' for _ in after)})" if after else "")
    return tx.execute("SELECT id FROM mails WHERE state = 'pending' AND next_attempt_at <= ?"
                      f"{skip} ORDER BY created_at, id LIMIT 1", (now, *after)).first()


def claim(tx, mail_id: UUID, now: datetime) -> dict[str, Any] | None:
    """Take a pending message for sending (None: another sender took it first)."""
    taken = tx.execute("UPDATE mails SET state = 'sending', claimed_at = ?, "
                       "attempts = attempts + 1 WHERE id = ? AND state = 'pending' "
                       "RETURNING id", (now, mail_id))
    if not len(taken):
        return None
    return _open(tx, tx.execute("SELECT * FROM mails WHERE id = ?", (mail_id,)).first())


def sent(tx, mail_id: UUID, now: datetime) -> None:
    tx.execute("UPDATE mails SET state = 'sent', sent_at = ?, last_error = NULL WHERE id = ?",
               (now, mail_id))


def failed_attempt(tx, mail_id: UUID, error: str, retry_at: datetime | None) -> None:
    """Back to 'pending' until `retry_at`, or 'failed' for good when None."""
    if retry_at is None:
        tx.execute("UPDATE mails SET state = 'failed', last_error = ? WHERE id = ?",
                   (error, mail_id))
    else:
        tx.execute("UPDATE mails SET state = 'pending', last_error = ?, next_attempt_at = ? "
                   "WHERE id = ?", (error, retry_at, mail_id))


def settle_stale_claims(tx, claimed_before: datetime, note: str) -> int:
    """Messages left in 'sending' by a sender that stopped (claimed before `claimed_before`):
    perhaps delivered, so 'uncertain', never resent automatically. Returns how many."""
    return len(tx.execute("UPDATE mails SET state = 'uncertain', last_error = ? "
                          "WHERE state = 'sending' AND claimed_at < ? RETURNING id",
                          (note, claimed_before)))


def release_uncertain(tx, now: datetime) -> int:
    """An operator's decision to send the uncertain ones again (same Message-ID)."""
    return len(tx.execute("UPDATE mails SET state = 'pending', next_attempt_at = ? "
                          "WHERE state = 'uncertain' RETURNING id", (now,)))


def by_id(tx, mail_id: UUID) -> dict[str, Any] | None:
    return _open(tx, tx.execute("SELECT * FROM mails WHERE id = ?", (mail_id,)).first())


def counts(tx) -> dict[str, int]:
    return {r["state"]: r["n"] for r in tx.execute(
        "SELECT state, count(*) AS n FROM mails GROUP BY state")}
