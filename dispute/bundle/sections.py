"""The generated pages (cover, index, summary, chronology, contact log, records, evidence index)
and the exhibits' separator sheets, as one HTML document in the requester's language.

Page numbers are not in the markup: the index and the evidence index print (and link to) the
pages where each section and exhibit really starts through the numbers stylesheet of
`dispute.bundle.pages`, resolved while the document is laid out.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from dispute import event_words
from dispute.bundle import bounded, checksums, pages, phrases, render
from dispute.bundle import manifest as mf
from dispute.bundle.content import BundleContent
from dispute.claim import working
from dispute.offers import STATUS_LABELS, Offer
from dispute.bundle.exhibits import Prepared
from dispute.i18n import format_date, format_datetime, format_money, translator
from dispute.vocab import (Channel, ErrorCategory, EvidenceKind, Product, Remedy, Resolution,
                           Role, Stage, label)

SECTION_IDS = ("cover", "index", "summary", "calculation", "chronology", "contacts", "records",
               "notes", "evidence")
SECTION_TITLES = {"cover": "bundle", "index": "index", "summary": "summary",
                  "calculation": "calculation", "chronology": "chronology", "contacts": "contacts", "records": "records",
                  "notes": "notes", "evidence": "evidence"}
_VOCABULARIES = (Stage, Resolution, Channel, Product, ErrorCategory, Remedy, EvidenceKind, Role)


Layout = pages.Layout


class Words:
    """Translation and formatting in one language and time zone."""

    def __init__(self, lang: str, tz: str) -> None:
        self.lang, self.tz, self._ = lang, tz, translator(lang)
        self.text = {key: self._(msgid) for key, msgid in phrases.TEXT.items()}

    def t(self, msgid: str, **params: Any) -> str:
        return self._(msgid).format(**params) if params else self._(msgid)

    def d(self, value: date | None) -> str:
        return format_date(value, self.lang)

    def dt(self, value: datetime | None) -> str:
        return format_datetime(value, self.lang, self.tz)

    def vocab(self, value: Any) -> str:
        for enum in _VOCABULARIES:
            try:
                return label(enum(value), self._)
            except ValueError:
                continue
        return "" if value is None else str(value)

    def size(self, size: int) -> str:
        return f"{size:,} B" if size < 10_240 else f"{size / 1024:,.0f} KB"


def event_details(kind: str, payload: dict[str, Any], content: BundleContent,
                  w: Words) -> str:
    """One line about an event, from its payload, in the bundle's language (the same words as
    the timeline: `dispute.event_words`)."""
    return event_words.detail(kind, payload, w._, w.lang,
                              messages=getattr(content, "messages", None))


def offer_terms(offer: Offer, w: Words) -> str:
    parts = []
    if offer.refund_minor:
        parts.append(w.t(phrases.TEXT["refund"],
                         amount=format_money(offer.refund_minor, offer.currency, w.lang)))
    if offer.credit_correction:
        parts.append(w.text["credit_correction"])
    if offer.instalments and offer.instalment_minor:
        parts.append(w.t(phrases.TEXT["instalments"], count=offer.instalments,
                         amount=format_money(offer.instalment_minor, offer.currency, w.lang)))
    if offer.deferral_to:
        parts.append(w.t(phrases.TEXT["deferral_to"], date=w.d(offer.deferral_to)))
    return "\n".join(parts)


def exhibit_rows(content: BundleContent, prepared: list[Prepared],
                 w: Words) -> list[dict[str, Any]]:
    rows = []
    for item in prepared:
        x = item.record
        rows.append({
            "exhibit": x.exhibit, "kind": w.vocab(x.kind), "date": w.d(x.recorded_on),
            "description": x.description, "proves": x.proves or "", "source": x.source or "",
            "file_name": x.original_name,
            "media_type": x.media_type, "size": w.size(x.size), "sha256": x.sha256,
            "withdrawn": w.t(phrases.TEXT["withdrawn"], date=w.dt(x.withdrawn_at),
                             reason=x.withdrawn_reason or "") if x.withdrawn_at else ""})
    return rows


# Per bounded section: the keys of a row's heading line and of its texts (dispute/bundle/bounded).
_HEADS = {"chronology": ("when", "label", "actor"), "contacts": ("when", "channel", "agent"),
          "notes": ("when", "author")}
_TEXTS = {"chronology": ("details",), "contacts": ("summary", "agreement"), "notes": ("body",)}


def _section_rows(c: BundleContent, w: Words) -> dict[str, list[dict[str, Any]]]:
    """Every row of the sections that can grow without bound, in full."""
    return {
        "chronology": [{"when": w.dt(e.at), "label": event_words.label(e.kind, w._),
                        "actor": _who(e.actor, w),
                        "details": event_details(e.kind, e.payload, c, w)} for e in c.events],
        "contacts": [{"when": w.dt(x.contacted_at), "channel": w.vocab(x.channel),
                      "agent": f"{x.agent_name} ({x.agent_position})", "summary": x.summary,
                      "agreement": x.agreement, "follow_up_on": w.d(x.follow_up_on),
                      "exhibits": ", ".join(x.exhibits)} for x in c.contacts],
        "notes": [{"when": w.dt(n.created_at), "author": n.author_name, "body": n.body}
                  for n in c.notes] if c.options.include_notes else [],
    }


def _bounded(c: BundleContent, w: Words) -> tuple[dict[str, list], dict[str, bounded.Bounded]]:
    rows = _section_rows(c, w)
    return rows, {name: bounded.bound(name, rows[name], _TEXTS[name], w.t) for name in rows}


def continuations(content: BundleContent) -> dict[str, str]:
    """The text files that continue the sections the PDF had to cut: path → text (UTF-8)."""
    w = Words(content.options.lang, content.timezone)
    rows, cut = _bounded(content, w)
    return {bounded.path_of(name): bounded.section_text(
                f"{w.text[SECTION_TITLES[name]]} · {content.number}", rows[name], _HEADS[name],
                _TEXTS[name])
            for name, b in cut.items() if b.overflowed}


def present(content: BundleContent) -> tuple[str, ...]:
    """The sections this bundle has, in order (the template leaves out the calculation when
    none was saved and the notes unless asked for)."""
    left_out = {"calculation"} if content.calculation is None else set()
    if not content.options.include_notes:
        left_out.add("notes")
    return tuple(s for s in SECTION_IDS if s not in left_out)


def bundle_html(content: BundleContent, prepared: list[Prepared], fingerprint: str,
                numbers: pages.Plan | pages.Layout) -> str:
    """Every generated page as one document: the sections, then each exhibit's sheet. Given a
    Plan, the page numbers are cross-references and each sheet is followed by its stand-in page
    (see `dispute.bundle.pages`); given a Layout, they are printed as they are, without
    stand-ins."""
    w = Words(content.options.lang, content.timezone)
    planned = isinstance(numbers, pages.Plan)
    names = numbers.sections if planned else tuple(numbers.sections)
    return render.html(
        "bundle.html", title=f"{w.text['bundle']} {content.number}", lang_tag=_lang_tag(w.lang),
        numbers_css=pages.numbers_css(numbers, prepared), stand_ins=planned,
        **_sections_values(content, prepared, fingerprint, names, w),
        sheets=_sheets(content, prepared, w, planned))


def _sections_values(content: BundleContent, prepared: list[Prepared], fingerprint: str,
                     names: tuple[str, ...], w: Words) -> dict[str, Any]:
    c = content
    _rows, cut = _bounded(c, w)
    options = [w.text["with_notes"] if c.options.include_notes else w.text["without_notes"],
               w.t(phrases.TEXT["unmasked"], reason=c.options.reason) if c.options.unmasked
               else w.text["masked"]]
    index_sections = [{"title": w.text[SECTION_TITLES[s]], "id": s}
                      for s in SECTION_IDS if s in names and s != "cover"]
    return dict(
        text=w.text, c=c, d=w.d, dt=w.dt, money=lambda minor: format_money(
            minor, c.dispute.currency, w.lang),
        stage=w.vocab(c.dispute.stage),
        resolution=w.vocab(c.dispute.resolution) if c.dispute.resolution else "",
        exported_role=w.vocab(c.exported_by.role), options_text="; ".join(options),
        fingerprint=fingerprint,
        index_sections=index_sections, product=w.vocab(c.dispute.product),
        error_category=w.vocab(c.dispute.error_category),
        remedies=", ".join(w.vocab(r) for r in c.dispute.remedies),
        events=cut["chronology"].rows, contacts=cut["contacts"].rows,
        continues={name: b.note for name, b in cut.items()},
        offers=[{"when": w.dt(o.made_at), "by": o.made_by_name, "terms": offer_terms(o, w),
                 "note": o.note, "expires_on": w.d(o.expires_on),
                 "status": w.t(_OFFER_STATUS.get(o.status, STATUS_LABELS[o.status])),
                 "answered_at": w.dt(o.answered_at), "answer_note": o.answer_note or ""}
                for o in c.offers],
        **_records(c.proceedings, w),
        notes=cut["notes"].rows if c.options.include_notes else None,
        exhibits=exhibit_rows(c, prepared, w),
        calculation=calculation(c, w), checks=checks(c, w))


def checks(content: BundleContent, w: Words) -> list[dict[str, Any]]:
    """The cover's "how to check this bundle": each step in the bundle's language with the
    commands to run (sha256sum and OpenSSL, which everyone has)."""
    return [
        {"text": w.text["check_sums"], "commands": [checksums.SUMS_COMMAND]},
        {"text": w.text["check_sums_mac"], "commands": [checksums.SUMS_COMMAND_MAC]},
        {"text": w.text["check_key"], "value": content.signer_key_sha256,
         "commands": [checksums.KEY_COMMAND]},
        {"text": w.text["check_list"], "commands": [checksums.signature_command(
            checksums.SUMS_NAME, checksums.SUMS_SIGNATURE_NAME)]},
        {"text": w.text["check_manifest"], "commands": [checksums.signature_command(
            mf.MANIFEST_NAME, mf.SIGNATURE_NAME)]},
    ]


def calculation(content: BundleContent, w: Words) -> dict[str, Any] | None:
    """The Calculation section: the latest saved calculation worked again from its inputs (the
    calculator is pure), in the bundle's language; plain strings, escaped by the template."""
    saved = content.calculation
    if saved is None:
        return None
    result = saved.worked()
    return {"saved": w.t(phrases.TEXT["calculation_saved"], name=saved.made_by_name,
                         when=w.dt(saved.made_at)),
            "basis": w.t(phrases.TEXT["calculation_basis"], when=w.dt(saved.made_at)),
            "facts": [f.render(w.lang) for f in result.facts],
            "headings": working.headings(w.lang), "rows": working.rows(result, w.lang),
            "summary": working.summary_lines(result, w.lang),
            "total": working.total_line(result, w.lang)}


