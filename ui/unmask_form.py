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
        st.markdown(f"**{title}**: `{render.md_escape(value)}`")
    with st.expander(_("Show a number in full")):
        errors = forms.errors(key)
        choices = {"account_ref": _("Account"), "borrower_phone": _("Borrower's phone")}
        field = st.selectbox(_("Which"), list(choices), format_func=choices.get,
                             key=f"{key}_field")
        reason = st.text_input(_("Why you need it (recorded in the audit log)"),
                               key=f"{key}_reason")
        render.field_error(errors, "reason")
        if st.button(_("Show"), key=f"{key}_submit"):
            value = forms.attempt(key, lambda: unmask(ctx, user, d.number,
                                                     {"field": field, "reason": reason}))
            if value is not None:
                st.session_state[key] = {**shown, field: value}
                st.rerun()
