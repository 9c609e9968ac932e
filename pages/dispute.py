"""One dispute, as its borrower sees it: details, evidence with previews, the contact log, and the
actions open to them (add evidence, log a contact, withdraw)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import streamlit as st

from dispute.cases import get_dispute
from dispute.workflow import move as move_dispute
from dispute.contacts import add_contact, list_contacts
from dispute.errors import UserError
from dispute.exhibits import attach_evidence, list_evidence
from dispute.i18n import format_date, format_datetime, format_money
from dispute.masking import mask_number
from dispute.vocab import Channel, Stage, label
from ui import forms, render, session
from ui.evidence_form import evidence_inputs
from ui.evidence_view import show_exhibit

_ = session.t()
user = session.require_user()
ctx = session.context()
lang = session.lang()
tz = ctx.settings.timezone
number = st.query_params.get("number", "")

try:
    d = get_dispute(ctx, user, number)
except UserError as exc:
    render.show_error(exc)
    st.page_link("pages/my_disputes.py", label=_("Back to my disputes"),
                 icon=":material/arrow_back:")
    st.stop()

if flash := st.session_state.pop("flash", None):
    st.success(flash)
st.title(f"{d.number}")
st.markdown(f"**{label(d.stage, _)}** · {render.md_escape(d.institution)} · "
            f"{label(d.product, _)}")
is_open = d.stage != Stage.CLOSED

with st.container(border=True):
    c1, c2, c3 = st.columns(3)
    c1.markdown(f"**{_('Account')}**  \n{mask_number(d.account_ref)}")
    c2.markdown(f"**{_('Error')}**  \n{label(d.error_category, _)}")
    c3.markdown(f"**{_('Filed on')}**  \n{format_datetime(d.filed_at, lang, tz)}")
    c1.markdown(f"**{_('Error occurred')}**  \n{format_date(d.error_occurred_on, lang) or '—'}")
    c2.markdown(f"**{_('Payment due')}**  \n{format_date(d.payment_due_on, lang) or '—'}")
    c3.markdown(f"**{_('Discovered')}**  \n{format_date(d.discovered_on, lang)}")
    c1.markdown(f"**{_('Overdue amount')}**  \n"
                f"{render.md_escape(format_money(d.overdue_minor, d.currency, lang))}")
    c2.markdown(f"**{_('Fees or penalty interest disputed')}**  \n"
                f"{render.md_escape(format_money(d.fees_minor, d.currency, lang))}")
    c3.markdown(f"**{_('Compensation claimed')}**  \n"
                f"{render.md_escape(format_money(d.compensation_minor, d.currency, lang))}")
    st.markdown(f"**{_('Remedies sought')}**: " + ("、" if lang == "zh_CN" else ", ").join(
        label(r, _) for r in d.remedies))
    st.markdown(f"**{_('What happened')}**")
    render.user_text(d.description)

tab_evidence, tab_contacts, tab_withdraw = st.tabs(
    [_("Evidence"), _("Contact log"), _("Withdraw")])

with tab_evidence:
    items = list_evidence(ctx, user, d.number)
    if not items:
        st.info(_("No evidence yet."))
    for item in items:
        show_exhibit(item)
    if is_open:
        st.subheader(_("Add evidence"))
        errors = forms.errors("addev")
        uploads = evidence_inputs("addev", errors)
        if st.button(_("Add these files"), key="addev_submit", disabled=not uploads):
            with st.spinner(_("Checking and saving your files…")):
                added = forms.attempt("addev", lambda: attach_evidence(ctx, user, d.number,
                                                                       uploads))
            if added:
                st.session_state["flash"] = _("Added {exhibits}.").format(
                    exhibits=", ".join(added))
                st.session_state.pop("addev_files", None)
                st.rerun()

with tab_contacts:
    entries = list_contacts(ctx, user, d.number)
    if not entries:
        st.info(_("No contacts logged yet. Log each call, chat or visit with the lender: "
                  "when, who, what was said and agreed."))
    for e in entries:
        with st.container(border=True):
            st.markdown(f"**{format_datetime(e.contacted_at, lang, tz)}** · "
                        f"{label(e.channel, _)} · {render.md_escape(e.agent_name)} "
                        f"({render.md_escape(e.agent_position)})")
            render.user_text(e.summary)
            if e.agreement:
                st.markdown(f"**{_('Agreed')}:** {render.md_escape(e.agreement)}")
            if e.follow_up_on:
                st.caption(_("Follow up on {date}").format(date=format_date(e.follow_up_on,
                                                                            lang)))
    if is_open:
        st.subheader(_("Log a contact"))
        errors = forms.errors("contact")
        with st.form("contact_form"):
            c1, c2, c3 = st.columns(3)
            day = c1.date_input(_("Date"), value=ctx.today(), max_value=ctx.today(),
                                key="contact_day", format="YYYY-MM-DD")
            local_now = ctx.now().astimezone(ZoneInfo(tz))
            at = c2.time_input(_("Time"), value=local_now.time().replace(second=0, microsecond=0),
                               key="contact_time")
            channel = c3.selectbox(_("Channel"), [c.value for c in Channel], key="contact_channel",
                                   format_func=lambda v: label(Channel(v), _))
            with c1:
                render.field_error(errors, "contacted_at")
            agent = c1.text_input(_("Agent's name or ID"), key="contact_agent")
            with c1:
                render.field_error(errors, "agent_name")
            position = c2.text_input(_("Agent's position"), key="contact_position")
            with c2:
                render.field_error(errors, "agent_position")
            follow = c3.date_input(_("Follow-up date"), value=None, key="contact_follow",
                                   format="YYYY-MM-DD")
            summary = st.text_area(_("What was said"), key="contact_summary")
            render.field_error(errors, "summary")
            agreement = st.text_area(_("What was agreed (if anything)"), key="contact_agreement")
            linked = st.multiselect(_("Linked evidence"), [str(i.id) for i in items],
                                    key="contact_evidence", format_func=lambda v: next(
                                        f"{i.exhibit} {i.original_name}" for i in items
                                        if str(i.id) == v))
            submitted = st.form_submit_button(_("Save contact"), type="primary",
                                              key="contact_submit")
        if submitted:
            when = datetime.combine(day, at, tzinfo=ZoneInfo(tz))
            form = {"contacted_at": when, "channel": channel, "agent_name": agent,
                    "agent_position": position, "summary": summary, "agreement": agreement,
                    "follow_up_on": follow, "evidence_ids": linked}
            if forms.attempt("contact", lambda: add_contact(ctx, user, d.number, form)):
                st.session_state["flash"] = _("Contact saved.")
                st.rerun()

with tab_withdraw:
    if not is_open:
        st.info(_("This dispute is closed."))
    else:
        st.warning(_("Withdrawing closes the dispute. Staff can reopen it only for a reason "
                     "such as a settlement that was not honoured."))
        errors = forms.errors("withdraw")
        reason = st.text_area(_("Why are you withdrawing?"), key="withdraw_reason")
        render.field_error(errors, "reason")
        sure = st.checkbox(_("Yes, I want to withdraw dispute {number}.").format(number=d.number),
                           key="withdraw_confirm")
        if st.button(_("Withdraw the dispute"), disabled=not sure, key="withdraw_submit"):
            done = forms.attempt("withdraw", lambda: move_dispute(
                ctx, user, d.number, "withdraw", {"reason": reason}, expected_version=d.version))
            if done:
                st.session_state["flash"] = _("Dispute {number} was withdrawn.").format(
                    number=d.number)
                st.rerun()
