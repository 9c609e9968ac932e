"""Correcting and withdrawing an exhibit (docs/product.md §3).

The bytes of an exhibit never change, but what people said of it can be wrong: a JPEG filed as a
"call recording", a description typed in haste, the wrong date. The uploader (a borrower, on
their own open dispute) and the handling team may correct the kind, description and date; each
correction is an `ExhibitReclassified` event holding the earlier and the new values, so the
timeline shows both. Withdrawing an exhibit marks it withdrawn with a reason; its bytes stay in
the store for the chain of custody, and it stays listed — marked withdrawn — on the evidence
tab, in the bundle's index, evidence index and separator sheet.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from pydantic import Field, ValidationInfo, field_validator

from dispute import event_kinds as ek
from dispute import events
from dispute.access import require_role
from dispute.case_rows import open_row_for_write, row_for_write, touch
from dispute.context import Context
from dispute.errors import Forbidden, NotFound, UserError
from dispute.i18n import N_
from dispute.models import EvidenceItem, Strict, User, not_after_today
from dispute.storage import UnitOfWork
from dispute.storage import evidence as evidence_rows
from dispute.validation import parse
from dispute.vocab import EvidenceKind, Role

# What a file's detected type suggests it is: a suggestion on the upload form, never a default
# the uploader cannot see. Audio is nearly always a recorded call; phones save screenshots as
# PNG (WebP on some), camera pictures as JPEG or HEIC; scanners make TIFF; a PDF is most often
# a statement.
_SUGGESTED = {
    "application/pdf": EvidenceKind.STATEMENT,
    "image/png": EvidenceKind.SCREENSHOT,
    "image/webp": EvidenceKind.SCREENSHOT,
    "image/jpeg": EvidenceKind.PHOTO,
    "image/heic": EvidenceKind.PHOTO,
    "image/heif": EvidenceKind.PHOTO,
    "image/tiff": EvidenceKind.LETTER,
}


def suggested_kind(media_type: str | None) -> EvidenceKind:
    """The kind to offer first for a file of `media_type` (as intake detects it)."""
    if not media_type:
        return EvidenceKind.OTHER
    if media_type.startswith("audio/"):
        return EvidenceKind.CALL_RECORDING
    return _SUGGESTED.get(media_type, EvidenceKind.OTHER)


class ExhibitCorrection(Strict):
    """The fields an exhibit's uploader or the team may correct (the same rules as at upload)."""

    kind: EvidenceKind
    description: Annotated[str, Field(min_length=1, max_length=2_000)]
    recorded_on: date | None = None

    @field_validator("recorded_on")
    @classmethod
    def _recorded(cls, value: date | None, info: ValidationInfo) -> date | None:
        return not_after_today(value, info)


class ExhibitWithdrawal(Strict):
    reason: Annotated[str, Field(min_length=3, max_length=2_000)]


def correct_exhibit(ctx: Context, actor: User, number: str, evidence_id: uuid.UUID,
                    form: dict[str, Any], expected_version: int | None = None) -> EvidenceItem:
    """Correct an exhibit's kind, description and date; the event keeps the earlier values.
    Nothing changes (and no event is written) when the values are the same."""
    require_role(actor, Role.BORROWER, Role.STAFF, Role.LEGAL)
    fixed = parse(ExhibitCorrection, form, today=ctx.today())
    after_all = {"kind": fixed.kind.value, "description": fixed.description.strip(),
                 "recorded_on": fixed.recorded_on.isoformat() if fixed.recorded_on else None}

    def write(uow: UnitOfWork) -> EvidenceItem:
        row, item = _exhibit_for_change(uow, actor, number, evidence_id, expected_version)
        before_all = {"kind": item["kind"], "description": item["description"],
                      "recorded_on": item["recorded_on"].isoformat()
                      if item["recorded_on"] else None}
        changed = [k for k in after_all if after_all[k] != before_all[k]]
        if not changed:
            return EvidenceItem(**item)
        now = ctx.now()
        evidence_rows.correct(uow, evidence_id, fixed.kind.value, after_all["description"],
                              fixed.recorded_on)
        touch(uow, row, now)
        events.append(uow, kind=ek.EXHIBIT_RECLASSIFIED, at=now, actor_id=actor.id,
                      dispute_id=row["id"],
                      payload={"exhibit": item["exhibit"], "evidence": str(evidence_id),
                               "before": {k: before_all[k] for k in changed},
                               "after": {k: after_all[k] for k in changed}})
        return EvidenceItem(**{**item, "kind": fixed.kind, "description":
                               after_all["description"], "recorded_on": fixed.recorded_on})

    return ctx.db.write(write)


def withdraw_exhibit(ctx: Context, actor: User, number: str, evidence_id: uuid.UUID,
                     form: dict[str, Any], expected_version: int | None = None) -> EvidenceItem:
    """Mark an exhibit withdrawn, with a reason. The bytes and the row stay."""
    require_role(actor, Role.BORROWER, Role.STAFF, Role.LEGAL)
    withdrawal = parse(ExhibitWithdrawal, form)
    reason = withdrawal.reason.strip()

    def write(uow: UnitOfWork) -> EvidenceItem:
        row, item = _exhibit_for_change(uow, actor, number, evidence_id, expected_version)
        now = ctx.now()
        evidence_rows.withdraw(uow, evidence_id, now, reason)
        touch(uow, row, now)
        events.append(uow, kind=ek.EVIDENCE_WITHDRAWN, at=now, actor_id=actor.id,
                      dispute_id=row["id"],
                      payload={"exhibit": item["exhibit"], "evidence": str(evidence_id),
                               "reason": reason})
        return EvidenceItem(**{**item, "withdrawn_at": now, "withdrawn_reason": reason})

    return ctx.db.write(write)


def may_change(actor: User, item: EvidenceItem, is_open: bool) -> bool:
    """Whether the pages offer `actor` the correction and withdrawal of `item` (the services
    decide again): the borrower who uploaded it while the dispute is open; staff and legal on
    any dispute; nobody once it is withdrawn."""
    if item.withdrawn_at is not None:
        return False
    if actor.role == Role.BORROWER:
        return is_open and item.uploaded_by == actor.id
    return actor.role in (Role.STAFF, Role.LEGAL)


def _exhibit_for_change(uow: UnitOfWork, actor: User, number: str, evidence_id: uuid.UUID,
                        expected_version: int | None) -> tuple[dict, dict]:
    """The dispute row and the exhibit, after the checks every change of an exhibit needs: a
    borrower changes only what they uploaded, and only while the dispute is open; the team
    may also put a closed dispute's record right. A withdrawn exhibit is not changed again."""
    if actor.role == Role.BORROWER:
        row = open_row_for_write(uow, actor, number, expected_version)
    else:
        row = row_for_write(uow, actor, number, expected_version)
    item = evidence_rows.one(uow, row["id"], evidence_id)
    if item is None:
        raise NotFound(N_("No such exhibit on dispute {number}."), number=number)
    if actor.role == Role.BORROWER and item["uploaded_by"] != actor.id:
        raise Forbidden(N_("Exhibit {exhibit} was added by the handling team; ask them to "
                           "correct or withdraw it."), exhibit=item["exhibit"])
    if item["withdrawn_at"] is not None:
        raise UserError(N_("Exhibit {exhibit} was withdrawn; it cannot be changed."),
                        exhibit=item["exhibit"])
    return row, item

