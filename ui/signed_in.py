"""The gate every signed-in page passes first: the user, or, for a user whose password an
administrator reset, the change-password form in place of the page. Kept apart from
ui/session.py, which the forms import, so no module imports itself in a circle."""

from __future__ import annotations

import streamlit as st

from dispute.models import User
from ui import session
from ui.password_form import forced_password_change


def require_user() -> User:
    """For pages that only a signed-in user reaches; app.py routes the rest to log in."""
    user = session.current_user()
    if user is None:
        st.stop()
    if user.must_change_password:
        forced_password_change(user)
        st.stop()
    return user
