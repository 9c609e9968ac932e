"""Per-session state: who is signed in and in which language. Keys are set once in portal.py.

The signed-in session itself lives on the server (dispute/session_store.py); the Streamlit
session holds only its id. A new Streamlit session (a reload, a new tab, a copied link) finds it
through the browser's HttpOnly cookie, which `st.context.cookies` reads from the request that
opened the page; a sign-in gets the browser that cookie through /auth/session
(ui/auth_routes.py; portal.py sends the browser there). Each request re-checks the stored session
against dispute/sessions.py's rules: an idle, disabled or reset session ends there, and a user
who must change their password sees only that form."""

from __future__ import annotations

import os

import streamlit as st

from dispute import session_store, sessions
from dispute.config import load_settings
from dispute.context import Context, open_context
from dispute.i18n import (LANGUAGES, N_, Translate, pick_language, plural_translator,
                          translator)
from dispute.models import User
from ui import server_stop
from ui.session_cookie import COOKIE

USER_KEY = "user_id"
LANG_KEY = "lang"
SESSION_KEY = "web_session"     # the id of the dispute/session_store.py session
HANDOVER_KEY = "web_handover"   # a sign-in's one-time token, until portal.py sends it on
NOTICE_KEY = "session_notice"   # (msgid, params) for the login page after a session ended
RUN_USER_KEY = "run_user"       # (this run, user): the user portal.py checked for its page

_NOTICES = {
    sessions.EndReason.LOGOUT: N_("You have logged out."),
    sessions.EndReason.IDLE: N_("You were logged out after {minutes} minutes without activity. "
                                "Log in again to continue."),
    sessions.EndReason.DISABLED: N_("Your session has ended. Log in again to continue."),
    sessions.EndReason.PASSWORD_RESET: N_("Your session has ended. Log in again to continue."),
}


@st.cache_resource(show_spinner=False)
def _context(data_dir: str) -> Context:
    """One service context (one DuckDB connection) per data directory for the whole process,
    closed when the server stops (ui/server_stop.py)."""
    ctx = open_context(load_settings())
    server_stop.on_stop(ctx.db.close)
    return ctx


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


def _cookie() -> str | None:
    try:
        found = st.context.cookies.get(COOKIE)
    except Exception:  # no request behind this run (AppTest): no cookie
        return None
    return found if isinstance(found, str) else None


def nt():
    """The ngettext function for this session's language ("1 dispute" / "3 disputes")."""
    return plural_translator(lang())


def current_user(forget: bool = True) -> User | None:
    """The signed-in user, re-checked each run so a disabled or reset account stops at once and
    an idle session expires; every run counts as activity. A Streamlit session that holds no
    session yet takes the one of the browser's cookie. Inside the page portal.py runs, the
    user portal.py checked at the start of this run (`hold_for_page`): once per run is enough.
    So is the user found here, for the rest of the run (a fragment's run, which portal.py does
    not start, and the callback of the click that started it)."""
    held = st.session_state.get(RUN_USER_KEY)
    if held is not None and held[0] is _this_run():
        return held[1]
    ctx = context()
    session_id = st.session_state.get(SESSION_KEY)
    restored = False
    if session_id is None:
        if st.session_state.get(USER_KEY) is not None:
            # Signed in by code that set only the user (tests): give it a session now.
            user = _user(ctx, st.session_state[USER_KEY])
            if user is None:
                st.session_state[USER_KEY] = None
                return None
            session_id = session_store.start(ctx, user).session_id
        else:
            session_id = session_store.resume(ctx, _cookie())
            if session_id is None:
                return None
            restored = True
        st.session_state[SESSION_KEY] = session_id
    checked = session_store.check(ctx, session_id)
    if checked.user is None:
        if forget:
            _forget(checked.ended, notify=not restored)
        return None
    st.session_state[USER_KEY] = checked.user.id
    if restored and checked.user.language in LANGUAGES:
        st.session_state[LANG_KEY] = checked.user.language
    hold_for_page(checked.user)  # a button's callback and the fragment run it starts: one check
    return checked.user


def recheck_in_fragment() -> User:
    """First thing in an `st.fragment`: its own runs skip portal.py's check of the user. The
    user is checked as every run of the page checks them (the fragment's runs count as
    activity), and a session that ended (idle, signed out in another tab, account disabled)
    runs the whole page, which shows the login and why. Returns the user. The session is
    forgotten by that run of the page, not by the fragment's: cleared during a fragment's run,
    with the widgets outside it not drawn, the page's run that followed failed (the language
    box's callback found its value gone). The ended session keeps its reason for that run."""
    user = current_user(forget=False)
    if user is None:
        st.rerun(scope="app")
    return user


def _user(ctx: Context, user_id) -> User | None:
    from dispute import accounts

    return accounts.get_user(ctx, user_id)


def _this_run() -> object | None:
    """An object Streamlit makes anew for each script run, or None where there is no run. Held
    by reference, so a later run's cannot be the same. The run context's fragment coordinator:
    made by each run's reset and kept through it, callbacks and a fragment's run included (the
    element cursors, used before, are replaced by a copy when a fragment runs alone, so the
    click's callback and the fragment's run it started checked the session twice)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    run = get_script_run_ctx()
    found = getattr(run, "parallel_coordinator", None)
    return found if found is not None else getattr(run, "cursors", None)


def hold_for_page(user: User | None) -> None:
    """portal.py, once it has checked the user: the page it runs next in this same run gets
    `user` from `current_user()` without a second check (a page that signs someone in or out
    drops it: see sign_in and _forget). A page run without portal.py (a test's switch_page) or a
    later run finds a different run and checks again."""
    run = _this_run()
    if run is not None:
        st.session_state[RUN_USER_KEY] = (run, user)


def sign_in(user: User) -> None:
    """Start a server-side session; portal.py then sends the browser for its cookie."""
    st.session_state.pop(RUN_USER_KEY, None)
    started = session_store.start(context(), user)
    st.session_state[USER_KEY] = user.id
    st.session_state[SESSION_KEY] = started.session_id
    st.session_state[HANDOVER_KEY] = started.handover
    st.session_state.pop(NOTICE_KEY, None)
    if user.language in LANGUAGES:
        st.session_state[LANG_KEY] = user.language


def session_id() -> str | None:
    return st.session_state.get(SESSION_KEY)


def pending_handover() -> str | None:
    """The one-time token of a sign-in that the browser has not traded for its cookie yet."""
    return st.session_state.pop(HANDOVER_KEY, None)


def sign_out(reason: sessions.EndReason = sessions.EndReason.LOGOUT) -> None:
    """End the session (on the server too: other tabs of this browser are signed out with it)."""
    found = st.session_state.get(SESSION_KEY)
    if found is not None:
        session_store.end(context(), found, reason)
    _forget(reason, notify=found is not None)


def _forget(reason: sessions.EndReason | None, notify: bool) -> None:
    """Forget everything the Streamlit session held except the language; say why it ended."""
    keep = lang()
    st.session_state.clear()
    st.session_state[USER_KEY] = None
    st.session_state[LANG_KEY] = keep
    if notify and reason is not None:
        st.session_state[NOTICE_KEY] = (_NOTICES[reason],
                                        {"minutes": context().settings.session_idle_minutes})


def notice() -> str | None:
    """Why the last session ended, in the user's language (shown once, on the login page)."""
    found = st.session_state.pop(NOTICE_KEY, None)
    if found is None:
        return None
    msgid, params = found
    return t()(msgid).format(**{k: v for k, v in params.items() if "{" + k + "}" in msgid})
