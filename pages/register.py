"""A borrower creates their account."""

import streamlit as st

from dispute import accounts
from ui import forms, render, session

_ = session.t()
st.title(_("Register"))
st.caption(_("Create an account to file a dispute about your loan or card and follow it."))
errors = forms.errors("register")
with st.form("register_form"):
    name = st.text_input(_("Full name"), key="register_name")
    render.field_error(errors, "name")
    email = st.text_input(_("Email"), key="register_email")
    render.field_error(errors, "email")
    phone = st.text_input(_("Mobile phone"), key="register_phone", placeholder="+86 138 0000 0000")
    render.field_error(errors, "phone")
    password = st.text_input(_("Password (at least 10 characters)"), type="password",
                             key="register_password")
    render.field_error(errors, "password")
    submitted = st.form_submit_button(_("Create account"), type="primary")
if submitted:
    form = {"name": name, "email": email, "phone": phone, "password": password}
    user = forms.attempt("register", lambda: accounts.register(session.context(), form,
                                                               language=session.lang()))
    if user is not None:
        session.sign_in(user)
        st.rerun()
