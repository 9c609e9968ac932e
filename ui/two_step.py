"""Two-step sign-in on the pages: the code step that follows the password on the login page,
the set-up form (a QR code for the authenticator app, then a typed code) and the recovery codes
shown once after it.

The login page calls `continue_sign_in(user)` where it used to sign the user in: an account
with a second factor is parked as *pending* (not signed in: `session.USER_KEY` stays empty)
until `code_step()` accepts a code. Staff, legal and administrators without a second factor
are sent to `setup_form` by the gate in ui/signed_in.py before anything else."""

from __future__ import annotations

import io
from datetime import timedelta

import segno
import streamlit as st

from dispute import accounts, two_factor
from dispute.models import User
from ui import forms, render, session

PENDING_KEY = "two_step_pending"     # (user id, when the password was accepted)
SECRET_KEY = "two_step_secret"       # the secret being set up, until confirmed
CODES_KEY = "two_step_codes"         # recovery codes to show once after set-up
RENEWED_KEY = "two_step_renewed"     # those codes replace earlier ones (a renewal)
PENDING_FOR = timedelta(minutes=5)   # the code must follow the password within this time


def continue_sign_in(user: User) -> None:
    """After the password: sign in now, or ask for the code first."""
    if two_factor.enrolled(user):
        st.session_state[PENDING_KEY] = (user.id, session.context().now())
    else:
        session.sign_in(user)


def pending() -> User | None:
    """The account whose password was accepted and whose code is awaited (None after 5 min)."""
    found = st.session_state.get(PENDING_KEY)
    if found is None:
        return None
    user_id, since = found
    ctx = session.context()
    user = accounts.get_user(ctx, user_id)
    if user is None or user.disabled or ctx.now() - since > PENDING_FOR:
        st.session_state.pop(PENDING_KEY, None)
        return None
    return user


def code_step(user: User) -> None:
    """The second form of the login (for `user`, whose password was accepted): the code from the
    app, or a recovery code."""
    _ = session.t()
    st.subheader(_("Two-step sign-in"))
    st.caption(_("Type the 6-digit code your authenticator app shows for this portal. Without "
                 "your phone, type one of your recovery codes instead; each works once."))
    with st.form("code_form", clear_on_submit=True):
        st.text_input(_("Code"), key="login_code", max_chars=20, autocomplete="one-time-code")
        st.form_submit_button(_("Continue"), type="primary", on_click=_check_code)
    st.button(_("Cancel and log in again"), key="code_cancel",
              on_click=lambda: st.session_state.pop(PENDING_KEY, None))
    forms.errors("code")


def _check_code() -> None:
    """The code's button callback: checked before the page's run, so a click that signs in is
    one run, drawing the user's landing page."""
    user = pending()
    if user is None:  # the five minutes ran out meanwhile: the login form is drawn again
        return
    signed = forms.now("code", lambda: two_factor.sign_in_code(
        session.context(), user, st.session_state.get("login_code", "")))
    if signed is not None:
        st.session_state.pop(PENDING_KEY, None)
        session.sign_in(signed)


def _qr_png(uri: str) -> bytes:
    out = io.BytesIO()
    segno.make(uri, error="m").save(out, kind="png", scale=5, border=2)
    return out.getvalue()


