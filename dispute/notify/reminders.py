"""Time-based notifications for one day, each at most once: every reminder and every digest
takes a key in `notify_once` (kind, the thing, the day or threshold, the recipient) in the same
transaction as the inbox item and email it writes, so running the day twice — or two workers on
one database — queues nothing twice.

- due_soon (staff and legal): one message a day listing the lender's deadlines due within 3
  days or overdue, to the dispute's handler, or to every staff member while nobody handles it.
- sitting_soon (legal): a hearing or mediation session within 3 days, and again the day before.
- own_limit (borrower): their own limits (re-examination, limitation, appeal) at 30, 7 and 1
  days left, and once when the rulebook's early warning starts (six months before limitation).
- decision_overdue (borrower): the lender's decision deadline passed with no decision; once
  per due date, with what they can do next.
- the daily digest: the items of the kinds a user chose to receive once a day, written before
  that day began, in one email.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from dispute.context import Context
from dispute.i18n import translator
from dispute.notify import compose, links, outbox
from dispute.notify.rules import Notice
from dispute.storage import UnitOfWork
from dispute.storage import notifications as rows
from dispute.storage import reminders as due
from dispute.vocab import Role

SOON_DAYS = 3
LIMIT_THRESHOLDS = (1, 7, 30)


@dataclass
class RemindReport:
    due_soon: int = 0
    sitting_soon: int = 0
    own_limit: int = 0
    decision_overdue: int = 0
    digests: int = 0

    @property
    def total(self) -> int:
        return (self.due_soon + self.sitting_soon + self.own_limit + self.decision_overdue
                + self.digests)


def _once(ctx: Context, key: str, notice: Notice, dispute_id: UUID | None,
          number: str | None) -> int:
    """Write `notice` unless `key` was taken before; 1 when written."""
    def write(uow: UnitOfWork) -> int:
        if not rows.claim_once(uow, key, ctx.now()):
            return 0
        return outbox.notify(uow, ctx.settings, ctx.now(), [notice], dispute_id=dispute_id,
                             number=number, actor_id=None)
    return ctx.db.write(write)


Candidate = tuple[str, Notice, UUID | None, str | None]  # _once's arguments after ctx


def _each_once(ctx: Context, candidates: list[Candidate]) -> int:
    """`_once` for each candidate whose key is not taken yet. The keys taken are read first,
    in one read: most of a day's keys are taken already when the day is run again (a portal
    or worker restarted) and a borrower's early warning keeps its key for months, and a write
    transaction for each of them took 20 s at a million disputes, slowing every click while
    it ran. The write still takes the key itself, so two workers queue nothing twice."""
    taken = ctx.db.read(rows.taken_once, [c[0] for c in candidates]) if candidates else set()
    return sum(_once(ctx, *c) for c in candidates if c[0] not in taken)


def _params(**values: Any) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted(json.loads(json.dumps(values, default=str)).items()))


def _team(ctx: Context, role: Role) -> list[UUID]:
    return ctx.db.read(rows.team, [role.value])


def _due_soon(ctx: Context, as_of: date) -> int:
    per_user: dict[UUID, list[dict[str, Any]]] = {}
    staff = None
    for r in ctx.db.read(due.lender_due_by, as_of + timedelta(days=SOON_DAYS)):
        if r["handler_id"] is not None:
            targets = [r["handler_id"]]
        else:
            staff = staff if staff is not None else _team(ctx, Role.STAFF)
            targets = staff
        item = {"number": r["number"], "label": r["label"], "due_by": r["due_by"].isoformat(),
                "overdue": r["due_by"] < as_of}
        for user_id in targets:
            per_user.setdefault(user_id, []).append(item)
    return _each_once(ctx, [(f"due_soon:{as_of}:{user_id}",
                             Notice(user_id, "due_soon", _params(items=items)), None, None)
                            for user_id, items in per_user.items()])


def _sittings(ctx: Context, as_of: date) -> int:
    candidates: list[Candidate] = []
    legal = None
    for r in ctx.db.read(due.sittings_between, as_of, as_of + timedelta(days=SOON_DAYS)):
        bucket = "1d" if (r["held_on"] - as_of).days <= 1 else "3d"
        handler = ctx.db.read(rows.recipients, [r["handler_id"]]).get(r["handler_id"]) \
            if r["handler_id"] else None
        if handler is not None and handler["role"] == Role.LEGAL.value:
            targets = [handler["id"]]
        else:
            legal = legal if legal is not None else _team(ctx, Role.LEGAL)
            targets = legal
        for user_id in targets:
            candidates.append((f"sitting:{r['sitting_id']}:{r['held_on']}:{bucket}:{user_id}",
                               Notice(user_id, "sitting_soon",
                                      _params(what=r["what"], held_on=r["held_on"])),
                               r["dispute_id"], r["number"]))
    return _each_once(ctx, candidates)


def limit_bucket(due_by: date, warn_from: date | None, as_of: date) -> str | None:
    """Which reminder a borrower's own limit is at on `as_of` (None: none yet). Pure."""
    left = (due_by - as_of).days
    for days in LIMIT_THRESHOLDS:
        if left <= days:
            return f"{days}d"
    if warn_from is not None and as_of >= warn_from:
        return "warn"
    return None


