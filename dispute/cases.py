"""Filing, listing, reading and withdrawing disputes (the borrower's side of design §2–3)."""

from __future__ import annotations

import uuid
from typing import Any

from dispute import event_kinds as ek
from dispute import events
from dispute.access import check_case_access, require_role
from dispute.case_rows import DISPUTE_SQL
from dispute.context import Context
from dispute.db import UnitOfWork
from dispute.exhibits import Upload, insert_staged, stage_uploads, write_with_files
from dispute.models import Dispute, DisputeFiling, DisputeSummary, User
from dispute.pagination import Page, bounds
from dispute.pii import seal_text
from dispute.validation import parse
from dispute.vocab import Role, Stage

DEFAULT_RULEBOOK = "cn-banking"


def next_number(uow: UnitOfWork, year: int) -> str:
    """`DSP-YYYY-NNNNNN`, counted per year inside the filing's transaction (so two filings
    cannot take the same number: the second conflicts and is retried, or waits its turn)."""
    value = uow.execute(
        "INSERT INTO counters VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET value = value + 1 "
        "RETURNING value", (f"dispute:{year}",)).scalar()
    return f"DSP-{year}-{value:06d}"


def file_dispute(ctx: Context, actor: User, form: dict[str, Any],
                 uploads: list[Upload] | None = None) -> str:
    """A borrower files a dispute, with or without evidence; returns its number.

    Everything is checked before anything is written: a wrong field or a refused file leaves no
    dispute, no evidence row and no stored file."""
    require_role(actor, Role.BORROWER)
    filing = parse(DisputeFiling, form, today=ctx.today())
    staged = stage_uploads(ctx, uploads or [])

    def write(uow: UnitOfWork) -> str:
        now = ctx.now()
        number = next_number(uow, ctx.today().year)
        dispute_id = uuid.uuid4()
        uow.execute(
            "INSERT INTO disputes (id, number, borrower_id, institution, product, account_ref, "
            "error_category, description, error_occurred_on, payment_due_on, discovered_on, "
            "currency, overdue_minor, fees_minor, compensation_minor, remedies, stage, rulebook, "
            "version, filed_at, updated_at, last_activity_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)",
            (dispute_id, number, actor.id, filing.institution, filing.product.value,
             seal_text(ctx.keys, filing.account_ref, "disputes", "account_ref"),
             filing.error_category.value, filing.description,
             filing.error_occurred_on, filing.payment_due_on, filing.discovered_on,
             filing.currency.value, filing.overdue_minor, filing.fees_minor,
             filing.compensation_minor, [r.value for r in filing.remedies], Stage.FILED.value,
             DEFAULT_RULEBOOK, events.utc_naive(now), events.utc_naive(now),
             events.utc_naive(now)))
        events.append(uow, kind=ek.DISPUTE_FILED, at=now, actor_id=actor.id,
                      dispute_id=dispute_id,
                      payload={"number": number, **filing.model_dump(mode="json",
                                                                     exclude={"account_ref"})})
        insert_staged(ctx, uow, actor, dispute_id, staged)
        return number

    return write_with_files(ctx, staged, write)




def _dispute(row: dict[str, Any]) -> Dispute:
    row = dict(row)
    row["filed_at"] = events.as_utc(row["filed_at"])
    row["updated_at"] = events.as_utc(row["updated_at"])
    row["last_activity_at"] = events.as_utc(row["last_activity_at"])
    return Dispute(**row)


def get_dispute(ctx: Context, actor: User, number: str) -> Dispute:
    row = ctx.db.query(DISPUTE_SQL, (number.strip().upper(),)).first()
    return _dispute(check_case_access(actor, row, number))


def list_my_disputes(ctx: Context, actor: User, page: int = 1,
                     page_size: int = 20) -> Page[DisputeSummary]:
    """The borrower's own disputes, newest first, one page at a time."""
    require_role(actor, Role.BORROWER)
    limit, offset = bounds(page, page_size)
    total = ctx.db.query("SELECT count(*) FROM disputes WHERE borrower_id = ?",
                         (actor.id,)).scalar()
    rows = ctx.db.query(
        "SELECT number, institution, product, stage, filed_at FROM disputes "
        "WHERE borrower_id = ? ORDER BY filed_at DESC, number DESC LIMIT ? OFFSET ?",
        (actor.id, limit, offset))
    items = [DisputeSummary(**{**r, "filed_at": events.as_utc(r["filed_at"])}) for r in rows]
    return Page(items=items, total=total, page=max(page, 1), page_size=limit)
