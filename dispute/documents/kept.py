"""Documents kept on a dispute (issue 13): made through `facts_for` (so who may make what, and
what it may show, is decided there), rendered (`dispute.documents.make`), stored in the evidence
store like an exhibit (encrypted, named by the SHA-256 of its bytes), recorded in the `documents`
table with a `DocumentMade` event. Reading one back goes through the same access check as the
dispute itself."""

from __future__ import annotations

import io
import uuid
from datetime import datetime
from typing import BinaryIO

from dispute import event_kinds as ek
from dispute import events
from dispute.case_rows import case_for, row_for_write, touch
from dispute.context import Context
from dispute.documents.kinds import get_kind
from dispute.documents.make import FORMATS, MEDIA_TYPES, language_for, render_document
from dispute.documents.service import facts_for
from dispute.errors import NotFound, UserError
from dispute.exhibits import write_with_files
from dispute.i18n import N_
from dispute.models import Strict, User
from dispute.storage import UnitOfWork
from dispute.storage import documents as document_rows


class KeptDocument(Strict):
    id: uuid.UUID
    dispute_id: uuid.UUID
    kind: str
    lang: str
    format: str
    sha256: str
    size: int
    made_by: uuid.UUID
    made_by_name: str | None = None
    made_at: datetime

    def file_name(self, number: str) -> str:
        return f"{number}-{self.kind}-{self.lang}.{self.format}"

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.format]


def make_document(ctx: Context, actor: User, number: str, kind: str, fmt: str,
                  lang: str | None = None) -> KeptDocument:
    """Make a `kind` document of dispute `number` as DOCX or PDF in `lang` and keep it on the
    dispute. Refused as `facts_for` refuses (role, ownership, jurisdiction, language). Numbers
    are as `facts_for` gives them without unmasking (legal unmasks only through the CLI)."""
    if fmt not in FORMATS:
        raise UserError(N_("Documents are made as {formats}."), formats=" or ".join(FORMATS))
    lang = language_for(get_kind(kind), lang)
    facts = facts_for(ctx, actor, number, kind, lang=lang)
    data = render_document(kind, facts, fmt, lang, when=ctx.now())
    staged = ctx.store.stage(io.BytesIO(data), f"{kind}.{fmt}", max(len(data), 1),
                             generated=MEDIA_TYPES[fmt])

    def write(uow: UnitOfWork) -> KeptDocument:
        row = row_for_write(uow, actor, number, None)
        now = ctx.now()
        doc = KeptDocument(id=uuid.uuid4(), dispute_id=row["id"], kind=kind, lang=lang,
                           format=fmt, sha256=staged.sha256, size=staged.size,
                           made_by=actor.id, made_by_name=actor.name, made_at=now)
        document_rows.insert(uow, **doc.model_dump(exclude={"made_by_name"}))
        touch(uow, row, now)
        events.append(uow, kind=ek.DOCUMENT_MADE, at=now, actor_id=actor.id,
                      dispute_id=row["id"],
                      payload={"document": str(doc.id), "kind": kind, "lang": lang,
                               "format": fmt, "sha256": doc.sha256, "size": doc.size})
        return doc

    return write_with_files(ctx, [(staged, None)], write)


def list_documents(ctx: Context, actor: User, number: str) -> list[KeptDocument]:
    """The documents kept on a dispute, newest first: everyone on the case reads them."""
    row = case_for(ctx, actor, number)
    return [KeptDocument(**r) for r in ctx.db.read(document_rows.of_dispute, row["id"])]


def open_document(ctx: Context, actor: User, number: str, document_id: uuid.UUID) -> BinaryIO:
    """A kept document's bytes (decrypted, authenticated as read) after the access check; use it
    with `with`."""
    row = case_for(ctx, actor, number)
    doc = ctx.db.read(document_rows.one, row["id"], document_id)
    if doc is None:
        raise NotFound(N_("No such document on dispute {number}."), number=number)
    return ctx.store.open(doc["sha256"])
