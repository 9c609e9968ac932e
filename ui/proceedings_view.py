"""Mediation and litigation records: shown to everyone on the case, kept by legal."""

from __future__ import annotations

import streamlit as st

from dispute.i18n import format_date
from dispute.models import User
from dispute.proceedings import (Proceedings, add_hearing, add_session, get_proceedings,
                                 record_judgment, update_litigation, update_mediation)
from dispute import hearing_calendar
from dispute.vocab import HearingKind, Role, label
from ui import forms, pager, render, session


def _field(title: str, value: str | None) -> None:
    st.markdown(f"**{title}**: {render.md_escape(value) if value else '—'}")


def show(ctx, user: User, number: str, version: int, is_open: bool) -> None:
    """The records; legal's forms only while the dispute is open (a closed one takes no
    change until it is reopened)."""
    _ = session.t()
    p = get_proceedings(ctx, user, number)
    if p.mediation is None and p.litigation is None:
        st.info(_("The dispute has not gone to mediation or court."))
        return
    legal = user.role == Role.LEGAL and is_open
    if p.mediation:
        _mediation(ctx, user, number, version, p, legal)
    if p.litigation:
        _litigation(ctx, user, number, version, p, legal)


def _checked(errors: dict, field: str, value, where=None):
    """`value`, read from the widget just drawn, with `field`'s error right under that widget
    (in its column, `where`), not under the form's last field."""
    if where is None:
        render.field_error(errors, field)
    else:
        with where:
            render.field_error(errors, field)
    return value


def _sittings(items, lang) -> None:
    for s in items:
        st.markdown(f"- **{format_date(s.held_on, lang)}** {render.md_escape(s.notes)}")


def _mediation(ctx, user, number, version, p: Proceedings, legal: bool) -> None:
    _, lang, m = session.t(), session.lang(), p.mediation
    st.subheader(_("Mediation"))
    _field(_("Mediation body"), m.body)
    _field(_("Reference number"), m.reference)
    _field(_("Mediator"), m.mediator)
    _field(_("Result"), m.result)
    st.markdown(f"**{_('Sessions')}**")
    _sittings(p.sessions, lang) if p.sessions else st.caption(_("No sessions yet."))
    if not legal:
        return
    _mediation_form(ctx, number, version, m)
    _sitting_form("session", _("Record a mediation session"), add_session, ctx, user, number,
                  version)


def _mediation_form(ctx, number, version, m) -> None:
    """The mediation record's form. Its fields show the record and keep what was saved."""
    _ = session.t()
    box = forms.form_box(_("Update the mediation record"), "med")
    if box is None:
        return
    with box:
        errors = forms.errors("med")
        form = {"body": _checked(errors, "body", st.text_input(
                    _("Mediation body"), value=m.body, key="med_body", persist_state="page")),
                "reference": st.text_input(_("Reference number"), value=m.reference,
                                           key="med_reference", persist_state="page"),
                "mediator": st.text_input(_("Mediator"), value=m.mediator, key="med_mediator",
                                          persist_state="page"),
                "result": st.text_area(_("Result"), value=m.result, key="med_result",
                                       persist_state="page")}
        _save_button(_("Save the mediation record"), "med", {
            "body": "med_body", "reference": "med_reference", "mediator": "med_mediator",
            "result": "med_result"},
            lambda who, values: update_mediation(ctx, who, number, values, version),
            keep=tuple(form))
        forms.confirmation("med")


