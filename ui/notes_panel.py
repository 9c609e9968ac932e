"""Internal notes on a dispute (staff and legal only)."""

from __future__ import annotations

import streamlit as st

from dispute.i18n import format_datetime
from dispute.models import User
from dispute.notes import add_note, list_notes
from ui import forms, render, session


def show(ctx, user: User, number: str) -> None:
    _ = session.t()
    lang, tz = session.lang(), ctx.settings.timezone
    st.caption(_("Internal notes are never shown to the borrower."))
    _write(ctx, number)
    notes = list_notes(ctx, user, number)
    if not notes:
        st.info(_("No internal notes yet."))
    for n in notes:
        with st.container(border=True):
            st.caption(f"{render.md_escape(n.author_name)} · "
                       f"{format_datetime(n.created_at, lang, tz)}")
            render.user_text(n.body)


def _write(ctx, number: str) -> None:
    """The box to write a note: a note added is one run of the tab's panel, which lists it
    (ui/case_page.tab_panel)."""
    _ = session.t()
    errors = forms.errors("note")
    st.text_area(_("New note"), key="note_body", persist_state="page")
    render.field_error(errors, "body")
    st.button(_("Add the note"), key="note_submit", **forms.on_click(
        "note", lambda who: add_note(ctx, who, number,
                                     {"body": st.session_state.get("note_body", "")}),
        _("Note added."), clear=["note_body"], near=True))
    forms.confirmation("note")
