"""A borrower files a dispute (design §3), with evidence files if they have them now."""

from datetime import date

import streamlit as st

from dispute.cases import file_dispute
from dispute.vocab import Currency, ErrorCategory, Product, Remedy, label
from ui import forms, render, session
from ui.evidence_form import evidence_inputs

_ = session.t()
user = session.require_user()
ctx = session.context()
today = ctx.today()


def options(enum):
    return {"options": [v.value for v in enum], "format_func": lambda v: label(enum(v), _)}


st.title(_("File a dispute"))
st.caption(_("Tell us what went wrong. Fields marked * are required."))
errors = forms.errors("file")

st.subheader(_("The account"))
c1, c2 = st.columns(2)
institution = c1.text_input(_("Lender or servicer *"), key="file_institution",
                            placeholder=_("e.g. China Merchants Bank Credit Card Centre"))
with c1:
    render.field_error(errors, "institution")
product = c2.selectbox(_("Product *"), key="file_product", **options(Product))
account_ref = c1.text_input(_("Card or loan account number *"), key="file_account_ref",
                            help=_("Shown masked to everyone except the legal team."))
with c1:
    render.field_error(errors, "account_ref")

st.subheader(_("What happened"))
category = st.selectbox(_("What kind of error *"), key="file_category", **options(ErrorCategory))
description = st.text_area(_("Describe what happened, in Chinese or English *"), height=160,
                           key="file_description")
render.field_error(errors, "description")
d1, d2, d3 = st.columns(3)
date_args = {"value": None, "min_value": date(2000, 1, 1), "format": "YYYY-MM-DD"}
occurred = d1.date_input(_("When the error occurred"), max_value=today, key="file_occurred",
                         **date_args)
with d1:
    render.field_error(errors, "error_occurred_on")
due = d2.date_input(_("Payment due date"), max_value=date(today.year + 5, 12, 31),
                    key="file_due", **date_args)
with d2:
    render.field_error(errors, "payment_due_on")
discovered = d3.date_input(_("When you discovered it *"), max_value=today, key="file_discovered",
                           **date_args)
with d3:
    render.field_error(errors, "discovered_on")

st.subheader(_("Amounts"))
a0, a1, a2, a3 = st.columns(4)
currency = a0.selectbox(_("Currency"), key="file_currency", **options(Currency))
amounts = {}
for col, field, title in ((a1, "overdue_minor", _("Overdue amount")),
                          (a2, "fees_minor", _("Fees or penalty interest disputed")),
                          (a3, "compensation_minor", _("Compensation claimed"))):
    amounts[field] = col.text_input(title, key=f"file_{field}", placeholder="0.00")
    with col:
        render.field_error(errors, field)
remedies = st.multiselect(_("What do you want the lender to do? *"), key="file_remedies",
                          placeholder=_("Choose one or more"), **options(Remedy))
render.field_error(errors, "remedies")

st.subheader(_("Evidence"))
st.caption(_("Call recordings, SMS or chat screenshots, statements, letters. You can also add "
             "files later."))
uploads = evidence_inputs("file", errors)

if st.button(_("File the dispute"), type="primary", key="file_submit"):
    form = {"institution": institution, "product": product, "account_ref": account_ref,
            "error_category": category, "description": description,
            "error_occurred_on": occurred, "payment_due_on": due, "discovered_on": discovered,
            "currency": currency, "remedies": remedies, **amounts}
    with st.spinner(_("Checking and saving your files…")):
        number = forms.attempt("file", lambda: file_dispute(ctx, user, form, uploads))
    if number:
        st.session_state["flash"] = _("Dispute {number} was filed.").format(number=number)
        for key in [k for k in st.session_state if str(k).startswith("file_")]:
            del st.session_state[key]
        st.switch_page("pages/dispute.py", query_params={"number": number})
