"""Limits on posting (pen test finding 6): one borrower posted 300 messages of 20,000 characters
in 14 s and 1,000 contact entries, and the dispute's bundle could then not be made.

Two limits per kind of post (messages, contact-log entries, internal notes, evidence files),
both checked inside the write that posts, so the check and the count are one step and a refused
post changes nothing:

- a **rate** per user: a token bucket (`burst` posts at once, then `per_hour` an hour), stored
  in `post_buckets`;
- a **cap** per user and dispute over the last 24 hours, counted from the event history.

Text lengths are capped by the forms' models (`dispute.models.PostText`). The numbers are far
above what a person types in a working day; a script hits them at once. The rules are pure
functions of the stored state and `now`; the table access is `dispute.storage.posting`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from dispute import event_kinds as ek
from dispute.errors import UserError
from dispute.i18n import N_
from dispute.storage import posting


class PostKind(StrEnum):
    MESSAGE = "message"
    CONTACT = "contact"
    NOTE = "note"
    EVIDENCE = "evidence"


@dataclass(frozen=True)
class Limit:
    burst: int            # posts allowed at once
    per_hour: int         # the bucket refills at this rate
    per_dispute_day: int  # posts by one user on one dispute in any 24 hours
    event_kinds: tuple[str, ...]


LIMITS: dict[PostKind, Limit] = {
    PostKind.MESSAGE: Limit(20, 60, 60, (ek.MESSAGE_SENT, ek.INFORMATION_REQUESTED)),
    PostKind.CONTACT: Limit(20, 60, 60, (ek.CONTACT_LOGGED,)),
    PostKind.NOTE: Limit(20, 60, 60, (ek.NOTE_ADDED,)),
    # a whole case file (40-odd exhibits) may come at once
    PostKind.EVIDENCE: Limit(60, 120, 100, (ek.EVIDENCE_ATTACHED,)),
}
DAY = timedelta(hours=24)

_WHAT = {PostKind.MESSAGE: N_("messages"), PostKind.CONTACT: N_("contact-log entries"),
         PostKind.NOTE: N_("internal notes"), PostKind.EVIDENCE: N_("evidence files")}
TOO_FAST = N_("You have added many {what} in a short time. You can add {count} more in "
              "{minutes} min.")
DAILY_CAP = N_("At most {cap} {what} by one person on one dispute in 24 hours; the limit is "
               "reached. Try again later (within 24 hours).")


def refill(tokens_milli: int | None, updated_at: datetime | None, now: datetime,
           limit: Limit) -> int:
    """The bucket's tokens (thousandths of a post) at `now`; a new bucket starts full."""
    full = limit.burst * 1000
    if tokens_milli is None or updated_at is None or now < updated_at:
        return full  # new, or the clock was set back (the demo loader dates posts in the past)
    seconds = max(0.0, (now - updated_at).total_seconds())
    return min(full, tokens_milli + int(seconds * limit.per_hour * 1000 / 3600))


def minutes_until(tokens_milli: int, wanted: int, limit: Limit) -> int:
    """Whole minutes (rounded up) until the bucket holds `wanted` posts."""
    missing = wanted * 1000 - tokens_milli
    seconds = missing * 3600 / (limit.per_hour * 1000)
    return max(1, -(-int(seconds) // 60))


def take(uow, kind: PostKind, actor_id: UUID, dispute_id: UUID, now: datetime,
         count: int = 1) -> None:
    """Count `count` posts of `kind` by this user on this dispute, inside the posting write; a
    UserError (and, the write rolling back, no change at all) when a limit is reached."""
    limit = LIMITS[kind]
    row = posting.bucket(uow, actor_id, kind.value)
    tokens = refill(row["tokens_milli"] if row else None, row["updated_at"] if row else None,
                    now, limit)
    if tokens < count * 1000:
        raise UserError(TOO_FAST, what=UserError(_WHAT[kind]), count=count,
                        minutes=minutes_until(tokens, count, limit))
    recent = posting.posts_since(uow, dispute_id, actor_id, limit.event_kinds, now - DAY)
    if recent + count > limit.per_dispute_day:
        raise UserError(DAILY_CAP, cap=limit.per_dispute_day, what=UserError(_WHAT[kind]))
    posting.save_bucket(uow, actor_id, kind.value, tokens - count * 1000, now)
