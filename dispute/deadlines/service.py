"""What staff, legal and borrowers do with deadlines: see them; extend, pause and resume them.

Each change is an event (DeadlineExtended / DeadlinePaused / DeadlineResumed) written with a
version check, then the dispute's stored deadlines are recomputed in the same transaction.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from pydantic import Field

from dispute import event_kinds as ek
from dispute import events
from dispute.access import require_role
from dispute.case_rows import case_for, clean_number, row_for_write, touch
from dispute.context import Context
from dispute.storage import UnitOfWork, history
from dispute.deadlines.engine import Deadline, Status
from dispute.deadlines.rulebook import Rule, load_rulebook
from dispute.deadlines.store import deadlines_of
from dispute.errors import Forbidden, UserError
from dispute.i18n import N_
from dispute.models import Strict, Text, User
from dispute.validation import parse
from dispute.vocab import Role

Reason = Annotated[str, Field(min_length=3, max_length=2_000)]


class ExtensionForm(Strict):
    reason: Reason
    approver: Text


class PauseForm(Strict):
    reason: Reason


def list_deadlines(ctx: Context, actor: User, number: str) -> list[Deadline]:
    """The dispute's deadlines as of now; a borrower sees those of their own disputes."""
    row = case_for(ctx, actor, number)
    return deadlines_of(row, ctx.db.read(history.kinds_and_times, row["id"]), ctx.now(),
                        ctx.settings.timezone, ctx.calendars)


def _change(ctx: Context, actor: User, number: str, rule_name: str, expected_version: int,
            decide) -> list[Deadline]:
    """Shared shell: access, version check, the rule's current deadline; `decide` checks and
    returns (event kind, payload); then the event, the version bump and the refresh."""
    require_role(actor, Role.STAFF, Role.LEGAL)
    number = clean_number(number)

    def write(uow: UnitOfWork) -> None:
        row = row_for_write(uow, actor, number, expected_version)
        rule = load_rulebook(row["rulebook"]).rule(rule_name)
        event_rows = history.kinds_and_times(uow, row["id"])
        now, tz = ctx.now(), ctx.settings.timezone
        current = next((d for d in deadlines_of(row, event_rows, now, tz, ctx.calendars)
                        if d.rule == rule_name), None)
        if current is None:
            raise UserError(N_("The {rule} deadline does not run for dispute {number} (it does "
                               "not apply, or has not started)."), rule=rule_name, number=number)
        if current.met_on is not None:
            raise UserError(N_("The {rule} deadline was already met on {date}."),
                            rule=rule_name, date=current.met_on.isoformat())
        kind, payload = decide(rule, current, event_rows)
        events.append(uow, kind=kind, at=now, actor_id=actor.id, dispute_id=row["id"],
                      payload={"rule": rule_name, **payload})
        touch(uow, row, now)  # the context refreshes the stored deadlines before commit

    ctx.db.write(write)
    return list_deadlines(ctx, actor, number)


def extend_deadline(ctx: Context, actor: User, number: str, rule: str, form: dict[str, Any],
                    expected_version: int) -> list[Deadline]:
    """Grant the rule's next extension (its length is the law's), with reason and approver."""
    data = parse(ExtensionForm, form)

    def decide(r: Rule, current: Deadline, _rows) -> tuple[str, dict[str, Any]]:
        if current.status == Status.MISSED:
            raise UserError(N_("The {rule} deadline passed on {date}; an extension must be "
                               "granted before the deadline."), rule=r.name,
                            date=current.due_by.isoformat())
        if current.extensions_used >= len(r.extensions):
            raise UserError(N_("The {rule} deadline may be extended {allowed} time(s) and "
                               "has been extended {used} time(s); it cannot be extended again."),
                            rule=r.name, allowed=len(r.extensions),
                            used=current.extensions_used)
        step = r.extensions[current.extensions_used]
        if actor.role not in step.roles:
            raise Forbidden(N_("Your role may not grant this extension."))
        return ek.DEADLINE_EXTENDED, {"days": step.length, "unit": r.unit.value,
                                      "reason": data.reason, "approver": data.approver}

    return _change(ctx, actor, number, rule, expected_version, decide)


def _manually_paused(rule: str, rows: list[dict[str, Any]]) -> bool:
    state = False
    for r in rows:
        if (r["kind"] in (ek.DEADLINE_PAUSED, ek.DEADLINE_RESUMED)
                and json.loads(r["payload"]).get("rule") == rule):
            state = r["kind"] == ek.DEADLINE_PAUSED
    return state


def pause_deadline(ctx: Context, actor: User, number: str, rule: str, form: dict[str, Any],
                   expected_version: int) -> list[Deadline]:
    """Stop the rule's clock (days from tomorrow are not counted) until it is resumed."""
    data = parse(PauseForm, form)

    def decide(r: Rule, current: Deadline, rows) -> tuple[str, dict[str, Any]]:
        if actor.role not in r.pause_roles:
            raise UserError(N_("The {rule} deadline cannot be paused: the law sets no pause "
                               "for it."), rule=r.name)
        if _manually_paused(r.name, rows):
            raise UserError(N_("The {rule} deadline is already paused."), rule=r.name)
        return ek.DEADLINE_PAUSED, {"reason": data.reason}

    return _change(ctx, actor, number, rule, expected_version, decide)


def resume_deadline(ctx: Context, actor: User, number: str, rule: str, form: dict[str, Any],
                    expected_version: int) -> list[Deadline]:
    """Restart a paused rule's clock; the paused days stay uncounted."""
    data = parse(PauseForm, form)

    def decide(r: Rule, current: Deadline, rows) -> tuple[str, dict[str, Any]]:
        if not _manually_paused(r.name, rows):
            raise UserError(N_("The {rule} deadline is not paused."), rule=r.name)
        return ek.DEADLINE_RESUMED, {"reason": data.reason}

    return _change(ctx, actor, number, rule, expected_version, decide)