def setup_form(user: User) -> bool:
    """Scan, type the code, confirm. True once set up (the recovery codes are then waiting in
    the session for `show_new_codes`)."""
    _ = session.t()
    secret = st.session_state.setdefault(SECRET_KEY, two_factor.new_secret())
    uri = two_factor.provisioning_uri(secret, user.email)
    st.write(_("1. Scan this QR code with an authenticator app (for example Microsoft "
               "Authenticator, Google Authenticator or FreeOTP)."))
    st.image(_qr_png(uri), width=220)
    with st.expander(_("Cannot scan? Type this key into the app instead")):
        st.code(" ".join(secret[i:i + 4] for i in range(0, len(secret), 4)), language=None)
    st.write(_("2. Type the 6-digit code the app now shows."))
    errors = forms.errors("setup2fa")
    with st.form("setup2fa_form", clear_on_submit=True):
        code = st.text_input(_("Code"), key="setup2fa_code", max_chars=8,
                             autocomplete="one-time-code")
        render.field_error(errors, "code")
        go = st.form_submit_button(_("Turn on two-step sign-in"), type="primary")
    if not go:
        return False
    codes = forms.attempt("setup2fa", lambda: two_factor.enrol(session.context(), user, secret,
                                                              code))
    if codes is None:
        return False
    st.session_state.pop(SECRET_KEY, None)
    st.session_state[CODES_KEY] = codes
    return True


def show_new_codes() -> bool:
    """The recovery codes of a set-up (or a renewal) just done, once; True while they are on
    the page."""
    codes = st.session_state.get(CODES_KEY)
    if not codes:
        return False
    _ = session.t()
    if st.session_state.get(RENEWED_KEY):
        st.success(_("New recovery codes are ready; the earlier ones no longer work."))
    else:
        st.success(_("Two-step sign-in is on."))
    st.warning(_("Your recovery codes. Each signs you in once without your phone. Save them "
                 "somewhere safe now: they are shown only this once."))
    st.code("\n".join(codes), language=None)
    st.button(_("I have saved my recovery codes"), key="codes_saved", type="primary",
              on_click=_codes_saved)
    return True


def _codes_saved() -> None:
    """The button's callback: the codes leave the page in the run it starts."""
    st.session_state.pop(CODES_KEY, None)
    st.session_state.pop(RENEWED_KEY, None)


def required_setup(user: User) -> None:
    """In place of every page for staff, legal and administrators without a second factor."""
    _ = session.t()
    st.title(_("Set up two-step sign-in"))
    st.info(_("Your role sees borrowers' personal data, so signing in needs a code from your "
              "phone as well as your password. Set it up before you continue."))
    if setup_form(user):
        st.rerun()


def _confirmation_field(form: str, errors) -> str:
    _ = session.t()
    typed = st.text_input(_("Current password, or the code your app shows now"),
                          key=f"{form}_confirm", type="password", max_chars=200,
                          autocomplete="current-password")
    render.field_error(errors, "confirm")
    return typed


def renew_codes_form(user: User) -> None:
    """Ten new recovery codes, confirmed by the password or a code; shown once after."""
    _ = session.t()
    st.caption(_("Makes ten new recovery codes. Every earlier code, used or not, stops "
                 "working."))
    errors = forms.errors("renew2fa")
    with st.form("renew2fa_form", clear_on_submit=True):
        typed = _confirmation_field("renew2fa", errors)
        go = st.form_submit_button(_("Make new recovery codes"))
    if not go:
        return
    codes = forms.attempt("renew2fa", lambda: two_factor.renew_recovery_codes(
        session.context(), user, typed))
    if codes is not None:
        st.session_state[CODES_KEY] = codes
        st.session_state[RENEWED_KEY] = True
        st.rerun()


def turn_off_form(user: User) -> bool:
    """A borrower turns two-step sign-in off: a confirmation box, then the password or a code.
    True once it is off."""
    _ = session.t()
    st.caption(_("Signing in then needs only your password again, and your recovery codes are "
                 "deleted."))
    errors = forms.errors("off2fa")
    sure = st.checkbox(_("Yes, turn two-step sign-in off"), key="off2fa_sure")
    with st.form("off2fa_form", clear_on_submit=True):
        typed = _confirmation_field("off2fa", errors)
        go = st.form_submit_button(_("Turn off two-step sign-in"), disabled=not sure)
    if not go or not sure:
        return False
    done = forms.attempt("off2fa", lambda: two_factor.turn_off(session.context(), user, typed))
    if done is None:
        return False
    st.session_state.pop("off2fa_sure", None)
    return True
