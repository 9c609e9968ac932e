"""The portal's server: `streamlit run app.py` finds `app` here and serves it with uvicorn.

It is Streamlit's own server (st.App) running the portal's script, portal.py, with one more
middleware: the security headers of ui/http_headers.py on every response, and two more routes:
/auth/session (ui/auth_routes.py), where a browser that has just signed in gets its session
cookie, and `/healthz`, the database's health for a load balancer or a monitor (ui/healthz.py).
When the server stops, the database is closed (ui/server_stop.py).
Streamlit imports this file as a module, so it must stay free of page code; the pages start in
portal.py.
"""

import streamlit as st
from starlette.middleware import Middleware
from streamlit.runtime.pages_manager import PagesManager

from starlette.routing import Route

from ui.auth_routes import ROUTES
from ui.healthz import healthz
from ui import server_stop
from ui.http_headers import SecurityHeaders

# The pages are listed by st.navigation in portal.py. Streamlit, seeing a `pages/` folder beside
# the script, starts each new server in its old folder mode until the first st.navigation call:
# the first visitor after a start whose address names a page (/queue, /workspace?number=…) got
# that file run on its own, a blank page. Say so from the start.
PagesManager.uses_pages_directory = False

app = st.App("portal.py", routes=[*ROUTES, Route("/healthz", healthz, methods=["GET"])],
             middleware=[Middleware(SecurityHeaders)], lifespan=server_stop.lifespan)
