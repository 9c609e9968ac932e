"""The fields of a filing (docs/product.md §3), drawn the same way for a new dispute and for a borrower's
correction of one. Returns the form as the service expects it."""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from dispute.i18n import format_amount_input
from dispute.vocab import Currency, ErrorCategory, Product, Remedy, label
from ui import render, session


def _options(enum, _, current=None):
    values = [v.value for v in enum]
    return {"options": values, "format_func": lambda v: label(enum(v), _),
            "index": values.index(current) if current in values else 0}


def filing_inputs(key: str, errors: dict, today: date,
                  current: dict[str, Any] | None = None) -> dict[str, Any]:
    """Widgets keyed `{key}_…`; `current` prefills them (a correction)."""
    _ = session.t()
    cur = current or {}
    st.subheader(_("The account"))
    c1, c2 = st.columns(2)
    institution = c1.text_input(_("Lender or servicer *"), key=f"{key}_institution",
                                value=cur.get("institution", ""),
                                placeholder=_("e.g. China Merchants Bank Credit Card Centre"),
                                persist_state="page")
    with c1:
        render.field_error(errors, "institution")
    product = c2.selectbox(_("Product *"), key=f"{key}_product",
                           **_options(Product, _, cur.get("product")), persist_state="page")
    account_ref = c1.text_input(_("Card or loan account number *"), key=f"{key}_account_ref",
                                value=cur.get("account_ref", ""),
                                help=_("Shown masked to everyone except the legal team."),
                                persist_state="page")
    with c1:
        render.field_error(errors, "account_ref")

    st.subheader(_("What happened"))
    category = st.selectbox(_("What kind of error *"), key=f"{key}_category",
                            **_options(ErrorCategory, _, cur.get("error_category")),
                            persist_state="page")
    description = st.text_area(_("Describe what happened, in Chinese or English *"), height=160,
                               key=f"{key}_description", value=cur.get("description", ""),
                               persist_state="page")
    render.field_error(errors, "description")
    d1, d2, d3 = st.columns(3)
    first = date(2000, 1, 1)
    # Future days are let through the widget, which would drop them silently: the service says
    # what is wrong with the day typed.
    latest = date(today.year + 5, 12, 31)
    occurred = d1.date_input(_("When the error occurred"), max_value=latest, min_value=first,
                             key=f"{key}_occurred", value=cur.get("error_occurred_on"),
                             format="YYYY-MM-DD", persist_state="page")
    with d1:
        render.field_error(errors, "error_occurred_on")
    due = d2.date_input(_("Payment due date"), max_value=date(today.year + 5, 12, 31),
                        min_value=first, key=f"{key}_due", value=cur.get("payment_due_on"),
                        format="YYYY-MM-DD", persist_state="page")
    with d2:
        render.field_error(errors, "payment_due_on")
    discovered = d3.date_input(_("When you discovered it *"), max_value=latest, min_value=first,
                               key=f"{key}_discovered", value=cur.get("discovered_on"),
                               format="YYYY-MM-DD", persist_state="page")
    with d3:
        render.field_error(errors, "discovered_on")

    st.subheader(_("Amounts"))
    a0, a1, a2, a3 = st.columns(4)
    currency = a0.selectbox(_("Currency"), key=f"{key}_currency",
                            **_options(Currency, _, cur.get("currency")), persist_state="page")
    amounts = {}
    for col, field, title in ((a1, "overdue_minor", _("Overdue amount")),
                              (a2, "fees_minor", _("Fees or penalty interest disputed")),
                              (a3, "compensation_minor", _("Compensation claimed"))):
        value = cur.get(field)
        amounts[field] = col.text_input(
            title, key=f"{key}_{field}", placeholder="0.00",
            value=format_amount_input(value, cur.get("currency", "CNY")) if value else "",
            persist_state="page")
        with col:
            render.field_error(errors, field)
    remedies = st.multiselect(_("What do you want the lender to do? *"), key=f"{key}_remedies",
                              placeholder=_("Choose one or more"),
                              default=[r.value if hasattr(r, "value") else r
                                       for r in cur.get("remedies", [])],
                              options=[r.value for r in Remedy],
                              format_func=lambda v: label(Remedy(v), _), persist_state="page")
    render.field_error(errors, "remedies")
    return {"institution": institution, "product": product, "account_ref": account_ref,
            "error_category": category, "description": description,
            "error_occurred_on": occurred, "payment_due_on": due, "discovered_on": discovered,
            "currency": currency, "remedies": remedies, **amounts}
