"""The gate every signed-in page passes first: the user, or, in place of the page, the
change-password form for a user whose password an administrator reset, the recovery codes of a
two-step set-up just done (once), and the two-step set-up for staff, legal and administrators
who have none yet. Kept apart from
ui/session.py, which the forms import, so no module imports itself in a circle."""

from __future__ import annotations

import streamlit as st

from dispute import two_factor
from dispute.models import User
from ui import session, two_step
from ui.password_form import forced_password_change


def require_user() -> User:
    """For pages that only a signed-in user reaches; app.py routes the rest to log in."""
    user = session.current_user()
    if user is None:
        st.stop()
    if user.must_change_password:
        forced_password_change(user)
        st.stop()
    if two_step.show_new_codes():
        st.stop()
    if two_factor.required(user) and not two_factor.enrolled(user):
        two_step.required_setup(user)
        st.stop()
    return user
