"""The landing page for visitors: log in, or register as a borrower (one page, two tabs, so that
signing in always happens on the landing page)."""

import streamlit as st

from dispute import accounts, signup
from ui import forms, preload, session, two_step
from ui.account_fields import account_fields


def _log_in() -> None:
    """The login button's callback: the password checked before the page's run, so a click that
    signs in is one run, drawing the user's landing page (or the code step)."""
    user = forms.now("login", lambda: accounts.authenticate(
        session.context(), st.session_state.get("login_email", ""),
        st.session_state.get("login_password", "")))
    if user is not None:
        two_step.continue_sign_in(user)  # signs in now, or asks for the code first


_ = session.t()
st.title(_("Dispute portal"))
st.caption(_("For borrowers whose loan or card went overdue because of a lender's mistake: "
             "file a dispute, keep your evidence, follow every step."))
if warm := preload.script():  # the signed-in pages' code, fetched while the visitor types
    with st.sidebar:
        st.html(warm, unsafe_allow_javascript=True)
if ended := session.notice():
    st.info(ended, icon=":material/logout:")
if awaited := two_step.pending():  # step two of signing in: the code (ui/two_step.py)
    two_step.code_step(awaited)
    st.stop()
tab_login, tab_register = st.tabs([_("Log in"), _("Register")])

with tab_login, st.form("login_form"):
    st.text_input(_("Email"), key="login_email")
    st.text_input(_("Password"), type="password", key="login_password")
    st.form_submit_button(_("Log in"), type="primary", on_click=_log_in)
    forms.errors("login")
with tab_login:
    st.page_link("pages/reset_password.py", label=_("Forgot password?"),
                 icon=":material/lock_reset:")

with tab_register:
    st.caption(_("Create an account to file a dispute about your loan or card and follow it."))
    errors = forms.errors("register")
    by_email = session.context().settings.mail_configured
    if by_email and st.session_state.get("register_sent"):
        # the same answer whether or not the address already has an account (SECURITY.md)
        st.success(_("We sent a link to {email}. Follow it to confirm your address, then log "
                     "in to file your dispute.").format(email=st.session_state["register_sent"]))
    with st.form("register_form"):
        form = account_fields("register", errors)
        if st.form_submit_button(_("Create account"), type="primary"):
            if by_email:
                sent = forms.attempt("register", lambda: signup.sign_up(
                    session.context(), form, language=session.lang()))
                if sent:
                    st.session_state["register_sent"] = sent
                    st.rerun()
            else:  # no mail server: no confirmation possible; signed in at once, as before
                user = forms.attempt("register", lambda: accounts.register(
                    session.context(), form, language=session.lang()))
                if user is not None:
                    session.sign_in(user)
                    st.rerun()
