"""What the error cost, on a dispute (issue 14): its account lines, working it out, and saving a
calculation as the amount disputed.

- `save_lines` / `import_lines`: replace the dispute's lines (from the page's table or a CSV
  upload); a bad CSV row is refused with its line number and nothing is saved;
- `claim_state`: the lines and the latest saved calculation;
- `compute`: the calculator on the stored lines, with the dispute's error category, the dates
  the user gives and their overrides (reads only);
- `save_calculation`: the same, saved: a `ClaimCalculated` event with its inputs and the refund,
  and the dispute's `fees_minor` ("fees and penalty interest disputed") set to the refund, with
  the calculation as its basis.

Everyone on the case may do all of it: the borrower on their own dispute, staff and legal on any
(dispute/access_matrix.py). The calculator itself is pure (dispute/claim/).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable

from dispute import event_kinds as ek
from dispute import events
from dispute.case_rows import case_for, open_row_for_write, touch
from dispute.claim import (AccountLines, ClaimResult, ErrorFacts, Override, calculate, decode,
                           parse_csv)
from dispute.claim import working
from dispute.claim.words import ClaimRefused, Label
from dispute.context import Context
from dispute.deadlines.rulebook import Jurisdiction, load_rulebook
from dispute.errors import InvalidInput, UserError
from dispute.i18n import LANGUAGES, N_, format_money
from dispute.models import User
from dispute.storage import UnitOfWork
from dispute.storage import claims as claim_rows
from dispute.validation import parse
from dispute.vocab import ErrorCategory

SOURCES = ("page", "csv")


@dataclass(frozen=True)
class SavedCalculation:
    """A calculation as saved: its inputs (enough to work it out again, in either language),
    its refund, who saved it and when."""

    id: uuid.UUID
    made_at: datetime
    made_by_name: str
    currency: str
    refund_minor: int
    lines: AccountLines
    facts: ErrorFacts
    overrides: tuple[Override, ...]
    jurisdiction: Jurisdiction
    result: dict[str, Any]    # the working as JSON per language, as it was when saved

    def worked(self) -> ClaimResult:
        """The calculation again from its inputs (the calculator is pure), for the working in
        any language."""
        return calculate(self.lines, self.facts, self.jurisdiction, self.overrides)


@dataclass(frozen=True)
class ClaimState:
    lines: AccountLines | None
    lines_saved_at: datetime | None
    lines_saved_by: str | None
    latest: SavedCalculation | None


def save_lines(ctx: Context, actor: User, number: str, lines: AccountLines,
               expected_version: int | None = None, source: str = "page") -> AccountLines:
    """Replace the dispute's account lines with `lines` (already checked as a whole)."""
    if source not in SOURCES:
        raise ValueError(source)

    def write(uow: UnitOfWork) -> AccountLines:
        row = open_row_for_write(uow, actor, number, expected_version)
        now = ctx.now()
        claim_rows.replace_lines(uow, dispute_id=row["id"], lines=lines.model_dump(mode="json"),
                                 source=source, saved_by=actor.id, saved_at=now)
        touch(uow, row, now)
        events.append(uow, kind=ek.CLAIM_LINES_SAVED, at=now, actor_id=actor.id,
                      dispute_id=row["id"],
                      payload={"source": source, "charges": len(lines.charges),
                               "payments": len(lines.payments), "dues": len(lines.dues),
                               "currency": lines.currency.value})
        return lines

    return ctx.db.write(write)


def import_lines(ctx: Context, actor: User, number: str, data: bytes,
                 expected_version: int | None = None, source: str = "csv") -> AccountLines:
    """Lines from a CSV file's bytes (the layout of docs/claim.md), replacing the dispute's.
    A file with any bad row raises CsvRefused naming each bad line, and nothing is saved.
    The access check comes first, so a refused reader learns nothing from the file's errors."""
    case_for(ctx, actor, number)
    lines = parse_csv(decode(data))
    return save_lines(ctx, actor, number, lines, expected_version, source=source)


def claim_state(ctx: Context, actor: User, number: str) -> ClaimState:
    row = case_for(ctx, actor, number)
    stored = ctx.db.read(claim_rows.lines_of, row["id"])
    latest = ctx.db.read(claim_rows.latest_calculation, row["id"])
    return ClaimState(
        lines=AccountLines.model_validate(stored["lines"]) if stored else None,
        lines_saved_at=stored["saved_at"] if stored else None,
        lines_saved_by=stored["saved_by_name"] if stored else None,
        latest=_saved(latest) if latest else None)


def latest_calculation(ctx: Context, actor: User, number: str) -> SavedCalculation | None:
    """The newest saved calculation alone: what the offer form starts from, without reading
    and checking the dispute's account lines as `claim_state` does."""
    row = case_for(ctx, actor, number)
    latest = ctx.db.read(claim_rows.latest_calculation, row["id"])
    return _saved(latest) if latest else None


