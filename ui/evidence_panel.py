"""Evidence of a dispute: every exhibit with its preview, and a form to add more."""

from __future__ import annotations

import streamlit as st

from dispute.exhibit_changes import may_change
from dispute.exhibits import attach_evidence, describe_exhibit, list_evidence
from dispute.models import EvidenceItem, User
from dispute.vocab import Role
from ui import exhibit_forms, forms, session
from ui.render import field_error
from ui.evidence_form import evidence_inputs
from ui.evidence_view import show_exhibit


def show(ctx, user: User, number: str, is_open: bool) -> None:
    """Draw the exhibits and the form to add more."""
    _ = session.t()
    items = list_evidence(ctx, user, number)
    if not items:
        st.info(_("No evidence yet."))
    for item in items:
        show_exhibit(user, number, item)
        exhibit_forms.withdrawn_confirmation(item)
        if is_open and user.role in (Role.BORROWER, Role.LEGAL) and item.withdrawn_at is None:
            details_form(ctx, user, number, item)
        if may_change(user, item, is_open):
            exhibit_forms.correct_form(ctx, user, number, item)
            exhibit_forms.withdraw_form(ctx, user, number, item)
    if is_open:
        st.subheader(_("Add evidence"))
        errors = forms.errors("addev")
        uploads = evidence_inputs("addev", errors)
        if st.button(_("Add these files"), key="addev_submit", disabled=not uploads):
            with st.spinner(_("Checking and saving your files…")):
                forms.submit("addev", lambda: attach_evidence(ctx, user, number, uploads),
                             lambda added: _("Added {exhibits}.").format(
                                 exhibits=", ".join(added)), clear=["addev_files"])


def details_form(ctx, user: User, number: str, item: EvidenceItem) -> None:
    """What the exhibit proves (证明目的) and its source (证据来源), for the evidence list."""
    _ = session.t()
    key = f"exd_{item.id}"
    box = forms.form_box(_("What {exhibit} proves and its source").format(exhibit=item.exhibit),
                         key)
    if box is None:
        return
    with box:
        errors = forms.errors(key)
        st.text_area(_("What it proves"), value=item.proves or "", key=f"{key}_proves",
                     help=_("The fact this exhibit shows, as the evidence list states it, e.g. "
                            "the lender debited the payment twice."), persist_state="page")
        field_error(errors, "proves")
        st.text_input(_("Source of the evidence"), value=item.source or "", key=f"{key}_source",
                      help=_("Where it comes from, e.g. the lender's monthly statement, a "
                             "screenshot of the banking app."), persist_state="page")
        field_error(errors, "source")
        st.button(_("Save"), key=f"{key}_submit", **forms.on_click(
            key, lambda who: describe_exhibit(ctx, who, number, item.id,
                                              forms.values(key, "proves", "source")),
            _("Saved for {exhibit}.").format(exhibit=item.exhibit), near=True))
        forms.confirmation(key)
