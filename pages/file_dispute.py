"""A borrower files a dispute (docs/product.md §3), with evidence files if they have them now."""

import streamlit as st

from dispute import signup
from dispute.cases import file_dispute
from ui import forms, session, signed_in
from ui.evidence_form import evidence_inputs
from ui.filing_fields import filing_inputs
from ui.notify_prefs import verification_notice

_ = session.t()
user = signed_in.require_user()
ctx = session.context()
today = ctx.today()


st.title(_("File a dispute"))
if signup.awaits_confirmation(ctx.settings, user):
    verification_notice(ctx, user)
    st.stop()
st.caption(_("Tell us what went wrong. Fields marked * are required."))
errors = forms.errors("file")

form = filing_inputs("file", errors, today)

st.subheader(_("Evidence"))
st.caption(_("Call recordings, SMS or chat screenshots, statements, letters. You can also add "
             "files later."))
uploads = evidence_inputs("file", errors)

if st.button(_("File the dispute"), type="primary", key="file_submit"):
    with st.spinner(_("Checking and saving your files…")):
        number = forms.attempt("file", lambda: file_dispute(ctx, user, form, uploads))
    if number:
        forms.flash(_("Dispute {number} was filed.").format(number=number))
        for key in [k for k in st.session_state if str(k).startswith("file_")]:
            del st.session_state[key]
        st.switch_page("pages/dispute.py", query_params={"number": number})
