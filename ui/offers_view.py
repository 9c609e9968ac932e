"""Offers: their terms and status; the borrower answers, staff and legal record new ones."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import streamlit as st

from dispute import cases
from dispute.claims import latest_calculation
from dispute.i18n import N_, format_amount_input, format_date, format_datetime, format_money
from dispute.models import User
from dispute.offers import (STATUS_LABELS, YOUR_TURN, Offer, OfferStatus, answer_offer,
                           list_offers, make_offer)
from dispute.vocab import Currency, Role, label
from ui import forms, pager, render, session


def terms_text(o: Offer, _, lang: str) -> list[str]:
    lines = []
    if o.refund_minor:
        lines.append(_("Refund or waiver of {amount}").format(
            amount=format_money(o.refund_minor, o.currency, lang)))
    if o.credit_correction:
        lines.append(_("Correction of the credit record"))
    if o.instalments:
        lines.append(_("Repayment plan: {n} instalments of {amount}").format(
            n=o.instalments, amount=format_money(o.instalment_minor or 0, o.currency, lang)))
    if o.deferral_to:
        lines.append(_("Deferral of payment to {date}").format(
            date=format_date(o.deferral_to, lang)))
    return lines


OFFERS_PER_PAGE = 10


def _page_key(number: str) -> str:
    return f"offers_page_{number}"


def show(ctx, user: User, number: str, version: int, is_open: bool) -> None:
    """The offers, newest first, a page at a time (every offer costs the browser its own
    elements on every run of the tab), then staff's and legal's form for a new one."""
    _ = session.t()
    lang, tz = session.lang(), ctx.settings.timezone
    offers = list_offers(ctx, user, number)
    if not offers:
        st.info(_("No offers yet."))
    shown, page, pages = pager.page_of(offers, _page_key(number), OFFERS_PER_PAGE)
    for o in shown:
        with st.container(border=True):
            status = _(YOUR_TURN) if user.role == Role.BORROWER and is_open and \
                o.status == OfferStatus.PROPOSED else label_status(o.status, _)
            st.markdown(f"**{status}** · {render.md_escape(o.made_by_name)} · "
                        f"{format_datetime(o.made_at, lang, tz)}")
            for line in terms_text(o, _, lang):
                st.markdown(f"- {render.md_escape(line)}")
            if o.note:
                render.user_text(o.note)
            if o.expires_on:
                st.caption(_("Open until {date}").format(date=format_date(o.expires_on, lang)))
            if o.answer_note:
                st.caption(_("Answer: {note}").format(note=o.answer_note))
            if user.role == Role.BORROWER and o.status == OfferStatus.PROPOSED and is_open:
                _answer(ctx, user, number, version, o)
            forms.confirmation(f"offer_{o.id}")
    if pages > 1:
        pager.numbered(f"offers_{number}", _page_key(number), page, pages)
    if user.role in (Role.STAFF, Role.LEGAL) and is_open:
        _make(ctx, user, number, version)


def label_status(status: OfferStatus, _) -> str:
    return _(STATUS_LABELS[status])


_ASKS = {
    "accepted": (N_("You are about to accept this offer:"),
                 N_("The handling team is told that you agree to these terms. You cannot take "
                    "this answer back."),
                 N_("Yes, accept this offer")),
    "rejected": (N_("You are about to reject this offer:"),
                 N_("The handling team is told that you do not agree; the dispute goes on. You "
                    "cannot take this answer back."),
                 N_("Yes, reject this offer")),
}


def _answer(ctx, user, number, version, o: Offer) -> None:
    """Accept or reject, each asked once more with the terms spelt out: an answer is final."""
    _ = session.t()
    key = f"offer_{o.id}"
    asked = st.session_state.get(f"{key}_asked")
    if asked is None:
        c1, c2 = st.columns(2)
        for col, answer, text in ((c1, "accepted", _("Accept this offer")),
                                  (c2, "rejected", _("Reject this offer"))):
            col.button(text, key=f"{key}_{answer}", on_click=_ask, args=(key, answer))
        return
    intro, consequence, confirm = _ASKS[asked]
    with st.container(border=True):
        st.markdown(f"**{_(intro)}**")
        for line in terms_text(o, _, session.lang()):
            st.markdown(f"- {render.md_escape(line)}")
        st.caption(_(consequence))
        errors = forms.errors(key)  # a refusal (changed meanwhile, a note too long) shows here
        st.text_input(_("A note with your answer (optional)"), key=f"{key}_note",
                      persist_state="page")
        render.field_error(errors, "note")
        c1, c2 = st.columns(2)

        def answer(who):
            done = answer_offer(ctx, who, number, o.id,
                                {"answer": asked, "note": st.session_state.get(f"{key}_note", "")},
                                expected_version=version)
            st.session_state.pop(f"{key}_asked", None)  # only once answered: a refusal keeps
            return done                                 # the box, and what was typed, open

        c1.button(_(confirm), key=f"{key}_confirm", type="primary", **forms.on_click(
            key, answer, _("Your answer was recorded."), near=True, clear=[f"{key}_note"]))
        c2.button(_("Cancel"), key=f"{key}_cancel", on_click=_ask, args=(key, None))


def _ask(key: str, answer: str | None) -> None:
    """Accept's, Reject's and Cancel's callback (one run per click): ask to confirm `answer`,
    or ask nothing."""
    if answer is None:
        st.session_state.pop(f"{key}_asked", None)
    else:
        st.session_state[f"{key}_asked"] = answer


OFFER_FIELDS = ("offer_refund", "offer_credit", "offer_instalments", "offer_deferral", "offer_note",
                "offer_expires", "offer_each")


def _offer_form() -> dict:
    """The offer form's values, read from its widgets' keys (its button saves in a callback,
    before the widgets are drawn again)."""
    state = st.session_state
    return {"currency": state.get("offer_currency"),
            "refund_minor": state.get("offer_refund") or "0",
            "credit_correction": bool(state.get("offer_credit")),
            "instalments": int(state.get("offer_instalments") or 0) or None,
            "instalment_minor": state.get("offer_each") or None,
            "deferral_to": state.get("offer_deferral"), "note": state.get("offer_note") or "",
            "expires_on": state.get("offer_expires")}


def _make(ctx, user, number, version) -> None:
    """The form to record an offer: a save is one run of the tab's panel, which lists the new
    offer (ui/case_page.tab_panel)."""
    _ = session.t()
    st.subheader(_("Record an offer from the lender"))
    errors = forms.errors("offer")
    render.field_error(errors, "__form__")
    latest = latest_calculation(ctx, user, number)
    if latest is not None:
        # Once per session, and never over what the user typed nor after an offer was saved.
        if "offer_refund" not in st.session_state and "offer_prefilled" not in st.session_state:
            st.session_state["offer_refund"] = format_amount_input(latest.refund_minor,
                                                                   latest.currency)
            st.session_state["offer_currency"] = latest.currency
            st.session_state["offer_prefilled"] = True
        st.caption(_("The amount starts from the calculation saved on {when}: {amount} to "
                     "refund (What the error cost).").format(
            when=format_datetime(latest.made_at, session.lang(), ctx.settings.timezone),
            amount=format_money(latest.refund_minor, latest.currency, session.lang())))
    # An offer is in the dispute's currency unless staff choose another.
    st.session_state.setdefault("offer_currency", cases.get_dispute(ctx, user, number)
                                .currency.value)
    c1, c2 = st.columns(2)
    c1.selectbox(_("Currency"), [c.value for c in Currency], key="offer_currency",
                 format_func=lambda v: label(Currency(v), _), persist_state="page")
    c2.text_input(_("Amount refunded or waived"), key="offer_refund", persist_state="page")
    render.field_error(errors, "refund_minor")
    st.checkbox(_("The lender corrects the credit record"), key="offer_credit")
    c1, c2, c3 = st.columns(3)
    c1.number_input(_("Instalments in a repayment plan"), min_value=0, max_value=360, step=1,
                    key="offer_instalments", persist_state="page")
    c2.text_input(_("Amount of each instalment"), key="offer_each", persist_state="page")
    with c2:
        render.field_error(errors, "instalment_minor")
    c3.date_input(_("Payment deferred to"), value=None, key="offer_deferral",
                  min_value=date(2000, 1, 1), format="YYYY-MM-DD", persist_state="page")
    st.text_area(_("Terms in the lender's words"), key="offer_note", persist_state="page")
    st.date_input(_("Offer open until"), value=None, key="offer_expires",
                  min_value=date(2000, 1, 1), format="YYYY-MM-DD", persist_state="page")
    render.field_error(errors, "expires_on")
    st.button(_("Record the offer"), key="offer_submit", type="primary", **forms.on_click(
        "offer", lambda who: _record(ctx, who, number, version),
        _("The offer was recorded; the borrower can answer it."), clear=OFFER_FIELDS,
        near=True))
    forms.confirmation("offer")


def _record(ctx, who: User, number: str, version: int) -> UUID:
    """The form's save: the new offer is the newest, so the list turns back to its first page
    to show it."""
    made = make_offer(ctx, who, number, _offer_form(), expected_version=version)
    st.session_state.pop(_page_key(number), None)
    return made