def _records(p, w: Words) -> dict:
    """The mediation and litigation records as the template reads them: each with its
    sittings, the judgment on the litigation record; a hearing with its kind, time and
    courtroom."""
    mediation = litigation = None
    if p.mediation:
        mediation = {**p.mediation.model_dump(), "sessions": p.sessions}
    if p.litigation:
        judgment = (p.judgment.model_dump() if p.judgment else
                    {"judgment": "", "judgment_on": None, "served_on": None, "appeal_by": None})
        hearings = [{"held_on": h.held_on, "notes": h.notes,
                     "what": " · ".join(x for x in (
                         w.t(label(h.kind, lambda m: m)),
                         f"{h.starts_at:%H:%M}" if h.starts_at else "", h.courtroom) if x)}
                    for h in p.hearings]
        litigation = {**p.litigation.model_dump(), **judgment, "hearings": hearings}
    return {"mediation": mediation, "litigation": litigation}


_OFFER_STATUS = {"proposed": phrases.OFFER_PROPOSED, "accepted": phrases.OFFER_ACCEPTED,
                 "rejected": phrases.OFFER_REJECTED}


def _who(person, w: Words) -> str:
    if person is None:
        return ""
    return f"{person.name} ({w.vocab(person.role)})" if person.role else person.name


def _lang_tag(lang: str) -> str:
    return "zh-CN" if lang == "zh_CN" else "en"


