"""A dispute's history as people read it: its events, oldest first, with who did what. The
borrower's timeline leaves out internal events (notes, unmaskings)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from dispute import event_kinds as ek
from dispute import events
from dispute.access import check_case_access
from dispute.case_rows import DISPUTE_SQL
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
    row = check_case_access(actor, ctx.db.query(DISPUTE_SQL, (number.strip().upper(),)).first(),
                            number)
    hidden = sorted(ek.INTERNAL) if actor.role == Role.BORROWER else [""]
    rows = ctx.db.query(
        "SELECT e.seq, e.occurred_at, e.kind, e.payload, reveal_name(u.name) AS actor_name, "
        "u.role AS actor_role FROM events e LEFT JOIN users u ON u.id = e.actor_id "
        "WHERE e.dispute_id = ? AND NOT list_contains(?, e.kind) ORDER BY e.seq",
        (row["id"], hidden))
    entries = [TimelineEntry(seq=r["seq"], occurred_at=events.as_utc(r["occurred_at"]),
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
    names = {str(r["id"]): r["name"] for r in ctx.db.query(
        "SELECT id, reveal_name(name) AS name FROM users WHERE list_contains(?, id::VARCHAR)",
        (sorted(ids),))}
    return [e.model_copy(update={"payload": {**e.payload, "handler_name":
                                             names.get(e.payload.get("handler_id"))}})
            if e.kind == ek.ASSIGNED else e for e in entries]
