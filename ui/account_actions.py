"""The administrator's actions on one account: change its role, disable (after confirming) or
enable it, reset its password (the temporary password is shown once, here, and kept nowhere),
reset its two-step sign-in (after confirming, with a reason)."""

from __future__ import annotations

import streamlit as st

from dispute import account_admin, two_factor
from dispute.context import Context
from dispute.errors import UserError
from dispute.models import User
from dispute.vocab import Role, label
from ui import forms, render, session


def _run(call) -> object | None:
    try:
        return call()
    except UserError as exc:
        render.show_error(exc)
        return None


def manage_account(ctx: Context, admin: User, shown: list[User]) -> None:
    """Actions on one of the accounts listed on this page."""
    _ = session.t()
    if not shown:
        return
    by_id = {str(u.id): u for u in shown}
    picked = st.selectbox(_("Account"), list(by_id), key="acct_pick",
                          format_func=lambda i: f"{by_id[i].name} · {by_id[i].email}")
    target = by_id[picked]
    role_col, state_col, reset_col = st.columns(3)
    forms.errors("acct")  # a refused change, from the buttons' callbacks below

    with role_col:
        roles = [r.value for r in Role]
        role = st.selectbox(_("Role"), roles, index=roles.index(target.role.value),
                            format_func=lambda v: label(Role(v), _), key=f"acct_role_{picked}")
        st.button(_("Change role"), key="acct_role_save", disabled=role == target.role.value,
                  **forms.on_click("acct", lambda who: account_admin.change_role(
                      ctx, who, target.id, st.session_state[f"acct_role_{picked}"]), None))

    with state_col:
        if target.disabled:
            st.caption(_("This account is disabled."))
            st.button(_("Enable account"), key="acct_enable", **forms.on_click(
                "acct", lambda who: account_admin.set_disabled(ctx, who, target.id, False),
                None))
        else:
            # the consequence beside, not in, the checkbox: a long label is cut to one line
            st.caption(_("A disabled user is logged out and cannot log in until the account "
                         "is enabled again."))
            sure = st.checkbox(_("Yes, disable this account"), key=f"acct_sure_{picked}")
            st.button(_("Disable account"), key="acct_disable", disabled=not sure,
                      **forms.on_click("acct", lambda who: account_admin.set_disabled(
                          ctx, who, target.id, True), None))

    with reset_col:
        if st.button(_("Reset password"), key="acct_reset"):
            temporary = _run(lambda: account_admin.reset_password(ctx, admin, target.id))
            if temporary:
                st.success(_("Give this temporary password to {email}. It is shown only now; "
                             "they must choose their own password when they log in.")
                           .format(email=render.md_escape(target.email)))
                st.code(temporary, language=None)

    if two_factor.enrolled(target):
        with st.expander(_("Reset two-step sign-in")):
            st.caption(_("For a user who lost their phone and their recovery codes. Their "
                         "sessions end; at their next sign-in they set it up again."))
            reason = st.text_input(_("Reason (kept in the audit log)"),
                                   key=f"acct_2fa_why_{picked}")
            sure = st.checkbox(_("Yes, reset two-step sign-in for {email}.").format(
                email=render.md_escape(target.email)), key=f"acct_2fa_sure_{picked}")
            if st.button(_("Reset two-step sign-in"), key="acct_2fa_reset", disabled=not sure):
                if _run(lambda: two_factor.reset(ctx, admin, target.id, reason)) is not None:
                    st.success(_("Two-step sign-in was reset for {email}.").format(
                        email=render.md_escape(target.email)))
