"""Where an email's "stop emails of this kind" link lands: that kind goes to the portal only
(the inbox keeps it). No login: the link is signed for its user and kind."""

import streamlit as st

from dispute.errors import UserError
from dispute.notify import inbox
from ui import session
from ui.render import show_error

_ = session.t()
st.title(_("Stop emails of one kind"))
token = st.query_params.get("t", "")
try:
    kind = inbox.unsubscribe(session.context(), token)
except UserError as exc:
    show_error(exc)
    st.stop()
st.success(_("You will get no more emails for: {kind}. They still appear in your inbox in the "
             "portal; you can turn them back on under My account.").format(kind=_(kind)))
