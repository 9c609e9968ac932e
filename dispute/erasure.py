"""Erasure with a retention hold (PIPL art. 47): a borrower asks to delete their account.

A dispute of theirs that is open, in litigation, or closed less than DISPUTE_RETENTION_YEARS ago
holds the request: it is recorded, and the borrower is told which disputes hold it and until
when (an open dispute holds it until it closes, then for the retention period). When nothing
holds it — at once, or later by `python -m dispute erasure run` or at the next start — their
personal data is erased by destroying the key it is sealed with (dispute/person_keys.py): their
name, phone number and account numbers, wherever they are (rows, event payloads, old database
pages, backups), can no longer be opened. No event row is rewritten, so the hash chain still
verifies. Their evidence files and the documents made on their disputes are deleted from the
store, and the email they signed in with is replaced, so the account cannot sign in.

The erasure is written to the ledger outside the data directory first (dispute/erasure_ledger.py);
every start erases again whoever the ledger lists, so restoring an older backup does not bring
an erased person back.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID
from zoneinfo import ZoneInfo

from dispute import erasure_ledger
from dispute import event_kinds as ek
from dispute import events
from dispute.access import require_role
from dispute.context import Context
from dispute.i18n import N_
from dispute.models import Strict, User
from dispute.storage import erasure as rows
from dispute.storage import users
from dispute.vocab import Role, Stage

REASONS = {
    "open": N_("still open"),
    "litigation": N_("in litigation"),
    "retention": N_("kept for the retention period after closing"),
}


class Hold(Strict):
    number: str
    reason: str          # a key of REASONS
    until: date | None   # None: until the dispute closes (and then the retention period)


class ErasureStatus(Strict):
    requested_at: datetime | None
    erased_at: datetime | None
    holds: list[Hold]
    until: date | None   # when the last hold ends; None while a dispute is still open

    @property
    def held(self) -> bool:
        return bool(self.holds)


def holds_on(ctx: Context, user_id: UUID) -> list[Hold]:
    """What holds an erasure of this borrower today."""
    today = ctx.today()
    found = []
    for d in ctx.db.read(rows.disputes_of, user_id):
        if d["stage"] != Stage.CLOSED:
            found.append(Hold(number=d["number"], until=None,
                              reason="litigation" if d["stage"] == Stage.LITIGATION else "open"))
            continue
        closed = d["closed_at"]
        closed_on = ctx.today() if closed is None else _local_date(ctx, closed)
        until = _add_years(closed_on, ctx.settings.retention_years)
        if today < until:
            found.append(Hold(number=d["number"], reason="retention", until=until))
    return found


def erasure_status(ctx: Context, actor: User) -> ErasureStatus:
    """The borrower's request (if any) and what holds it today."""
    require_role(actor, Role.BORROWER)
    return _status(ctx, actor.id)


def request_erasure(ctx: Context, actor: User) -> ErasureStatus:
    """Record the borrower's request; carry it out now when nothing holds it. The page asks for
    a confirmation first: once carried out it cannot be undone."""
    require_role(actor, Role.BORROWER)
    now = ctx.now()
    holds = holds_on(ctx, actor.id)

    def write(uow) -> None:
        if rows.request_of(uow, actor.id) is None:
            rows.record_request(uow, actor.id, now)
            events.append(uow, kind=ek.ERASURE_REQUESTED, at=now, actor_id=actor.id, payload={
                "user": str(actor.id),
                "held": [h.model_dump(mode="json") for h in holds],
                "until": _overall(holds)})

    ctx.db.write(write)
    if not holds:
        carry_out(ctx, actor.id)
    return _status(ctx, actor.id)


def carry_out(ctx: Context, user_id: UUID, *, again: bool = False) -> int:
    """Erase the person now (ledger first, then the key, the rows, the files); returns how many
    store files were deleted. `again`: re-applied from the ledger (after a restore)."""
    now = ctx.now()
    erasure_ledger.append(ctx.settings.erasure_ledger, user_id, now)
    files = ctx.db.read(rows.files_of, user_id)
    ctx.sealing.destroy(user_id, now)
    request = ctx.db.read(rows.request_of, user_id)

    def write(uow) -> None:
        rows.erase_rows(uow, user_id, now)
        events.append(uow, kind=ek.ERASURE_CARRIED_OUT, at=now, actor_id=None, payload={
            "user": str(user_id), "objects": len(files), "again": again,
            "requested_at": request["requested_at"].isoformat() if request else None})

    ctx.db.write(write)
    removed = 0
    for sha in sorted(files):
        if not ctx.db.read(rows.is_referenced_elsewhere, sha):
            ctx.store.remove(sha)
            removed += 1
    return removed


def run_due(ctx: Context) -> list[UUID]:
    """Erase again everyone the ledger lists whose data is here again (a restored backup), and
    carry out every request nothing holds any more; the accounts erased now."""
    done = []
    for user_id in erasure_ledger.read(ctx.settings.erasure_ledger):
        uid = UUID(user_id)
        request = ctx.db.read(rows.request_of, uid)
        if request is None or request["erased_at"] is None or not ctx.sealing.is_erased(uid) \
                or ctx.db.read(rows.files_of, uid):
            if _exists(ctx, uid):
                carry_out(ctx, uid, again=True)
                done.append(uid)
    for uid in ctx.db.read(rows.waiting):
        if uid not in done and not holds_on(ctx, uid):
            carry_out(ctx, uid)
            done.append(uid)
    return done


def _exists(ctx: Context, user_id: UUID) -> bool:
    return ctx.db.read(users.role_and_disabled, user_id) is not None


def _status(ctx: Context, user_id: UUID) -> ErasureStatus:
    request = ctx.db.read(rows.request_of, user_id)
    holds = [] if request and request["erased_at"] else holds_on(ctx, user_id)
    return ErasureStatus(requested_at=request["requested_at"] if request else None,
                         erased_at=request["erased_at"] if request else None,
                         holds=holds, until=_overall_date(holds))


def _overall_date(holds: list[Hold]) -> date | None:
    if not holds or any(h.until is None for h in holds):
        return None
    return max(h.until for h in holds)


def _overall(holds: list[Hold]) -> str | None:
    until = _overall_date(holds)
    return until.isoformat() if until else None


def _local_date(ctx: Context, at: datetime) -> date:
    return at.astimezone(ZoneInfo(ctx.settings.timezone)).date()


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
