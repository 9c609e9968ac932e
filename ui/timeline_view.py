"""A dispute's timeline: each event with when, who, what, and the detail that matters."""

from __future__ import annotations

import streamlit as st

from dispute import event_kinds as ek
from dispute import event_words
from dispute.i18n import format_datetime
from dispute.timeline import TimelineEntry
from dispute.vocab import label
from ui import pager, render, session


def _detail(entry: TimelineEntry, _, lang: str = "en") -> str:
    """The event's line of detail (the same words as the bundle's chronology); an assignment
    to nobody says so."""
    if entry.kind == ek.ASSIGNED and not entry.payload.get("handler_name"):
        return _("Unassigned")
    return event_words.detail(entry.kind, entry.payload, _, lang)


EVENTS_PER_PAGE = 25


def show(entries: list[TimelineEntry], number: str) -> None:
    """The events of dispute `number`, newest first, a page at a time: a long history drawn
    whole cost the browser its elements on every run of the tab, and the timeline is the tab a
    dispute opens on."""
    _ = session.t()
    lang, tz = session.lang(), session.context().settings.timezone
    if not entries:
        st.info(_("Nothing has happened yet."))
        return
    state_key = f"timeline_page_{number}"
    shown, page, pages = pager.page_of(entries[::-1], state_key, EVENTS_PER_PAGE)
    for entry in shown:
        who = entry.actor_name or _("System")
        role = f" ({label(entry.actor_role, _)})" if entry.actor_role else ""
        line = (f"**{event_words.label(entry.kind, _)}** · {render.md_escape(who)}{role} · "
                f"{format_datetime(entry.occurred_at, lang, tz)}")
        detail = _detail(entry, _, lang)
        st.markdown(line + (f"  \n{render.md_escape(detail)}" if detail else ""))
    if pages > 1:
        pager.numbered(f"timeline_{number}", state_key, page, pages)
