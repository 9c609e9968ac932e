"""The account's lines as the calculator sees them: charges, payments and due dates.

Money is integer minor units (fen, cents) with its currency, dates are `date`s, so nothing is
ever a float. Every line has a `ref` (its label: the CSV line number unless the file gives one)
so that overrides and interest-on-a-charge links can name it; `source_line` keeps the CSV line
for messages. One calculation is in one currency: `AccountLines` refuses a mix, because adding
yuan to dollars would produce a number that means nothing.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from dispute.claim.words import ClaimRefused
from dispute.i18n import N_
from dispute.vocab import Currency

Ref = Annotated[str, Field(min_length=1, max_length=40)]
Minor = Annotated[int, Field(ge=0, le=10**13)]
PositiveMinor = Annotated[int, Field(gt=0, le=10**13)]
Description = Annotated[str, Field(max_length=2_000)]


class LineKind(StrEnum):
    CHARGE = "charge"
    PAYMENT = "payment"
    DUE = "due"


class ChargeKind(StrEnum):
    INTEREST = "interest"
    PENALTY_INTEREST = "penalty_interest"
    COMPOUND_INTEREST = "compound_interest"
    LATE_CHARGE = "late_charge"
    OVERLIMIT_FEE = "overlimit_fee"
    INSTALMENT_FEE = "instalment_fee"
    ANNUAL_FEE = "annual_fee"
    OTHER_FEE = "other_fee"


KIND_LABELS: dict[ChargeKind, str] = {
    ChargeKind.INTEREST: N_("interest"),
    ChargeKind.PENALTY_INTEREST: N_("penalty interest"),
    ChargeKind.COMPOUND_INTEREST: N_("compound interest"),
    ChargeKind.LATE_CHARGE: N_("late charge"),
    ChargeKind.OVERLIMIT_FEE: N_("over-limit fee"),
    ChargeKind.INSTALMENT_FEE: N_("instalment fee"),
    ChargeKind.ANNUAL_FEE: N_("annual fee"),
    ChargeKind.OTHER_FEE: N_("other fee"),
}

# Fees are charged whether or not the borrower paid on time, so a lateness error does not cause
# them (an override can say otherwise); late charges, penalty and compound interest are charged
# because a payment was late, and interest when the interest-free period was lost.
FEE_KINDS = frozenset({ChargeKind.OVERLIMIT_FEE, ChargeKind.INSTALMENT_FEE,
                       ChargeKind.ANNUAL_FEE, ChargeKind.OTHER_FEE})


class Strict(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid", frozen=True)


class Charge(Strict):
    """Something the lender charged: posted on `charged_on`. `period_from`/`period_to` are the
    days an interest charge was counted for, when the statement says (they let a charge that is
    partly for days the error caused be refunded in part). `on_ref` names the charge this one is
    interest on, so it is refunded with it."""

    ref: Ref
    charged_on: date
    kind: ChargeKind
    amount_minor: PositiveMinor
    currency: Currency = Currency.CNY
    statement_on: date | None = None
    period_from: date | None = None
    period_to: date | None = None
    on_ref: Ref | None = None
    description: Description = ""
    source_line: int | None = None

    @model_validator(mode="after")
    def _period(self) -> "Charge":
        if (self.period_from is None) != (self.period_to is None):
            raise ValueError("give both ends of the period or neither")
        if self.period_from and self.period_to and self.period_from > self.period_to:
            raise ValueError("the period ends before it starts")
        return self


class Payment(Strict):
    """A payment the borrower made on `paid_on`, credited by the lender on `credited_on`
    (None: not credited, or not known)."""

    ref: Ref
    paid_on: date
    amount_minor: PositiveMinor
    currency: Currency = Currency.CNY
    credited_on: date | None = None
    description: Description = ""
    source_line: int | None = None


class DueLine(Strict):
    """A statement's due date, with what had to be paid by it: at least `minimum_minor` to
    avoid being late, `balance_minor` (the full statement balance) to keep the interest-free
    period. Either may be unknown."""

    ref: Ref
    due_on: date
    statement_on: date | None = None
    minimum_minor: Minor | None = None
    balance_minor: Minor | None = None
    currency: Currency = Currency.CNY
    description: Description = ""
    source_line: int | None = None


Line = Charge | Payment | DueLine


class AccountLines(Strict):
    """All the lines of one calculation, checked as a whole: one currency, unique refs, and
    every `on_ref` naming another charge without going round in a circle."""

    charges: tuple[Charge, ...] = ()
    payments: tuple[Payment, ...] = ()
    dues: tuple[DueLine, ...] = ()

    @model_validator(mode="after")
    def _whole(self) -> "AccountLines":
        lines: list[Line] = [*self.charges, *self.payments, *self.dues]
        if lines:
            first = lines[0].currency
            for line in lines:
                if line.currency != first:
                    raise ClaimRefused(N_("All lines must be in one currency: line {ref} is in "
                                          "{currency}, line {first_ref} in {first}."),
                                       ref=line.ref, currency=line.currency.value,
                                       first_ref=lines[0].ref, first=first.value)
        refs = [line.ref for line in lines]
        repeated = sorted({r for r in refs if refs.count(r) > 1})
        if repeated:
            raise ClaimRefused(N_("Each line needs its own ref; repeated: {refs}."),
                               refs=", ".join(repeated))
        by_ref = {c.ref: c for c in self.charges}
        for charge in self.charges:
            seen = {charge.ref}
            parent = charge.on_ref
            while parent is not None:
                if parent not in by_ref:
                    raise ClaimRefused(N_("Line {ref} is interest on {on}, which is not a "
                                          "charge in these lines."), ref=charge.ref, on=parent)
                if parent in seen:
                    raise ClaimRefused(N_("Line {ref} is interest on itself through {on}."),
                                       ref=charge.ref, on=parent)
                seen.add(parent)
                parent = by_ref[parent].on_ref
        return self

    @property
    def currency(self) -> Currency:
        for line in (*self.charges, *self.payments, *self.dues):
            return line.currency
        return Currency.CNY

    def charge(self, ref: str) -> Charge | None:
        return next((c for c in self.charges if c.ref == ref), None)

    def due(self, on: date) -> DueLine | None:
        return next((d for d in self.dues if d.due_on == on), None)
