"""Per-session state: who is signed in and in which language. Keys are set once in app.py."""

from __future__ import annotations

import os

import streamlit as st

from dispute import accounts
from dispute.config import load_settings
from dispute.context import Context, open_context
from dispute.i18n import LANGUAGES, Translate, pick_language, translator
from dispute.models import User

USER_KEY = "user_id"
LANG_KEY = "lang"


@st.cache_resource(show_spinner=False)
def _context(data_dir: str) -> Context:
    """One service context (one DuckDB connection) per data directory for the whole process."""
    return open_context(load_settings())


def context() -> Context:
    return _context(os.environ.get("DISPUTE_DATA_DIR", "data"))


def init_state() -> None:
    st.session_state.setdefault(USER_KEY, None)
    st.session_state.setdefault(LANG_KEY, pick_language(getattr(st.context, "locale", None)))


def lang() -> str:
    return st.session_state.get(LANG_KEY) or pick_language(None)


def t() -> Translate:
    """The gettext function for this session's language."""
    return translator(lang())


def current_user() -> User | None:
    """The signed-in user, re-read each run so a disabled account stops at once."""
    user_id = st.session_state.get(USER_KEY)
    if user_id is None:
        return None
    user = accounts.get_user(context(), user_id)
    if user is None or user.disabled:
        st.session_state[USER_KEY] = None
        return None
    return user


def sign_in(user: User) -> None:
    st.session_state[USER_KEY] = user.id
    if user.language in LANGUAGES:
        st.session_state[LANG_KEY] = user.language


def sign_out() -> None:
    """Forget everything this session held, keeping only the language."""
    keep = lang()
    st.session_state.clear()
    st.session_state[USER_KEY] = None
    st.session_state[LANG_KEY] = keep


def require_user() -> User:
    """For pages that only a signed-in user reaches; app.py routes the rest to log in."""
    user = current_user()
    if user is None:
        st.stop()
    return user
