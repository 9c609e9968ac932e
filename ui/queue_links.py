"""Links into the queue with its filters set (from the dashboard's bars): the query parameters
are copied into the queue's widgets once, then dropped from the address, so the user can change
any filter afterwards."""

from __future__ import annotations

from datetime import date

import streamlit as st

from dispute.vocab import ErrorCategory, Stage
from ui import forms

# query parameter → the queue widget's key
WIDGETS = {"stage": "queue_stage", "institution": "queue_institution",
           "category": "queue_category", "filed_from": "queue_from", "filed_to": "queue_to"}
# the boxes drawn in the session's language (ui/forms.by_language)
BY_LANGUAGE = ("stage",)
# the ones under the queue's "More filters", drawn only while it is open
MORE, MORE_KEY = ("institution", "category", "filed_from", "filed_to"), "queue_more"
# filters with no widget of their own: kept in the session, shown with a way to clear them
HIDDEN = {"due_on": "queue_due_on", "open": "queue_open_only"}
DATES = {"filed_from", "filed_to", "due_on"}
CHOICES = {"stage": {s.value for s in Stage}, "category": {c.value for c in ErrorCategory}}


def apply(params) -> None:
    """Copy the filters a link carries into the session (once), and clear the address."""
    given = {k: params.get(k) for k in (*WIDGETS, *HIDDEN) if params.get(k)}
    if not given:
        return
    for key in (*WIDGETS.values(), *HIDDEN.values()):  # a link replaces the filters
        for kept in [k for k in st.session_state if k == key or k.startswith(f"{key}@")]:
            del st.session_state[kept]
    for name, raw in given.items():
        value = _value(name, raw)
        if value is None:  # a hand-edited or stale link's value: no such choice, no filter
            continue
        key = WIDGETS.get(name) or HIDDEN[name]
        st.session_state[forms.by_language(key) if name in BY_LANGUAGE else key] = value
        if name in MORE:
            st.session_state[MORE_KEY] = True  # open, so the filter shows in its widget
    for name in given:
        del params[name]


def hidden_filters() -> dict:
    """The filters a link set that have no widget: {"due_on": date, "open_only": True}."""
    found = {}
    if st.session_state.get("queue_due_on"):
        found["due_on"] = st.session_state["queue_due_on"]
    if st.session_state.get("queue_open_only"):
        found["open_only"] = True
    return found


def clear_hidden() -> None:
    for key in HIDDEN.values():
        st.session_state.pop(key, None)


def _value(name: str, raw: str):
    """The filter's value from the link's text; None for one the queue cannot offer."""
    if name in CHOICES:
        return raw if raw in CHOICES[name] else None
    if name in DATES:
        try:
            return date.fromisoformat(raw)
        except ValueError:
            return None
    if name == "open":
        return raw == "1"
    return raw
