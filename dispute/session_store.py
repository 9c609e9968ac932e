"""Signed-in sessions kept on the server, so a reload or a new tab of the same browser stays
signed in (the web layer holds only an opaque id and an HttpOnly cookie).

How a browser gets its cookie: a Streamlit script cannot set cookies, so `start` (at sign-in)
returns a one-time hand-over token, valid for HANDOVER_TTL; the page sends the browser to
`/auth/session?token=…` (ui/auth_routes.py), which trades it with `hand_over` for the cookie's
token and sets the cookie. Only hashes of both tokens are stored: a copy of the table signs
nobody in. `resume` finds the session of a cookie; `check`, on every request, applies the rules
of dispute/sessions.py (idle expiry, a disabled account, a password reset or changed elsewhere)
to the stored session and ends it there, once, with a LoggedOut event.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from dispute import accounts, events, sessions
from dispute import event_kinds as ek
from dispute.context import Context
from dispute.models import User
from dispute.storage import UnitOfWork, users, web_sessions

HANDOVER_TTL = timedelta(minutes=2)
TOUCH_EVERY = timedelta(seconds=30)   # last_seen_at is written at most this often
KEEP_ENDED = timedelta(days=30)       # ended or long-idle rows are deleted after this


def _sha256(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Started:
    session_id: str
    handover: str  # the one-time token for /auth/session


@dataclass(frozen=True)
class Checked:
    user: User | None
    ended: sessions.EndReason | None  # why it ended, when `user` is None because it did


def start(ctx: Context, user: User) -> Started:
    """A new session for a user who just proved who they are."""
    now = ctx.now()
    started = Started(secrets.token_urlsafe(24), secrets.token_urlsafe(32))

    def write(uow: UnitOfWork) -> None:
        web_sessions.forget_before(uow, now - KEEP_ENDED)
        web_sessions.insert(uow, session_id=started.session_id, user_id=user.id,
                            handover_sha256=_sha256(started.handover),
                            handover_until=now + HANDOVER_TTL, now=now)

    ctx.db.write(write)
    return started


def hand_over(ctx: Context, handover: str) -> str | None:
    """The cookie token for a live session's unused, unexpired hand-over token, or None. The
    hand-over token works once."""
    if not handover:
        return None
    now = ctx.now()
    token = secrets.token_urlsafe(32)

    def write(uow: UnitOfWork) -> bool:
        row = web_sessions.live_by_handover(uow, _sha256(handover), now)
        if row is None:
            return False
        web_sessions.set_token(uow, row["id"], _sha256(token))
        return True

    return token if ctx.db.write(write) else None


def resume(ctx: Context, cookie_token: str | None) -> str | None:
    """The id of the live session this cookie belongs to, or None."""
    if not cookie_token:
        return None
    row = ctx.db.read(web_sessions.live_by_token, _sha256(cookie_token))
    return row["id"] if row else None


def check(ctx: Context, session_id: str) -> Checked:
    """The session's user, this request counting as activity; or why the session has ended
    (ending it now when one of the rules says so)."""
    now = ctx.now()
    idle = timedelta(minutes=ctx.settings.session_idle_minutes)

    def look(uow: UnitOfWork, writing: bool) -> Checked | None:
        """The answer, or None when it needs a write (ending the session, or counting this
        request as activity) and this is the read."""
        row = web_sessions.by_id(uow, session_id)
        if row is None:
            return Checked(None, sessions.EndReason.LOGOUT)
        if row["ended_at"] is not None:
            return Checked(None, sessions.EndReason(row["end_reason"]))
        found = users.by_id(uow, row["user_id"])
        user = accounts.user_from_row(found) if found else None
        reason = sessions.end_reason(user, row["created_at"], row["last_seen_at"], now, idle)
        stale = now - row["last_seen_at"] >= TOUCH_EVERY
        if not writing:
            return None if reason is not None or stale else Checked(user, None)
        if reason is not None:
            _end(uow, row, now, reason)
            return Checked(None, reason)
        if stale:
            web_sessions.touch(uow, session_id, now)
        return Checked(user, None)

    # Most runs change nothing (activity is written at most every TOUCH_EVERY): a read answers
    # them without a write transaction; the write looks again, since the row may have changed.
    return ctx.db.read(look, False) or ctx.db.write(lambda uow: look(uow, True))


def end(ctx: Context, session_id: str,
        reason: sessions.EndReason = sessions.EndReason.LOGOUT) -> None:
    """Log out (or end for `reason`); a session that has already ended stays as it was."""
    now = ctx.now()

    def write(uow: UnitOfWork) -> None:
        row = web_sessions.by_id(uow, session_id)
        if row is not None:
            _end(uow, row, now, reason)

    ctx.db.write(write)


def _end(uow: UnitOfWork, row: dict, now, reason: sessions.EndReason) -> None:
    if web_sessions.end(uow, row["id"], now, reason.value):
        events.append(uow, kind=ek.LOGGED_OUT, at=now, actor_id=row["user_id"],
                      payload={"user": str(row["user_id"]), "reason": reason.value})


def live_sessions(ctx: Context, user_id: UUID) -> int:
    """How many sessions of this user have not ended (for tests and the CLI)."""
    return ctx.db.read(web_sessions.live_count, user_id)
