"""Facts in, a document out: pick the kind's template in the language asked for, fill it, write it
as DOCX or PDF; and list the blanks the person filing it must complete. Pure: no database, no
access checks (those happen where the facts are gathered, `dispute.documents.service`)."""

from __future__ import annotations

from datetime import datetime

from dispute.documents.compose import Blank, Composed, compose
from dispute.documents.facts import DocumentFacts
from dispute.documents.kinds import Kind, get_kind
from dispute.documents.template import load_common, load_template
from dispute.documents.to_docx import render_docx
from dispute.documents.to_pdf import render_pdf
from dispute.documents.values import build
from dispute.errors import UserError
from dispute.i18n import LANGUAGES, N_

FORMATS = ("docx", "pdf")
MEDIA_TYPES = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
               "pdf": "application/pdf"}


def language_for(kind: Kind, lang: str | None) -> str:
    """The language asked for, or the one the kind is filed in; refused if it has no such
    version (US documents are in English only)."""
    if lang is None:
        return kind.primary_language
    if lang not in kind.languages:
        raise UserError(N_("The document {kind} is written in {languages} only."),
                        kind=kind.name, languages=", ".join(LANGUAGES[x] for x in kind.languages))
    return lang


def compose_document(kind: str, facts: DocumentFacts, lang: str | None = None) -> Composed:
    spec = get_kind(kind)
    lang = language_for(spec, lang)
    template, common = load_template(kind, lang), load_common(lang)
    values = build(facts, lang, template.phrases, common.as_words())
    return compose(template, common, values, number=facts.number)


def render_document(kind: str, facts: DocumentFacts, fmt: str, lang: str | None = None,
                    when: datetime | None = None) -> bytes:
    """The document as DOCX or PDF bytes."""
    if fmt not in FORMATS:
        raise UserError(N_("Documents are made as {formats}."), formats=" or ".join(FORMATS))
    doc = compose_document(kind, facts, lang)
    return render_docx(doc, when) if fmt == "docx" else render_pdf(doc)


def blanks(kind: str, facts: DocumentFacts, lang: str | None = None) -> list[Blank]:
    """What the document would leave blank for these facts, in the order it appears."""
    return compose_document(kind, facts, lang).blanks
