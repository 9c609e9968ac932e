"""Internal notes by staff and legal. Never shown to the borrower: the borrower's calls are
refused here, and the borrower's timeline leaves out `NoteAdded`."""

from __future__ import annotations

import uuid
from datetime import datetime

from dispute import event_kinds as ek
from dispute import events
from dispute.access import CASE_ROLES, check_case_access, require_role
from dispute.case_rows import DISPUTE_SQL, row_for_write, touch
from dispute.context import Context
from dispute.db import UnitOfWork
from dispute.models import LongText, Strict, User
from dispute.validation import parse


class NoteDraft(Strict):
    body: LongText


class Note(Strict):
    id: uuid.UUID
    author_name: str
    body: str
    created_at: datetime


def add_note(ctx: Context, actor: User, number: str, form: dict) -> uuid.UUID:
    require_role(actor, *CASE_ROLES)
    draft = parse(NoteDraft, form)

    def write(uow: UnitOfWork) -> uuid.UUID:
        row = row_for_write(uow, actor, number, None)
        now, note_id = ctx.now(), uuid.uuid4()
        uow.execute("INSERT INTO notes VALUES (?, ?, ?, ?, ?)",
                    (note_id, row["id"], actor.id, draft.body, events.utc_naive(now)))
        touch(uow, row, now)
        events.append(uow, kind=ek.NOTE_ADDED, at=now, actor_id=actor.id, dispute_id=row["id"],
                      payload={"note_id": str(note_id)})
        return note_id

    return ctx.db.write(write)


def list_notes(ctx: Context, actor: User, number: str) -> list[Note]:
    require_role(actor, *CASE_ROLES)
    row = check_case_access(actor, ctx.db.query(DISPUTE_SQL, (number.strip().upper(),)).first(),
                            number)
    rows = ctx.db.query("SELECT n.id, reveal_name(u.name) AS author_name, n.body, n.created_at FROM notes n "
                        "JOIN users u ON u.id = n.author_id WHERE n.dispute_id = ? "
                        "ORDER BY n.created_at DESC", (row["id"],))
    return [Note(**{**r, "created_at": events.as_utc(r["created_at"])}) for r in rows]
