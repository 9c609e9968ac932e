"""Tabs that draw only the open one.

A dispute's page has about ten tabs; drawing all of them on every run (every click) costs the
browser about 120 elements and the server every panel's reads. With `on_change="rerun"` a tab
click runs the page again and only the open tab's panel is drawn. Its widgets are created with
`persist_state="page"` by the panels, so what a user typed in one tab is still there when they
come back to it from another.

The open tab is kept under `key` in the session (tests choose a tab by setting it)."""

from __future__ import annotations

import streamlit as st


def show(names: list[str], key: str) -> tuple[str, object]:
    """Draw the tab bar; return the open tab's name and its container."""
    bar = st.tabs(names, key=key, on_change="rerun")
    for name, tab in zip(names, bar):
        if tab.open:
            return name, tab
    return names[0], bar[0]  # no choice kept yet: Streamlit opens the first

