"""A dispute's filed facts, as both the borrower's page and the staff workspace show them."""

from __future__ import annotations

import streamlit as st

from dispute.i18n import format_date, format_datetime, format_money
from dispute.masking import mask_number
from dispute.models import Dispute
from dispute.stages import STAGE_EXPLAINED
from dispute.vocab import label
from ui import render, session


def stage_line(d: Dispute) -> None:
    _ = session.t()
    parts = [f"**{label(d.stage, _)}**", render.md_escape(d.institution), label(d.product, _)]
    if d.resolution:
        parts.append(label(d.resolution, _))
    st.markdown(" · ".join(parts))


def stage_explained(d: Dispute) -> None:
    """What the stage means and what happens next, in plain words."""
    st.info(session.t()(STAGE_EXPLAINED[d.stage]), icon=":material/info:")


def details(d: Dispute) -> None:
    _ = session.t()
    lang, tz = session.lang(), session.context().settings.timezone
    with st.container(border=True):
        c1, c2, c3 = st.columns(3)
        c1.markdown(f"**{_('Account')}**  \n{mask_number(d.account_ref)}")
        c2.markdown(f"**{_('Error')}**  \n{label(d.error_category, _)}")
        c3.markdown(f"**{_('Filed on')}**  \n{format_datetime(d.filed_at, lang, tz)}")
        c1.markdown(f"**{_('Error occurred')}**  \n"
                    f"{format_date(d.error_occurred_on, lang) or '—'}")
        c2.markdown(f"**{_('Payment due')}**  \n{format_date(d.payment_due_on, lang) or '—'}")
        c3.markdown(f"**{_('Discovered')}**  \n{format_date(d.discovered_on, lang)}")
        for col, title, minor in ((c1, _("Overdue amount"), d.overdue_minor),
                                  (c2, _("Fees or penalty interest disputed"), d.fees_minor),
                                  (c3, _("Compensation claimed"), d.compensation_minor)):
            col.markdown(f"**{title}**  \n"
                         f"{render.md_escape(format_money(minor, d.currency, lang))}")
        st.markdown(f"**{_('Remedies sought')}**: " + _(", ").join(
            label(r, _) for r in d.remedies))
        st.markdown(f"**{_('What happened')}**")
        render.user_text(d.description)
        if d.closing_summary:
            st.markdown(f"**{_('Outcome')}**")
            render.user_text(d.closing_summary)
