"""Where the sign-up email's link lands: the address is confirmed (once), then log in."""

import streamlit as st

from dispute import signup
from dispute.errors import UserError
from ui import session
from ui.render import show_error

_ = session.t()
st.title(_("Confirm your email address"))
token = st.query_params.get("token", "")
done_key = f"verified_{token[:16]}"
if not st.session_state.get(done_key):
    try:
        signup.confirm_email(session.context(), token)
        st.session_state[done_key] = True
    except UserError as exc:
        show_error(exc)
        st.stop()
st.success(_("Your email address is confirmed. You can now file a dispute."))
st.page_link("pages/login.py" if session.current_user() is None else "pages/file_dispute.py",
             label=_("Log in") if session.current_user() is None else _("File a dispute"),
             icon=":material/arrow_forward:")
