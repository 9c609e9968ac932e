"""The contact log: each time the borrower (or staff) dealt with the lender (design §3)."""

from __future__ import annotations

import uuid
from typing import Any

from dispute import event_kinds as ek
from dispute import events
from dispute.case_rows import open_row_for_write, touch
from dispute.access import check_case_access
from dispute.context import Context
from dispute.db import UnitOfWork
from dispute.errors import InvalidInput, UserError
from dispute.i18n import N_
from dispute.models import ContactEntry, ContactLogEntry, User
from dispute.validation import parse


def add_contact(ctx: Context, actor: User, number: str, form: dict[str, Any]) -> ContactLogEntry:
    entry = parse(ContactEntry, form, now=ctx.now())

    def write(uow: UnitOfWork) -> uuid.UUID:
        row = open_row_for_write(uow, actor, number)
        if entry.evidence_ids:
            known = {r["id"] for r in uow.execute(
                "SELECT id FROM evidence WHERE dispute_id = ?", (row["id"],))}
            if not set(entry.evidence_ids) <= known:
                raise InvalidInput({"evidence_ids": UserError(
                    N_("Link only evidence of this dispute."))})
        now = ctx.now()
        entry_id = uuid.uuid4()
        uow.execute(
            "INSERT INTO contact_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (entry_id, row["id"], events.utc_naive(entry.contacted_at), entry.channel.value,
             entry.agent_name, entry.agent_position, entry.summary, entry.agreement,
             entry.follow_up_on, list(entry.evidence_ids), actor.id, events.utc_naive(now)))
        touch(uow, row, now)
        events.append(uow, kind=ek.CONTACT_LOGGED, at=now, actor_id=actor.id,
                      dispute_id=row["id"], payload={"entry": str(entry_id),
                                                     **entry.model_dump(mode="json")})
        return entry_id

    entry_id = ctx.db.write(write)
    return next(e for e in list_contacts(ctx, actor, number) if e.id == entry_id)


def list_contacts(ctx: Context, actor: User, number: str) -> list[ContactLogEntry]:
    row = ctx.db.query("SELECT id, borrower_id FROM disputes WHERE number = ?", (number,)).first()
    row = check_case_access(actor, row, number)
    rows = ctx.db.query("SELECT * FROM contact_log WHERE dispute_id = ? ORDER BY contacted_at",
                        (row["id"],))
    out = []
    for r in rows:
        r = dict(r)
        r["contacted_at"] = events.as_utc(r["contacted_at"])
        r["logged_at"] = events.as_utc(r["logged_at"])
        out.append(ContactLogEntry(**r))
    return out
