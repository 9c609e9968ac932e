"""Two-step sign-in for tests that sign staff, legal or administrators in: enrol them with a
known secret through the real service, and compute the code an authenticator app would show."""

from __future__ import annotations

from datetime import datetime, timezone

import pyotp

from dispute import accounts, two_factor
from dispute.context import Context
from dispute.models import User

# A fixed secret (base32), so a test or a script can compute the codes; never used outside tests.
KNOWN_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def code_at(when: datetime, secret: str = KNOWN_SECRET, steps_ahead: int = 0) -> str:
    """The code for `when`, or for a later time step (accepted: the portal allows one step of
    clock drift, and a step already used is refused, so a second sign-in in the same 30 s
    needs the next one)."""
    return pyotp.TOTP(secret).at(when.timestamp() + 30 * steps_ahead)


def code_now(secret: str = KNOWN_SECRET, steps_ahead: int = 1) -> str:
    """The code for the next time step by the real clock (for a live portal)."""
    return code_at(datetime.now(timezone.utc), secret, steps_ahead)


def enrol(ctx: Context, user: User, secret: str = KNOWN_SECRET) -> list[str]:
    """Set up two-step sign-in for `user`, as the set-up form does; the recovery codes."""
    return two_factor.enrol(ctx, user, secret, code_at(ctx.now(), secret))


def ready(ctx: Context, user: User) -> User:
    """`user` as they are once signed in: staff, legal and administrators enrolled (the pages
    send an account without a second factor to its set-up first)."""
    fresh = accounts.get_user(ctx, user.id)
    if two_factor.required(fresh) and not two_factor.enrolled(fresh):
        enrol(ctx, fresh)
        fresh = accounts.get_user(ctx, user.id)
    return fresh
