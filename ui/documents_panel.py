"""The Documents tab (issue 13), on the borrower's dispute page and the workspace: the kinds this
user may make for this dispute's rules, in which language, what the document would leave blank,
"Make DOCX" / "Make PDF" (kept on the dispute), the kept documents with their downloads, and —
for the borrower — "I sent this letter", recorded as a written demand."""

from __future__ import annotations

from typing import BinaryIO, Callable

import streamlit as st

from dispute.deadlines.rulebook import load_rulebook
from dispute.demands import SENT_VIA_LABELS, SentVia, record_demand
from dispute.documents.kept import KeptDocument, list_documents, make_document, open_document
from dispute.documents.kinds import Kind, document_title, kinds_for
from dispute.documents.make import blanks as blanks_of
from dispute.documents.service import facts_for
from dispute.errors import UserError
from dispute.i18n import LANGUAGES, format_date, format_datetime
from dispute.models import Dispute, User
from dispute.vocab import Role
from ui import forms
from ui.render import field_error, md_escape, show_error
from ui.session import context, lang, t


def makeable(user: User, d: Dispute) -> list[Kind]:
    """The kinds `user` may make for this dispute: its jurisdiction, their role."""
    jurisdiction = load_rulebook(d.rulebook).jurisdiction.value.lower()
    return [k for k in kinds_for(jurisdiction) if user.role in k.makers]


def _blanks(ctx, user: User, d: Dispute, kind: str, doc_lang: str) -> list[str]:
    """The blanks' markers as printed, remembered per dispute version (the evidence list's
    page numbers come from laying out the bundle, which takes a moment)."""
    key = ("doc_blanks", d.number, d.version, kind, doc_lang)
    cache = st.session_state.setdefault("doc_blanks", {})
    if key not in cache:
        facts = facts_for(ctx, user, d.number, kind, lang=doc_lang)
        cache.clear()
        cache[key] = [b.text for b in blanks_of(kind, facts, doc_lang)]
    return cache[key]


def show(ctx, user: User, d: Dispute, is_open: bool) -> None:
    _ = t()
    kinds = makeable(user, d)
    if kinds:
        _maker(ctx, user, d, kinds)
    st.subheader(_("Kept documents"))
    docs = list_documents(ctx, user, d.number)
    if not docs:
        st.info(_("No documents have been made for this dispute yet. Choose one above, check "
                  "what it leaves blank, and make it as DOCX or PDF: it is kept here.")
                if kinds else _("No documents have been made for this dispute yet."))
    for doc in docs:
        _kept(ctx, user, d, doc, is_open)


def _maker(ctx, user: User, d: Dispute, kinds: list[Kind]) -> None:
    _ = t()
    by_name = {k.name: k for k in kinds}
    name = st.selectbox(_("Document"), list(by_name), key="doc_kind",
                        format_func=lambda n: document_title(n, _), persist_state="page")
    spec = by_name[name]
    languages = list(spec.languages)
    preferred = lang() if lang() in languages else spec.primary_language
    doc_lang = st.radio(_("Language of the document"), languages, horizontal=True,
                        index=languages.index(preferred), key=f"doc_lang_{name}",
                        format_func=lambda code: LANGUAGES[code], persist_state="page")
    st.caption(_("To: {recipient}").format(recipient=_(spec.recipient)) + " · "
               + md_escape(spec.source))
    try:
        markers = _blanks(ctx, user, d, name, doc_lang)
    except UserError as exc:
        show_error(exc)
        return
    if markers:
        st.warning(_("This document will leave {count} blanks for you to complete before "
                     "filing it:").format(count=len(markers)), icon=":material/edit_note:")
        st.markdown("\n".join(f"- {md_escape(m)}" for m in markers))
    else:
        st.success(_("Nothing is left blank."))
    done = _("{title} was made and kept below.").format(title=document_title(name, _))
    left, right = st.columns(2)
    if left.button(_("Make DOCX"), key="doc_make_docx", icon=":material/description:"):
        with st.spinner(_("Writing the document…")):
            forms.submit("doc_make", lambda: make_document(ctx, user, d.number, name, "docx",
                                                           doc_lang), done)
    if right.button(_("Make PDF"), key="doc_make_pdf", icon=":material/picture_as_pdf:"):
        with st.spinner(_("Writing the document…")):
            forms.submit("doc_make", lambda: make_document(ctx, user, d.number, name, "pdf",
                                                           doc_lang), done)


def _read(opener: Callable[[], BinaryIO]) -> bytes:
    with opener() as fh:
        return fh.read()


def _kept(ctx, user: User, d: Dispute, doc: KeptDocument, is_open: bool) -> None:
    _ = t()
    tz = context().settings.timezone

    def opener() -> BinaryIO:
        return open_document(ctx, user, d.number, doc.id)

    with st.container(border=True):
        st.markdown(f"**{md_escape(document_title(doc.kind, _))}** · {doc.format.upper()} · "
                    f"{LANGUAGES.get(doc.lang, doc.lang)}")
        st.caption(_("Made by {name} on {when}").format(
            name=md_escape(doc.made_by_name or ""), when=format_datetime(doc.made_at, lang(), tz)))
        st.download_button(_("Download"), data=lambda: _read(opener), on_click="ignore",
                           file_name=doc.file_name(d.number), mime=doc.media_type,
                           key=f"doc_dl_{doc.id}", icon=":material/download:")
        if user.role == Role.BORROWER and is_open:
            _sent_form(ctx, user, d, doc)


def _sent_form(ctx, user: User, d: Dispute, doc: KeptDocument) -> None:
    """The borrower says they sent this letter: a written demand, which restarts the limitation
    period from the day it was sent."""
    _ = t()
    key = f"sent_{doc.id}"
    box = forms.form_box(_("I sent this letter"), key)
    if box is None:
        return
    with box:
        errors = forms.errors(key)
        st.date_input(_("Sent on"), value=None, key=f"{key}_on", persist_state="page")
        field_error(errors, "sent_on")
        st.selectbox(_("How it was sent"), list(SentVia), key=f"{key}_channel",
                     format_func=lambda v: _(SENT_VIA_LABELS[v]), persist_state="page")
        st.text_input(_("Proof: postal tracking number, or how you can show it was sent"),
                      key=f"{key}_proof", persist_state="page")
        field_error(errors, "proof")
        st.caption(_("A written demand restarts the limitation period from the day it was "
                     "sent."))

        def record(who):
            form = forms.values(key, "on", "channel", "proof")
            return record_demand(ctx, who, d.number, {
                "sent_on": form["on"], "channel": form["channel"], "proof": form["proof"],
                "document": doc.id})

        st.button(_("Record that I sent it"), key=f"{key}_submit", **forms.on_click(
            key, record, lambda: _("Recorded: sent on {date}.").format(  # worded before the
                date=format_date(st.session_state[f"{key}_on"], lang())),  # fields are emptied
            clear=[f"{key}_on", f"{key}_proof"]))
