"""A dispute's history as people read it: its events, oldest first, with who did what. The
borrower's timeline leaves out internal events (notes, unmaskings)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from uuid import UUID

from dispute import event_kinds as ek
from dispute.case_rows import case_for
from dispute.storage import history, users
from dispute.context import Context
from dispute.models import Strict, User
from dispute.vocab import Role



class TimelineEntry(Strict):
    seq: int
    occurred_at: datetime
    kind: str
    actor_name: str | None
    actor_role: Role | None
    payload: dict[str, Any]


def timeline(ctx: Context, actor: User, number: str) -> list[TimelineEntry]:
    row = case_for(ctx, actor, number)
    hidden = sorted(ek.INTERNAL) if actor.role == Role.BORROWER else []
    rows = ctx.db.read(history.of_dispute, row["id"], hidden)
    entries = [TimelineEntry(seq=r["seq"], occurred_at=r["occurred_at"],
                             kind=r["kind"], actor_name=r["actor_name"],
                             actor_role=r["actor_role"], payload=json.loads(r["payload"]))
               for r in rows]
    return with_handler_names(ctx, entries)


def with_handler_names(ctx: Context, entries: list[TimelineEntry]) -> list[TimelineEntry]:
    """Assignments name the handler for display; the stored payload keeps only the id (names
    are sealed personal data, and the event history is not)."""
    ids = {e.payload.get("handler_id") for e in entries if e.kind == ek.ASSIGNED} - {None}
    if not ids:
        return entries
    names = {str(k): v for k, v in ctx.db.read(users.names, _uuids(ids)).items()}
    return [e.model_copy(update={"payload": {**e.payload, "handler_name":
                                             names.get(e.payload.get("handler_id"))}})
            if e.kind == ek.ASSIGNED else e for e in entries]


def _uuids(ids) -> list[UUID]:
    """Ids from event payloads (strings), skipping any that is not a UUID."""
    found = []
    for value in sorted(ids):
        try:
            found.append(UUID(str(value)))
        except ValueError:
            continue
    return found
