"""Links in emails: to a dispute (the page the recipient's role opens), to the inbox, to the
single-use account pages, and a signed link that turns off one kind of email for one user.

The unsubscribe link needs no login (people click it from the email) and no stored state: it
carries the user, the kind and an HMAC under a key derived from the data key, so nobody can
forge one for someone else. Verified against every key of the keyring (keys rotate)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import urlencode
from uuid import UUID

from dispute.keys import Keyring

_PURPOSE = b"unsubscribe-link"


def dispute_url(base_url: str, role: str, number: str) -> str:
    page = "dispute" if role == "borrower" else "workspace"
    return f"{base_url}/{page}?{urlencode({'number': number})}"


def inbox_url(base_url: str) -> str:
    return f"{base_url}/inbox"


def account_url(base_url: str) -> str:
    return f"{base_url}/account"


def token_url(base_url: str, page: str, token: str) -> str:
    """`verify_email` or `reset_password`, with its single-use token."""
    return f"{base_url}/{page}?{urlencode({'token': token})}"


def _mac(secret: bytes, user_id: UUID, kind: str) -> str:
    digest = hmac.new(secret, f"{user_id}|{kind}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode("ascii")


def _portal(keys) -> Keyring:
    """The portal's keyring, whether given it or the sealing keys that wrap with it."""
    return getattr(keys, "portal", keys)


def unsubscribe_token(keys: Keyring, user_id: UUID, kind: str) -> str:
    keys = _portal(keys)
    return f"{user_id}.{kind}.{_mac(keys.current.subkey(_PURPOSE), user_id, kind)}"


def read_unsubscribe_token(keys: Keyring, token: str) -> tuple[UUID, str] | None:
    """(user, kind) of a genuine token, else None."""
    keys = _portal(keys)
    try:
        user_text, kind, mac = token.split(".")
        user_id = UUID(user_text)
    except ValueError:
        return None
    for key in keys.keys:
        if hmac.compare_digest(_mac(key.subkey(_PURPOSE), user_id, kind), mac):
            return user_id, kind
    return None


def unsubscribe_url(base_url: str, keys: Keyring, user_id: UUID, kind: str) -> str:
    return f"{base_url}/unsubscribe?{urlencode({'t': unsubscribe_token(keys, user_id, kind)})}"
