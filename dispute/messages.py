"""The conversation on a dispute, as in a helpdesk ticket (docs/product.md §3).

A staff message can be a request for information: the dispute then waits on the borrower until
they reply or upload evidence. Each user's last visit is kept so the page can mark what is new.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from dispute import event_kinds as ek
from dispute import events, posting_limits
from dispute.case_rows import case_for, row_for_write, touch
from dispute.context import Context
from dispute.storage import UnitOfWork, disputes
from dispute.storage import messages as message_rows
from dispute.errors import Forbidden
from dispute.i18n import N_
from dispute.models import PostText, Strict, User
from dispute.posting_limits import PostKind
from dispute.validation import parse
from dispute.vocab import Role


class MessageDraft(Strict):
    body: PostText
    is_request: bool = False


class Message(Strict):
    id: uuid.UUID
    author_name: str
    author_role: Role
    body: str
    is_request: bool
    answered_at: datetime | None
    sent_at: datetime
    new: bool = False  # sent by someone else since the reader's previous visit

    @property
    def open_request(self) -> bool:
        return self.is_request and self.answered_at is None


def send_message(ctx: Context, actor: User, number: str, form: dict[str, Any]) -> uuid.UUID:
    """Borrower ↔ handling team. Only staff and legal may send a request for information."""
    draft = parse(MessageDraft, form)
    if draft.is_request and actor.role not in (Role.STAFF, Role.LEGAL):
        raise Forbidden(N_("Only the handling team can request information."))

    def write(uow: UnitOfWork) -> uuid.UUID:
        row = row_for_write(uow, actor, number, None)
        now, message_id = ctx.now(), uuid.uuid4()
        posting_limits.take(uow, PostKind.MESSAGE, actor.id, row["id"], now)
        message_rows.insert(uow, message_id=message_id, dispute_id=row["id"], author_id=actor.id,
                            author_role=actor.role.value, body=draft.body,
                            is_request=draft.is_request, sent_at=now)
        if actor.role == Role.BORROWER:
            touch(uow, row, now, borrower_replied=True)
            events.append(uow, kind=ek.MESSAGE_SENT, at=now, actor_id=actor.id,
                          dispute_id=row["id"], payload={"message_id": str(message_id),
                                                         "author_role": actor.role.value})
            answer_requests(uow, row, now, actor, via="message")
        else:
            flags = {"borrower_replied": False}
            if draft.is_request:
                flags["waiting_on_borrower"] = True
            touch(uow, row, now, **flags)
            kind = ek.INFORMATION_REQUESTED if draft.is_request else ek.MESSAGE_SENT
            events.append(uow, kind=kind, at=now, actor_id=actor.id, dispute_id=row["id"],
                          payload={"message_id": str(message_id),
                                   "author_role": actor.role.value})
        return message_id

    return ctx.db.write(write)


def answer_requests(uow: UnitOfWork, row: dict[str, Any], now: datetime, actor: User,
                    via: str) -> None:
    """The borrower replied or uploaded: their open requests are answered and the dispute no
    longer waits on them (which resumes the deadlines that pause)."""
    open_ids = message_rows.open_request_ids(uow, row["id"])
    if not open_ids:
        return
    message_rows.answer_requests(uow, row["id"], now)
    disputes.set_flags(uow, row["id"], waiting_on_borrower=False, borrower_replied=True)
    events.append(uow, kind=ek.INFORMATION_PROVIDED, at=now, actor_id=actor.id,
                  dispute_id=row["id"], payload={"request_ids": [str(i) for i in open_ids],
                                                 "via": via})


def list_messages(ctx: Context, actor: User, number: str) -> list[Message]:
    """The conversation, oldest first; `new` marks others' messages since the reader's last
    visit (see `mark_seen`)."""
    row = case_for(ctx, actor, number)
    seen = ctx.db.read(message_rows.seen_at, actor.id, row["id"])
    rows = ctx.db.read(message_rows.of_dispute, row["id"])
    out = []
    for r in rows:
        mine = r["author_id"] == actor.id or (actor.role != Role.BORROWER
                                              and r["author_role"] != Role.BORROWER)
        out.append(Message(
            id=r["id"], author_name=r["author_name"], author_role=r["author_role"],
            body=r["body"], is_request=r["is_request"],
            answered_at=r["answered_at"], sent_at=r["sent_at"],
            new=not mine and (seen is None or r["sent_at"] > seen)))
    return out


def mark_seen(ctx: Context, actor: User, number: str) -> None:
    """Remember that `actor` has now seen the dispute (not a change to it: no event)."""
    row = case_for(ctx, actor, number)
    ctx.db.write(message_rows.mark_seen, actor.id, row["id"], ctx.now())
