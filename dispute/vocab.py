"""The closed vocabularies of docs/product.md §2–3, each with its translatable label.

Stored values are the enum values (stable English identifiers); labels are msgids shown through
the user's catalog.
"""

from __future__ import annotations

from enum import StrEnum

from dispute.i18n import N_


class Role(StrEnum):
    BORROWER = "borrower"
    STAFF = "staff"
    LEGAL = "legal"
    ADMIN = "admin"


class Stage(StrEnum):
    FILED = "filed"
    NEGOTIATION = "negotiation"
    MEDIATION = "mediation"
    LITIGATION = "litigation"
    CLOSED = "closed"


class Resolution(StrEnum):
    """How a dispute ended: the CFPB's closure categories plus court outcomes (docs/product.md §2)."""

    MONETARY_RELIEF = "monetary_relief"
    NON_MONETARY_RELIEF = "non_monetary_relief"
    EXPLANATION_ONLY = "explanation_only"
    WITHDRAWN = "withdrawn"
    REJECTED = "rejected"
    JUDGMENT_FOR_BORROWER = "judgment_for_borrower"
    JUDGMENT_FOR_LENDER = "judgment_for_lender"


class Product(StrEnum):
    CREDIT_CARD = "credit_card"
    PERSONAL_LOAN = "personal_loan"
    MORTGAGE = "mortgage"
    CAR_LOAN = "car_loan"
    OTHER = "other"


class ErrorCategory(StrEnum):
    WRONG_AGENT_INFO = "wrong_agent_info"
    DEFERRAL_NOT_RECORDED = "deferral_not_recorded"
    AUTOPAY_FAILED = "autopay_failed"
    PAYMENT_NOT_CREDITED = "payment_not_credited"
    PAYMENT_MISAPPLIED = "payment_misapplied"
    FEE_IN_ERROR = "fee_in_error"
    WRONG_CREDIT_REPORT = "wrong_credit_report"
    COLLECTION_IN_ERROR = "collection_in_error"
    ACCOUNT_CHANGED = "account_changed"
    OTHER = "other"


class Remedy(StrEnum):
    CREDIT_RECORD_CORRECTION = "credit_record_correction"
    FEE_REVERSAL = "fee_reversal"
    COMPENSATION = "compensation"
    REPAYMENT_PLAN = "repayment_plan"
    CONTRACT_RESCISSION = "contract_rescission"
    APOLOGY = "apology"


class EvidenceKind(StrEnum):
    CALL_RECORDING = "call_recording"
    SCREENSHOT = "screenshot"
    STATEMENT = "statement"
    LETTER = "letter"
    CONTRACT = "contract"
    RECEIPT = "receipt"
    PHOTO = "photo"
    OTHER = "other"


class Channel(StrEnum):
    PHONE = "phone"
    APP_CHAT = "app_chat"
    BRANCH = "branch"
    SMS = "sms"
    LETTER = "letter"
    EMAIL = "email"


class HearingKind(StrEnum):
    """What a court sitting is for (开庭, 调解, 宣判, …)."""

    TRIAL = "trial"
    PRETRIAL = "pretrial"
    MEDIATION = "mediation"
    JUDGMENT = "judgment"
    EVIDENCE = "evidence"
    OTHER = "other"


class Currency(StrEnum):
    CNY = "CNY"
    USD = "USD"
    HKD = "HKD"
    EUR = "EUR"


