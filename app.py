"""The portal's server: `streamlit run app.py` finds `app` here and serves it with uvicorn.

It is Streamlit's own server (st.App) running the portal's script, portal.py, with one more
middleware: the security headers of ui/http_headers.py on every response. Streamlit imports this
file as a module, so it must stay free of page code; the pages start in portal.py.
"""

import streamlit as st
from starlette.middleware import Middleware

from ui.http_headers import SecurityHeaders

app = st.App("portal.py", middleware=[Middleware(SecurityHeaders)])
