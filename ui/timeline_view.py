"""A dispute's timeline: each event with when, who, what, and the detail that matters."""

from __future__ import annotations

import streamlit as st

from dispute import event_kinds as ek
from dispute import event_words
from dispute.i18n import format_datetime
from dispute.timeline import TimelineEntry
from dispute.vocab import label
from ui import render, session


def _detail(entry: TimelineEntry, _, lang: str = "en") -> str:
    """The event's line of detail (the same words as the bundle's chronology); an assignment
    to nobody says so."""
    if entry.kind == ek.ASSIGNED and not entry.payload.get("handler_name"):
        return _("Unassigned")
    return event_words.detail(entry.kind, entry.payload, _, lang)


def show(entries: list[TimelineEntry]) -> None:
    _ = session.t()
    lang, tz = session.lang(), session.context().settings.timezone
    if not entries:
        st.info(_("Nothing has happened yet."))
        return
    for entry in reversed(entries):
        who = entry.actor_name or _("System")
        role = f" ({label(entry.actor_role, _)})" if entry.actor_role else ""
        line = (f"**{event_words.label(entry.kind, _)}** · {render.md_escape(who)}{role} · "
                f"{format_datetime(entry.occurred_at, lang, tz)}")
        detail = _detail(entry, _, lang)
        st.markdown(line + (f"  \n{render.md_escape(detail)}" if detail else ""))
