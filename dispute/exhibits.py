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
from dispute import events, posting_limits
from dispute.access import require_role
from dispute.case_rows import case_for, open_row_for_write, touch
from dispute.messages import answer_requests
from dispute.context import Context
from dispute.storage import UnitOfWork
from dispute.storage import evidence as evidence_rows
from dispute.errors import InvalidInput, NotFound, UserError
from dispute.i18n import N_
from dispute.models import EvidenceItem, EvidenceMeta, OptionalText, Strict, User
from dispute.posting_limits import PostKind
from dispute.validation import parse
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
    count = evidence_rows.count_on(uow, dispute_id)
    now = ctx.now()
    exhibits = []
    for offset, (item, meta) in enumerate(staged, start=1):
        exhibit = f"E{count + offset:02d}"
        evidence_id = uuid.uuid4()
        evidence_rows.insert(
            uow, id=evidence_id, dispute_id=dispute_id, exhibit=exhibit, kind=meta.kind.value,
            original_name=item.original_name, media_type=item.media_type, size=item.size,
            sha256=item.sha256, description=meta.description, recorded_on=meta.recorded_on,
            uploaded_by=actor.id, uploaded_at=now)
        events.append(uow, kind=ek.EVIDENCE_ATTACHED, at=now, actor_id=actor.id,
                      dispute_id=dispute_id,
                      payload={"exhibit": exhibit, "evidence": str(evidence_id),
                               "sha256": item.sha256, "media_type": item.media_type,
                               "size": item.size, "kind": meta.kind.value})
        exhibits.append(exhibit)
    return exhibits


def write_with_files(ctx: Context, staged: list[tuple[StagedFile, EvidenceMeta]], fn) -> Any:
    """Publish the staged files, then run `fn(uow)` as one write; if it does not commit, remove
    the store objects this call created (objects that were already there stay, and so does one
    that another process's row names by then).

    From publishing to commit the store's lock is held shared: no other process's clean-up or
    roll-back deletes these objects before the row naming them is committed."""
    created: list[str] = []
    try:
        with ctx.store.publishing():
            for item, _ in staged:
                if item.publish():
                    created.append(item.sha256)
            return ctx.db.write(fn)
    except BaseException:
        if created:
            ctx.store.roll_back(created,
                                lambda sha: ctx.db.read(evidence_rows.is_referenced, sha))
        for item, _ in staged:
            item.discard()
        raise


def attach_evidence(ctx: Context, actor: User, number: str, uploads: list[Upload]) -> list[str]:
    """Add files to an open dispute; returns their exhibit numbers."""
    if not uploads:
        raise UserError(N_("Choose at least one file."))
    _require_open(case_for(ctx, actor, number), number)
    staged = stage_uploads(ctx, uploads)

    def write(uow: UnitOfWork) -> list[str]:
        row = open_row_for_write(uow, actor, number)
        posting_limits.take(uow, PostKind.EVIDENCE, actor.id, row["id"], ctx.now(), len(staged))
        exhibits = insert_staged(ctx, uow, actor, row["id"], staged)
        touch(uow, row, ctx.now())
        if actor.role == Role.BORROWER:
            answer_requests(uow, row, ctx.now(), actor, via="evidence")
        return exhibits

    return write_with_files(ctx, staged, write)


def _require_open(row: dict[str, Any], number: str) -> dict[str, Any]:
    """Refuse files for a closed dispute before they are staged (the write checks again)."""
    if row["stage"] == Stage.CLOSED:
        raise UserError(N_("Dispute {number} is closed; it cannot be changed."), number=number)
    return row


def list_evidence(ctx: Context, actor: User, number: str) -> list[EvidenceItem]:
    row = case_for(ctx, actor, number)
    return [EvidenceItem(**r) for r in ctx.db.read(evidence_rows.of_dispute, row["id"])]


def open_evidence(ctx: Context, actor: User, number: str, evidence_id: uuid.UUID) -> BinaryIO:
    """An exhibit's original bytes (decrypted, authenticated as they are read), after checking the
    actor may read that dispute. Use it with `with`."""
    row = case_for(ctx, actor, number)
    sha256 = ctx.db.read(evidence_rows.sha256_of, row["id"], evidence_id)
    if sha256 is None:
        raise NotFound(N_("No such exhibit on dispute {number}."), number=number)
    return ctx.store.open(sha256)


class ExhibitDetails(Strict):
    """What an exhibit proves (证明目的) and where it comes from (证据来源): the two columns a
    Chinese evidence list asks for, printed in the 证据目录 and the bundle's evidence index."""

    proves: OptionalText = ""
    source: OptionalText = ""


def describe_exhibit(ctx: Context, actor: User, number: str, evidence_id: uuid.UUID,
                     form: dict[str, Any]) -> EvidenceItem:
    """Set what an exhibit proves and its source: the borrower on their own dispute, or legal.
    The event keeps the earlier values. An empty field clears it."""
    require_role(actor, Role.BORROWER, Role.LEGAL)
    details = parse(ExhibitDetails, form)
    after = {"proves": details.proves or None, "source": details.source or None}

    def write(uow: UnitOfWork) -> EvidenceItem:
        row = open_row_for_write(uow, actor, number)
        item = evidence_rows.one(uow, row["id"], evidence_id)
        if item is None:
            raise NotFound(N_("No such exhibit on dispute {number}."), number=number)
        before = {"proves": item.get("proves"), "source": item.get("source")}
        if before == after:
            return EvidenceItem(**item)
        now = ctx.now()
        evidence_rows.set_details(uow, evidence_id, after["proves"], after["source"])
        touch(uow, row, now)
        events.append(uow, kind=ek.EXHIBIT_DESCRIBED, at=now, actor_id=actor.id,
                      dispute_id=row["id"],
                      payload={"exhibit": item["exhibit"], "evidence": str(evidence_id),
                               "before": before, "after": after})
        return EvidenceItem(**{**item, **after})

    return ctx.db.write(write)
