"""Per-session state: who is signed in, since when, and in which language. Keys are set once
in portal.py. Each request re-reads the account and applies dispute/sessions.py's rules: an idle,
disabled or reset session ends there, and a user who must change their password sees only that
form."""

from __future__ import annotations

import os
from datetime import timedelta

import streamlit as st

from dispute import accounts, sessions
from dispute.config import load_settings
from dispute.context import Context, open_context
from dispute.i18n import LANGUAGES, N_, Translate, pick_language, translator
from dispute.models import User

USER_KEY = "user_id"
LANG_KEY = "lang"
SIGNED_IN_KEY = "signed_in_at"
ACTIVE_KEY = "last_active_at"
NOTICE_KEY = "session_notice"  # (msgid, params) for the login page after a session ended

_NOTICES = {
    sessions.EndReason.LOGOUT: N_("You have logged out."),
    sessions.EndReason.IDLE: N_("You were logged out after {minutes} minutes without activity. "
                                "Log in again to continue."),
    sessions.EndReason.DISABLED: N_("Your session has ended. Log in again to continue."),
    sessions.EndReason.PASSWORD_RESET: N_("Your session has ended. Log in again to continue."),
}


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
    """The signed-in user, re-read each run so a disabled or reset account stops at once and an
    idle session expires; every run counts as activity."""
    user_id = st.session_state.get(USER_KEY)
    if user_id is None:
        return None
    ctx = context()
    now = ctx.now()
    user = accounts.get_user(ctx, user_id)
    reason = sessions.end_reason(user, st.session_state.get(SIGNED_IN_KEY),
                                 st.session_state.get(ACTIVE_KEY), now, _idle_limit(ctx))
    if reason is not None:
        sign_out(reason)
        return None
    st.session_state.setdefault(SIGNED_IN_KEY, now)
    st.session_state[ACTIVE_KEY] = now
    return user


def _idle_limit(ctx: Context) -> timedelta:
    return timedelta(minutes=ctx.settings.session_idle_minutes)


def sign_in(user: User) -> None:
    now = context().now()
    st.session_state[USER_KEY] = user.id
    st.session_state[SIGNED_IN_KEY] = now
    st.session_state[ACTIVE_KEY] = now
    st.session_state.pop(NOTICE_KEY, None)
    if user.language in LANGUAGES:
        st.session_state[LANG_KEY] = user.language


def sign_out(reason: sessions.EndReason = sessions.EndReason.LOGOUT) -> None:
    """End the session: record why, then forget everything it held except the language."""
    user_id = st.session_state.get(USER_KEY)
    if user_id is not None:
        ctx = context()
        accounts.record_logout(ctx, user_id, reason)
        minutes = ctx.settings.session_idle_minutes
    keep = lang()
    st.session_state.clear()
    st.session_state[USER_KEY] = None
    st.session_state[LANG_KEY] = keep
    if user_id is not None:
        st.session_state[NOTICE_KEY] = (_NOTICES[reason], {"minutes": minutes})


def notice() -> str | None:
    """Why the last session ended, in the user's language (shown once, on the login page)."""
    found = st.session_state.pop(NOTICE_KEY, None)
    if found is None:
        return None
    msgid, params = found
    return t()(msgid).format(**{k: v for k, v in params.items() if "{" + k + "}" in msgid})
