"""Evidence of a dispute: every exhibit with its preview, and a form to add more."""

from __future__ import annotations

import streamlit as st

from dispute.exhibits import attach_evidence, list_evidence
from dispute.models import User
from ui import forms, session
from ui.evidence_form import evidence_inputs
from ui.evidence_view import show_exhibit


def show(ctx, user: User, number: str, is_open: bool) -> list:
    """Draw the panel; returns the exhibits (the contact form links to them)."""
    _ = session.t()
    items = list_evidence(ctx, user, number)
    if not items:
        st.info(_("No evidence yet."))
    for item in items:
        show_exhibit(user, number, item)
    if is_open:
        st.subheader(_("Add evidence"))
        errors = forms.errors("addev")
        uploads = evidence_inputs("addev", errors)
        if st.button(_("Add these files"), key="addev_submit", disabled=not uploads):
            with st.spinner(_("Checking and saving your files…")):
                forms.submit("addev", lambda: attach_evidence(ctx, user, number, uploads),
                             lambda added: _("Added {exhibits}.").format(
                                 exhibits=", ".join(added)), clear=["addev_files"])
    return items
