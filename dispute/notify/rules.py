"""Which events notify whom (pure). The person who did the thing is never told about it.

The borrower hears of messages, requests for information, offers, stage changes and the
closing of their dispute; the handler hears of the borrower's replies, uploads and answers on a
dispute assigned to them and of a dispute assigned to them; the whole team (staff and legal)
hears of a new dispute in the queue. Time-based kinds come from dispute/notify/reminders.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping
from uuid import UUID

from dispute import event_kinds as ek


@dataclass(frozen=True)
class Appended:
    """An event as the outbox sees it (what dispute.events.append recorded on the unit of
    work)."""

    kind: str
    dispute_id: UUID | None
    actor_id: UUID | None
    payload: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Notice:
    user_id: UUID
    kind: str
    params: tuple[tuple[str, Any], ...] = ()

    @property
    def key(self) -> tuple[UUID, str]:
        return self.user_id, self.kind


def _borrower_kind(event: Appended) -> tuple[str, dict[str, Any]] | None:
    p = event.payload
    if event.kind == ek.INFORMATION_REQUESTED:
        return "request", {}
    if event.kind == ek.MESSAGE_SENT and p.get("author_role") != "borrower":
        return "message", {}
    if event.kind == ek.OFFER_MADE:
        return "offer", {}
    if event.kind == ek.STAGE_ADVANCED:
        return "stage", {"from": p.get("from"), "to": p.get("to")}
    if event.kind == ek.DISPUTE_REOPENED:
        return "stage", {"to": p.get("to"), "reopened": True}
    if event.kind == ek.DISPUTE_CLOSED:
        return "closed", {"resolution": p.get("resolution")}
    if event.kind == ek.DISPUTE_WITHDRAWN:
        return "closed", {"resolution": "withdrawn"}
    return None


def _handler_kind(event: Appended, borrower_id: UUID) -> tuple[str, dict[str, Any]] | None:
    if event.actor_id != borrower_id:
        return None
    if event.kind == ek.MESSAGE_SENT:
        return "reply", {"what": "message"}
    if event.kind == ek.EVIDENCE_ATTACHED:
        return "reply", {"what": "evidence"}
    if event.kind == ek.OFFER_ANSWERED:
        return "reply", {"what": "offer", "answer": event.payload.get("answer")}
    if event.kind == ek.DISPUTE_WITHDRAWN:
        return "reply", {"what": "withdrawn"}
    return None


def notices(events: Iterable[Appended], dispute: Mapping[str, Any],
            team: Iterable[UUID] = ()) -> list[Notice]:
    """The notices one transaction's events on one dispute cause, one per recipient and kind
    (several uploads in one go are one notice). `dispute` is its row after the change
    (borrower_id, handler_id); `team` the active staff and legal, told of a new dispute."""
    found: dict[tuple[UUID, str], Notice] = {}
    team = list(team)

    def add(user_id: UUID | None, kind: str, params: dict[str, Any], actor_id) -> None:
        if user_id is None or user_id == actor_id:
            return
        found.setdefault((user_id, kind), Notice(user_id, kind, tuple(sorted(params.items()))))

    borrower, handler = dispute["borrower_id"], dispute.get("handler_id")
    for event in events:
        if event.kind == ek.DISPUTE_FILED:
            for member in team:
                add(member, "new_dispute", {}, event.actor_id)
            continue
        if event.kind == ek.ASSIGNED:
            target = event.payload.get("handler_id")
            add(UUID(target) if target else None, "assigned", {}, event.actor_id)
            continue
        mine = _borrower_kind(event)
        if mine is not None:
            add(borrower, mine[0], mine[1], event.actor_id)
        theirs = _handler_kind(event, borrower)
        if theirs is not None:
            add(handler, theirs[0], theirs[1], event.actor_id)
    return list(found.values())
