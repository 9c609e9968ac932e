"""Forgot password: ask for a link by email; the link (valid 30 minutes, single use) opens this
page again with its token to choose a new password, which logs out every session of the
account. Without a mail server this says so: an administrator resets passwords."""

import streamlit as st

from dispute import signup
from ui import forms, session
from ui.render import field_error

_ = session.t()
ctx = session.context()
st.title(_("Forgot password"))
token = st.query_params.get("token", "")

if not ctx.settings.mail_configured:
    st.info(_("Resetting a password by email needs a mail server, and this portal has none. "
              "Ask an administrator to reset your password: you will get a temporary one and "
              "choose your own when you log in."))
    st.stop()

if not token:
    if st.session_state.get("reset_sent"):
        st.success(_("If an account uses {email}, we sent it a link to choose a new password. "
                     "The link works once, for 30 minutes.").format(
            email=st.session_state["reset_sent"]))
        st.stop()
    st.caption(_("Enter the email address of your account; we will send a link to choose a new "
                 "password."))
    with st.form("reset_request_form"):
        email = st.text_input(_("Email"), key="reset_email")
        if st.form_submit_button(_("Send me a link"), type="primary"):
            if forms.attempt("reset_request", lambda: signup.request_reset(ctx, email)):
                st.session_state["reset_sent"] = email.strip()
                st.rerun()
    st.stop()

if st.session_state.get("reset_done") == token[:16]:
    st.success(_("Your password was changed and every session of your account has ended. "
                 "Log in with the new password."))
    st.page_link("pages/login.py", label=_("Log in"), icon=":material/login:")
    st.stop()
if not signup.reset_link_valid(ctx, token):
    st.error(_(signup.LINK_BAD))
    st.page_link("pages/reset_password.py", label=_("Ask for a new link"),
                 icon=":material/lock_reset:")
    st.stop()
errors = forms.errors("reset")
with st.form("reset_form"):
    values = {}
    for field, title in (("new", _("New password (at least 10 characters)")),
                         ("repeat", _("New password again"))):
        values[field] = st.text_input(title, type="password", key=f"reset_{field}")
        field_error(errors, field)
    if st.form_submit_button(_("Choose this password"), type="primary"):
        if forms.attempt("reset", lambda: signup.reset_password(ctx, token, values)):
            st.session_state["reset_done"] = token[:16]
            st.rerun()