# Pairs, not a dict: Product.OTHER, ErrorCategory.OTHER and EvidenceKind.OTHER are all "other"
# and would collapse into one dict key (every one of them labelled "Other evidence").
_LABEL_PAIRS: list[tuple[StrEnum, str]] = [
    (Role.BORROWER, N_("Borrower")),
    (Role.STAFF, N_("Staff")),
    (Role.LEGAL, N_("Legal")),
    (Role.ADMIN, N_("Administrator")),
    (Stage.FILED, N_("Filed")),
    (Stage.NEGOTIATION, N_("Negotiation")),
    (Stage.MEDIATION, N_("Mediation")),
    (Stage.LITIGATION, N_("Litigation")),
    (Stage.CLOSED, N_("Closed")),
    (Resolution.MONETARY_RELIEF, N_("Monetary relief")),
    (Resolution.NON_MONETARY_RELIEF, N_("Non-monetary relief")),
    (Resolution.EXPLANATION_ONLY, N_("Closed with explanation")),
    (Resolution.WITHDRAWN, N_("Withdrawn")),
    (Resolution.REJECTED, N_("Rejected (duplicate or out of scope)")),
    (Resolution.JUDGMENT_FOR_BORROWER, N_("Judgment for the borrower")),
    (Resolution.JUDGMENT_FOR_LENDER, N_("Judgment for the lender")),
    (Product.CREDIT_CARD, N_("Credit card")),
    (Product.PERSONAL_LOAN, N_("Personal loan")),
    (Product.MORTGAGE, N_("Mortgage")),
    (Product.CAR_LOAN, N_("Car loan")),
    (Product.OTHER, N_("Other product")),
    (ErrorCategory.WRONG_AGENT_INFO, N_("Wrong information from an agent")),
    (ErrorCategory.DEFERRAL_NOT_RECORDED, N_("Promised deferral or plan not recorded")),
    (ErrorCategory.AUTOPAY_FAILED, N_("Autopay or deduction failed")),
    (ErrorCategory.PAYMENT_NOT_CREDITED, N_("Payment not credited or credited late")),
    (ErrorCategory.PAYMENT_MISAPPLIED, N_("Payment misapplied")),
    (ErrorCategory.FEE_IN_ERROR, N_("Fee or penalty interest charged in error")),
    (ErrorCategory.WRONG_CREDIT_REPORT, N_("Wrong overdue report to the credit bureau")),
    (ErrorCategory.COLLECTION_IN_ERROR, N_("Collection contact in error")),
    (ErrorCategory.ACCOUNT_CHANGED, N_("Account changed without consent")),
    (ErrorCategory.OTHER, N_("Other error")),
    (Remedy.CREDIT_RECORD_CORRECTION, N_("Credit record correction")),
    (Remedy.FEE_REVERSAL, N_("Penalty or fee reversal")),
    (Remedy.COMPENSATION, N_("Compensation")),
    (Remedy.REPAYMENT_PLAN, N_("Repayment plan")),
    (Remedy.CONTRACT_RESCISSION, N_("Contract rescission")),
    (Remedy.APOLOGY, N_("Apology or explanation")),
    (EvidenceKind.CALL_RECORDING, N_("Call recording")),
    (EvidenceKind.SCREENSHOT, N_("SMS or chat screenshot")),
    (EvidenceKind.STATEMENT, N_("Statement")),
    (EvidenceKind.LETTER, N_("Letter or notice")),
    (EvidenceKind.CONTRACT, N_("Contract")),
    (EvidenceKind.RECEIPT, N_("Receipt")),
    (EvidenceKind.PHOTO, N_("Photo")),
    (EvidenceKind.OTHER, N_("Other evidence")),
    (Channel.PHONE, N_("Phone")),
    (Channel.APP_CHAT, N_("App chat")),
    (Channel.BRANCH, N_("Branch visit")),
    (Channel.SMS, N_("SMS")),
    (Channel.LETTER, N_("Letter")),
    (Channel.EMAIL, N_("Email")),
    (HearingKind.TRIAL, N_("Trial hearing")),
    (HearingKind.PRETRIAL, N_("Pre-trial conference")),
    (HearingKind.MEDIATION, N_("Court mediation")),
    (HearingKind.JUDGMENT, N_("Pronouncement of judgment")),
    (HearingKind.EVIDENCE, N_("Exchange of evidence")),
    (HearingKind.OTHER, N_("Other sitting")),
    (Currency.CNY, N_("CNY — Chinese yuan")),
    (Currency.USD, N_("USD — US dollar")),
    (Currency.HKD, N_("HKD — Hong Kong dollar")),
    (Currency.EUR, N_("EUR — Euro")),
]
LABELS: dict[tuple[type, str], str] = {(type(v), v.value): text for v, text in _LABEL_PAIRS}


def label(value: StrEnum, translate=lambda s: s) -> str:
    """The user's word for a vocabulary value."""
    return translate(LABELS[(type(value), value.value)])
