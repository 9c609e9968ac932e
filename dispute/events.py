"""The append-only, hash-chained history (docs/product.md §2).

Each event stores sha256(previous hash + canonical JSON of its own content). Appending updates the
chain head in the same transaction, so a deleted last event is noticed and concurrent appends
conflict instead of forking the chain.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterable
from uuid import UUID

from dispute.notify.rules import Appended
from dispute.storage import UnitOfWork, disputes, history

GENESIS = "0" * 64


def as_utc(stored: datetime | None) -> datetime | None:
    """A time read back from storage, in UTC (storage already returns aware times)."""
    return None if stored is None else stored.replace(tzinfo=timezone.utc)


def canonical(seq: int, dispute_id: UUID | None, actor_id: UUID | None, at: datetime, kind: str,
              payload: str) -> str:
    return json.dumps(
        {"seq": seq, "dispute": str(dispute_id) if dispute_id else None,
         "actor": str(actor_id) if actor_id else None,
         "at": at.replace(tzinfo=None).isoformat(timespec="microseconds"), "kind": kind,
         "payload": payload},
        sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def chain_hash(prev_hash: str, content: str) -> str:
    return hashlib.sha256((prev_hash + content).encode("utf-8")).hexdigest()


def append(uow: UnitOfWork, *, kind: str, at: datetime, actor_id: UUID | None,
           dispute_id: UUID | None = None, payload: dict[str, Any] | None = None) -> int:
    """Add one event inside the caller's transaction; returns its sequence number. The dispute's
    row is locked before the chain head (PostgreSQL): every write locks in that order."""
    if dispute_id is not None:
        disputes.lock(uow, dispute_id)
    head = history.head(uow)
    seq = head["seq"] + 1
    body = json.dumps(payload or {}, sort_keys=True, ensure_ascii=False, default=str)
    when = at.astimezone(timezone.utc)
    digest = chain_hash(head["hash"], canonical(seq, dispute_id, actor_id, when, kind, body))
    history.insert(uow, seq=seq, dispute_id=dispute_id, actor_id=actor_id, at=when, kind=kind,
                   payload=body, prev_hash=head["hash"], digest=digest)
    if dispute_id is not None:
        uow.changed_disputes.add(dispute_id)
        uow.appended.append(Appended(kind, dispute_id, actor_id, payload or {}))
    return seq


@dataclass(frozen=True)
class ChainProblem:
    seq: int | None
    reason: str


def verify(rows: Iterable[dict[str, Any]], head: dict[str, Any]) -> ChainProblem | None:
    """The first break in the chain, or None. Pure: rows in `seq` order plus the head row."""
    prev_hash, expected_seq = GENESIS, 1
    for row in rows:
        if row["seq"] != expected_seq:
            return ChainProblem(row["seq"], f"expected event {expected_seq} here, found "
                                            f"{row['seq']} (an event was deleted or inserted)")
        if row["prev_hash"] != prev_hash:
            return ChainProblem(row["seq"], "its link to the previous event does not match "
                                            "(events were reordered, deleted or inserted)")
        content = canonical(row["seq"], row["dispute_id"], row["actor_id"], row["occurred_at"],
                            row["kind"], row["payload"])
        if chain_hash(prev_hash, content) != row["hash"]:
            return ChainProblem(row["seq"], "its content does not match its hash (modified)")
        prev_hash, expected_seq = row["hash"], expected_seq + 1
    if head["seq"] != expected_seq - 1 or head["hash"] != prev_hash:
        return ChainProblem(head["seq"], "the chain ends before its recorded head "
                                         "(the last events were deleted)")
    return None
