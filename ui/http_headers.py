"""Security headers on every HTTP response of the portal's server (ASGI middleware, see app.py).

- X-Frame-Options: DENY and Content-Security-Policy: frame-ancestors 'none': no other site may
  show the portal in a frame, so a page elsewhere cannot lay invisible buttons over it
  (clickjacking). The portal frames nothing of its own (no components, no embedded pages).
- X-Content-Type-Options: nosniff: browsers use the type the server states, never a guess from
  the bytes.
- Referrer-Policy: no-referrer: the address of a portal page (it names the dispute) is not sent to
  any other site.

WebSocket traffic (Streamlit's session) is passed through untouched.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SECURITY_HEADERS: Final[Mapping[str, str]] = MappingProxyType({
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
})


class SecurityHeaders:
    """Sets SECURITY_HEADERS on every HTTP response, replacing any value already there."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)
