"""The change-password form: on My account, and in place of every page after an administrator
reset the password (the user signed in with a temporary one and must choose their own)."""

from __future__ import annotations

import streamlit as st

from dispute import accounts
from dispute.models import User
from ui import forms, session
from ui.render import field_error


def password_change_form(prefix: str, user: User, current_label: str) -> bool:
    """Draw the form; True once the password was changed (this session stays signed in)."""
    _ = session.t()
    errors = forms.errors(prefix)
    with st.form(f"{prefix}_form", clear_on_submit=True):
        values = {}
        for field, title in (("current", current_label),
                             ("new", _("New password (at least 10 characters)")),
                             ("repeat", _("New password again"))):
            values[field] = st.text_input(title, type="password", key=f"{prefix}_{field}")
            field_error(errors, field)
        submitted = st.form_submit_button(_("Change password"), type="primary",
                                          key=f"{prefix}_submit")
    if not submitted:
        return False
    # Other sessions of this user end; this one (and its cookie) goes on.
    changed = forms.attempt(prefix, lambda: accounts.change_password(
        session.context(), user, values, keep_session=session.session_id()))
    return changed is not None


def forced_password_change(user: User) -> None:
    """Shown instead of any page until the user has replaced their temporary password."""
    _ = session.t()
    st.title(_("Choose a new password"))
    st.info(_("An administrator reset your password. Choose your own password before you "
              "continue."))
    if password_change_form("forcedpw", user, _("Temporary password")):
        st.rerun()
