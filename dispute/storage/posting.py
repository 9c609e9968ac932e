"""Posting limits at rest: the `post_buckets` token buckets, and counts of a user's posts on a
dispute read from the event history (every post is an event with its actor and time)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable
from uuid import UUID


def bucket(tx, user_id: UUID, kind: str) -> dict[str, Any] | None:
    return tx.execute("SELECT tokens_milli, updated_at FROM post_buckets WHERE user_id = ? AND "
                      "kind = ?", (user_id, kind)).first()


def save_bucket(tx, user_id: UUID, kind: str, tokens_milli: int, now: datetime) -> None:
    tx.execute("INSERT INTO post_buckets VALUES (?, ?, ?, ?) ON CONFLICT (user_id, kind) DO "
               "UPDATE SET tokens_milli = excluded.tokens_milli, "
               "updated_at = excluded.updated_at", (user_id, kind, tokens_milli, now))


def posts_since(tx, dispute_id: UUID, actor_id: UUID, kinds: Iterable[str],
                since: datetime) -> int:
    """How many events of `kinds` this actor appended on this dispute since `since`."""
    kinds = list(kinds)
    marks = ", ".join("?" for _ in kinds)
    return tx.execute(f"SELECT count(*) FROM events WHERE dispute_id = ? AND actor_id = ? AND "
                      f"occurred_at >= ? AND kind IN ({marks})",
                      (dispute_id, actor_id, since, *kinds)).scalar()
