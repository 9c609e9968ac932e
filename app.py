"""The portal's server: `streamlit run app.py` finds `app` here and serves it with uvicorn.

It is Streamlit's own server (st.App) running the portal's script, portal.py, with one more
middleware, the security headers of ui/http_headers.py on every response, and one more route,
`/healthz`: the database's health for a load balancer or a monitor (ui/healthz.py). Streamlit
imports this file as a module, so it must stay free of page code; the pages start in portal.py.
"""

import streamlit as st
from starlette.middleware import Middleware
from starlette.routing import Route

from ui.healthz import healthz
from ui.http_headers import SecurityHeaders

app = st.App("portal.py", middleware=[Middleware(SecurityHeaders)],
             routes=[Route("/healthz", healthz, methods=["GET"])])
