"""The borrower corrects their filing while it is still new; the old text stays in the
timeline."""

from __future__ import annotations

import streamlit as st

from dispute.corrections import correct_filing, filing_form
from dispute.models import Dispute, User
from ui import forms, session
from ui.filing_fields import filing_inputs


def show(ctx, user: User, d: Dispute) -> None:
    _ = session.t()
    st.caption(_("Until the dispute is acknowledged you can correct what you filed. The "
                 "earlier version is kept in the timeline."))
    errors = forms.errors("corr")
    form = filing_inputs("corr", errors, ctx.today(), current=filing_form(d))
    if st.button(_("Save the correction"), key="corr_submit", type="primary"):
        forms.submit("corr", lambda: correct_filing(ctx, user, d.number, form,
                                                    expected_version=d.version),
                     _("Your correction was saved."))
