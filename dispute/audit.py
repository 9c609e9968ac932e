"""The event history for those who audit it: the chain check (`python -m dispute audit verify`)
and the administrator's filtered, paginated listing, which shows what happened, who did it and
when, but never the contents of a dispute."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from dispute import event_kinds as ek
from dispute import events
from dispute.access import require_role
from dispute.context import Context
from dispute import local_days
from dispute.case_rows import clean_number
from dispute.storage import Database, audit_log, disputes, history, users
from dispute.errors import InvalidInput, UserError
from dispute.i18n import N_
from dispute.models import User
from dispute.vocab import Role


def verify_chain(db: Database) -> tuple[int, events.ChainProblem | None]:
    """(number of events checked, first problem or None). Reads in batches: the chain may be
    long."""
    count = 0

    def check(tx) -> events.ChainProblem | None:
        def counted():
            nonlocal count
            for row in history.every_event(tx):
                count += 1
                yield row
        return events.verify(counted(), history.head(tx))

    problem = db.read(check)
    return count, problem


# The administrator's listing ---------------------------------------------------------------

PAGE_SIZE = 50
_SECRET_WORDS = ("password", "hash", "secret", "token", "key")


@dataclass(frozen=True)
class AuditFilter:
    """What the administrator narrows the history to; empty means any."""

    user: str = ""            # an email: events by or about that account, failed logins with it
    number: str = ""          # a dispute number
    kind: str = ""            # one of event_kinds.ALL_KINDS
    from_on: date | None = None  # dates in the organisation's time zone, both included
    to_on: date | None = None


@dataclass(frozen=True)
class AuditEvent:
    seq: int
    occurred_at: datetime
    kind: str
    actor_email: str | None
    dispute_number: str | None
    subject_email: str | None        # the account an account event is about
    details: dict[str, Any] | None   # account events only: a dispute event's payload is content


@dataclass(frozen=True)
class AuditPage:
    items: list[AuditEvent]
    older: int | None  # pass as `before` for the next (older) page; None on the last page


def _check(filters: AuditFilter) -> None:
    problems = {}
    if filters.kind and filters.kind not in ek.ALL_KINDS:
        problems["kind"] = UserError(N_("Choose one of the listed options."))
    if filters.from_on and filters.to_on and filters.from_on > filters.to_on:
        problems["to_on"] = UserError(N_("The end date is before the start date."))
    if problems:
        raise InvalidInput(problems)


def _where(ctx: Context, filters: AuditFilter) -> audit_log.Where:
    """The filters as storage takes them: ids looked up, local dates as UTC instants."""
    email = filters.user.strip().lower()
    number = filters.number.strip()
    start, end = local_days.days_between(filters.from_on, filters.to_on, ctx.settings.timezone)
    return audit_log.Where(
        email=email or None,
        user_id=ctx.db.read(users.id_by_email, email) if email else None,
        dispute_id=ctx.db.read(disputes.id_by_number, clean_number(number)) if number else None,
        by_dispute=bool(number), kind=filters.kind or None, start=start, end=end)


def _details(kind: str, payload: str) -> dict[str, Any] | None:
    if kind not in ek.ACCOUNT_KINDS:
        return None
    return {k: v for k, v in json.loads(payload).items()
            if k != "user" and not any(w in k.lower() for w in _SECRET_WORDS)}


def list_events(ctx: Context, actor: User, filters: AuditFilter = AuditFilter(), *,
                before: int | None = None, limit: int = PAGE_SIZE) -> AuditPage:
    """The newest events matching `filters`, older than event `before` (keyset on `seq`, the
    primary key, so a page costs the same at the end of a long history as at its start)."""
    require_role(actor, Role.ADMIN)
    _check(filters)
    limit = max(1, min(limit, 200))
    rows = ctx.db.read(audit_log.page, _where(ctx, filters), before, limit)
    items = [AuditEvent(seq=r["seq"], occurred_at=r["occurred_at"],
                        kind=r["kind"], actor_email=r["actor_email"],
                        dispute_number=r["dispute_number"], subject_email=r["subject_email"],
                        details=_details(r["kind"], r["payload"])) for r in rows[:limit]]
    return AuditPage(items, items[-1].seq if len(rows) > limit else None)


EXPORT_LIMIT = 100_000  # the most events one CSV holds (narrow the filters for more)


def count_events(ctx: Context, actor: User, filters: AuditFilter = AuditFilter()) -> int:
    """How many events match `filters`."""
    require_role(actor, Role.ADMIN)
    _check(filters)
    return ctx.db.read(audit_log.count, _where(ctx, filters))


def export_events(ctx: Context, actor: User, filters: AuditFilter = AuditFilter(), *,
                  limit: int = EXPORT_LIMIT) -> list[AuditEvent]:
    """Every event matching `filters`, newest first, at most `limit` (for the CSV export): the
    same rows, and the same withholding of dispute contents, as the pages of `list_events`."""
    found: list[AuditEvent] = []
    before = None
    while len(found) < limit:
        page = list_events(ctx, actor, filters, before=before, limit=min(200, limit - len(found)))
        found += page.items
        if page.older is None:
            break
        before = page.older
    return found
