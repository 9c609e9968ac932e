"""The server's own route that gives a signed-in browser its session cookie (see app.py).

A Streamlit script cannot set cookies. After a sign-in, the page has the browser fetch
`/auth/session?token=<one-time hand-over token>` in the background (`handover_script`, drawn by
portal.py; the page stays as it is, so nothing shown once is lost); this route trades the token
for the session's cookie token (dispute/session_store.py) and answers with the cookie (204, or
a redirect to `next` when one is given: the same exchange for a browser sent there). The cookie is HttpOnly (no script reads it), SameSite=Lax (other
sites' requests do not carry it, links to the portal do) and Secure whenever the portal is
reached over https: the request's scheme, an `X-Forwarded-Proto: https` from a proxy in front,
or `DISPUTE_BASE_URL` starting with https://. On plain http (a local `make run`) a Secure cookie
would be dropped by the browser, so it is sent without. It lives as long as the browser session;
the server ends it after DISPUTE_SESSION_IDLE_MINUTES without activity, at logout, and when the
account is disabled or its password reset.

`next` must be a path on this site ("/workspace?number=…"); anything else goes to "/".
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from dispute import session_store
from ui import session
from ui.session_cookie import COOKIE, HANDOVER_PATH


def safe_next(target: str | None) -> str:
    """`target` when it is a path on this site, else "/"."""
    if not target or not target.startswith("/") or target.startswith("//") \
            or "\\" in target or any(ord(c) < 32 for c in target):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    return target


def is_secure(request: Request) -> bool:
    """Whether the browser reached the portal over https (see the module's docstring)."""
    if request.url.scheme == "https":
        return True
    if request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower() == "https":
        return True
    return os.environ.get("DISPUTE_BASE_URL", "").lower().startswith("https://")


async def session_handover(request: Request) -> Response:
    token = await run_in_threadpool(session_store.hand_over, session.context(),
                                    request.query_params.get("token", ""))
    if "next" in request.query_params:
        response = RedirectResponse(safe_next(request.query_params["next"]), status_code=303)
    else:
        response = Response(status_code=204)
    response.headers["Cache-Control"] = "no-store"
    if token is not None:
        response.set_cookie(COOKIE, token, path="/", httponly=True, samesite="lax",
                            secure=is_secure(request))
    return response


ROUTES = [Route("/" + HANDOVER_PATH, session_handover, methods=["GET"])]