def _litigation(ctx, user, number, version, p: Proceedings, legal: bool) -> None:
    _, lang, lit = session.t(), session.lang(), p.litigation
    st.subheader(_("Litigation"))
    _field(_("Court"), lit.court)
    _field(_("Case number"), lit.case_number)
    _field(_("Filed in court on"), format_date(lit.filed_on, lang) if lit.filed_on else None)
    st.markdown(f"**{_('Hearings')}**")
    _hearings(ctx, user, number, p, lang) if p.hearings else st.caption(_("No hearings yet."))
    if p.judgment:
        j = p.judgment
        _field(_("Judgment"), j.judgment)
        _field(_("Judgment date"), format_date(j.judgment_on, lang))
        _field(_("Served on"), format_date(j.served_on, lang) if j.served_on else None)
        _field(_("Appeal deadline"), format_date(j.appeal_by, lang) if j.appeal_by else None)
    if not legal:
        return
    _litigation_form(ctx, number, version, lit)
    _hearing_form(ctx, user, number, version)
    _judgment_form(ctx, number, version)


def _litigation_form(ctx, number, version, lit) -> None:
    """The litigation record's form. Its fields show the record and keep what was saved."""
    _ = session.t()
    box = forms.form_box(_("Update the litigation record"), "lit")
    if box is None:
        return
    with box:
        errors = forms.errors("lit")
        form = {"court": _checked(errors, "court", st.text_input(
                    _("Court"), value=lit.court, key="lit_court", persist_state="page")),
                "case_number": _checked(errors, "case_number", st.text_input(
                    _("Case number"), value=lit.case_number, key="lit_case_number",
                    persist_state="page")),
                "filed_on": _checked(errors, "filed_on", st.date_input(
                    _("Filed in court on"), value=lit.filed_on, key="lit_filed_on",
                    max_value=ctx.today(), format="YYYY-MM-DD", persist_state="page"))}
        _save_button(_("Save the litigation record"), "lit", {
            "court": "lit_court", "case_number": "lit_case_number", "filed_on": "lit_filed_on"},
            lambda who, values: update_litigation(ctx, who, number, values, version),
            keep=tuple(form))
        forms.confirmation("lit")


def _judgment_form(ctx, number, version) -> None:
    """The judgment's form."""
    _ = session.t()
    box = forms.form_box(_("Record the judgment"), "judg")
    if box is None:
        return
    with box:
        errors = forms.errors("judg")
        _checked(errors, "judgment", st.text_area(_("Judgment"), key="judg_text",
                                                  persist_state="page"))
        _checked(errors, "judgment_on", st.date_input(
            _("Judgment date"), value=None, key="judg_on", max_value=ctx.today(),
            format="YYYY-MM-DD", persist_state="page"))
        _checked(errors, "served_on", st.date_input(
            _("Served on"), value=None, key="judg_served", max_value=ctx.today(),
            format="YYYY-MM-DD", persist_state="page"))
        _checked(errors, "appeal_by", st.date_input(
            _("Appeal deadline"), value=None, key="judg_appeal", format="YYYY-MM-DD",
            persist_state="page"))
        _save_button(_("Save the judgment"), "judg", {
            "judgment": "judg_text", "judgment_on": "judg_on", "served_on": "judg_served",
            "appeal_by": "judg_appeal"},
            lambda who, values: record_judgment(ctx, who, number, values, version))
        forms.confirmation("judg")


HEARINGS_PER_PAGE = 10


def _hearings(ctx, user, number, p: Proceedings, lang: str) -> None:
    """Each hearing: its kind, day and time, courtroom and notes, with its calendar file. A long
    list is drawn a page at a time (every row costs the browser its own elements on every run),
    opening on the page of the next hearing from today."""
    _ = session.t()
    state_key = f"hearings_page_{number}"
    if state_key not in st.session_state:
        upcoming = next((i for i, h in enumerate(p.hearings) if h.held_on >= ctx.today()),
                        len(p.hearings) - 1)
        st.session_state[state_key] = upcoming // HEARINGS_PER_PAGE + 1
    shown, page, pages = pager.page_of(p.hearings, state_key, HEARINGS_PER_PAGE)
    for h in shown:
        left, right = st.columns([4, 1])  # room for the button's whole label
        when = format_date(h.held_on, lang) + (f" {h.starts_at:%H:%M}" if h.starts_at else "")
        where = f" · {render.md_escape(h.courtroom)}" if h.courtroom else ""
        left.markdown(f"- **{label(h.kind, _)}** · {when}{where}"
                      + (f"  \n{render.md_escape(h.notes)}" if h.notes else ""))
        right.download_button(
            _("Calendar (ICS)"), key=f"ics_{h.id}", icon=":material/event:",
            data=lambda h=h: hearing_calendar.hearing_calendar(ctx, user, number, h.id, lang),
            file_name=hearing_calendar.file_name(number, {"held_on": h.held_on}),
            mime=hearing_calendar.MEDIA_TYPE, on_click="ignore")
    if pages > 1:
        pager.numbered(f"hearings_{number}", state_key, page, pages)


