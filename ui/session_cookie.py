"""The session cookie's name and the page's part of getting it (see ui/auth_routes.py), kept
apart so ui/session.py and the route can both use them."""

from __future__ import annotations

import json

COOKIE = "dispute_session"
HANDOVER_PATH = "auth/session"  # relative to the portal's root


def handover_script(handover: str) -> str:
    """The page's part: fetch the cookie for this one-time token, relative to the portal's root
    (every page lives at the root, /workspace, /queue, …), without leaving the page."""
    url = json.dumps(f"{HANDOVER_PATH}?token={handover}")
    return ("<script>fetch(new URL(" + url + ", document.baseURI), "
            "{credentials: 'same-origin', cache: 'no-store'});</script>")
