"""Tabs that draw only the open one.

A dispute's page has about ten tabs; drawing all of them on every run (every click) costs the
browser about 120 elements and the server every panel's reads. With `on_change="rerun"` a tab
click runs the page again and only the open tab's panel is drawn. Its widgets are created with
`persist_state="page"` by the panels, so what a user typed in one tab is still there when they
come back to it from another.

The open tab is kept under `key` in the session (tests choose a tab by setting it). Streamlit
keeps it by its label, so a language switch would open the first tab again: the same tab in
the new language's words is chosen instead (`_same_tab_in_new_words`)."""

from __future__ import annotations

import streamlit as st


def show(names: list[str], key: str) -> tuple[str, object]:
    """Draw the tab bar; return the open tab's name and its container."""
    _same_tab_in_new_words(names, key)
    bar = st.tabs(names, key=key, on_change="rerun")
    for at, (name, tab) in enumerate(zip(names, bar)):
        if tab.open:
            st.session_state[_seen(key)] = (tuple(names), at)
            return name, tab
    return names[0], bar[0]  # no choice kept yet: Streamlit opens the first


def _seen(key: str) -> str:
    return f"_{key}_seen"  # the tab bar's labels last drawn, and which one was open


def _same_tab_in_new_words(names: list[str], key: str) -> None:
    """When the open tab's label is not among `names` because the same tabs are now in another
    language (as many, and that label was the open one), open the tab at its place."""
    kept, seen = st.session_state.get(key), st.session_state.get(_seen(key))
    if kept is None or kept in names or seen is None:
        return
    labels, at = seen
    if len(labels) == len(names) and labels[at] == kept:
        st.session_state[key] = names[at]
