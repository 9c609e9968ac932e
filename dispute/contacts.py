"""The contact log: each time the borrower (or staff) dealt with the lender (docs/product.md §3)."""

from __future__ import annotations

import uuid
from typing import Any

from dispute import event_kinds as ek
from dispute import events, posting_limits
from dispute.case_rows import case_for, open_row_for_write, touch
from dispute.context import Context
from dispute.storage import UnitOfWork
from dispute.storage import contacts as contact_rows
from dispute.errors import InvalidInput, UserError
from dispute.i18n import N_
from dispute.models import ContactEntry, ContactLogEntry, User
from dispute.posting_limits import PostKind
from dispute.validation import parse


def add_contact(ctx: Context, actor: User, number: str, form: dict[str, Any]) -> ContactLogEntry:
    entry = parse(ContactEntry, form, now=ctx.now())

    def write(uow: UnitOfWork) -> uuid.UUID:
        row = open_row_for_write(uow, actor, number)
        if entry.evidence_ids:
            if not set(entry.evidence_ids) <= contact_rows.evidence_ids(uow, row["id"]):
                raise InvalidInput({"evidence_ids": UserError(
                    N_("Link only evidence of this dispute."))})
        now = ctx.now()
        posting_limits.take(uow, PostKind.CONTACT, actor.id, row["id"], now)
        entry_id = uuid.uuid4()
        contact_rows.insert(
            uow, id=entry_id, dispute_id=row["id"], contacted_at=entry.contacted_at,
            channel=entry.channel.value, agent_name=entry.agent_name,
            agent_position=entry.agent_position, summary=entry.summary,
            agreement=entry.agreement, follow_up_on=entry.follow_up_on,
            evidence_ids=list(entry.evidence_ids), logged_by=actor.id, logged_at=now)
        touch(uow, row, now)
        events.append(uow, kind=ek.CONTACT_LOGGED, at=now, actor_id=actor.id,
                      dispute_id=row["id"], payload={"entry": str(entry_id),
                                                     **entry.model_dump(mode="json")})
        return entry_id

    entry_id = ctx.db.write(write)
    return next(e for e in list_contacts(ctx, actor, number) if e.id == entry_id)


def list_contacts(ctx: Context, actor: User, number: str) -> list[ContactLogEntry]:
    row = case_for(ctx, actor, number)
    return [ContactLogEntry(**r) for r in ctx.db.read(contact_rows.of_dispute, row["id"])]
