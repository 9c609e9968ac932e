"""The portal's script, which the server in app.py runs for every session: sets the session keys,
signs the user in (from the browser's session cookie on a reload or a new tab), builds the
navigation for their role (ui/navigation.py lists the pages explicitly, with an alias at every
other page's address so no link ends in "Page not found"; the inbox shows its unread count),
sends a browser that has just signed in for its session cookie, draws the sidebar (language, log
out), and starts the notification scheduler once per process (ui/scheduler.py)."""

import streamlit as st

from dispute import accounts
from dispute.errors import UserError
from dispute.i18n import LANGUAGES
from dispute import case_reads
from dispute.vocab import label
from dispute.notify import inbox
from ui import forms, scheduler, session
from ui.session_cookie import handover_script
from ui.navigation import INBOX, LANDING, aliases, pages_for
from ui.render import md_escape

# The browser tab's icon: an emoji, drawn from a data: address. A Material icon here had every
# browser fetch it from fonts.gstatic.com (nothing else the portal draws leaves the server).
st.set_page_config(page_title="Dispute portal · 争议处理平台", page_icon="⚖️", layout="wide")
session.init_state()
forms.clear_saved_forms()  # before any widget is drawn
_ = session.t()
try:
    ctx = session.context()
except UserError as exc:  # DuckDB file held, PostgreSQL down, a key file or folder wrong
    st.error(exc.render(_))
    st.stop()
scheduler.ensure_started(ctx)
user = session.current_user()
_ = session.t()  # a session restored from the browser's cookie brings its user's language

role = user.role if user else None
needs_setup = user is None and accounts.needs_setup(ctx)
specs = pages_for(role, needs_setup=needs_setup)
unread = inbox.unread_count(ctx, user) if user is not None else 0


LANG_SHOWN_KEY = "_lang_shown"  # the language the sidebar's box was last set to


def _switch_language() -> None:
    """The language box's callback: the run it starts is drawn in the language chosen (one run,
    not a run and a rerun), which a signed-in user keeps for their next visit."""
    choice = st.session_state["lang_select"]
    st.session_state[session.LANG_KEY] = st.session_state[LANG_SHOWN_KEY] = choice
    who = session.current_user()
    if who is not None:
        accounts.set_language(session.context(), who, choice)


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
# After the real pages, so st.switch_page and st.page_link (first match by file) keep to those.
hidden = [st.Page(s.path, title=_(s.title), url_path=path, visibility="hidden")
          for path, s in aliases(role, needs_setup).items()]
nav = st.navigation({label(user.role, _): pages + hidden} if user else pages + hidden)

with st.sidebar:
    if (handover := session.pending_handover()) is not None:  # just signed in: get the cookie
        st.html(handover_script(handover), unsafe_allow_javascript=True)
    st.markdown(f"### {_('Dispute portal')}")
    # The box shows the session's language. When that changed elsewhere (My account's form
    # saves it in its button's callback), the box's kept value is set to it before it is drawn,
    # or the box would keep showing the old one.
    if st.session_state.get(LANG_SHOWN_KEY) != session.lang():
        st.session_state["lang_select"] = st.session_state[LANG_SHOWN_KEY] = session.lang()
    st.selectbox("语言 / Language", list(LANGUAGES), format_func=LANGUAGES.get,
                 key="lang_select", on_change=_switch_language)
    if user is not None:
        st.caption(f"{md_escape(user.name)} · {label(user.role, _)}")
        if st.button(_("Log out"), key="logout", icon=":material/logout:"):
            session.sign_out()
            st.switch_page(pages[0])

session.hold_for_page(user)  # the page's own check of the user is this one
with case_reads.one_page_run():  # a dispute's row read once for all the page's panels
    nav.run()