def _hearing_form(ctx, user, number, version) -> None:
    """The form to record a hearing. Like every form in a dispute's tab, it is part of the tab's
    panel, which runs alone for a click inside it (ui/case_page.tab_panel): a save is one run of
    the panel, which draws the list of hearings with the new one."""
    _ = session.t()
    key = "hearing"
    box = forms.form_box(_("Record a hearing"), key)
    if box is None:
        return
    with box:
        errors = forms.errors(key)
        c1, c2, c3 = st.columns(3)
        kinds = [k.value for k in HearingKind]
        form = {"kind": _checked(errors, "kind", c1.selectbox(
                    _("Kind of sitting"), kinds, key=f"{key}_kind",
                    format_func=lambda v: label(HearingKind(v), _), persist_state="page"), c1),
                "held_on": _checked(errors, "held_on", c2.date_input(
                    _("Date"), value=None, key=f"{key}_held_on", format="YYYY-MM-DD",
                    persist_state="page"), c2),
                "starts_at": _checked(errors, "starts_at", c3.time_input(
                    _("Time (court's local time)"), value=None, key=f"{key}_starts_at",
                    step=900, persist_state="page"), c3),
                "courtroom": _checked(errors, "courtroom", st.text_input(
                    _("Courtroom"), key=f"{key}_courtroom",
                    placeholder=_("e.g. Courtroom 3, 5th floor"), persist_state="page")),
                "notes": _checked(errors, "notes", st.text_area(
                    _("Notes"), key=f"{key}_notes", persist_state="page"))}
        _save_button(_("Save the hearing"), key, {field: f"{key}_{field}" for field in form},
                     lambda who, values: add_hearing(ctx, who, number, values, version),
                     keep=("kind",))
        forms.confirmation(key)


def _sitting_form(key: str, title: str, call, ctx, user, number, version) -> None:
    """A mediation session's form (as `_hearing_form`)."""
    _ = session.t()
    box = forms.form_box(title, key)
    if box is None:
        return
    with box:
        errors = forms.errors(key)
        form = {"held_on": _checked(errors, "held_on", st.date_input(
                    _("Date"), value=None, key=f"{key}_held_on", format="YYYY-MM-DD",
                    persist_state="page")),
                "notes": _checked(errors, "notes", st.text_area(
                    _("Notes"), key=f"{key}_notes", persist_state="page"))}
        _save_button(_("Save"), key, {field: f"{key}_{field}" for field in form},
                     lambda who, values: call(ctx, who, number, values, version))
        forms.confirmation(key)


def _save_button(title: str, key: str, fields: dict[str, str], call,
                 keep: tuple[str, ...] = ()) -> None:
    """The form's save button. It saves in its callback, before the page's run (one run per
    click instead of a saving run and a rerun), `call(user, values)` with each field's value
    read from its widget's key in `fields`; on success the form comes back empty (nobody
    records the sitting twice) with the confirmation beside it, but for the choices in `keep`
    (a hearing's kind stays as chosen)."""
    _ = session.t()
    st.button(title, key=f"{key}_submit", **forms.on_click(
        key, lambda who: call(who, {field: st.session_state.get(widget)
                                    for field, widget in fields.items()}),
        _("Saved."), clear=tuple(w for f, w in fields.items() if f not in keep), near=True))
