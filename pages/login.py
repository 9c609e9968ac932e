"""Log in with email and password."""

import streamlit as st

from dispute import accounts
from dispute.errors import UserError
from ui import render, session

_ = session.t()
st.title(_("Log in"))
with st.form("login_form"):
    email = st.text_input(_("Email"), key="login_email")
    password = st.text_input(_("Password"), type="password", key="login_password")
    submitted = st.form_submit_button(_("Log in"), type="primary")
if submitted:
    try:
        user = accounts.authenticate(session.context(), email, password)
    except UserError as exc:
        render.show_error(exc)
    else:
        session.sign_in(user)
        st.rerun()
st.page_link("pages/register.py", label=_("No account yet? Register"), icon=":material/person_add:")