def _sheets(content: BundleContent, prepared: list[Prepared], w: Words,
            stand_ins: bool) -> list[dict[str, Any]]:
    """One separator sheet per exhibit (plus the text of a text exhibit after its sheet)."""
    sheets = []
    for item in prepared:
        x = item.record
        status, problem = _sheet_status(item, w)
        sheets.append({
            "exhibit": x.exhibit, "kind": w.vocab(x.kind), "description": x.description,
            "date": w.d(x.recorded_on), "file_name": x.original_name,
            "media_type": x.media_type, "size": w.size(x.size), "sha256": x.sha256,
            "path": item.path,
            "uploaded": w.t(phrases.TEXT["uploaded"], name=x.uploaded_by,
                            when=w.dt(x.uploaded_at)),
            "withdrawn": w.t(phrases.TEXT["withdrawn"], date=w.dt(x.withdrawn_at),
                             reason=x.withdrawn_reason or "") if x.withdrawn_at else "",
            "audio": {"duration": _duration(item.audio.duration_seconds, w),
                      "format": w._(item.audio.format_label)} if item.audio else None,
            "status": status, "problem": problem, "text": item.text,
            "stand_in": pages.stand_in_page(item) if stand_ins else None})
    return sheets


def _sheet_status(item: Prepared, w: Words) -> tuple[str, bool]:
    if item.reason:
        return w.t(phrases.TEXT["not_shown"], reason=w.t(item.reason, **item.reason_params)), True
    if item.way == "pdf":
        return w.t(phrases.TEXT["sheet_pages"], count=item.body_pages), False
    if item.way == "image":
        return (w.text["sheet_image"] if item.body_pages == 1
                else w.t(phrases.TEXT["sheet_frames"], count=item.body_pages)), False
    if item.way == "audio":
        return w.text["sheet_audio"], False
    if item.way == "text":
        return (w.t(phrases.TEXT["sheet_text_cut"], count=f"{len(item.text or ''):,}")
                if item.text_cut else w.text["sheet_text"]), False
    return "", False


def _duration(seconds: float | None, w: Words) -> str:
    if seconds is None:
        return w.text["unknown"]
    whole = round(seconds)
    return f"{whole // 3600:d}:{whole // 60 % 60:02d}:{whole % 60:02d}" if whole >= 3600 \
        else f"{whole // 60:d}:{whole % 60:02d}" + (f" ({seconds:.2f} s)" if seconds < 10 else "")
