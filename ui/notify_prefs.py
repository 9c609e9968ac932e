"""On My account: how each kind of notification reaches the user (email at once, a daily
digest, the portal only), and for a borrower whose address is not confirmed, a new link."""

from __future__ import annotations

import streamlit as st

from dispute import signup
from dispute.context import Context
from dispute.models import User
from dispute.notify import inbox
from dispute.notify.kinds import MODE_LABELS, Mode
from ui import forms, session


def notification_preferences(ctx: Context, user: User) -> None:
    _ = session.t()
    st.subheader(_("Notifications"))
    if not ctx.settings.mail_configured:
        st.caption(_("This portal has no mail server: every notification is in your inbox "
                     "only. The choices below apply once email is set up."))
    else:
        st.caption(_("Every notification is in your inbox. Choose which also come by email."))
    modes = list(Mode)
    # Keyed by the language too: the browser keeps a radio's choice by its words, which a
    # language switch changes, and drew none of them chosen until the next click.
    keys = {}
    with st.form("prefs_form"):
        for kind, mode in inbox.preferences(ctx, user):
            keys[kind.name] = f"prefs_{session.lang()}_{kind.name}"
            st.radio(_(kind.label), modes, index=modes.index(mode),
                     format_func=lambda m: _(MODE_LABELS[m]), horizontal=True,
                     key=keys[kind.name])
        st.form_submit_button(_("Save my choices"), type="primary", **forms.on_click(
            "prefs", lambda who: inbox.set_preferences(
                ctx, who, {k: st.session_state[key].value for k, key in keys.items()}),
            _("Your notification choices were saved.")))
    if flash := st.session_state.pop(forms.FLASH_KEY, None):
        st.success(flash)


def verification_notice(ctx: Context, user: User) -> None:
    """The address is not confirmed: say so, and offer a new link."""
    _ = session.t()
    st.warning(_(signup.NOT_VERIFIED_TEXT))
    if st.button(_("Send me a new link"), key="verify_resend", icon=":material/forward_to_inbox:"):
        if forms.attempt("verify_resend", lambda: signup.request_verification(ctx, user)):
            st.success(_("We sent a new link to {email}.").format(email=user.email))