def _own_limits(ctx: Context, as_of: date) -> int:
    candidates: list[Candidate] = []
    for r in ctx.db.read(due.borrower_open, as_of):
        bucket = limit_bucket(r["due_by"], r["warn_from"], as_of)
        if bucket is None:
            continue
        key = f"own_limit:{r['dispute_id']}:{r['rule']}:{r['due_by']}:{bucket}"
        candidates.append((key, Notice(r["borrower_id"], "own_limit", _params(
            rule=r["rule"], label=r["label"], due_by=r["due_by"],
            days_left=(r["due_by"] - as_of).days)), r["dispute_id"], r["number"]))
    return _each_once(ctx, candidates)


def _decisions(ctx: Context, as_of: date) -> int:
    return _each_once(ctx, [(f"decision_overdue:{r['dispute_id']}:{r['due_by']}",
                              Notice(r["borrower_id"], "decision_overdue",
                                     _params(due_by=r["due_by"])), r["dispute_id"], r["number"])
                             for r in ctx.db.read(due.decisions_missed, as_of)])


def digests(ctx: Context, as_of: date) -> int:
    """One email per user with the digest items written before `as_of` began (local time)."""
    settings = ctx.settings
    if not settings.mail_configured:
        return 0
    start = datetime.combine(as_of, time(0), ZoneInfo(settings.timezone))
    waiting: dict[UUID, list[dict[str, Any]]] = {}
    for r in ctx.db.read(rows.awaiting_digest, start):
        waiting.setdefault(r["user_id"], []).append(r)
    done = 0
    for user_id, items in waiting.items():
        def write(uow: UnitOfWork, user_id=user_id, items=items) -> int:
            who = rows.recipients(uow, [user_id]).get(user_id)
            if who is None or who["disabled"] or not rows.claim_once(
                    uow, f"digest:{as_of}:{user_id}", ctx.now()):
                return 0
            lang = outbox.language_of(who)
            shown = [outbox.item_for(settings, who["role"], r["kind"], r["number"],
                                     json.loads(r["params"]), lang) for r in items]
            footer = outbox.footer_for(uow, settings, user_id, [r["kind"] for r in items], lang)
            content = compose.notification_mail(shown, footer, translator(lang),
                                                links.inbox_url(settings.base_url))
            mail_id = outbox.queue_mail(uow, settings, user_id=user_id, to=who["email"],
                                        purpose="digest", content=content, lang=lang,
                                        now=ctx.now())
            rows.set_mail(uow, [r["id"] for r in items], mail_id)
            return 1
        done += ctx.db.write(write)
    return done


def remind(ctx: Context, as_of: date) -> RemindReport:
    """Queue every reminder and digest due on `as_of`; safe to run again the same day."""
    report = RemindReport(due_soon=_due_soon(ctx, as_of), sitting_soon=_sittings(ctx, as_of),
                          own_limit=_own_limits(ctx, as_of),
                          decision_overdue=_decisions(ctx, as_of))
    report.digests = digests(ctx, as_of)
    return report
