"""Filing, listing, reading and withdrawing disputes (the borrower's side of docs/product.md §2–3)."""

from __future__ import annotations

import uuid
from typing import Any

from dispute import event_kinds as ek
from dispute import events
from dispute.access import require_role
from dispute.case_rows import case_for
from dispute.context import Context
from dispute.errors import Forbidden
from dispute.i18n import N_
from dispute.storage import UnitOfWork, disputes
from dispute.exhibits import Upload, insert_staged, stage_uploads, write_with_files
from dispute.models import Dispute, DisputeFiling, DisputeSummary, User
from dispute.pagination import Page, bounds
from dispute.validation import parse
from dispute.vocab import Role, Stage

DEFAULT_RULEBOOK = "cn-banking"
NOT_VERIFIED = N_("Confirm your email address first: follow the link we sent you. You can ask "
                  "for a new link below.")


def file_dispute(ctx: Context, actor: User, form: dict[str, Any],
                 uploads: list[Upload] | None = None) -> str:
    """A borrower files a dispute, with or without evidence; returns its number.

    Everything is checked before anything is written: a wrong field or a refused file leaves no
    dispute, no evidence row and no stored file."""
    require_role(actor, Role.BORROWER)
    if ctx.settings.mail_configured and actor.email_verified_at is None:  # as in signup.py
        raise Forbidden(NOT_VERIFIED)  # sign-up by email: the address is confirmed first
    filing = parse(DisputeFiling, form, today=ctx.today())
    staged = stage_uploads(ctx, uploads or [])

    def write(uow: UnitOfWork) -> str:
        now = ctx.now()
        number = disputes.next_number(uow, ctx.today().year)
        dispute_id = uuid.uuid4()
        disputes.insert(uow, {
            "id": dispute_id, "number": number, "borrower_id": actor.id,
            "institution": filing.institution, "product": filing.product.value,
            "account_ref": filing.account_ref, "error_category": filing.error_category.value,
            "description": filing.description, "error_occurred_on": filing.error_occurred_on,
            "payment_due_on": filing.payment_due_on, "discovered_on": filing.discovered_on,
            "currency": filing.currency.value, "overdue_minor": filing.overdue_minor,
            "fees_minor": filing.fees_minor, "compensation_minor": filing.compensation_minor,
            "remedies": [r.value for r in filing.remedies], "stage": Stage.FILED.value,
            "rulebook": DEFAULT_RULEBOOK, "version": 1, "filed_at": now, "updated_at": now,
            "last_activity_at": now})
        events.append(uow, kind=ek.DISPUTE_FILED, at=now, actor_id=actor.id,
                      dispute_id=dispute_id,
                      payload={"number": number, **filing.model_dump(mode="json",
                                                                     exclude={"account_ref"})})
        insert_staged(ctx, uow, actor, dispute_id, staged)
        return number

    return write_with_files(ctx, staged, write)




def get_dispute(ctx: Context, actor: User, number: str) -> Dispute:
    return Dispute(**case_for(ctx, actor, number))


def list_my_disputes(ctx: Context, actor: User, page: int = 1,
                     page_size: int = 20) -> Page[DisputeSummary]:
    """The borrower's own disputes, newest first, one page at a time."""
    require_role(actor, Role.BORROWER)
    limit, offset = bounds(page, page_size)
    total = ctx.db.read(disputes.count_for_borrower, actor.id)
    rows = ctx.db.read(disputes.page_for_borrower, actor.id, limit, offset, ctx.today())
    return Page(items=[DisputeSummary(**r) for r in rows], total=total, page=max(page, 1),
                page_size=limit)
