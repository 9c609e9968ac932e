"""Stage moves (docs/product.md §2): validate against the declared table, record what the move needs,
append the event — one transaction, guarded by the dispute's version."""

from __future__ import annotations

from typing import Any

from dispute import events
from dispute.assignment import record_assignment
from dispute.case_rows import row_for_write, touch
from dispute.cases import get_dispute
from dispute.context import Context
from dispute.storage import UnitOfWork
from dispute.storage import proceedings as proceeding_rows
from dispute.errors import Forbidden, Listing, UserError
from dispute.i18n import N_
from dispute.models import Dispute, User
from dispute.stages import BY_NAME, Move, allowed_moves
from dispute.validation import parse
from dispute.vocab import Resolution, Stage, label


def refused(move_name: str, stage: Stage, actor: User) -> UserError:
    """The answer to a move that is not allowed: it names the moves that are. A move that is
    not for the actor's role at all is Forbidden (the access matrix's answer); one that is
    merely not possible from this stage is a plain UserError."""
    move = BY_NAME.get(move_name)
    error = Forbidden if move is not None and actor.role not in move.roles else UserError
    return error(
        N_("“{move}” is not possible while the dispute is {stage}. What you can do here: "
           "{allowed}."),
        move=Listing([move.label]) if move else move_name, stage=Listing([label(stage)]),
        allowed=Listing([m.label for m in allowed_moves(stage, actor.role)]))


def move(ctx: Context, actor: User, number: str, move_name: str, form: dict[str, Any],
         expected_version: int | None = None) -> Dispute:
    """Make one move of the table for `actor`; returns the dispute as it now is."""
    spec = BY_NAME.get(move_name)
    data = parse(spec.record, form) if spec else None

    def write(uow: UnitOfWork) -> None:
        row = row_for_write(uow, actor, number, expected_version)
        stage = Stage(row["stage"])
        if spec is None or not spec.allows(stage, actor.role):
            raise refused(move_name, stage, actor)
        _apply(uow, ctx, actor, row, spec, data.model_dump(mode="json"))

    ctx.db.write(write)
    return get_dispute(ctx, actor, number)


def _apply(uow: UnitOfWork, ctx: Context, actor: User, row: dict[str, Any], spec: Move,
           fields: dict[str, Any]) -> None:
    now, source = ctx.now(), row["stage"]
    payload: dict[str, Any] = {"from": source, "move": spec.name, **fields}
    if spec.name == "close":
        touch(uow, row, now, stage=Stage.CLOSED.value, closed_from=source,
              resolution=fields["resolution"], closing_summary=fields["summary"],
              waiting_on_borrower=False)
    elif spec.name == "withdraw":
        touch(uow, row, now, stage=Stage.CLOSED.value, closed_from=source,
              resolution=Resolution.WITHDRAWN.value, closing_summary=fields["reason"],
              waiting_on_borrower=False)
    elif spec.name == "reopen":
        target = row["closed_from"] or Stage.FILED.value
        payload = {"to": target, **fields}
        touch(uow, row, now, stage=target, closed_from=None, resolution=None,
              closing_summary=None)
    else:
        payload["to"] = spec.target.value
        touch(uow, row, now, stage=spec.target.value)
        _open_records(uow, now, row["id"], spec.name, fields)
    events.append(uow, kind=spec.event, at=now, actor_id=actor.id, dispute_id=row["id"],
                  payload=payload)
    if spec.name == "acknowledge" and row["handler_id"] is None:
        record_assignment(uow, row, now, actor, actor.id)


def _open_records(uow: UnitOfWork, now, dispute_id, move_name: str,
                  fields: dict[str, Any]) -> None:
    """An escalation opens the record the next stage keeps (mediation or litigation)."""
    if move_name == "to_mediation":
        proceeding_rows.open_mediation(uow, dispute_id, fields["body"], now)
    if move_name == "to_litigation":
        proceeding_rows.update(uow, "mediation", dispute_id, now,
                               result=fields["mediation_result"])
    if move_name in ("to_litigation", "skip_to_litigation"):
        proceeding_rows.open_litigation(uow, dispute_id, fields["court"], now)
