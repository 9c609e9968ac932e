"""Show a masked field in full, for staff and legal, after they give a reason (logged)."""

from __future__ import annotations

import streamlit as st

from dispute.models import Dispute, User
from dispute.unmasking import unmask
from ui import forms, render, session


def show(ctx, user: User, d: Dispute) -> None:
    _ = session.t()
    key = f"unmask_{d.number}"
    shown = st.session_state.get(key, {})
    for field, value in shown.items():
        title = _("Account") if field == "account_ref" else _("Borrower's phone")
        st.markdown(f"**{title}**: {render.md_escape(value)}")
    box = forms.form_box(_("Show a number in full"), key)  # fields drawn only while open
    if box is None:
        return
    with box:
        errors = forms.errors(key)
        choices = {"account_ref": _("Account"), "borrower_phone": _("Borrower's phone")}
        # keyed by language: the browser keeps a box's choice by its words, so after a switch
        # one key showed "账户" in English and sent those words back as the choice
        field_key = forms.by_language(f"{key}_field")
        st.selectbox(_("Which"), list(choices), format_func=choices.get, key=field_key,
                     persist_state="page")
        st.text_input(_("Why you need it (recorded in the audit log)"), key=f"{key}_reason",
                      persist_state="page")
        render.field_error(errors, "reason")
        st.button(_("Show"), key=f"{key}_submit", **forms.on_click(
            key, lambda who: _unmask(ctx, who, d.number, key, field_key), None,
            clear=[f"{key}_reason"]))


def _unmask(ctx, who: User, number: str, key: str, field_key: str) -> str:
    """The button's call (in its callback): the value, kept in the session for this page."""
    form = {"field": st.session_state.get(field_key),
            "reason": st.session_state.get(f"{key}_reason")}
    value = unmask(ctx, who, number, form)
    st.session_state[key] = {**st.session_state.get(key, {}), form["field"]: value}
    return value
