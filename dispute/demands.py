"""A written demand to the lender (催告): recorded with the day it was sent, it interrupts the
limitation period, which then runs again from that day (民法典 art. 195; the rulebook's
`restart_on`).

A letter made on the portal (a kept document, issue 13) is recorded the same way when its
borrower says they sent it: the day, how (post, courier, …) and the proof (a postal tracking
number, or a few words), with the document it was."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import field_validator

from dispute import event_kinds as ek
from dispute import events
from dispute.case_rows import open_row_for_write, touch
from dispute.context import Context
from dispute.errors import NotFound
from dispute.i18n import N_
from dispute.storage import UnitOfWork
from dispute.storage import documents as document_rows
from dispute.models import OptionalText, Strict, User, not_after_today
from dispute.validation import parse


class SentVia(StrEnum):
    POST = "post"
    COURIER = "courier"
    EMAIL = "email"
    IN_PERSON = "in_person"
    ONLINE = "online"


SENT_VIA_LABELS = {
    SentVia.POST: N_("Registered post (挂号信/EMS)"),
    SentVia.COURIER: N_("Courier"),
    SentVia.EMAIL: N_("Email"),
    SentVia.IN_PERSON: N_("Handed in person"),
    SentVia.ONLINE: N_("Online form or app"),
}


class Demand(Strict):
    sent_on: date
    note: OptionalText = ""
    channel: SentVia | None = None
    proof: OptionalText = ""                 # a postal tracking number, or how it is proven
    document: uuid.UUID | None = None        # the kept document that was sent

    _not_future = field_validator("sent_on")(not_after_today)


def record_demand(ctx: Context, actor: User, number: str, form: dict[str, Any]) -> None:
    """The borrower (their own dispute), staff or legal record a written demand that was sent."""
    demand = parse(Demand, form, today=ctx.today())

    def write(uow: UnitOfWork) -> None:
        row = open_row_for_write(uow, actor, number)
        payload = demand.model_dump(mode="json", exclude_defaults=True)
        payload.setdefault("note", "")
        if demand.document is not None:
            doc = document_rows.one(uow, row["id"], demand.document)
            if doc is None:
                raise NotFound(N_("No such document on dispute {number}."), number=number)
            payload["document_kind"] = doc["kind"]
        now = ctx.now()
        touch(uow, row, now)
        events.append(uow, kind=ek.DEMAND_RECORDED, at=now, actor_id=actor.id,
                      dispute_id=row["id"], payload=payload)

    ctx.db.write(write)
