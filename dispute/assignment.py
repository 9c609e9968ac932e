"""Who handles a dispute: a staff or legal account, or nobody yet."""

from __future__ import annotations

from uuid import UUID

from dispute import event_kinds as ek
from dispute import events
from dispute.access import CASE_ROLES, require_role
from dispute.case_rows import row_for_write, touch
from dispute.cases import get_dispute
from dispute.context import Context
from dispute.storage import UnitOfWork, disputes, users
from dispute.errors import InvalidInput, UserError
from dispute.i18n import N_
from dispute.models import Dispute, User


HANDLER_ROLES = tuple(r.value for r in CASE_ROLES)


def list_handlers(ctx: Context, actor: User) -> list[tuple[UUID, str]]:
    """Active staff and legal accounts, by name: the people a dispute can be assigned to."""
    require_role(actor, *CASE_ROLES)
    return [(r["id"], r["name"]) for r in ctx.db.read(users.by_role, HANDLER_ROLES)]


def handler_name(ctx: Context, actor: User, d: Dispute) -> str | None:
    """The name of the dispute's handler (None when unassigned), read alone: a dispute's page
    shows it on every run, and listing every handler to find it scans all accounts by role
    (200,000 of them at a million disputes: 40-55 ms of each run of the workspace)."""
    require_role(actor, *CASE_ROLES)
    if d.handler_id is None:
        return None
    return ctx.db.read(users.names, [d.handler_id]).get(d.handler_id)


def assign(ctx: Context, actor: User, number: str, handler_id: UUID | None,
           expected_version: int | None = None) -> Dispute:
    """Assign to a handler, or unassign with None. An event records the previous handler."""
    require_role(actor, *CASE_ROLES)

    def write(uow: UnitOfWork) -> None:
        row = row_for_write(uow, actor, number, expected_version)
        handler = None
        if handler_id is not None:
            handler = users.role_and_disabled(uow, handler_id)
            if handler is None or handler["role"] not in HANDLER_ROLES or handler["disabled"]:
                raise InvalidInput({"handler": UserError(
                    N_("Choose an active staff or legal account."))})
        if row["handler_id"] == handler_id:
            raise UserError(N_("The dispute is already assigned that way."))
        now = ctx.now()
        touch(uow, row, now)
        record_assignment(uow, row, now, actor, handler_id)

    ctx.db.write(write)
    return get_dispute(ctx, actor, number)


def record_assignment(uow: UnitOfWork, row: dict, now, actor: User,
                      handler_id: UUID | None) -> None:
    """Set the handler and record it; the caller has checked the handler and bumped the
    version."""
    disputes.set_flags(uow, row["id"], handler_id=handler_id)
    events.append(uow, kind=ek.ASSIGNED, at=now, actor_id=actor.id, dispute_id=row["id"],
                  payload={"handler_id": str(handler_id) if handler_id else None,
                           "previous_id": str(row["handler_id"]) if row["handler_id"] else None})
