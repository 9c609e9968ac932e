"""What the borrower says went wrong (the error and its dates) and the user's overrides.

These are the calculation's inputs besides the lines; a saved calculation stores them as they
are (`model_dump(mode="json")`), so they hold plain values only.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import Field, model_validator

from dispute.claim.lines import ChargeKind, Minor, Ref, Strict
from dispute.i18n import N_
from dispute.vocab import ErrorCategory

# The categories with a money effect the calculator can decide (issue 14). The others (a wrong
# credit report, collection contact, an account changed, other) cost no charge by themselves;
# charges that followed from them are claimed as fee_in_error.
MONEY_CATEGORIES: tuple[ErrorCategory, ...] = (
    ErrorCategory.PAYMENT_NOT_CREDITED,
    ErrorCategory.PAYMENT_MISAPPLIED,
    ErrorCategory.AUTOPAY_FAILED,
    ErrorCategory.DEFERRAL_NOT_RECORDED,
    ErrorCategory.FEE_IN_ERROR,
    ErrorCategory.WRONG_AGENT_INFO,
)


class ChargeMatch(Strict):
    """Names charges by their posting date, and optionally their kind: `2026-03-13:annual_fee`."""

    charged_on: date
    kind: ChargeKind | None = None


class ErrorFacts(Strict):
    """The error and its dates. Which dates a category uses:

    - payment_not_credited, payment_misapplied: `due_on`, `paid_on` (the payment the lender
      mishandled), `credited_on` (when it was finally credited or put right; else the payment
      line's `credited_on`; none: not yet);
    - autopay_failed: `due_on`, `paid_on` (the day the deduction should have run; default the
      due date), `credited_on` (when the catch-up payment was credited);
    - deferral_not_recorded: `due_on`, `promised_on` (the date the payment was deferred to),
      `credited_on`;
    - wrong_agent_info: `due_on`; `promised_on` when the agent gave a wrong date (the date the
      agent gave), otherwise a wrong amount, with `paid_on` the payment made as told;
      `credited_on`;
    - fee_in_error: `charged` (the charges made in error).

    `principal_minor` is the principal for the annualised cost check (default: the full balance
    of the due date concerned).
    """

    category: ErrorCategory
    due_on: date | None = None
    paid_on: date | None = None
    credited_on: date | None = None
    promised_on: date | None = None
    charged: tuple[ChargeMatch, ...] = ()
    principal_minor: Annotated[int, Field(gt=0, le=10**13)] | None = None


class Decision(StrEnum):
    REFUND = "refund"   # the error caused the whole charge
    PART = "part"       # the error caused part of it (some of the days it was counted for)
    KEEP = "keep"       # the borrower's own: the error did not cause it


DECISION_LABELS: dict[Decision, str] = {
    Decision.REFUND: N_("Refund"),
    Decision.PART: N_("Refund in part"),
    Decision.KEEP: N_("Stays the borrower's"),
}


class Override(Strict):
    """A person's decision on one charge, which replaces the calculator's and is shown beside
    it with its reason. `refund_minor` is needed for `part`."""

    ref: Ref
    decision: Decision
    reason: Annotated[str, Field(min_length=1, max_length=2_000)]
    refund_minor: Minor | None = None

    @model_validator(mode="after")
    def _amount(self) -> "Override":
        if self.decision == Decision.PART and self.refund_minor is None:
            raise ValueError("a part refund needs its amount")
        if self.decision != Decision.PART and self.refund_minor is not None:
            raise ValueError("only a part refund takes an amount")
        return self
