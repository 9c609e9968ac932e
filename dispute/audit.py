"""The event history for those who audit it: the chain check (`python -m dispute audit verify`)
and the administrator's filtered, paginated listing, which shows what happened, who did it and
when, but never the contents of a dispute."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dispute import event_kinds as ek
from dispute import events
from dispute.access import require_role
from dispute.context import Context
from dispute.db import Database
from dispute.errors import InvalidInput, UserError
from dispute.i18n import N_
from dispute.models import User
from dispute.vocab import Role


def verify_chain(db: Database) -> tuple[int, events.ChainProblem | None]:
    """(number of events checked, first problem or None). Reads in batches: the chain may be long."""
    head = db.query("SELECT seq, hash FROM chain_head WHERE id = 1").first()
    cur = db.cursor()
    cur.execute("SELECT seq, dispute_id, actor_id, occurred_at, kind, payload, prev_hash, hash "
                "FROM events ORDER BY seq")
    names = [d[0] for d in cur.description]
    count = 0

    def rows():
        nonlocal count
        while batch := cur.fetchmany(10_000):
            for r in batch:
                count += 1
                yield dict(zip(names, r))

    problem = events.verify(rows(), head)
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


def _where(ctx: Context, filters: AuditFilter) -> tuple[list[str], list[Any]]:
    """SQL conditions on `events` alone, so the page query never joins the whole history."""
    conds, params = [], []
    if filters.user.strip():
        email = filters.user.strip().lower()
        found = ctx.db.query("SELECT id FROM users WHERE email = ?", (email,)).scalar()
        conds.append("(actor_id = ? OR (dispute_id IS NULL AND "
                     "(json_extract_string(payload, '$.user') = ? "
                     "OR json_extract_string(payload, '$.email') = ?)))")
        params += [found, str(found) if found else None, email]
    if filters.number.strip():
        dispute_id = ctx.db.query("SELECT id FROM disputes WHERE number = ?",
                                  (filters.number.strip().upper(),)).scalar()
        conds.append("dispute_id = ?")
        params.append(dispute_id)
    if filters.kind:
        conds.append("kind = ?")
        params.append(filters.kind)
    zone = ZoneInfo(ctx.settings.timezone)
    if filters.from_on:
        conds.append("occurred_at >= ?")
        params.append(events.utc_naive(datetime.combine(filters.from_on, time(), zone)))
    if filters.to_on:
        conds.append("occurred_at < ?")
        params.append(events.utc_naive(datetime.combine(filters.to_on + timedelta(days=1),
                                                        time(), zone)))
    return conds, params


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
    conds, params = _where(ctx, filters)
    if before is not None:
        conds.append("seq < ?")
        params.append(before)
    limit = max(1, min(limit, 200))
    where = f"WHERE {' AND '.join(conds)}" if conds else ""
    rows = ctx.db.query(
        f"WITH page AS (SELECT * FROM events {where} ORDER BY seq DESC LIMIT ?) "
        "SELECT page.seq, page.occurred_at, page.kind, page.payload, a.email AS actor_email, "
        "d.number AS dispute_number, s.email AS subject_email FROM page "
        "LEFT JOIN users a ON a.id = page.actor_id "
        "LEFT JOIN disputes d ON d.id = page.dispute_id "
        "LEFT JOIN users s ON page.dispute_id IS NULL "
        "AND s.id = TRY_CAST(json_extract_string(page.payload, '$.user') AS UUID) "
        "ORDER BY page.seq DESC", (*params, limit + 1)).dicts()
    items = [AuditEvent(seq=r["seq"], occurred_at=events.as_utc(r["occurred_at"]),
                        kind=r["kind"], actor_email=r["actor_email"],
                        dispute_number=r["dispute_number"], subject_email=r["subject_email"],
                        details=_details(r["kind"], r["payload"])) for r in rows[:limit]]
    return AuditPage(items, items[-1].seq if len(rows) > limit else None)
