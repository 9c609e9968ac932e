"""Correcting an exhibit's kind, description and date, and withdrawing it with a reason: two
forms under each exhibit the user may change (`dispute.exhibit_changes.may_change`)."""

from __future__ import annotations

import streamlit as st

from dispute.exhibit_changes import correct_exhibit, withdraw_exhibit
from dispute.models import EvidenceItem, User
from dispute.vocab import EvidenceKind, label
from ui import forms, session
from ui.render import field_error


def correct_form(ctx, user: User, number: str, item: EvidenceItem) -> None:
    _ = session.t()
    key = f"exc_{item.id}"
    box = forms.form_box(_("Correct the kind, description or date of {exhibit}").format(
        exhibit=item.exhibit), key)
    if box is None:
        return
    with box:
        errors = forms.errors(key)
        kinds = [k.value for k in EvidenceKind]
        st.selectbox(_("Kind of evidence"), kinds, index=kinds.index(item.kind.value),
                     format_func=lambda v: label(EvidenceKind(v), _), key=f"{key}_kind",
                     persist_state="page")
        st.text_input(_("What it shows"), value=item.description, key=f"{key}_desc",
                      persist_state="page")
        field_error(errors, "description")
        st.date_input(_("Date it records"), value=item.recorded_on, key=f"{key}_date",
                      format="YYYY-MM-DD", persist_state="page")
        field_error(errors, "recorded_on")
        st.caption(_("The earlier values stay in the timeline."))
        got = st.session_state.get
        st.button(_("Save the correction"), key=f"{key}_submit", **forms.on_click(
            key, lambda who: correct_exhibit(ctx, who, number, item.id, {
                "kind": got(f"{key}_kind"), "description": got(f"{key}_desc"),
                "recorded_on": got(f"{key}_date")}),
            _("{exhibit} corrected.").format(exhibit=item.exhibit), near=True))
        forms.confirmation(key)


def withdraw_form(ctx, user: User, number: str, item: EvidenceItem) -> None:
    _ = session.t()
    key = f"exw_{item.id}"
    box = forms.form_box(_("Withdraw {exhibit}").format(exhibit=item.exhibit), key)
    if box is None:
        return
    with box:
        errors = forms.errors(key)
        st.caption(_("A withdrawn exhibit is kept, with its file, for the record: it stays on "
                     "this page and in bundles, marked withdrawn with your reason. This cannot "
                     "be undone."))
        st.text_area(_("Why it is withdrawn"), key=f"{key}_reason", height=80,
                     persist_state="page")
        field_error(errors, "reason")
        sure = st.checkbox(_("Withdraw {exhibit} ({name})").format(
            exhibit=item.exhibit, name=item.original_name), key=f"{key}_sure")
        st.button(_("Withdraw the exhibit"), key=f"{key}_submit", disabled=not sure,
                  **forms.on_click(key, lambda who: withdraw_exhibit(
                      ctx, who, number, item.id, forms.values(key, "reason")),
                      _("{exhibit} withdrawn.").format(exhibit=item.exhibit),
                      clear=[f"{key}_reason", f"{key}_sure"], near=True))


def withdrawn_confirmation(item: EvidenceItem) -> None:
    """The withdrawal's message, beside the exhibit: its form is no longer drawn once it is
    withdrawn."""
    forms.confirmation(f"exw_{item.id}")
