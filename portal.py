"""The portal's script, which the server in app.py runs for every session: sets the session keys,
signs the user in, builds the navigation for their role (ui/navigation.py lists the pages
explicitly; the inbox shows its unread count), draws the sidebar (language, log out), and
starts the notification scheduler once per process (ui/scheduler.py)."""

import streamlit as st

from dispute import accounts
from dispute.errors import DatabaseLocked, DatabaseUnavailable
from dispute.i18n import LANGUAGES
from dispute.vocab import label
from dispute.notify import inbox
from ui import scheduler, session
from ui.navigation import INBOX, LANDING, pages_for
from ui.render import md_escape

st.set_page_config(page_title="Dispute portal · 争议处理平台", page_icon=":material/gavel:",
                   layout="wide")
session.init_state()
_ = session.t()
try:
    ctx = session.context()
except (DatabaseLocked, DatabaseUnavailable) as exc:  # DuckDB file held, PostgreSQL down
    st.error(exc.render(_))
    st.stop()
scheduler.ensure_started(ctx)
user = session.current_user()

specs = pages_for(user.role if user else None,
                  needs_setup=user is None and accounts.needs_setup(ctx))
unread = inbox.unread_count(ctx, user) if user is not None else 0


def _title(spec) -> str:
    """The page's name; the inbox's with its unread count."""
    if spec.path == INBOX.path and unread:
        return f"{_(spec.title)} ({unread})"
    return _(spec.title)


# Every landing page shares one url_path, so signing in or out lands on the new landing page
# instead of asking for a page the new navigation does not have.
pages = [st.Page(s.path, title=_title(s), icon=f":material/{s.icon}:", default=i == 0,
                 url_path=LANDING if i == 0 else None,
                 visibility="hidden" if s.hidden else "visible") for i, s in enumerate(specs)]
nav = st.navigation({label(user.role, _): pages} if user else pages)

with st.sidebar:
    st.markdown(f"### {_('Dispute portal')}")
    choice = st.selectbox("语言 / Language", list(LANGUAGES), format_func=LANGUAGES.get,
                          index=list(LANGUAGES).index(session.lang()), key="lang_select")
    if choice != session.lang():
        st.session_state[session.LANG_KEY] = choice
        if user is not None:
            accounts.set_language(ctx, user, choice)
        st.rerun()
    if user is not None:
        st.caption(f"{md_escape(user.name)} · {label(user.role, _)}")
        if st.button(_("Log out"), key="logout", icon=":material/logout:"):
            session.sign_out()
            st.switch_page(pages[0])

nav.run()
