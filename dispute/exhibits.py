"""Evidence on a dispute: attach files (atomically, all or none), list them, read them back.

Files are staged (hashed, sniffed, size-checked), then published into the content-addressed store
just before the transaction; an object this call created is removed again if the transaction does
not commit. A refused or failed upload leaves no file and no row.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, BinaryIO

from pydantic import ValidationError

from dispute import event_kinds as ek
from dispute import events
from dispute.case_rows import open_row_for_write, touch
from dispute.messages import answer_requests
from dispute.access import check_case_access
from dispute.context import Context
from dispute.db import UnitOfWork
from dispute.errors import InvalidInput, UserError
from dispute.i18n import N_
from dispute.models import EvidenceItem, EvidenceMeta, User
from dispute.validation import field_errors
from dispute.vocab import Role, Stage
from evidence.errors import EvidenceRefused
from evidence.store import StagedFile


@dataclass
class Upload:
    """One file as it arrives (from the portal or the CLI) with what its uploader says of it."""

    name: str
    stream: BinaryIO
    kind: str
    description: str
    recorded_on: Any = None


def upload_key(index: int) -> str:
    """The field name under which InvalidInput reports the index-th upload's problem."""
    return f"upload_{index}"


def _row_item(row: dict[str, Any]) -> EvidenceItem:
    row = dict(row)
    row["uploaded_at"] = events.as_utc(row["uploaded_at"])
    row["withdrawn_at"] = events.as_utc(row["withdrawn_at"])
    return EvidenceItem(**row)


def stage_uploads(ctx: Context, uploads: list[Upload]) -> list[tuple[StagedFile, EvidenceMeta]]:
    """Check every file and its description; refuse all of them if any one is wrong."""
    staged: list[tuple[StagedFile, EvidenceMeta]] = []
    problems: dict[str, UserError] = {}
    try:
        for i, up in enumerate(uploads):
            try:
                meta = EvidenceMeta.model_validate(
                    {"kind": up.kind, "description": up.description,
                     "recorded_on": up.recorded_on}, context={"today": ctx.today()})
            except ValidationError as exc:
                first = next(iter(field_errors(exc).values()))
                problems[upload_key(i)] = UserError(N_("{name}: {problem}"), name=up.name,
                                                    problem=first)
                continue
            try:
                staged.append((ctx.store.stage(up.stream, up.name,
                                               ctx.settings.max_upload_bytes), meta))
            except EvidenceRefused as exc:
                problems[upload_key(i)] = exc
        if problems:
            raise InvalidInput(problems)
    except BaseException:
        for item, _ in staged:
            item.discard()
        raise
    return staged


def insert_staged(ctx: Context, uow: UnitOfWork, actor: User, dispute_id: uuid.UUID,
                  staged: list[tuple[StagedFile, EvidenceMeta]]) -> list[str]:
    """Add rows and events for published files inside the caller's transaction."""
    count = uow.execute("SELECT count(*) FROM evidence WHERE dispute_id = ?",
                        (dispute_id,)).scalar()
    now = ctx.now()
    exhibits = []
    for offset, (item, meta) in enumerate(staged, start=1):
        exhibit = f"E{count + offset:02d}"
        evidence_id = uuid.uuid4()
        uow.execute(
            "INSERT INTO evidence (id, dispute_id, exhibit, kind, original_name, media_type, "
            "size, sha256, description, recorded_on, uploaded_by, uploaded_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (evidence_id, dispute_id, exhibit, meta.kind.value, item.original_name,
             item.media_type, item.size, item.sha256, meta.description, meta.recorded_on,
             actor.id, events.utc_naive(now)))
        events.append(uow, kind=ek.EVIDENCE_ATTACHED, at=now, actor_id=actor.id,
                      dispute_id=dispute_id,
                      payload={"exhibit": exhibit, "evidence": str(evidence_id),
                               "sha256": item.sha256, "media_type": item.media_type,
                               "size": item.size, "kind": meta.kind.value})
        exhibits.append(exhibit)
    return exhibits


def write_with_files(ctx: Context, staged: list[tuple[StagedFile, EvidenceMeta]], fn) -> Any:
    """Publish the staged files, then run `fn(uow)` as one write; if it does not commit, remove
    the store objects this call created (objects that were already there stay)."""
    created: list[str] = []
    try:
        for item, _ in staged:
            if item.publish():
                created.append(item.sha256)
        return ctx.db.write(fn)
    except BaseException:
        for sha in created:
            if not ctx.db.query("SELECT 1 FROM evidence WHERE sha256 = ?", (sha,)).first():
                ctx.store.remove(sha)
        for item, _ in staged:
            item.discard()
        raise


def attach_evidence(ctx: Context, actor: User, number: str, uploads: list[Upload]) -> list[str]:
    """Add files to an open dispute; returns their exhibit numbers."""
    if not uploads:
        raise UserError(N_("Choose at least one file."))
    _check_open(ctx, actor, number)
    staged = stage_uploads(ctx, uploads)

    def write(uow: UnitOfWork) -> list[str]:
        row = open_row_for_write(uow, actor, number)
        exhibits = insert_staged(ctx, uow, actor, row["id"], staged)
        touch(uow, row, ctx.now())
        if actor.role == Role.BORROWER:
            answer_requests(uow, row, ctx.now(), actor, via="evidence")
        return exhibits

    return write_with_files(ctx, staged, write)


def _check_open(ctx: Context, actor: User, number: str) -> dict[str, Any]:
    row = ctx.db.query("SELECT id, borrower_id, stage FROM disputes WHERE number = ?",
                       (number,)).first()
    return _require_open(actor, row, number)


def _require_open(actor: User, row: dict[str, Any] | None, number: str) -> dict[str, Any]:
    row = check_case_access(actor, row, number)
    if row["stage"] == Stage.CLOSED:
        raise UserError(N_("Dispute {number} is closed; it cannot be changed."), number=number)
    return row


def list_evidence(ctx: Context, actor: User, number: str) -> list[EvidenceItem]:
    row = ctx.db.query("SELECT id, borrower_id FROM disputes WHERE number = ?", (number,)).first()
    row = check_case_access(actor, row, number)
    rows = ctx.db.query("SELECT * FROM evidence WHERE dispute_id = ? ORDER BY uploaded_at, "
                        "length(exhibit), exhibit", (row["id"],))
    return [_row_item(r) for r in rows]


def open_evidence(ctx: Context, actor: User, number: str, evidence_id: uuid.UUID) -> BinaryIO:
    """An exhibit's original bytes (decrypted, authenticated as they are read), after checking the
    actor may read that dispute. Use it with `with`."""
    row = ctx.db.query(
        "SELECT e.sha256, d.borrower_id FROM evidence e JOIN disputes d ON d.id = e.dispute_id "
        "WHERE d.number = ? AND e.id = ?", (number, evidence_id)).first()
    check_case_access(actor, row, number)
    return ctx.store.open(row["sha256"])
