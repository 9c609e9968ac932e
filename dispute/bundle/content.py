"""Everything one bundle shows, read from the database for one dispute and one requester.

Access and privacy are decided here, before anything is rendered: legal gets the full case
(internal notes and unmasked numbers only when asked, unmasking only with a reason); the borrower
who owns the dispute gets their own bundle, never with internal notes, always masked. Staff and
administrators are refused. What leaves this module is already masked.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from dispute import event_kinds
from dispute.access import require_role
from dispute.cases import get_dispute
from dispute.context import Context
from dispute.contacts import list_contacts
from dispute.errors import Forbidden, InvalidInput, UserError
from dispute.events import as_utc
from dispute.exhibits import list_evidence
from dispute.i18n import DEFAULT_LANGUAGE, LANGUAGES, N_
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


class OfferRecord(Record):
    made_at: datetime
    made_by: str
    currency: str
    refund_minor: int
    credit_correction: bool
    instalments: int | None
    instalment_minor: int | None
    deferral_to: date | None
    note: str
    expires_on: date | None
    status: str
    answered_at: datetime | None
    answer_note: str | None


class SessionRecord(Record):
    held_on: date
    notes: str


class MediationRecord(Record):
    body: str
    reference: str
    mediator: str
    result: str
    sessions: list[SessionRecord]


class LitigationRecord(Record):
    court: str
    case_number: str
    filed_on: date | None
    judgment: str
    judgment_on: date | None
    served_on: date | None
    appeal_by: date | None
    hearings: list[SessionRecord]


class NoteRecord(Record):
    created_at: datetime
    author: str
    body: str


class ExhibitRecord(Record):
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
    offers: list[OfferRecord]
    mediation: MediationRecord | None
    litigation: LitigationRecord | None
    messages: dict[str, str]          # message id → body, for the chronology
    notes: list[NoteRecord]           # empty unless legal asked for internal notes
    exhibits: list[ExhibitRecord]

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


def _people(ctx: Context, ids: set) -> dict[UUID, Person]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    rows = ctx.db.query("SELECT id, reveal_name(name) AS name, role FROM users "
                        "WHERE id IN (SELECT unnest(?))",
                        (list(ids),))
    return {r["id"]: Person(name=r["name"], role=r["role"]) for r in rows}


def _assigned_ids(event_rows: list[dict[str, Any]]) -> set[UUID]:
    """Handlers named in assignments: the event keeps the id only (names are sealed)."""
    found = set()
    for r in event_rows:
        if r["kind"] == event_kinds.ASSIGNED:
            handler = json.loads(r["payload"] or "{}").get("handler_id")
            if handler:
                found.add(UUID(handler))
    return found


def _shown(payload: dict[str, Any], kind: str, name) -> dict[str, Any]:
    if kind == event_kinds.ASSIGNED and payload.get("handler_id"):
        return {**payload, "handler_name": name(UUID(payload["handler_id"]))}
    return payload


def gather(ctx: Context, actor: User, number: str, options: BundleOptions) -> BundleContent:
    """The bundle's content for `actor`; Forbidden / NotFound / InvalidInput as the case may be."""
    options = check_options(actor, options)
    dispute = get_dispute(ctx, actor, number)
    number = dispute.number
    masked = not options.unmasked
    did = dispute.id
    q = ctx.db.query

    event_rows = q("SELECT occurred_at, kind, actor_id, payload FROM events "
                   "WHERE dispute_id = ? ORDER BY seq", (did,)).dicts()
    offer_rows = q("SELECT * FROM offers WHERE dispute_id = ? ORDER BY made_at", (did,)).dicts()
    med = q("SELECT * FROM mediation WHERE dispute_id = ?", (did,)).first()
    lit = q("SELECT * FROM litigation WHERE dispute_id = ?", (did,)).first()
    med_sessions = q("SELECT held_on, notes FROM mediation_sessions WHERE dispute_id = ? "
                     "ORDER BY held_on, recorded_at", (did,)).dicts()
    hearings = q("SELECT held_on, notes FROM hearings WHERE dispute_id = ? "
                 "ORDER BY held_on, recorded_at", (did,)).dicts()
    messages = {str(r["id"]): r["body"] for r in
                q("SELECT id, body FROM messages WHERE dispute_id = ?", (did,))}
    note_rows = (q("SELECT * FROM notes WHERE dispute_id = ? ORDER BY created_at", (did,)).dicts()
                 if options.include_notes else [])
    evidence = list_evidence(ctx, actor, number)
    borrower_row = q("SELECT reveal_name(name) AS name, reveal_phone(phone) AS phone FROM users "
                     "WHERE id = ?", (dispute.borrower_id,)).first()

    people = _people(ctx, {r["actor_id"] for r in event_rows} | {r["made_by"] for r in offer_rows}
                     | {r["author_id"] for r in note_rows} | {e.uploaded_by for e in evidence}
                     | {dispute.handler_id} | _assigned_ids(event_rows))
    hidden = set() if options.include_notes else set(event_kinds.INTERNAL)
    exhibit_of = {e.id: e.exhibit for e in evidence}

    def name(user_id) -> str:
        return people[user_id].name if user_id in people else ""

    def maybe_mask(key: str, value: Any) -> Any:
        return mask_value(key, value) if masked else value

    phone = borrower_row["phone"] if borrower_row else None
    return BundleContent(
        number=number, options=options, generated_at=ctx.now(),
        timezone=ctx.settings.timezone,
        exported_by=Person(name=actor.name, role=actor.role),
        dispute=dispute.model_copy(update={
            "account_ref": maybe_mask("account_ref", dispute.account_ref)}),
        borrower=Person(name=dispute.borrower_name, role=Role.BORROWER,
                        phone=maybe_mask("phone", phone) if phone else None),
        handler=name(dispute.handler_id) or None,
        events=[EventRecord(at=as_utc(r["occurred_at"]), kind=r["kind"],
                            actor=people.get(r["actor_id"]),
                            payload=maybe_mask("", _shown(json.loads(r["payload"] or "{}"),
                                                          r["kind"], name)))
                for r in event_rows if r["kind"] not in hidden],
        contacts=[ContactRecord(
            contacted_at=c.contacted_at, channel=c.channel, agent_name=c.agent_name,
            agent_position=c.agent_position, summary=c.summary, agreement=c.agreement,
            follow_up_on=c.follow_up_on,
            exhibits=[exhibit_of[i] for i in c.evidence_ids if i in exhibit_of])
            for c in list_contacts(ctx, actor, number)],
        offers=[OfferRecord(**{**{k: r[k] for k in OfferRecord.model_fields
                                  if k in r}, "made_by": name(r["made_by"]),
                               "made_at": as_utc(r["made_at"]),
                               "answered_at": as_utc(r["answered_at"])})
                for r in offer_rows],
        mediation=MediationRecord(body=med["body"], reference=med["reference"],
                                  mediator=med["mediator"], result=med["result"],
                                  sessions=[SessionRecord(**s) for s in med_sessions])
        if med else None,
        litigation=LitigationRecord(**{k: lit[k] for k in LitigationRecord.model_fields
                                       if k in lit},
                                    hearings=[SessionRecord(**h) for h in hearings])
        if lit else None,
        messages=messages,
        notes=[NoteRecord(created_at=as_utc(n["created_at"]), author=name(n["author_id"]),
                          body=n["body"]) for n in note_rows],
        exhibits=[ExhibitRecord(
            exhibit=e.exhibit, kind=e.kind, original_name=e.original_name,
            media_type=e.media_type, size=e.size, sha256=e.sha256, description=e.description,
            recorded_on=e.recorded_on, uploaded_by=name(e.uploaded_by),
            uploaded_at=e.uploaded_at, withdrawn_at=e.withdrawn_at,
            withdrawn_reason=e.withdrawn_reason) for e in evidence],
    )
