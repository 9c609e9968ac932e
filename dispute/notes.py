"""Internal notes by staff and legal. Never shown to the borrower: the borrower's calls are
refused here, and the borrower's timeline leaves out `NoteAdded`."""

from __future__ import annotations

import uuid
from datetime import datetime

from dispute import event_kinds as ek
from dispute import events, posting_limits
from dispute.access import CASE_ROLES, require_role
from dispute.case_rows import case_for, row_for_write, touch
from dispute.context import Context
from dispute.storage import UnitOfWork
from dispute.storage import notes as note_rows
from dispute.models import PostText, Strict, User
from dispute.posting_limits import PostKind
from dispute.validation import parse


class NoteDraft(Strict):
    body: PostText


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
        posting_limits.take(uow, PostKind.NOTE, actor.id, row["id"], now)
        note_rows.insert(uow, note_id=note_id, dispute_id=row["id"], author_id=actor.id,
                         body=draft.body, created_at=now)
        touch(uow, row, now)
        events.append(uow, kind=ek.NOTE_ADDED, at=now, actor_id=actor.id, dispute_id=row["id"],
                      payload={"note_id": str(note_id)})
        return note_id

    return ctx.db.write(write)


def list_notes(ctx: Context, actor: User, number: str) -> list[Note]:
    require_role(actor, *CASE_ROLES)
    row = case_for(ctx, actor, number)
    return [Note(**r) for r in ctx.db.read(note_rows.of_dispute, row["id"])]
