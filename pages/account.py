"""The signed-in user's own account: their details (correctable), password, and their data."""

import streamlit as st

from dispute import two_factor
from dispute.i18n import N_, format_datetime
from dispute.vocab import label
from ui import forms, render, session, signed_in, two_step
from ui.my_data_panel import my_data_panel
from ui.password_form import password_change_form
from ui.notify_prefs import notification_preferences, verification_notice
from dispute.vocab import Role
from ui.profile_form import profile_form

_ = session.t()
user = signed_in.require_user()
st.title(_("My account"))
if done := st.session_state.pop("account_flash", None):
    st.success(_(done))
st.markdown(f"**{_('Name')}:** {render.md_escape(user.name)}")
st.markdown(f"**{_('Email')}:** {render.md_escape(user.email)}")
st.markdown(f"**{_('Mobile phone')}:** {render.md_escape(user.phone or '—')}")
st.markdown(f"**{_('Role')}:** {label(user.role, _)}")
st.markdown(f"**{_('Member since')}:** "
            f"{format_datetime(user.created_at, session.lang(), session.context().settings.timezone)}")

# each form's fields are drawn only while its box is open (forms.form_box)
if box := forms.form_box(_("Correct my details"), "profile"):
    with box:
        profile_form(user, "account_flash")

ctx = session.context()
if user.role != Role.ADMIN:
    notification_preferences(ctx, user)
    if user.role == Role.BORROWER and ctx.settings.mail_configured \
            and user.email_verified_at is None:
        verification_notice(ctx, user)

if box := forms.form_box(_("Change password"), "changepw"):
    with box:
        if password_change_form("changepw", user, _("Current password")):
            st.success(_("Your password was changed."))

st.subheader(_("Two-step sign-in"))
if two_factor.enrolled(user):
    st.write(_("On since {when}: signing in needs a code from your authenticator app. Recovery "
               "codes left: {count}.").format(
        when=format_datetime(user.totp_enrolled_at, session.lang(),
                             session.context().settings.timezone),
        count=two_factor.recovery_codes_left(session.context(), user)))
    if box := forms.form_box(_("Make new recovery codes"), "renew2fa"):
        with box:
            two_step.renew_codes_form(user)
    if not two_factor.required(user) and (box := forms.form_box(
            _("Turn off two-step sign-in"), "off2fa")):
        with box:
            if two_step.turn_off_form(user):
                st.session_state["account_flash"] = N_("Two-step sign-in is off.")
                st.rerun()
    st.caption(_("Lost your phone or used up your recovery codes? An administrator can reset "
                 "it; you then set it up again."))
else:
    st.write(_("Off. With it on, signing in needs a code from an app on your phone as well as "
               "your password, so a stolen password alone cannot open your account."))
    if box := forms.form_box(_("Turn on two-step sign-in"), "setup2fa"):
        with box:  # folded, no QR code is drawn and no secret made
            if two_step.setup_form(user):
                st.rerun()

my_data_panel(user)
