"""The administrator's view of the history: a filtered page of events, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from dispute.storage.sealing import open_email


@dataclass(frozen=True)
class Where:
    """What the page is narrowed to; None means any."""

    email: str | None = None        # events by or about this account, failed logins with it
    user_id: UUID | None = None     # the account with that email, if any
    dispute_id: UUID | None = None
    by_dispute: bool = False        # a dispute number was given (None: no such dispute)
    kind: str | None = None
    start: datetime | None = None   # UTC, included
    end: datetime | None = None     # UTC, excluded


def json_field(backend: str, column: str, key: str) -> str:
    """A top-level text field of a JSON payload column, in each backend's words."""
    if backend == "postgresql":
        return f"(CAST({column} AS jsonb) ->> '{key}')"
    return f"json_extract_string({column}, '$.{key}')"


def _as_uuid(backend: str, text: str) -> str:
    """`text` as a UUID, NULL when it is not one (no row matches it then)."""
    if backend == "postgresql":
        return (f"(CASE WHEN {text} ~ '^[0-9a-fA-F-]{{32,36}}$' THEN CAST({text} AS UUID) "
                "END)")
    return f"TRY_CAST({text} AS UUID)"


def _conditions(w: Where, backend: str = "duckdb") -> tuple[list[str], list[Any]]:
    """Conditions on `events` alone, so the page query never joins the whole history."""
    conds, params = [], []
    if w.email is not None:
        conds.append(f"(actor_id = ? OR (dispute_id IS NULL AND "
                     f"({json_field(backend, 'payload', 'user')} = ? "
                     f"OR {json_field(backend, 'payload', 'email')} = ?)))")
        params += [w.user_id, str(w.user_id) if w.user_id else None, w.email]
    if w.by_dispute:
        conds.append("dispute_id = ?")
        params.append(w.dispute_id)
    if w.kind:
        conds.append("kind = ?")
        params.append(w.kind)
    if w.start:
        conds.append("occurred_at >= ?")
        params.append(w.start)
    if w.end:
        conds.append("occurred_at < ?")
        params.append(w.end)
    return conds, params


def page(tx, w: Where, before: int | None, limit: int) -> list[dict[str, Any]]:
    """Up to `limit + 1` events older than `before` (keyset on `seq`, the primary key, so a page
    costs the same at the end of a long history as at its start), with the actor's email, the
    dispute's number and, for account events, the email of the account they are about."""
    conds, params = _conditions(w, tx.backend)
    user = _as_uuid(tx.backend, json_field(tx.backend, "page.payload", "user"))
    if before is not None:
        conds.append("seq < ?")
        params.append(before)
    where = f"WHERE {' AND '.join(conds)}" if conds else ""
    rows = tx.execute(
        f"WITH page AS (SELECT * FROM events {where} ORDER BY seq DESC LIMIT ?) "
        "SELECT page.seq, page.occurred_at, page.kind, page.payload, a.email AS actor_email, "
        "a.id AS actor_uid, d.number AS dispute_number, s.email AS subject_email, "
        "s.id AS subject_uid FROM page "
        "LEFT JOIN users a ON a.id = page.actor_id "
        "LEFT JOIN disputes d ON d.id = page.dispute_id "
        "LEFT JOIN users s ON page.dispute_id IS NULL "
        f"AND s.id = {user} "
        "ORDER BY page.seq DESC", (*params, limit + 1)).dicts()
    for r in rows:  # the emails are sealed (dispute/storage/sealing.py)
        for who in ("actor", "subject"):
            uid = r.pop(f"{who}_uid")
            if uid is not None:
                r[f"{who}_email"] = open_email(tx.keys, r[f"{who}_email"], uid)
    return rows


def count(tx, w: Where) -> int:
    """How many events match (the total shown above the pages)."""
    conds, params = _conditions(w)
    where = f"WHERE {' AND '.join(conds)}" if conds else ""
    return tx.execute(f"SELECT count(*) FROM events {where}", params).scalar()
