"""A dispute's timeline: each event with when, who, what, and the detail that matters."""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from dispute import event_kinds as ek
from dispute.claims import calculated_detail
from dispute.deadlines.recount import describe_move
from dispute.documents.kinds import document_title
from dispute.i18n import format_date, format_datetime
from dispute.timeline import TimelineEntry
from dispute.vocab import Resolution, Stage, label
from ui import render, session


def _detail(entry: TimelineEntry, _, lang: str = "en") -> str:
    p: dict[str, Any] = entry.payload
    stage = lambda v: label(Stage(v), _) if v in Stage._value2member_map_ else str(v)  # noqa: E731
    if entry.kind == ek.STAGE_ADVANCED:
        return f"{stage(p.get('from'))} → {stage(p.get('to'))}"
    if entry.kind == ek.DISPUTE_CLOSED:
        return label(Resolution(p["resolution"]), _)
    if entry.kind in (ek.DISPUTE_WITHDRAWN, ek.DISPUTE_REOPENED):
        return p.get("reason", "")
    if entry.kind == ek.ASSIGNED:
        return p.get("handler_name") or _("Unassigned")
    if entry.kind in (ek.EVIDENCE_ATTACHED, ek.EXHIBIT_DESCRIBED):
        return p.get("exhibit", "")
    if entry.kind == ek.DOCUMENT_MADE:
        return f"{document_title(p.get('kind'), _)} ({str(p.get('format', '')).upper()})"
    if entry.kind == ek.DEMAND_RECORDED and p.get("sent_on"):
        return _("Sent on {sent_on}").format(
            sent_on=format_date(date.fromisoformat(p["sent_on"]), lang))
    if entry.kind == ek.OFFER_ANSWERED:
        return _("Accepted") if p.get("answer") == "accepted" else _("Rejected")
    if entry.kind == ek.DISPUTE_CORRECTED:
        return _(", ").join(sorted(p.get("after", {})))
    if entry.kind == ek.DEADLINE_MOVED:
        return describe_move(p, _, lambda d: format_date(d, lang))
    if entry.kind == ek.CLAIM_CALCULATED:
        return calculated_detail(p, _, lang)
    return ""


def show(entries: list[TimelineEntry]) -> None:
    _ = session.t()
    lang, tz = session.lang(), session.context().settings.timezone
    if not entries:
        st.info(_("Nothing has happened yet."))
        return
    for entry in reversed(entries):
        who = entry.actor_name or _("System")
        role = f" ({label(entry.actor_role, _)})" if entry.actor_role else ""
        line = (f"**{_(ek.label(entry.kind))}** · {render.md_escape(who)}{role} · "
                f"{format_datetime(entry.occurred_at, lang, tz)}")
        detail = _detail(entry, _, lang)
        st.markdown(line + (f"  \n{render.md_escape(detail)}" if detail else ""))
