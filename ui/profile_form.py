"""The "Your details" form on My account: name, phone and language, prefilled, each field's error
beneath it; a saved language applies to this session at once."""

from __future__ import annotations

import streamlit as st

from dispute import profile
from dispute.i18n import LANGUAGES
from dispute.models import User
from ui import forms, session
from ui.render import field_error

PREFIX = "profile"


def profile_form(user: User) -> bool:
    """Draw the form; True once something was changed (the page reruns with the new values)."""
    _ = session.t()
    errors = forms.errors(PREFIX)
    current = profile.profile_form(user)
    languages = list(LANGUAGES)
    with st.form(f"{PREFIX}_form"):
        values = {"name": st.text_input(_("Full name"), value=current["name"],
                                        key=f"{PREFIX}_name")}
        field_error(errors, "name")
        values["phone"] = st.text_input(_("Mobile phone"), value=current["phone"],
                                        placeholder="+86 138 0000 0000", key=f"{PREFIX}_phone")
        field_error(errors, "phone")
        chosen = current["language"] if current["language"] in LANGUAGES else session.lang()
        values["language"] = st.selectbox(_("Language"), languages,
                                          index=languages.index(chosen),
                                          format_func=LANGUAGES.get, key=f"{PREFIX}_language")
        field_error(errors, "language")
        submitted = st.form_submit_button(_("Save my details"), type="primary",
                                          key=f"{PREFIX}_submit")
    if not submitted:
        return False
    changed = forms.attempt(PREFIX, lambda: profile.update_profile(session.context(), user,
                                                                   values))
    if changed is None:
        return False
    session.sign_in(changed)  # takes the new language for this session
    return True
