"""Everything one bundle shows, read from the database for one dispute and one requester.

Access and privacy are decided here, before anything is rendered: legal gets the full case
(internal notes and unmasked numbers only when asked, unmasking only with a reason); the borrower
who owns the dispute gets their own bundle, never with internal notes, always masked. Staff and
administrators are refused. What leaves this module is already masked.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from dispute.bundle import signing
from dispute import event_kinds
from dispute.access import require_role
from dispute.cases import get_dispute
from dispute.claims import SavedCalculation, claim_state
from dispute.context import Context
from dispute.contacts import list_contacts
from dispute.errors import Forbidden, InvalidInput, UserError
from dispute.exhibits import list_evidence
from dispute.messages import list_messages
from dispute.notes import Note, list_notes
from dispute.offers import Offer, list_offers
from dispute.proceedings import Proceedings, get_proceedings
from dispute.storage import users
from dispute.timeline import timeline
from dispute.i18n import DEFAULT_LANGUAGE, LANGUAGES, N_, translator
from dispute.masking import mask_number
from dispute.models import Dispute, User
from dispute.vocab import Channel, EvidenceKind, Role

# Payload and record fields that hold identity, account or phone numbers.
SENSITIVE_KEYS = frozenset({"account_ref", "phone", "id_number", "id_card", "card_number"})
MIN_REASON_CHARS = 5


class Record(BaseModel):
    model_config = ConfigDict(frozen=True)


class BundleOptions(Record):
    """What the requester asked for. `lang` is the language of the generated sections."""

    include_notes: bool = False
    unmasked: bool = False
    reason: str = ""
    lang: str = DEFAULT_LANGUAGE
    documents: tuple[UUID, ...] = ()  # legal: kept PDF documents added after the exhibits


class Person(Record):
    name: str
    role: Role | None = None
    phone: str | None = None


class EventRecord(Record):
    at: datetime
    kind: str
    actor: Person | None
    payload: dict[str, Any]


class ContactRecord(Record):
    contacted_at: datetime
    channel: Channel
    agent_name: str
    agent_position: str
    summary: str
    agreement: str
    follow_up_on: date | None
    exhibits: list[str]


class ExhibitRecord(Record):
    evidence_id: UUID                 # to read its bytes through exhibits.open_evidence
    exhibit: str
    kind: EvidenceKind
    original_name: str
    media_type: str
    size: int
    sha256: str
    description: str
    recorded_on: date | None
    uploaded_by: str
    uploaded_at: datetime
    withdrawn_at: datetime | None
    withdrawn_reason: str | None
    proves: str | None = None         # 证明目的
    source: str | None = None         # 证据来源
    document_id: UUID | None = None   # a kept document (D01…), read through open_document


class BundleContent(Record):
    number: str
    options: BundleOptions
    generated_at: datetime
    timezone: str
    exported_by: Person
    dispute: Dispute
    borrower: Person
    handler: str | None
    events: list[EventRecord]
    contacts: list[ContactRecord]
    offers: list[Offer]               # oldest first
    proceedings: Proceedings          # mediation and litigation records, sessions, hearings
    messages: dict[str, str]          # message id → body, for the chronology
    notes: list[Note]                 # oldest first; empty unless legal asked for notes
    exhibits: list[ExhibitRecord]
    calculation: SavedCalculation | None = None   # the latest saved "what the error cost"
    signer_key_sha256: str = ""       # the signing key's DER SHA-256, printed on the cover

    @property
    def masked(self) -> bool:
        return not self.options.unmasked


def check_options(actor: User, options: BundleOptions) -> BundleOptions:
    """Who may ask for what; a wrong request changes nothing and says why."""
    if actor.role == Role.ADMIN:
        raise Forbidden(N_("Administrators do not see the contents of disputes."))
    require_role(actor, Role.LEGAL, Role.BORROWER)
    if options.lang not in LANGUAGES:
        options = options.model_copy(update={"lang": DEFAULT_LANGUAGE})
    if actor.role == Role.BORROWER and (options.include_notes or options.unmasked):
        raise Forbidden(N_("Your own bundle never includes internal notes or unmasked "
                           "numbers."))
    if actor.role == Role.BORROWER and options.documents:
        raise Forbidden(N_("Documents are added to a bundle by legal."))
    if options.unmasked and len(options.reason.strip()) < MIN_REASON_CHARS:
        raise InvalidInput({"reason": UserError(
            N_("Say why the numbers must be unmasked (at least {count} characters)."),
            count=MIN_REASON_CHARS)})
    return options.model_copy(update={"reason": options.reason.strip()})


def mask_value(key: str, value: Any) -> Any:
    """Mask the sensitive keys of a payload, at any depth."""
    if isinstance(value, dict):
        return {k: mask_value(k, v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_value(key, v) for v in value]
    if key in SENSITIVE_KEYS and isinstance(value, str) and value:
        return mask_number(re.sub(r"[\s()-]", "", value) if key == "phone" else value)
    return value


def gather(ctx: Context, actor: User, number: str, options: BundleOptions) -> BundleContent:
    """The bundle's content for `actor`; Forbidden / NotFound / InvalidInput as the case may be.
    Every record is read through the service that shows it on the pages, so the bundle and the
    pages cannot disagree."""
    options = check_options(actor, options)
    dispute = get_dispute(ctx, actor, number)
    number = dispute.number
    masked = not options.unmasked
    hidden = set() if options.include_notes else set(event_kinds.INTERNAL)
    entries = [e for e in timeline(ctx, actor, number) if e.kind not in hidden]
    evidence = list_evidence(ctx, actor, number)
    names = ctx.db.read(users.names, {e.uploaded_by for e in evidence} | {dispute.handler_id}
                        - {None})
    phone = ctx.db.read(users.phone, dispute.borrower_id)
    exhibit_of = {e.id: e.exhibit for e in evidence}

    def maybe_mask(key: str, value: Any) -> Any:
        return mask_value(key, value) if masked else value

    return BundleContent(
        number=number, options=options, generated_at=ctx.now(),
        signer_key_sha256=signing.public_der_sha256(signing.load_key(ctx.settings.data_dir)),
        timezone=ctx.settings.timezone,
        exported_by=Person(name=actor.name, role=actor.role),
        dispute=dispute.model_copy(update={
            "account_ref": maybe_mask("account_ref", dispute.account_ref)}),
        borrower=Person(name=dispute.borrower_name, role=Role.BORROWER,
                        phone=maybe_mask("phone", phone) if phone else None),
        handler=names.get(dispute.handler_id),
        events=[EventRecord(at=e.occurred_at, kind=e.kind,
                            actor=Person(name=e.actor_name, role=e.actor_role)
                            if e.actor_name is not None else None,
                            payload=maybe_mask("", e.payload)) for e in entries],
        contacts=[ContactRecord(
            contacted_at=c.contacted_at, channel=c.channel, agent_name=c.agent_name,
            agent_position=c.agent_position, summary=c.summary, agreement=c.agreement,
            follow_up_on=c.follow_up_on,
            exhibits=[exhibit_of[i] for i in c.evidence_ids if i in exhibit_of])
            for c in list_contacts(ctx, actor, number)],
        offers=list(reversed(list_offers(ctx, actor, number))),
        proceedings=get_proceedings(ctx, actor, number),
        messages={str(m.id): m.body for m in list_messages(ctx, actor, number)},
        notes=(list(reversed(list_notes(ctx, actor, number))) if options.include_notes
               else []),
        exhibits=[ExhibitRecord(
            evidence_id=e.id, exhibit=e.exhibit, kind=e.kind, original_name=e.original_name,
            media_type=e.media_type, size=e.size, sha256=e.sha256, description=e.description,
            recorded_on=e.recorded_on, uploaded_by=names.get(e.uploaded_by, ""),
            uploaded_at=e.uploaded_at, withdrawn_at=e.withdrawn_at,
            withdrawn_reason=e.withdrawn_reason, proves=e.proves, source=e.source)
            for e in evidence] + _documents(ctx, actor, number, options),
        calculation=claim_state(ctx, actor, number).latest,
    )


def _documents(ctx: Context, actor: User, number: str,
               options: BundleOptions) -> list[ExhibitRecord]:
    """The kept PDF documents legal chose, in the order chosen, as exhibits D01, D02, … after
    the evidence (their pages, sheet, index line and manifest entry like any exhibit's)."""
    if not options.documents:
        return []
    from dispute.documents.kept import list_documents     # documents read the bundle's pages
    from dispute.documents.kinds import document_title

    _ = translator(options.lang)
    kept = {d.id: d for d in list_documents(ctx, actor, number)}
    out = []
    for i, doc_id in enumerate(dict.fromkeys(options.documents), start=1):
        doc = kept.get(doc_id)
        if doc is None or doc.format != "pdf":
            raise InvalidInput({"documents": UserError(
                N_("Only PDF documents kept on dispute {number} can be added to its bundle."),
                number=number)})
        title = document_title(doc.kind, _)
        out.append(ExhibitRecord(
            evidence_id=doc.id, document_id=doc.id, exhibit=f"D{i:02d}", kind=EvidenceKind.LETTER,
            original_name=doc.file_name(number), media_type="application/pdf", size=doc.size,
            sha256=doc.sha256, description=title, recorded_on=None,
            uploaded_by=doc.made_by_name or "", uploaded_at=doc.made_at, withdrawn_at=None,
            withdrawn_reason=None))
    return out
