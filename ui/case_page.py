"""What every one-dispute page starts with: the dispute of `?number=` for this user (or the
service's refusal and a way back), then its flash message in a fixed slot, so the tabs below keep
their place and the open tab stays open after a rerun."""

from __future__ import annotations

import streamlit as st

from dispute.cases import get_dispute
from dispute.errors import UserError
from dispute.models import Dispute
from ui import forms, render, session, signed_in


def open_dispute(back_page: str, back_label: str) -> Dispute:
    ctx, user = session.context(), signed_in.require_user()
    forms.visiting(st.query_params.get("number", ""))
    try:
        d = get_dispute(ctx, user, st.query_params.get("number", ""))
    except UserError as exc:
        render.show_error(exc)
        st.page_link(back_page, label=back_label, icon=":material/arrow_back:")
        st.stop()
    with st.container():
        if flash := st.session_state.pop(forms.FLASH_KEY, None):
            st.success(flash)
    st.title(d.number)
    return d
