"""Deadlines on a dispute: for staff and legal every rule with its count and the actions to
extend, pause and resume; for the borrower when to expect an answer and their own limits."""

from __future__ import annotations

import streamlit as st

from dispute.deadlines.engine import Deadline, Status
from dispute.deadlines.rulebook import Party
from dispute.deadlines.service import (extend_deadline, list_deadlines, pause_deadline,
                                       resume_deadline)
from dispute.i18n import N_, format_date
from dispute.models import Dispute, User
from dispute.vocab import Role
from ui import forms, render, session

STATUS = {Status.RUNNING: N_("Running"), Status.PAUSED: N_("Paused"), Status.MET: N_("Met"),
          Status.MISSED: N_("Missed")}
COLOUR = {Status.RUNNING: "blue", Status.PAUSED: "gray", Status.MET: "green",
          Status.MISSED: "red"}


def _badge(dl: Deadline, today, _) -> str:
    text = _(STATUS[dl.status])
    colour = COLOUR[dl.status]
    if dl.status == Status.RUNNING:
        days = (dl.due_by - today).days
        if days == 0:
            text, colour = _("Due today"), "orange"
        elif days <= 3:
            text, colour = _("Due within 3 days"), "orange"
    return f":{colour}-badge[{text}]"


def _explain(dl: Deadline, _) -> None:
    for phrase in dl.explanation:
        st.markdown(f"- {render.md_escape(phrase.render(_))}")
    if dl.calendar_note:
        st.warning(render.md_escape(dl.calendar_note.render(_)))


def borrower_summary(ctx, user: User, d: Dispute,
                     deadlines: list[Deadline] | None = None) -> None:
    """'The lender must answer by …' and the borrower's own time limits, with warnings (from
    `deadlines`, when the page read them already)."""
    _, lang, today = session.t(), session.lang(), ctx.today()
    for dl in list_deadlines(ctx, user, d.number) if deadlines is None else deadlines:
        if dl.met_on is not None:
            continue
        note = f" {render.md_escape(dl.calendar_note.render(_))}" if dl.calendar_note else ""
        if dl.party == Party.LENDER and dl.status in (Status.RUNNING, Status.PAUSED):
            text = _("{rule}: the lender must answer by {date}.").format(
                rule=_(dl.label), date=format_date(dl.due_by, lang))
            if dl.paused:
                text += " " + _("The clock is paused while we wait for your information.")
            st.info(render.md_escape(text) + note, icon=":material/schedule:")
        elif dl.party == Party.LENDER and dl.status == Status.MISSED:
            st.warning(render.md_escape(_("{rule}: the lender's time to answer ended on {date}. "
                                          "We are following it up.").format(
                rule=_(dl.label), date=format_date(dl.due_by, lang))) + note)
        elif dl.party == Party.BORROWER and dl.status == Status.RUNNING:
            text = _("{rule}: your own time limit ends on {date}.").format(
                rule=_(dl.label), date=format_date(dl.due_by, lang))
            if dl.warn_from and today >= dl.warn_from:
                st.warning(render.md_escape(text + " " + _(
                    "Less than six months are left. A written demand to the lender starts the "
                    "period again; ask us if you are unsure.")) + note, icon=":material/warning:")
            else:
                st.caption(render.md_escape(text) + note)


def show(ctx, user: User, d: Dispute) -> None:
    """The staff and legal view, with actions."""
    _, lang, today = session.t(), session.lang(), ctx.today()
    found = list_deadlines(ctx, user, d.number)
    if not found:
        st.info(_("No deadline runs for this dispute yet."))
        return
    st.caption(_("Rulebook: {rulebook}").format(rulebook=d.rulebook))
    for dl in found:
        with st.container(border=True):
            who = _("Lender") if dl.party == Party.LENDER else _("Borrower")
            st.markdown(f"**{render.md_escape(_(dl.label))}** ({who}) {_badge(dl, today, _)}")
            st.markdown(_("Started {start} · due by {due} · extensions {used} of {allowed}")
                        .format(start=format_date(dl.start_on, lang),
                                due=format_date(dl.due_by, lang), used=dl.extensions_used,
                                allowed=dl.extensions_allowed)
                        + (" · " + _("met on {date}").format(date=format_date(dl.met_on, lang))
                           if dl.met_on else ""))
            with st.expander(_("How it was counted")):
                _explain(dl, _)
            if user.role in (Role.STAFF, Role.LEGAL) and dl.met_on is None:
                _actions(ctx, user, d, dl)


def _actions(ctx, user: User, d: Dispute, dl: Deadline) -> None:
    """Extend, pause and resume, each offered only where it can succeed: an extension left,
    a rule the law lets this role pause, a pause made by hand (a pause while the borrower is
    asked for information ends when they answer). No action open: no fields either."""
    _ = session.t()
    key = f"dl_{dl.rule}"
    can_extend = dl.extensions_used < dl.extensions_allowed
    can_pause = not dl.paused and user.role in dl.pause_roles
    can_resume = dl.paused_by_hand
    if not (can_extend or can_pause or can_resume):
        forms.confirmation(key)  # the last extension, just granted
        return
    errors = forms.errors(key)
    c1, c2 = st.columns(2)
    with c1:
        st.text_input(_("Reason"), key=f"{key}_reason")
        render.field_error(errors, "reason")
    if can_extend:
        with c2:
            st.text_input(_("Approved by (for an extension)"), key=f"{key}_approver")
            render.field_error(errors, "approver")
    fields = [f"{key}_reason", f"{key}_approver"]  # emptied after a save
    buttons = st.container(horizontal=True, gap="small")
    if can_extend:
        buttons.button(_("Extend"), key=f"{key}_extend", **forms.on_click(
            key, lambda who: extend_deadline(ctx, who, d.number, dl.rule,
                                             forms.values(key, "reason", "approver"), d.version),
            _("{deadline}: extended.").format(deadline=_(dl.label)), clear=fields, near=True))
    if can_pause:
        buttons.button(_("Pause"), key=f"{key}_pause", **forms.on_click(
            key, lambda who: pause_deadline(ctx, who, d.number, dl.rule,
                                            forms.values(key, "reason"), d.version),
            _("{deadline}: paused.").format(deadline=_(dl.label)), clear=fields, near=True))
    if can_resume:
        buttons.button(_("Resume"), key=f"{key}_resume", **forms.on_click(
            key, lambda who: resume_deadline(ctx, who, d.number, dl.rule,
                                             forms.values(key, "reason"), d.version),
            _("{deadline}: running again.").format(deadline=_(dl.label)), clear=fields,
            near=True))
    forms.confirmation(key)
