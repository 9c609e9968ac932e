"""First run: create the first administrator; optionally load demo data into the empty portal."""

import streamlit as st

from dispute import accounts, demo
from ui import forms, session
from ui.account_fields import account_fields

_ = session.t()
st.title(_("Welcome — set up the portal"))
st.write(_("This portal has no accounts yet. Create the first administrator account; "
           "administrators then create accounts for staff and the legal team."))
errors = forms.errors("setup")
with st.form("setup_form"):
    form = account_fields("setup", errors)
    with_demo = st.checkbox(_("Also load demo data: example disputes and one account per role "
                              "(only possible while the portal holds no disputes)"),
                            key="setup_demo")
    submitted = st.form_submit_button(_("Create administrator"), type="primary")
if submitted:
    ctx = session.context()
    user = forms.attempt("setup", lambda: accounts.create_first_admin(ctx, form))
    if user is not None:
        session.sign_in(user)
        if with_demo:
            with st.spinner(_("Creating demo disputes…")):
                st.session_state["demo_accounts"] = forms.attempt(
                    "setup", lambda: demo.create_demo(ctx, cases_count=20))
        st.rerun()
