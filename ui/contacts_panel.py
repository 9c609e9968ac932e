"""The contact log of a dispute, and the form to log a contact with the lender."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import streamlit as st

from dispute.contacts import add_contact, list_contacts
from dispute.demands import record_demand
from dispute.exhibits import list_evidence
from dispute.i18n import format_date, format_datetime
from dispute.models import User
from dispute.vocab import Channel, label
from ui import forms, render, session


# emptied after a contact is saved; the day, time and channel start again from `_first_values`
CONTACT_FIELDS = ("contact_agent", "contact_position", "contact_follow", "contact_summary",
                  "contact_agreement", "contact_evidence")


def _first_values(ctx, tz: str) -> dict:
    """The contact form's day, time and channel when it is first drawn and after a save: today,
    the minute now in the portal's time zone, by phone."""
    local_now = ctx.now().astimezone(ZoneInfo(tz))
    return {"contact_day": ctx.today(),
            "contact_time": local_now.time().replace(second=0, microsecond=0),
            "contact_channel": Channel.PHONE.value}


def linked_exhibits(entry, items: list) -> list[str]:
    """The exhibits a contact links, as "E02 statement.pdf" (those the reader can see)."""
    by_id = {i.id: i for i in items}
    return [f"{by_id[i].exhibit} {by_id[i].original_name}" for i in entry.evidence_ids
            if i in by_id]


def show(ctx, user: User, number: str, is_open: bool) -> None:
    _ = session.t()
    items = list_evidence(ctx, user, number)  # the form links a contact to exhibits
    lang, tz = session.lang(), ctx.settings.timezone
    entries = list_contacts(ctx, user, number)
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
            if linked := linked_exhibits(e, items):
                st.markdown(f"**{_('Linked evidence')}:** "
                            + ", ".join(render.md_escape(x) for x in linked))
    if is_open:
        st.subheader(_("Log a contact"))
        errors = forms.errors("contact")
        with st.form("contact_form"):
            c1, c2, c3 = st.columns(3)
            # No max_value: the widget would drop a future day silently; the service names it.
            # The first values go in through the session, as a save's fresh ones do (a widget
            # given a value both ways draws Streamlit's warning).
            for field, value in _first_values(ctx, tz).items():
                st.session_state.setdefault(field, value)
            c1.date_input(_("Date"), key="contact_day", format="YYYY-MM-DD", persist_state="page")
            c2.time_input(_("Time"), key="contact_time", persist_state="page")
            c3.selectbox(_("Channel"), [c.value for c in Channel], key="contact_channel",
                         format_func=lambda v: label(Channel(v), _), persist_state="page")
            with c1:
                render.field_error(errors, "contacted_at")
            c1.text_input(_("Agent's name or ID"), key="contact_agent", persist_state="page")
            with c1:
                render.field_error(errors, "agent_name")
            c2.text_input(_("Agent's position"), key="contact_position", persist_state="page")
            with c2:
                render.field_error(errors, "agent_position")
            c3.date_input(_("Follow-up date"), value=None, key="contact_follow",
                          format="YYYY-MM-DD", persist_state="page")
            st.text_area(_("What was said"), key="contact_summary", persist_state="page")
            render.field_error(errors, "summary")
            st.text_area(_("What was agreed (if anything)"), key="contact_agreement",
                         persist_state="page")
            st.multiselect(_("Linked evidence"), [str(i.id) for i in items],
                           placeholder=_("Choose one or more"), key="contact_evidence",
                           format_func=lambda v: next(f"{i.exhibit} {i.original_name}"
                                                      for i in items if str(i.id) == v),
                           persist_state="page")
            st.form_submit_button(_("Save contact"), type="primary", key="contact_submit",
                                  **forms.on_click(
                                      "contact", lambda who: add_contact(
                                          ctx, who, number, _contact_form(tz)),
                                      _("Contact saved."), near=True, clear=CONTACT_FIELDS,
                                      reset=lambda: _first_values(ctx, tz)))
        forms.confirmation("contact")
    if is_open:
        demand_form(ctx, user, number)


def _contact_form(tz: str) -> dict:
    """The contact form's values, read in its button's callback (a form's values are in the
    session by then)."""
    got = st.session_state.get
    day, at = got("contact_day"), got("contact_time")
    return {"contacted_at": datetime.combine(day, at, tzinfo=ZoneInfo(tz))
            if day is not None and at is not None else None,
            "channel": got("contact_channel"), "agent_name": got("contact_agent", ""),
            "agent_position": got("contact_position", ""), "summary": got("contact_summary", ""),
            "agreement": got("contact_agreement", ""), "follow_up_on": got("contact_follow"),
            "evidence_ids": got("contact_evidence", [])}


def demand_form(ctx, user: User, number: str) -> None:
    """Record a written demand sent to the lender: it restarts the limitation period."""
    _ = session.t()
    box = forms.form_box(_("Record a written demand sent to the lender"), "demand")
    if box is None:  # folded: its fields are not drawn
        return
    with box:
        st.caption(_("A written demand (a letter or a lawyer's letter asking the lender to put "
                     "things right) interrupts the limitation period: it runs again in full "
                     "from the day the demand was sent."))
        errors = forms.errors("demand")
        st.date_input(_("Sent on"), value=None, key="demand_sent_on", format="YYYY-MM-DD",
                      persist_state="page")
        render.field_error(errors, "sent_on")
        st.text_input(_("What was sent (optional)"), key="demand_note", persist_state="page")
        st.button(_("Record the demand"), key="demand_submit", **forms.on_click(
            "demand", lambda who: record_demand(ctx, who, number, {
                "sent_on": st.session_state.get("demand_sent_on"),
                "note": st.session_state.get("demand_note", "")}),
            _("The demand was recorded."), near=True, clear=["demand_sent_on", "demand_note"]))
        forms.confirmation("demand")
