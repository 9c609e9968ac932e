"""Everything a document can say about a dispute, as one pydantic model.

Every field is optional: a document is made from what the dispute knows, and anything it does
not know (None) is printed as a visibly marked blank for the person filing it to complete — never
guessed. An empty list means "known: none" (no contacts logged), which is not a blank. Amounts are
integer minor units with their currency; dates are dates; free text is kept as the user typed it
(documents insert it as text, never as markup or template code). Numbers (ID, account, phone)
arrive here already masked or whole, as `dispute.documents.service.facts_for` decided.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict

from dispute.vocab import Channel, Currency, ErrorCategory, EvidenceKind, Product, Remedy, Resolution


class Facts(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Person(Facts):
    """A natural person who is a party (the borrower)."""

    name: str | None = None
    id_type: str | None = None         # 居民身份证, passport … as written on the document
    id_number: str | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None         # 住所 / mailing address
    gender: str | None = None
    born_on: date | None = None
    ethnicity: str | None = None       # 民族, asked by Chinese court forms


class Institution(Facts):
    """The lender, servicer or card issuer."""

    name: str | None = None
    address: str | None = None              # registered address (住所地)
    representative: str | None = None       # 法定代表人 / 主要负责人
    credit_code: str | None = None          # 统一社会信用代码
    phone: str | None = None
    complaints_unit: str | None = None      # the unit that answers complaints
    notice_address: str | None = None       # US: the designated address for notices of error
    higher_office: str | None = None        # its superior branch or head office (核查)


class Contact(Facts):
    on: date | None = None
    channel: Channel | None = None
    agent: str | None = None
    position: str | None = None
    summary: str | None = None
    agreement: str | None = None


class OfferFact(Facts):
    made_on: date | None = None
    currency: Currency | None = None
    refund_minor: int | None = None
    credit_correction: bool | None = None
    instalments: int | None = None
    instalment_minor: int | None = None
    deferral_to: date | None = None
    note: str | None = None
    status: str | None = None               # proposed / accepted / rejected / expired
    answered_on: date | None = None
    answer_note: str | None = None


class Decision(Facts):
    """The lender's decision on the complaint (the dispute's resolution when it closed)."""

    outcome: Resolution | None = None
    reasons: str | None = None
    made_on: date | None = None
    made_by: str | None = None              # the unit or person who decided


class Sitting(Facts):
    held_on: date | None = None
    notes: str | None = None


class Mediation(Facts):
    body: str | None = None
    reference: str | None = None
    mediator: str | None = None
    result: str | None = None
    sessions: list[Sitting] = []


class Court(Facts):
    name: str | None = None
    case_number: str | None = None
    filed_on: date | None = None
    hearings: list[Sitting] = []
    judgment: str | None = None
    judgment_on: date | None = None


class Exhibit(Facts):
    exhibit: str | None = None              # E01
    kind: EvidenceKind | None = None
    description: str | None = None
    file_name: str | None = None
    recorded_on: date | None = None
    sha256: str | None = None
    what_it_proves: str | None = None       # 证明目的
    source: str | None = None               # 证据来源
    pages: tuple[int, int] | None = None    # first and last page in the case bundle
    original: bool | None = None            # True: the original is produced (原件)


class LenderClaim(Facts):
    """What the lender claims when it sues the borrower (for the defence)."""

    principal_minor: int | None = None
    interest_minor: int | None = None
    penalty_minor: int | None = None
    fees_minor: int | None = None
    costs_minor: int | None = None
    total_minor: int | None = None
    as_of: date | None = None
    # the borrower's answer to the elements the dispute cannot decide (True: disputed)
    principal_disputed: bool | None = None
    contract_disputed: bool | None = None
    repaid_disputed: bool | None = None
    notice_disputed: bool | None = None


class Deadlines(Facts):
    decision_due: date | None = None        # the lender's decision on the complaint
    decision_missed: bool | None = None     # due and not met
    reexamination_by: date | None = None    # the borrower's 30 days after the decision
    credit_reply_due: date | None = None    # 征信业管理条例 art. 25: 20 days
    limitation_ends: date | None = None


class Author(Facts):
    """Who made the document (for the signature block of a lender's letter)."""

    name: str | None = None
    role: str | None = None


class DocumentFacts(Facts):
    number: str | None = None                # DSP-…
    made_on: date | None = None              # the document's date
    author: Author = Author()
    borrower: Person = Person()
    lender: Institution = Institution()
    product: Product | None = None
    account_ref: str | None = None
    account_masked: bool | None = None
    error_category: ErrorCategory | None = None
    description: str | None = None           # the facts in the borrower's words
    error_occurred_on: date | None = None
    payment_due_on: date | None = None
    discovered_on: date | None = None
    filed_on: date | None = None             # the complaint was received
    acknowledged_on: date | None = None
    statement_on: date | None = None         # US: the periodic statement showing the error
    currency: Currency | None = None
    overdue_minor: int | None = None
    fees_minor: int | None = None
    compensation_minor: int | None = None
    remedies: list[Remedy] = []
    contacts: list[Contact] = []
    demands: list[date] = []                 # written demands sent (催告)
    offers: list[OfferFact] = []
    decision: Decision = Decision()
    deadlines: Deadlines = Deadlines()
    mediation: Mediation | None = None
    court: Court | None = None
    lender_claim: LenderClaim = LenderClaim()
    exhibits: list[Exhibit] = []
    regulator_office: str | None = None      # the regulator's local office
    bureau: str | None = None                # the credit bureau (US: Equifax, Experian, …)
    jurisdiction_clause: str | None = None   # an agreed court or arbitration clause
    preservation: bool | None = None         # property preserved before the suit (诉前保全)
