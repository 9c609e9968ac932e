"""The case-bundle controls: legal's export panel (options, progress, download) and the
borrower's "download my evidence bundle". The bundle is made into a temporary folder and handed
to the browser; nothing stays on the server but the export's event."""

from __future__ import annotations

import tempfile
from pathlib import Path
from uuid import UUID

import streamlit as st

from dispute.bundle.content import BundleOptions
from dispute.bundle.export import Step, export_area, export_bundle
from dispute.context import Context
from dispute.documents.kept import list_documents
from dispute.documents.kinds import document_title
from dispute.i18n import LANGUAGES, format_datetime
from dispute.errors import UserError
from dispute.models import User
from ui.render import errors_of, field_error, show_error
from ui.session import lang, t


def _phase_text(step: Step) -> str:
    _ = t()
    messages = {"exhibit": _("Adding exhibit {exhibit}…"),
                "sections": _("Writing the index, chronology and records…"),
                "stamping": _("Merging and stamping the pages…"),
                "signing": _("Signing the manifest…"),
                "done": _("The bundle is ready.")}
    return messages[step.phase].format(exhibit=step.exhibit or "")


def _make(ctx: Context, user: User, number: str, options: BundleOptions, key: str) -> None:
    """Export with a progress bar and a Cancel button; keep the ZIP's bytes in the session for
    the download. A click on Cancel (or anywhere) reruns the page: Streamlit then stops this run
    at its next call, the progress update after the current step, and export_bundle removes
    what it had written; the rerun says so (`cancelled_notice`)."""
    _ = t()
    st.session_state[f"{key}_running"] = True
    st.button(_("Cancel the export"), key=f"{key}_cancel", icon=":material/cancel:")
    bar = st.progress(0.0, text=_("Preparing the bundle…"))

    def progress(step: Step) -> None:
        bar.progress(min(step.done / max(step.total, 1), 1.0), text=_phase_text(step))

    with tempfile.TemporaryDirectory(prefix="bundle-",
                                     dir=export_area(ctx.settings.data_dir)) as folder:
        out = Path(folder) / f"{number}-bundle.zip"
        try:
            export_bundle(ctx, user, number, out, options, progress=progress)
        except UserError:  # refused or failed, not cancelled: the page shows why
            st.session_state.pop(f"{key}_running", None)
            raise
        st.session_state[key] = (out.name, out.read_bytes())
    st.session_state.pop(f"{key}_running", None)


def cancelled_notice(key: str) -> None:
    """After a run that was exporting was stopped (Cancel, or leaving the page): say so once."""
    if st.session_state.pop(f"{key}_running", None):
        st.info(t()("The export was cancelled; nothing was kept."), icon=":material/cancel:")


def _download(key: str) -> None:
    _ = t()
    made = st.session_state.get(key)
    if made:
        name, data = made
        st.download_button(_("Download the bundle (ZIP)"), data=data, file_name=name,
                           mime="application/zip", key=f"{key}_download",
                           icon=":material/download:", on_click="ignore")


def legal_export_panel(ctx: Context, user: User, number: str) -> None:
    """Legal's Export action: internal notes, unmasked numbers with a reason, then download."""
    _ = t()
    key = f"export_panel_{number}"
    cancelled_notice(key)
    pdfs = [doc for doc in list_documents(ctx, user, number) if doc.format == "pdf"]
    with st.form(f"{key}_form"):
        notes = st.checkbox(_("Include internal notes"), key=f"{key}_notes")
        chosen = st.multiselect(
            _("Add kept documents (PDF) after the exhibits"), [str(d.id) for d in pdfs],
            key=f"{key}_documents", placeholder=_("Choose one or more"),
            format_func=lambda i: next(
                f"{document_title(d.kind, _)} · {LANGUAGES.get(d.lang, d.lang)} · "
                f"{format_datetime(d.made_at, lang(), ctx.settings.timezone)}"
                for d in pdfs if str(d.id) == i), persist_state="page") if pdfs else []
        unmasked = st.checkbox(_("Show identity and account numbers unmasked (logged)"),
                               key=f"{key}_unmasked")
        reason = st.text_input(_("Reason for unmasking"), key=f"{key}_reason", persist_state="page")
        submitted = st.form_submit_button(_("Make the bundle"), icon=":material/picture_as_pdf:")
    if submitted:
        st.session_state.pop(key, None)
        try:
            _make(ctx, user, number, BundleOptions(
                include_notes=notes, unmasked=unmasked, reason=reason, lang=lang(),
                documents=tuple(UUID(i) for i in chosen)), key)
        except UserError as exc:
            show_error(exc)
            field_error(errors_of(exc), "reason")
    _download(key)


def borrower_bundle_button(ctx: Context, user: User, number: str) -> None:
    """The borrower's own bundle: masked, without internal notes."""
    _ = t()
    key = f"my_bundle_{number}"
    cancelled_notice(key)
    if st.button(_("Download my evidence bundle"), key=f"{key}_make",
                 icon=":material/folder_zip:"):
        st.session_state.pop(key, None)
        try:
            _make(ctx, user, number, BundleOptions(lang=lang()), key)
        except UserError as exc:
            show_error(exc)
    _download(key)
