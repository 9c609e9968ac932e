"""Assign the dispute to a handler (or take it)."""

from __future__ import annotations

import streamlit as st

from dispute.assignment import assign, handler_name, list_handlers
from dispute.models import Dispute, User
from ui import forms, render, session

OPEN_KEY = "assign_open"  # the expander's state: tests open it by setting it
SEEN_KEY = "_assign_seen"  # the dispute and version the choice was set from
UNASSIGNED = ""  # the choice "Unassigned" (a None value would draw as no choice at all)


def show(ctx, user: User, d: Dispute) -> None:
    """The handler's name, and the form to assign the dispute in an expander that is drawn, and
    lists the handlers, only while open (the list is read from every account)."""
    _ = session.t()
    current = handler_name(ctx, user, d) or _("Unassigned")
    st.markdown(f"**{_('Handler')}**: {render.md_escape(current)}")
    box = st.expander(_("Assign"), key=OPEN_KEY, on_change="rerun")
    if not box.open:
        return
    with box:
        forms.errors("assign")  # a refusal from the buttons' callbacks (stale, no change)
        handlers = dict(list_handlers(ctx, user))
        options = [UNASSIGNED, *handlers]
        # The choice starts at the current handler, and again whenever the handler changed
        # (an assignment, or an acknowledgment that made the user its handler): a widget's
        # value is kept by its key, and would otherwise show a handler the dispute no longer has.
        # Not at every new version: a save in the open tab (which runs the tab alone) would
        # then undo the choice made after it.
        seen = (d.number, d.handler_id)
        if st.session_state.get(SEEN_KEY) != seen \
                or st.session_state.get("assign_handler") not in options:
            st.session_state[SEEN_KEY] = seen
            st.session_state["assign_handler"] = d.handler_id if d.handler_id in options \
                else UNASSIGNED
        st.selectbox(_("Handler"), options, key="assign_handler",
                     format_func=lambda v: handlers[v] if v else _("Unassigned"))
        buttons = st.container(horizontal=True, gap="small")  # wraps in a narrow column
        buttons.button(_("Assign"), key="assign_submit", **_save(
            ctx, d, lambda who: st.session_state.get("assign_handler") or None))
        if d.handler_id != user.id:
            buttons.button(_("Take it"), key="assign_self", **_save(ctx, d, lambda who: who.id))


def _save(ctx, d, handler_of) -> dict:
    """A button that saves the assignment in its callback (one run per click): to the handler
    chosen, or to whoever clicks."""
    _ = session.t()
    from ui import case_page  # (case_page imports the gate, which imports the forms)

    return forms.on_click("assign", lambda who: assign(ctx, who, d.number, handler_of(who),
                                                       expected_version=case_page.version(d)),
                          _("Assignment saved."))
