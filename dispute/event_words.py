"""What an event says in words: its label and one line of detail, in the reader's language.

One module for every view that shows events (the timeline, the bundle's chronology, the audit
log), so that an event can only ever be described by its own words. A payload value is named
through the vocabulary its key belongs to *for that kind* — never by trying every vocabulary
in turn, which once printed a borrower's rejected offer as the closing resolution "Rejected
(duplicate or out of scope)" (issue 16).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Callable, Mapping

from dispute import event_kinds as ek
from dispute.i18n import N_, Translate, format_date
from dispute.vocab import (Channel, EvidenceKind, HearingKind, Resolution, Role, Stage,
                           label as vocab_label)

# The offer's answer is an offer status: "rejected" here is the borrower saying no to an offer,
# not the closing resolution of the same stored value.
OFFER_ANSWERS = {"accepted": N_("Accepted"), "rejected": N_("Rejected")}

# The filing's fields, for "Filing corrected: which fields".
FILING_FIELDS = {
    "institution": N_("Lender or servicer"),
    "product": N_("Product"),
    "account_ref": N_("Account"),
    "error_category": N_("What went wrong"),
    "description": N_("Description"),
    "error_occurred_on": N_("Error occurred on"),
    "payment_due_on": N_("Payment due on"),
    "discovered_on": N_("Discovered on"),
    "currency": N_("Currency"),
    "overdue_minor": N_("Amount reported overdue"),
    "fees_minor": N_("Fees and penalty interest charged"),
    "compensation_minor": N_("Compensation sought"),
    "remedies": N_("Remedies sought"),
}

# For each payload key that holds a vocabulary value, the one vocabulary it is from.
_KEY_VOCAB: dict[str, type] = {"from": Stage, "to": Stage, "resolution": Resolution,
                               "channel": Channel, "author_role": Role}
# Evidence events carry the exhibit's kind; a document's "kind" is a document kind (below).
_EVIDENCE_KIND_EVENTS = {ek.EVIDENCE_ATTACHED, ek.EXHIBIT_RECLASSIFIED}

# One line of detail per event kind, from its payload (keys as in event_kinds).
DETAILS: dict[str, str] = {
    ek.DISPUTE_FILED: N_("{number}, {institution}"),
    ek.DISPUTE_CORRECTED: N_("Changed: {fields}"),
    ek.STAGE_ADVANCED: N_("{from} → {to}"),
    ek.DISPUTE_CLOSED: N_("{resolution}. {summary}"),
    ek.DISPUTE_WITHDRAWN: N_("Reason: {reason}"),
    ek.DISPUTE_REOPENED: N_("Reason: {reason}"),
    ek.ASSIGNED: N_("To {handler_name}"),
    ek.EVIDENCE_ATTACHED: N_("Exhibit {exhibit} ({kind})"),
    ek.EVIDENCE_WITHDRAWN: N_("Exhibit {exhibit}: {reason}"),
    ek.EXHIBIT_DESCRIBED: N_("Exhibit {exhibit}"),
    ek.EXHIBIT_RECLASSIFIED: N_("Exhibit {exhibit}: {changes}"),
    ek.CONTACT_LOGGED: N_("{channel}, {agent_name}: {summary}"),
    ek.DEMAND_RECORDED: N_("Sent on {sent_on}"),
    ek.DOCUMENT_MADE: N_("{title} ({format})"),
    ek.OFFER_ANSWERED: N_("{answer}. {note}"),
    ek.MEDIATION_RECORDED: N_("{body} {reference}, {mediator}: {result}"),
    ek.MEDIATION_SESSION_RECORDED: N_("Held on {held_on}: {notes}"),
    ek.LITIGATION_RECORDED: N_("{court} {case_number}, filed on {filed_on}"),
    ek.HEARING_RECORDED: N_("{hearing_kind} on {held_on} {time} {courtroom}: {notes}"),
    ek.JUDGMENT_RECORDED: N_("{judgment} ({judgment_on}); appeal by {appeal_by}"),
    ek.CLAIM_LINES_SAVED: N_("{charges} charges, {payments} payments, {dues} due dates"),
    ek.DEADLINE_EXTENDED: N_("{rule}: {days} days. {reason}"),
    ek.DEADLINE_PAUSED: N_("{rule}: {reason}"),
    ek.DEADLINE_RESUMED: N_("{rule}"),
    ek.BUNDLE_EXPORTED: N_("Notes included: {include_notes}; unmasked: {unmasked} {reason}"),
    ek.FIELD_UNMASKED: N_("{field}: {reason}"),
}

_DATE_KEYS = {"sent_on", "held_on", "filed_on", "judgment_on", "appeal_by", "served_on",
              "recorded_on"}


def label(kind: str, translate: Translate) -> str:
    """The event's name in the reader's language."""
    return translate(ek.label(kind))


def detail(kind: str, payload: Mapping[str, Any], translate: Translate, lang: str,
           messages: Mapping[str, str] | None = None,
           extra: Callable[[str, Mapping[str, Any]], str | None] | None = None) -> str:
    """One line about an event from its payload; keys the payload lacks are left blank.
    `messages` (message id → body) fills in message events where the reader may see them."""
    from dispute.claims import calculated_detail  # the claim modules import the vocabulary
    from dispute.deadlines.recount import describe_move
    from dispute.documents.kinds import document_title

    def show_date(value: date) -> str:
        return format_date(value, lang)

    if kind in (ek.MESSAGE_SENT, ek.INFORMATION_REQUESTED):
        return (messages or {}).get(str(payload.get("message_id")), "")
    if kind == ek.DEADLINE_MOVED:
        return describe_move(payload, translate, show_date)
    if kind == ek.CLAIM_CALCULATED:
        return calculated_detail(dict(payload), translate, lang)
    template = DETAILS.get(kind)
    if template is None:
        return ""
    values: dict[str, Any] = {}
    for key, value in payload.items():
        values[key] = _value(kind, key, value, translate, lang)
    if kind == ek.DOCUMENT_MADE:
        values["title"] = document_title(payload.get("kind"), translate)
        values["format"] = str(payload.get("format", "")).upper()
    if kind == ek.DISPUTE_CORRECTED:
        values["fields"] = _fields(payload.get("after") or {}, translate)
    if kind == ek.EXHIBIT_RECLASSIFIED:
        values["changes"] = _changes(payload, translate, lang)
    if kind == ek.HEARING_RECORDED:
        values["hearing_kind"] = (_vocab(HearingKind, payload["hearing_kind"], translate)
                                  if payload.get("hearing_kind") else translate(N_("Hearing")))
    text = translate(template).format_map(_Blank(values))
    return " ".join(text.split()).strip(" .,:;。，：；")


def _value(kind: str, key: str, value: Any, translate: Translate, lang: str) -> Any:
    if value is None:
        return ""
    if key == "answer" and kind == ek.OFFER_ANSWERED:
        return translate(OFFER_ANSWERS.get(str(value), str(value)))
    if key == "kind" and kind in _EVIDENCE_KIND_EVENTS:
        return _vocab(EvidenceKind, value, translate)
    if key in _KEY_VOCAB:
        return _vocab(_KEY_VOCAB[key], value, translate)
    if key in _DATE_KEYS and isinstance(value, str):
        try:
            return format_date(date.fromisoformat(value), lang)
        except ValueError:
            return value
    if isinstance(value, bool):
        return "✓" if value else "—"
    return value


def _vocab(enum: type, value: Any, translate: Translate) -> str:
    try:
        return vocab_label(enum(value), translate)
    except ValueError:
        return str(value)


def _fields(after: Mapping[str, Any], translate: Translate) -> str:
    return translate(", ").join(translate(FILING_FIELDS.get(f, f)) for f in sorted(after))


def _changes(payload: Mapping[str, Any], translate: Translate, lang: str) -> str:
    """An exhibit's corrected fields, each as "field: before → after"."""
    before, after = payload.get("before") or {}, payload.get("after") or {}
    names = {"kind": N_("Kind"), "description": N_("Description"), "recorded_on": N_("Date")}
    parts = []
    for field in ("kind", "description", "recorded_on"):
        if field not in after:
            continue
        old = _value(ek.EXHIBIT_RECLASSIFIED, field, before.get(field), translate, lang)
        new = _value(ek.EXHIBIT_RECLASSIFIED, field, after.get(field), translate, lang)
        colon = "：" if lang.startswith("zh") else ": "
        parts.append(f"{translate(names[field])}{colon}{old or '—'} → {new or '—'}")
    return translate("; ").join(parts)


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""
