"""Assign the dispute to a handler (or take it)."""

from __future__ import annotations

import streamlit as st

from dispute.assignment import assign, list_handlers
from dispute.models import Dispute, User
from ui import forms, render, session


def show(ctx, user: User, d: Dispute) -> None:
    _ = session.t()
    handlers = dict(list_handlers(ctx, user))
    options = [None, *handlers]
    current = handlers.get(d.handler_id, _("Unassigned")) if d.handler_id else _("Unassigned")
    st.markdown(f"**{_('Handler')}**: {render.md_escape(current)}")
    with st.expander(_("Assign")):
        choice = st.selectbox(_("Handler"), options, key="assign_handler",
                              index=options.index(d.handler_id) if d.handler_id in options
                              else 0,
                              format_func=lambda v: handlers[v] if v else _("Unassigned"))
        c1, c2 = st.columns(2)
        if c1.button(_("Assign"), key="assign_submit"):
            _save(ctx, user, d, choice)
        if d.handler_id != user.id and c2.button(_("Take it"), key="assign_self"):
            _save(ctx, user, d, user.id)


def _save(ctx, user, d, handler_id) -> None:
    _ = session.t()
    forms.submit("assign", lambda: assign(ctx, user, d.number, handler_id,
                                          expected_version=d.version), _("Assignment saved."))
