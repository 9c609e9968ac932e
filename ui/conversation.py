"""The conversation on a dispute: messages oldest first, what is new since the reader's last
visit, open requests for information, and a box to write.

A long conversation shows its latest messages, and every one new to the reader; earlier ones
are a click away, twenty more a click, as chat applications do. Each message drawn costs the
tab's every run a chat bubble of elements, so a dispute with hundreds of messages would
otherwise slow every click on its conversation tab."""

from __future__ import annotations

import streamlit as st

from dispute.i18n import format_datetime
from dispute.messages import list_messages, mark_seen, send_message
from dispute.models import User
from dispute.vocab import Role, label
from ui import forms, render, session


def new_ids(ctx, user: User, number: str) -> set:
    """Messages new to this reader, fixed at the first view in this session (later reruns keep
    the markers), then the visit is recorded."""
    key = f"conv_new_{number}"
    if key not in st.session_state:
        st.session_state[key] = {m.id for m in list_messages(ctx, user, number) if m.new}
        mark_seen(ctx, user, number)
    return st.session_state[key]


LATEST_SHOWN = 20  # messages shown at first, and how many more each "earlier" click shows


def _shown_key(number: str) -> str:
    return f"conv_shown_{number}"


def _show_earlier(number: str, shown: int) -> None:
    """The "earlier messages" button's callback: twenty more than the `shown` drawn (more
    than asked for when new messages reach further back), in the same run."""
    st.session_state[_shown_key(number)] = shown + LATEST_SHOWN


def latest(messages: list, fresh: set, number: str) -> tuple[list, int]:
    """The messages to draw (the latest ones, at least as many as the button asked for and
    every one new to this reader) and how many earlier ones are left out."""
    wanted = st.session_state.get(_shown_key(number), LATEST_SHOWN)
    first_new = next((i for i, m in enumerate(messages) if m.id in fresh), len(messages))
    start = max(0, min(len(messages) - wanted, first_new))
    return messages[start:], start


def open_requests(ctx, user: User, number: str) -> list:
    return [m for m in list_messages(ctx, user, number) if m.open_request]


def show(ctx, user: User, number: str, is_open: bool) -> None:
    _ = session.t()
    lang, tz = session.lang(), ctx.settings.timezone
    fresh = new_ids(ctx, user, number)
    messages, earlier = latest(list_messages(ctx, user, number), fresh, number)
    if not messages:
        st.info(_("No messages yet."))
    if earlier:
        ngettext = session.nt()
        st.button(ngettext("Show {n} earlier message", "Show earlier messages ({n} not shown)",
                           earlier).format(n=earlier),
                  key=f"conv_earlier_{number}", icon=":material/history:",
                  on_click=_show_earlier, args=(number, len(messages)))
    for m in messages:
        mine = m.author_role == user.role if user.role == Role.BORROWER else \
            m.author_role != Role.BORROWER
        with st.chat_message("user" if mine else "assistant",
                             avatar=":material/person:" if m.author_role == Role.BORROWER
                             else ":material/support_agent:"):
            badges = []
            if m.id in fresh:
                badges.append(f":blue-badge[{_('New')}]")
            if m.is_request:
                badges.append(f":orange-badge[{_('Request for information')}]" if m.open_request
                              else f":green-badge[{_('Request answered')}]")
            st.markdown(f"**{render.md_escape(m.author_name)}** "
                        f"({label(m.author_role, _)}) · "
                        f"{format_datetime(m.sent_at, lang, tz)} " + " ".join(badges))
            render.user_text(m.body)
    _write(ctx, user, number, is_open)


def _write(ctx, user: User, number: str, is_open: bool) -> None:
    """The box to write a message: a message sent is one run of the tab's panel, which shows it
    in the conversation, or of the whole page when it changed what the page draws around the
    tabs (a request for information makes the dispute wait on the borrower;
    ui/case_page.tab_panel)."""
    _ = session.t()
    errors = forms.errors("msg")
    st.text_area(_("Write a message"), key="msg_body", persist_state="page")
    render.field_error(errors, "body")
    if user.role != Role.BORROWER:
        st.checkbox(_("This is a request for information (the dispute waits on the borrower "
                      "until they reply or upload)"), key="msg_request", disabled=not is_open)
    def asks() -> bool:  # read when sent: the box may be ticked in the same click
        return user.role != Role.BORROWER and is_open and \
            bool(st.session_state.get("msg_request", False))

    st.button(_("Send"), key="msg_submit", type="primary", **forms.on_click(
        "msg", lambda who: send_message(ctx, who, number, {
            "body": st.session_state.get("msg_body", ""), "is_request": asks()}),
        lambda: _("Request for information sent: the dispute now waits on the borrower.")
        if asks() else _("Message sent."), clear=["msg_body", "msg_request"], near=True))
    forms.confirmation("msg")
