"""Offers to settle (docs/product.md §3): staff or legal record what the lender offers; the borrower
accepts or rejects it on their page. An offer past its expiry date reads as expired."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from dispute import event_kinds as ek
from dispute import events
from dispute.access import CASE_ROLES, require_role
from dispute.case_rows import case_for, open_row_for_write, touch
from dispute.context import Context
from dispute.storage import UnitOfWork
from dispute.storage import offers as offer_rows
from dispute.errors import Day, Listing, UserError
from dispute.i18n import N_
from dispute.models import OptionalText, Strict, User, custom_error, parse_amount
from dispute.validation import parse
from dispute.vocab import Currency, Role

Amount = Annotated[int, Field(ge=0, le=10**13)]


class OfferStatus(StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    EXPIRED = "expired"


YOUR_TURN = N_("Waiting for your answer")  # an open offer, as its borrower reads it
STATUS_LABELS = {
    OfferStatus.PROPOSED: N_("Awaiting the borrower's answer"),  # the borrower reads YOUR_TURN
    OfferStatus.ACCEPTED: N_("Accepted"),
    OfferStatus.REJECTED: N_("Rejected"),
    OfferStatus.EXPIRED: N_("Expired"),
}


class OfferTerms(Strict):
    """What the lender offers; at least one term. Amounts may be typed as decimal text."""

    currency: Currency = Currency.CNY
    refund_minor: Amount = 0
    credit_correction: bool = False
    instalments: Annotated[int, Field(ge=1, le=360)] | None = None
    instalment_minor: Amount | None = None
    deferral_to: date | None = None
    note: OptionalText = ""
    expires_on: date | None = None

    @field_validator("refund_minor", "instalment_minor", mode="before")
    @classmethod
    def _amount_from_text(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, str):
            parsed = parse_amount(value, str(info.data.get("currency", Currency.CNY)))
            return None if parsed == 0 and info.field_name == "instalment_minor" else parsed
        return value

    @field_validator("expires_on", "deferral_to")
    @classmethod
    def _not_past(cls, value: date | None, info: ValidationInfo) -> date | None:
        today = (info.context or {}).get("today")
        if value is not None and today is not None and value < today:
            raise custom_error(N_("{date} has passed (today is {today}): enter today or a later "
                                  "day."), date=Day(value), today=Day(today))
        return value

    @model_validator(mode="after")
    def _complete(self) -> "OfferTerms":
        if (self.instalments is None) != (self.instalment_minor is None):
            raise custom_error(N_("A repayment plan needs both the number of instalments and "
                                  "the amount of each."))
        if not (self.refund_minor or self.credit_correction or self.instalments
                or self.deferral_to):
            raise custom_error(N_("Offer at least one term: a refund or waiver, a credit "
                                  "record correction, a repayment plan or a deferral."))
        return self


class OfferAnswer(Strict):
    answer: Literal["accepted", "rejected"]
    note: OptionalText = ""


class Offer(OfferTerms):
    id: uuid.UUID
    made_by_name: str
    made_at: datetime
    status: OfferStatus
    answered_at: datetime | None
    answer_note: str | None


def make_offer(ctx: Context, actor: User, number: str, form: dict[str, Any],
               expected_version: int | None = None) -> uuid.UUID:
    require_role(actor, *CASE_ROLES)
    terms = parse(OfferTerms, form, today=ctx.today())

    def write(uow: UnitOfWork) -> uuid.UUID:
        row = open_row_for_write(uow, actor, number, expected_version)
        now, offer_id = ctx.now(), uuid.uuid4()
        offer_rows.insert(uow, offer_id=offer_id, dispute_id=row["id"], made_by=actor.id,
                          made_at=now, terms={**terms.model_dump(),
                                              "currency": terms.currency.value})
        touch(uow, row, now)
        events.append(uow, kind=ek.OFFER_MADE, at=now, actor_id=actor.id, dispute_id=row["id"],
                      payload={"offer_id": str(offer_id),
                               "terms": terms.model_dump(mode="json")})
        return offer_id

    return ctx.db.write(write)


def answer_offer(ctx: Context, actor: User, number: str, offer_id: uuid.UUID,
                 form: dict[str, Any], expected_version: int | None = None) -> OfferStatus:
    """The borrower who owns the dispute accepts or rejects a proposed, unexpired offer."""
    require_role(actor, Role.BORROWER)
    answer = parse(OfferAnswer, form)

    def write(uow: UnitOfWork) -> OfferStatus:
        row = open_row_for_write(uow, actor, number, expected_version)
        offer = offer_rows.status_of(uow, row["id"], offer_id)
        if offer is None:
            raise UserError(N_("That offer is not part of dispute {number}."), number=number)
        if _status(offer, ctx.today()) != OfferStatus.PROPOSED:
            raise UserError(N_("This offer can no longer be answered (it is {status})."),
                            status=Listing([STATUS_LABELS[_status(offer, ctx.today())]]))
        now = ctx.now()
        offer_rows.answer(uow, offer_id, answer.answer, actor.id, now, answer.note)
        touch(uow, row, now, borrower_replied=True)
        events.append(uow, kind=ek.OFFER_ANSWERED, at=now, actor_id=actor.id,
                      dispute_id=row["id"], payload={"offer_id": str(offer_id),
                                                     "answer": answer.answer,
                                                     "note": answer.note})
        return OfferStatus(answer.answer)

    return ctx.db.write(write)


def list_offers(ctx: Context, actor: User, number: str) -> list[Offer]:
    row = case_for(ctx, actor, number)
    rows = ctx.db.read(offer_rows.of_dispute, row["id"])
    today = ctx.today()
    # model_construct: stored offers were validated when made (an old expiry date is no error)
    return [Offer.model_construct(
        **{k: r[k] for k in Offer.model_fields if k in r}
        | {"currency": Currency(r["currency"]), "status": _status(r, today)})
        for r in rows]


def _status(row: dict[str, Any], today: date) -> OfferStatus:
    if row["status"] == OfferStatus.PROPOSED and row["expires_on"] and row["expires_on"] < today:
        return OfferStatus.EXPIRED
    return OfferStatus(row["status"])
