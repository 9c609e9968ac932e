"""Administrators create accounts for staff, legal and other administrators, list them, and
change, disable, enable or reset one (ui/account_actions.py)."""

import streamlit as st

from dispute import accounts, demo
from dispute.errors import UserError
from dispute.i18n import N_, format_datetime
from dispute.vocab import Role, label
from dispute.pagination import page_count
from ui import forms, render, session, signed_in
from ui.account_actions import manage_account
from ui.account_fields import account_fields

_ = session.t()
ngettext = session.nt()
user = signed_in.require_user()
ctx = session.context()
st.title(_("Accounts"))


def show_demo_accounts(made) -> None:
    st.success(_("Demo data loaded. Write down these passwords and two-step sign-in keys; they "
                 "are shown only now. Type a key into an authenticator app to sign in as that "
                 "account."))
    st.table([{_("Role"): label(a.role, _), _("Email"): a.email, _("Password"): a.password,
               _("Two-step sign-in key"): a.totp_secret or "—"} for a in made])


if made_at_setup := st.session_state.pop("demo_accounts", None):
    show_demo_accounts(made_at_setup)

# Closed until wanted (on a phone it would fill the first screen); open again after a refusal.
with st.expander(_("Create an account"),
                 expanded=forms.has_errors("newacct")):
    errors = forms.errors("newacct")
    with st.form("newacct_form", clear_on_submit=False):
        form = account_fields("newacct", errors,
                              password_label=N_("Initial password (at least 10 characters)"))
        role = st.selectbox(_("Role"), [r.value for r in Role], key="newacct_role",
                            format_func=lambda v: label(Role(v), _), index=1)
        submitted = st.form_submit_button(_("Create account"), type="primary")
    if submitted:
        made = forms.attempt("newacct", lambda: accounts.create_account(ctx, user,
                                                                         {**form, "role": role}))
        if made is not None:
            st.success(_("Account created: {email}").format(email=render.md_escape(made.email)))

search = st.text_input(_("Find an account (the whole email, or the whole name)"),
                       key="acct_search")
total = accounts.count_matching_accounts(ctx, user, search)
page_size = 25
pages = page_count(total, page_size)
if st.session_state.get("acct_searched") != search:  # a new search starts at its first page
    st.session_state["acct_searched"] = search
    st.session_state.pop("acct_page", None)
page = st.number_input(_("Page"), min_value=1, max_value=pages, value=1, key="acct_page") \
    if pages > 1 else 1
rows = accounts.list_accounts(ctx, user, limit=page_size, offset=(page - 1) * page_size,
                              search=search)
if not rows:
    st.info(_("No account matches this search."))
else:
    st.dataframe(
        [{_("Name"): u.name, _("Email"): u.email, _("Role"): label(u.role, _),
          _("Status"): _("Disabled") if u.disabled else (
              _("Must change password") if u.must_change_password else _("Active")),
          _("Created"): format_datetime(u.created_at, session.lang(), ctx.settings.timezone)}
         for u in rows], hide_index=True, width="stretch")
st.caption(ngettext("{n} account", "{n} accounts", total).format(n=total)
           + (" · " + _("Page {page} of {pages}").format(page=page, pages=pages)
              if pages > 1 else ""))

st.subheader(_("Manage an account"))
st.caption(_("Pick one of the accounts listed above (search or page to find another)."))
manage_account(ctx, user, rows)

if demo.can_load_demo(ctx):
    with st.expander(_("Load demo data")):
        st.write(_("Fills this empty portal with realistic example disputes and one account per "
                   "role. Only possible while the portal holds no disputes."))
        confirm = st.checkbox(_("I understand that demo accounts and disputes will be added."),
                              key="demo_confirm")
        if st.button(_("Load demo data"), disabled=not confirm, key="demo_load"):
            with st.spinner(_("Creating demo disputes…")):
                try:
                    made = demo.create_demo(ctx, cases_count=20)
                except UserError as exc:
                    render.show_error(exc)
                else:
                    show_demo_accounts(made)
