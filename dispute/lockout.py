"""Login throttling: after 5 failed logins an email is locked for 15 minutes.

Keyed by the email as typed, whether or not an account has it: an unknown email gets the same
answers as a known one, so the login form never tells who has an account. The rules are pure
functions of (state, now); the table access is the thin part at the bottom.

An attempt is counted *before* the password is checked, in the same write that reads the lock
(`attempt`): checking and counting are one step per email, so parallel guesses cannot all pass
the check before any of them is counted. A right password then clears the count.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from dispute.storage import UnitOfWork, throttle

MAX_FAILURES = 5
LOCK_FOR = timedelta(minutes=15)
# A count untouched this long starts again from zero (an old typo now and then never locks).
FORGET_AFTER = timedelta(days=1)
MAX_EMAIL_LENGTH = 320  # longer input is cut before it is stored


@dataclass(frozen=True)
class Throttle:
    failures: int = 0
    locked_until: datetime | None = None


def is_locked(state: Throttle, now: datetime) -> bool:
    return state.locked_until is not None and now < state.locked_until


def after_failure(state: Throttle, now: datetime) -> Throttle:
    """The state after one more failure: the fifth in a row locks and starts the count anew. A
    failure while locked changes nothing (it must never lift or shorten the lock)."""
    if is_locked(state, now):
        return state
    failures = (0 if state.locked_until is not None and not is_locked(state, now)
                else state.failures) + 1
    if failures >= MAX_FAILURES:
        return Throttle(0, now + LOCK_FOR)
    return Throttle(failures, None)


def attempt(state: Throttle, now: datetime) -> Throttle | None:
    """The state with this attempt counted as a failure until it proves otherwise, or None when
    the email is locked and the password must not be checked at all."""
    return None if is_locked(state, now) else after_failure(state, now)


def minutes_left(state: Throttle, now: datetime) -> int:
    """Whole minutes until the lock ends, rounded up (what the login form tells the user)."""
    seconds = (state.locked_until - now).total_seconds() if state.locked_until else 0
    return max(1, -(-int(seconds) // 60))


def key(email: str) -> str:
    """The email as accounts store it (trimmed, lower case)."""
    return email.strip().lower()[:MAX_EMAIL_LENGTH]


def _row_key(email: str) -> str:
    # Hashed: what people type into the email field is sometimes their password.
    return hashlib.sha256(key(email).encode("utf-8")).hexdigest()


def load(tx, email: str, now: datetime) -> Throttle:
    """The state of `email`, read in the session `tx` (inside a write, to count atomically)."""
    row = throttle.load(tx, _row_key(email))
    if row is None or row["updated_at"] < now - FORGET_AFTER:
        return Throttle()
    return Throttle(row["failures"], row["locked_until"])


def save(uow: UnitOfWork, email: str, state: Throttle, now: datetime) -> None:
    """Store the state, and forget counts nobody has touched for a day (keeps the table small)."""
    throttle.save(uow, _row_key(email), state.failures, state.locked_until, now,
                  now - FORGET_AFTER)


def clear(uow: UnitOfWork, email: str) -> None:
    throttle.clear(uow, _row_key(email))
