"""A written demand to the lender (催告): recorded with the day it was sent, it interrupts the
limitation period, which then runs again from that day (民法典 art. 195; the rulebook's
`restart_on`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import field_validator

from dispute import event_kinds as ek
from dispute import events
from dispute.case_rows import open_row_for_write, touch
from dispute.context import Context
from dispute.storage import UnitOfWork
from dispute.models import OptionalText, Strict, User, not_after_today
from dispute.validation import parse


class Demand(Strict):
    sent_on: date
    note: OptionalText = ""

    _not_future = field_validator("sent_on")(not_after_today)


def record_demand(ctx: Context, actor: User, number: str, form: dict[str, Any]) -> None:
    """The borrower (their own dispute), staff or legal record a written demand that was sent."""
    demand = parse(Demand, form, today=ctx.today())

    def write(uow: UnitOfWork) -> None:
        row = open_row_for_write(uow, actor, number)
        now = ctx.now()
        touch(uow, row, now)
        events.append(uow, kind=ek.DEMAND_RECORDED, at=now, actor_id=actor.id,
                      dispute_id=row["id"], payload=demand.model_dump(mode="json"))

    ctx.db.write(write)
