"""When a signed-in session must end. Pure rules; ui/session.py applies them on every request."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from dispute.models import User


class EndReason(StrEnum):
    """Why a session ended (the `reason` of a LoggedOut event)."""

    LOGOUT = "logout"
    IDLE = "idle"
    DISABLED = "disabled"
    PASSWORD_RESET = "password_reset"


def is_idle_expired(last_activity: datetime | None, now: datetime, idle_limit: timedelta) -> bool:
    """True when nothing happened for longer than the limit. No recorded activity is not expiry:
    the session has only just begun."""
    return last_activity is not None and now - last_activity > idle_limit


def end_reason(user: User | None, signed_in_at: datetime | None, last_activity: datetime | None,
               now: datetime, idle_limit: timedelta) -> EndReason | None:
    """Why this session must end now, or None while it may go on.

    `user` is the account re-read for this request (None when it no longer exists)."""
    if user is None or user.disabled:
        return EndReason.DISABLED
    if (user.sessions_valid_from is not None and signed_in_at is not None
            and signed_in_at < user.sessions_valid_from):
        return EndReason.PASSWORD_RESET
    if is_idle_expired(last_activity, now, idle_limit):
        return EndReason.IDLE
    return None
