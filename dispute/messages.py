"""The conversation on a dispute, as in a helpdesk ticket (design §3).

A staff message can be a request for information: the dispute then waits on the borrower until
they reply or upload evidence. Each user's last visit is kept so the page can mark what is new.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from dispute import event_kinds as ek
from dispute import events
from dispute.access import check_case_access
from dispute.case_rows import DISPUTE_SQL, row_for_write, touch
from dispute.context import Context
from dispute.db import UnitOfWork
from dispute.errors import Forbidden
from dispute.i18n import N_
from dispute.models import LongText, Strict, User
from dispute.validation import parse
from dispute.vocab import Role


class MessageDraft(Strict):
    body: LongText
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
        uow.execute("INSERT INTO messages VALUES (?, ?, ?, ?, ?, ?, NULL, ?)",
                    (message_id, row["id"], actor.id, actor.role.value, draft.body,
                     draft.is_request, events.utc_naive(now)))
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
    open_ids = [r["id"] for r in uow.execute(
        "SELECT id FROM messages WHERE dispute_id = ? AND is_request AND answered_at IS NULL",
        (row["id"],))]
    if not open_ids:
        return
    uow.execute("UPDATE messages SET answered_at = ? WHERE dispute_id = ? AND is_request "
                "AND answered_at IS NULL", (events.utc_naive(now), row["id"]))
    uow.execute("UPDATE disputes SET waiting_on_borrower = false, borrower_replied = true "
                "WHERE id = ?", (row["id"],))
    events.append(uow, kind=ek.INFORMATION_PROVIDED, at=now, actor_id=actor.id,
                  dispute_id=row["id"], payload={"request_ids": [str(i) for i in open_ids],
                                                 "via": via})


def list_messages(ctx: Context, actor: User, number: str) -> list[Message]:
    """The conversation, oldest first; `new` marks others' messages since the reader's last
    visit (see `mark_seen`)."""
    row = check_case_access(actor, ctx.db.query(DISPUTE_SQL, (number.strip().upper(),)).first(),
                            number)
    seen = ctx.db.query("SELECT seen_at FROM last_seen WHERE user_id = ? AND dispute_id = ?",
                        (actor.id, row["id"])).scalar()
    rows = ctx.db.query(
        "SELECT m.*, reveal_name(u.name) AS author_name FROM messages m JOIN users u ON u.id = m.author_id "
        "WHERE m.dispute_id = ? ORDER BY m.sent_at, m.id", (row["id"],))
    out = []
    for r in rows:
        mine = r["author_id"] == actor.id or (actor.role != Role.BORROWER
                                              and r["author_role"] != Role.BORROWER)
        out.append(Message(
            id=r["id"], author_name=r["author_name"], author_role=r["author_role"],
            body=r["body"], is_request=r["is_request"],
            answered_at=events.as_utc(r["answered_at"]), sent_at=events.as_utc(r["sent_at"]),
            new=not mine and (seen is None or r["sent_at"] > seen)))
    return out


def mark_seen(ctx: Context, actor: User, number: str) -> None:
    """Remember that `actor` has now seen the dispute (not a change to it: no event)."""
    row = check_case_access(actor, ctx.db.query(DISPUTE_SQL, (number.strip().upper(),)).first(),
                            number)
    ctx.db.write(lambda uow: uow.execute(
        "INSERT INTO last_seen VALUES (?, ?, ?) ON CONFLICT (user_id, dispute_id) "
        "DO UPDATE SET seen_at = excluded.seen_at",
        (actor.id, row["id"], events.utc_naive(ctx.now()))))