def compute(ctx: Context, actor: User, number: str, facts: dict[str, Any],
            overrides: Iterable[dict[str, Any]] = ()) -> ClaimResult:
    """The working on the dispute's stored lines; nothing is saved."""
    row = case_for(ctx, actor, number)
    lines = ctx.db.read(claim_rows.lines_of, row["id"])
    return _work(row, lines, facts, overrides)[0]


def save_calculation(ctx: Context, actor: User, number: str, facts: dict[str, Any],
                     overrides: Iterable[dict[str, Any]] = (),
                     expected_version: int | None = None) -> SavedCalculation:
    """Work it out on the stored lines and save it: the event, the calculation, and the
    dispute's disputed fees set to the refund (a stale version is refused)."""
    overrides = list(overrides)

    def write(uow: UnitOfWork) -> uuid.UUID:
        row = open_row_for_write(uow, actor, number, expected_version)
        result, error, given, jurisdiction, lines = _work(
            row, claim_rows.lines_of(uow, row["id"]), facts, overrides, same_currency=True)
        now, calc_id = ctx.now(), uuid.uuid4()
        inputs = {"lines": lines.model_dump(mode="json"),
                  "facts": error.model_dump(mode="json"),
                  "overrides": [o.model_dump(mode="json") for o in given],
                  "jurisdiction": jurisdiction.value}
        claim_rows.insert_calculation(
            uow, calculation_id=calc_id, dispute_id=row["id"], made_by=actor.id, made_at=now,
            currency=result.currency, refund_minor=result.refund_minor, inputs=inputs,
            result={lang: working.as_json(result, lang) for lang in LANGUAGES})
        touch(uow, row, now, fees_minor=result.refund_minor)
        events.append(uow, kind=ek.CLAIM_CALCULATED, at=now, actor_id=actor.id,
                      dispute_id=row["id"],
                      payload={"calculation_id": str(calc_id), "category": error.category.value,
                               "facts": inputs["facts"], "overrides": inputs["overrides"],
                               "jurisdiction": jurisdiction.value, "lines": inputs["lines"],
                               "currency": result.currency,
                               "refund_minor": result.refund_minor,
                               "fees_before": row["fees_minor"]})
        return calc_id

    ctx.db.write(write)
    latest = latest_calculation(ctx, actor, number)
    assert latest is not None
    return latest


CALCULATED = N_("Refund worked out: {refund}; the amount disputed was {before}")


def calculated_detail(payload: dict[str, Any], _, lang: str) -> str:
    """A ClaimCalculated event in one line (the timeline, the bundle's chronology): the refund
    worked out and the amount disputed it replaced."""
    if "refund_minor" not in payload:
        return ""
    currency = payload.get("currency") or "CNY"
    return _(CALCULATED).format(
        refund=format_money(payload["refund_minor"], currency, lang),
        before=format_money(payload.get("fees_before") or 0, currency, lang))


# --- helpers ----------------------------------------------------------------------------------

def _work(row: dict[str, Any], stored: dict[str, Any] | None, facts: dict[str, Any],
          overrides: Iterable[dict[str, Any]], same_currency: bool = False
          ) -> tuple[ClaimResult, ErrorFacts, tuple[Override, ...], Jurisdiction, AccountLines]:
    if stored is None:
        raise UserError(N_("This dispute has no account lines yet: upload a CSV of the "
                           "account's lines first."))
    lines = AccountLines.model_validate(stored["lines"])
    if same_currency and lines.currency.value != row["currency"]:
        raise UserError(N_("The lines are in {lines}, the dispute in {dispute}: the amount "
                           "disputed cannot be set from them."),
                        lines=lines.currency.value, dispute=row["currency"])
    error = parse(ErrorFacts, {**{k: v for k, v in facts.items() if v not in (None, "", ())},
                               "category": ErrorCategory(row["error_category"])})
    given = _overrides(overrides)
    jurisdiction = load_rulebook(row["rulebook"]).jurisdiction
    return calculate(lines, error, jurisdiction, given), error, given, jurisdiction, lines


def _overrides(forms: Iterable[dict[str, Any]]) -> tuple[Override, ...]:
    out = []
    for form in forms:
        try:
            out.append(parse(Override, form))
        except InvalidInput as exc:
            what = (N_("a reason") if "reason" in exc.fields else
                    N_("the amount refunded (a part refund only, as 12.50)"))
            raise ClaimRefused(N_("The override of line {ref} needs {what}."),
                               ref=str(form.get("ref", "")), what=Label(what)) from None
    return tuple(out)


def _saved(row: dict[str, Any]) -> SavedCalculation:
    inputs = row["inputs"]
    return SavedCalculation(
        id=row["id"], made_at=row["made_at"], made_by_name=row["made_by_name"],
        currency=row["currency"], refund_minor=row["refund_minor"],
        lines=AccountLines.model_validate(inputs["lines"]),
        facts=ErrorFacts.model_validate(inputs["facts"]),
        overrides=tuple(Override.model_validate(o) for o in inputs["overrides"]),
        jurisdiction=Jurisdiction(inputs["jurisdiction"]), result=row["result"])
