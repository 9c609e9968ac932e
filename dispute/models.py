"""Records that cross a boundary (page ↔ service ↔ storage), validated by pydantic.

Input models carry the rules of docs/product.md §3; validation errors become translatable per-field
messages through `dispute.validation`.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, EmailStr, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from dispute.errors import Day, Money, Typed
from dispute.i18n import N_, to_minor
from dispute.vocab import (Channel, Currency, ErrorCategory, EvidenceKind, Product, Remedy,
                           Resolution, Role, Stage)

Text = Annotated[str, Field(min_length=1, max_length=200)]
LongText = Annotated[str, Field(min_length=1, max_length=20_000)]
# A message or an internal note: a long letter fits; longer text belongs in an evidence file
# (pen test finding 6: 300 messages of 20,000 characters made a bundle that never finished).
POST_TEXT_MAX = 5_000
PostText = Annotated[str, Field(min_length=1, max_length=POST_TEXT_MAX)]
OptionalText = Annotated[str, Field(max_length=5_000)]
PHONE = re.compile(r"^\+?[0-9 ()-]{7,20}$")


def custom_error(msgid: str, **ctx: Any) -> PydanticCustomError:
    """A validation error whose message is one of our msgids (translated where shown)."""
    return PydanticCustomError("dispute", msgid, ctx or None)


def not_after_today(value: date | None, info: ValidationInfo) -> date | None:
    """The one 'not in the future' check of a date field (today comes in the validation
    context, in the organisation's time zone)."""
    today = (info.context or {}).get("today")
    if value is not None and today is not None and value > today:
        raise custom_error(N_("{date} is in the future (today is {today}): enter a day that has "
                              "passed."), date=Day(value), today=Day(today))
    return value


class Strict(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid", frozen=True)


class Registration(Strict):
    name: Text
    email: EmailStr
    phone: str
    password: Annotated[str, Field(min_length=10, max_length=200)]

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        if not PHONE.match(value) or sum(c.isdigit() for c in value) < 7:
            raise custom_error(N_("Enter a phone number of 7 to 20 digits."))
        return value

    @field_validator("email")
    @classmethod
    def _email_lower(cls, value: str) -> str:
        return value.lower()


class ProfileChange(Strict):
    """What a user may change about themselves on "My account" (PIPL art. 46)."""

    name: Text
    phone: str
    language: str

    _phone = field_validator("phone")(Registration._phone.__func__)

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        from dispute.i18n import LANGUAGES
        if value not in LANGUAGES:
            raise custom_error(N_("Unknown language."))
        return value


class NewAccount(Registration):
    """An account created by an admin or the CLI, with any role."""

    role: Role


class User(Strict):
    id: UUID
    email: str
    name: str
    phone: str | None
    role: Role
    language: str | None
    disabled: bool
    created_at: datetime
    must_change_password: bool = False    # after an administrator's reset
    sessions_valid_from: datetime | None = None  # sessions begun earlier have ended
    email_verified_at: datetime | None = None  # the address was confirmed (issue 15)
    totp_enrolled_at: datetime | None = None     # two-step sign-in set up (dispute/two_factor)


class NewPassword(Strict):
    """A password chosen through an emailed reset link (no current one to prove)."""

    new: Annotated[str, Field(min_length=10, max_length=200)]
    repeat: str

    @field_validator("repeat")
    @classmethod
    def _repeated(cls, value: str, info: ValidationInfo) -> str:
        if "new" in info.data and value != info.data["new"]:
            raise custom_error(N_("The two new passwords differ."))
        return value


class PasswordChange(Strict):
    """A user picks a new password, proving the current (or temporary) one."""

    current: Annotated[str, Field(min_length=1, max_length=200)]
    new: Annotated[str, Field(min_length=10, max_length=200)]
    repeat: str

    @field_validator("new")
    @classmethod
    def _not_the_same(cls, value: str, info: ValidationInfo) -> str:
        if value == info.data.get("current"):
            raise custom_error(N_("Choose a password different from the current one."))
        return value

    @field_validator("repeat")
    @classmethod
    def _repeated(cls, value: str, info: ValidationInfo) -> str:
        if "new" in info.data and value != info.data["new"]:
            raise custom_error(N_("The two new passwords differ."))
        return value


class DisputeFiling(Strict):
    """What a borrower files (docs/product.md §3). Amounts may arrive as decimal text in major units
    ("1,234.50") and are stored as integer minor units of `currency`."""

    institution: Text
    product: Product
    account_ref: Annotated[str, Field(min_length=4, max_length=40)]
    error_category: ErrorCategory
    description: LongText
    error_occurred_on: date | None = None
    payment_due_on: date | None = None
    discovered_on: date
    currency: Currency = Currency.CNY
    overdue_minor: Annotated[int, Field(ge=0, le=MAX_AMOUNT_MINOR)] = 0
    fees_minor: Annotated[int, Field(ge=0, le=MAX_AMOUNT_MINOR)] = 0
    compensation_minor: Annotated[int, Field(ge=0, le=MAX_AMOUNT_MINOR)] = 0
    remedies: Annotated[list[Remedy], Field(min_length=1)]

    @field_validator("overdue_minor", "fees_minor", "compensation_minor", mode="before")
    @classmethod
    def _amount_from_text(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, str):
            return parse_amount(value, str(info.data.get("currency", Currency.CNY)))
        return value

    @field_validator("account_ref")
    @classmethod
    def _account_ref(cls, value: str) -> str:
        compact = re.sub(r"[\s-]", "", value)
        if not re.fullmatch(r"[0-9A-Za-z]{4,32}", compact):
            raise custom_error(N_("Use 4 to 32 letters or digits (spaces and dashes are ignored)."))
        return compact

    @field_validator("error_occurred_on", "discovered_on")
    @classmethod
    def _dates(cls, value: date | None, info: ValidationInfo) -> date | None:
        value = not_after_today(value, info)
        occurred = info.data.get("error_occurred_on")
        if info.field_name == "discovered_on" and occurred and value and occurred > value:
            raise custom_error(N_("The error cannot be discovered before it occurred."))
        return value

    @field_validator("remedies")
    @classmethod
    def _unique_remedies(cls, value: list[Remedy]) -> list[Remedy]:
        return list(dict.fromkeys(value))


MAX_AMOUNT_MINOR = 10**13  # the largest amount a form takes, in minor units


def parse_amount(text: str, currency: str) -> int:
    """'1,234.50' in major units → 123450 minor units; refuses what is not an amount, saying
    what is wrong with what was typed (a minus sign, letters, too large, too many decimals)."""
    cleaned = text.strip().replace(",", "").replace("，", "").replace(" ", "")
    if cleaned == "":
        return 0
    typed = Typed(text.strip())
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise custom_error(N_("“{typed}” is not an amount: use digits and at most one decimal "
                              "point, such as 1234.50."), typed=typed) from None
    if not value.is_finite():
        raise custom_error(N_("“{typed}” is not an amount: use digits and at most one decimal "
                              "point, such as 1234.50."), typed=typed)
    if value < 0:
        raise custom_error(N_("“{typed}” is negative: enter the amount without a minus sign."),
                           typed=typed)
    too_large = custom_error(N_("“{typed}” is more than the largest amount accepted, {limit}."),
                             typed=typed, limit=Money(MAX_AMOUNT_MINOR, currency))
    if value > MAX_AMOUNT_MINOR:  # (in major units: certainly too large, before scaling it)
        raise too_large
    try:
        minor = to_minor(value, currency)
    except ValueError:
        raise custom_error(N_("“{typed}” has more decimal places than {currency} has."),
                           typed=typed, currency=Typed(str(currency))) from None
    if minor > MAX_AMOUNT_MINOR:
        raise too_large
    return minor


class Dispute(Strict):
    id: UUID
    number: str
    borrower_id: UUID
    borrower_name: str
    institution: str
    product: Product
    account_ref: str
    error_category: ErrorCategory
    description: str
    error_occurred_on: date | None
    payment_due_on: date | None
    discovered_on: date
    currency: Currency
    overdue_minor: int
    fees_minor: int
    compensation_minor: int
    remedies: list[Remedy]
    stage: Stage
    closed_from: Stage | None
    resolution: Resolution | None
    closing_summary: str | None = None
    handler_id: UUID | None
    rulebook: str
    version: int
    filed_at: datetime
    updated_at: datetime
    waiting_on_borrower: bool = False
    borrower_replied: bool = False
    last_activity_at: datetime | None = None
    next_due_by: date | None = None


class DisputeSummary(Strict):
    """A row of a list: enough to find a dispute, nothing more."""

    number: str
    institution: str
    product: Product
    stage: Stage
    filed_at: datetime
    information_requested: bool = False  # a request for information waits on the borrower
    offer_waiting: bool = False          # an offer waits for the borrower's answer

    @property
    def action_needed(self) -> bool:
        return self.stage != Stage.CLOSED and (self.information_requested or self.offer_waiting)


class EvidenceMeta(Strict):
    """What the uploader says of a file; the file itself speaks for its type, size and hash."""

    kind: EvidenceKind
    description: Annotated[str, Field(min_length=1, max_length=2_000)]
    recorded_on: date | None = None

    @field_validator("recorded_on")
    @classmethod
    def _recorded(cls, value: date | None, info: ValidationInfo) -> date | None:
        return not_after_today(value, info)


class EvidenceItem(Strict):
    id: UUID
    dispute_id: UUID
    exhibit: str
    kind: EvidenceKind
    original_name: str
    media_type: str
    size: int
    sha256: str
    description: str
    recorded_on: date | None
    uploaded_by: UUID
    uploaded_at: datetime
    withdrawn_at: datetime | None
    withdrawn_reason: str | None
    proves: str | None = None      # 证明目的: what it proves (issue 13)
    source: str | None = None      # 证据来源: where it comes from


class ContactEntry(Strict):
    """A contact with the lender as the borrower or staff logs it (docs/product.md §3)."""

    contacted_at: datetime
    channel: Channel
    agent_name: Text
    agent_position: Annotated[str, Field(min_length=1, max_length=200)]
    summary: Annotated[str, Field(min_length=1, max_length=5_000)]
    agreement: OptionalText = ""
    follow_up_on: date | None = None
    evidence_ids: list[UUID] = []

    @field_validator("contacted_at")
    @classmethod
    def _aware_past(cls, value: datetime, info: ValidationInfo) -> datetime:
        if value.tzinfo is None:
            raise custom_error(N_("A time zone is required."))
        now = (info.context or {}).get("now")
        if now is not None and value > now:
            raise custom_error(N_("This time is in the future."))
        return value


class ContactLogEntry(ContactEntry):
    id: UUID
    dispute_id: UUID
    logged_by: UUID
    logged_at: datetime
