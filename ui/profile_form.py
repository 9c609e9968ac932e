"""The "Your details" form on My account: name, phone and language, prefilled, each field's error
beneath it; a saved language applies to this session at once."""

from __future__ import annotations

import streamlit as st

from dispute import profile
from dispute.i18n import LANGUAGES, N_
from dispute.models import User
from ui import forms, session
from ui.render import field_error

PREFIX = "profile"


def profile_form(user: User, flash_key: str) -> None:
    """Draw the form; a save (in its button's callback, one run per click) signs the session in
    again with the new values and keeps its message under `flash_key` for the page to show
    (untranslated: the page words it in the language just chosen)."""
    _ = session.t()
    errors = forms.errors(PREFIX)
    current = profile.profile_form(user)
    languages = list(LANGUAGES)
    with st.form(f"{PREFIX}_form"):
        st.text_input(_("Full name"), value=current["name"], key=f"{PREFIX}_name")
        field_error(errors, "name")
        st.text_input(_("Mobile phone"), value=current["phone"],
                      placeholder="+86 138 0000 0000", key=f"{PREFIX}_phone")
        field_error(errors, "phone")
        chosen = current["language"] if current["language"] in LANGUAGES else session.lang()
        st.selectbox(_("Language"), languages, index=languages.index(chosen),
                     format_func=LANGUAGES.get, key=f"{PREFIX}_language")
        field_error(errors, "language")
        st.form_submit_button(_("Save my details"), type="primary", key=f"{PREFIX}_submit",
                              **forms.on_click(PREFIX, lambda who: _save(who, flash_key), None))


def _save(user: User, flash_key: str) -> User:
    changed = profile.update_profile(session.context(), user,
                                     forms.values(PREFIX, "name", "phone", "language"))
    session.sign_in(changed)  # takes the new language for this session
    st.session_state[flash_key] = N_("Your details were saved.")
    return changed
