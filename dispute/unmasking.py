"""Staff and legal may see one protected field in full, with a reason; each time is an event
(docs/product.md §6: every view of personal data is logged). Everyone else sees it masked."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from dispute import event_kinds as ek
from dispute import events
from dispute.access import CASE_ROLES, require_role
from dispute.case_rows import row_for_write
from dispute.context import Context
from dispute.storage import UnitOfWork, users
from dispute.models import Strict, User
from dispute.validation import parse


class Unmasking(Strict):
    field: Literal["account_ref", "borrower_phone"]
    reason: Annotated[str, Field(min_length=5, max_length=500)]


def unmask(ctx: Context, actor: User, number: str, form: dict) -> str:
    """The field in full; the reason and who asked are recorded before it is returned."""
    require_role(actor, *CASE_ROLES)
    data = parse(Unmasking, form)

    def write(uow: UnitOfWork) -> str:
        row = row_for_write(uow, actor, number, None)
        if data.field == "account_ref":
            value = row["account_ref"]
        else:
            value = users.phone(uow, row["borrower_id"])
        events.append(uow, kind=ek.FIELD_UNMASKED, at=ctx.now(), actor_id=actor.id,
                      dispute_id=row["id"], payload={"field": data.field,
                                                     "reason": data.reason})
        return value or ""

    return ctx.db.write(write)
