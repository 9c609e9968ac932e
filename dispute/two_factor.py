"""Two-factor sign-in (TOTP, RFC 6238): the code step after the password, enrolment with ten
single-use recovery codes, and an administrator's reset.

Required for staff, legal and administrators (they see every borrower's data), optional for
borrowers. Codes are throttled like passwords, through dispute/lockout.py with a key of the
account's own (`second-factor:<id>`): counted before they are checked, in one write, so
parallel guesses cannot all pass; five wrong ones lock the code step for 15 minutes. A TOTP code
is accepted once: the time step of the last accepted code is stored and only a later step
passes (a code read over a shoulder cannot be replayed within its 30 seconds). Recovery codes
are stored as argon2id hashes and marked used when one signs in.

A borrower may turn two-step sign-in off again; anyone enrolled may make ten new recovery codes
(the old ones stop working). Both are confirmed by the current password or a current code from
the app, throttled on the same counter as the code step, so neither a stolen open session nor a
guessing script can quietly weaken the account.

Every enrolment, recovery-code sign-in, turning off, new set of codes and reset is an event in
the audit log; secrets and codes never go into a payload.
"""

from __future__ import annotations

import hmac
import re
import secrets
from datetime import datetime
from typing import Callable, TypeVar
from uuid import UUID

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from dispute import event_kinds as ek
from dispute import accounts, events, lockout
from dispute.access import require_role
from dispute.accounts import user_from_row
from dispute.context import Context
from dispute.errors import Forbidden, InvalidInput, NotFound, UserError
from dispute.i18n import N_
from dispute.models import User
from dispute.storage import UnitOfWork, second_factor, users
from dispute.vocab import Role

REQUIRED_ROLES = frozenset({Role.STAFF, Role.LEGAL, Role.ADMIN})
ISSUER = "Dispute portal"
STEP_SECONDS = 30
RECOVERY_CODES = 10
# Recovery codes: 10 characters of an alphabet without look-alikes (about 49 bits each), shown
# as two groups of five. Random codes of that strength need no slow hash to resist guessing, but
# they are hashed like passwords anyway (argon2id), with a lighter cost: ten are made at once.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
T = TypeVar("T")
_code_hasher = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)

BAD_CODE = N_("That code is not correct. Type the 6 digits your authenticator app shows now, "
              "or one of your recovery codes.")
LOCKED = N_("Too many wrong codes. Try again in {minutes} min.")
WRONG_CONFIRMATION = N_("That is neither your current password nor the code your authenticator "
                        "app shows now.")
NOT_ON = N_("Two-step sign-in is not set up for this account.")
ALREADY = N_("Two-step sign-in is already set up for this account. To start again, ask an "
             "administrator to reset it.")


def required(user: User) -> bool:
    """Must this account have a second factor before it may do anything?"""
    return Role(user.role) in REQUIRED_ROLES


def enrolled(user: User) -> bool:
    return user.totp_enrolled_at is not None


def new_secret() -> str:
    """A fresh random secret (160 bits, base32), held by the enrolment form until confirmed."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, email: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def code_for(secret: str, when: datetime) -> str:
    """The code an authenticator app shows for `secret` at `when` (the demo enrols with it)."""
    return pyotp.TOTP(secret).at(when.timestamp())


def _step(now: datetime) -> int:
    return int(now.timestamp()) // STEP_SECONDS


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step (now, or one either side for clocks a little off) whose code is `code`."""
    totp = pyotp.TOTP(secret)
    here = _step(now)
    for step in (here - 1, here, here + 1):
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def _digits(code: str) -> str | None:
    """A typed TOTP code without spaces, or None when it is not 6 digits."""
    cleaned = re.sub(r"\s+", "", code or "")
    return cleaned if re.fullmatch(r"\d{6}", cleaned) else None


def _recovery_form(code: str) -> str:
    return re.sub(r"[\s-]+", "", (code or "").lower())


def new_recovery_codes() -> list[str]:
    def one() -> str:
        chars = "".join(secrets.choice(_ALPHABET) for _ in range(10))
        return f"{chars[:5]}-{chars[5:]}"
    return [one() for _ in range(RECOVERY_CODES)]


def _throttle_key(user_id: UUID) -> str:
    return f"second-factor:{user_id}"


def _reserve(ctx: Context, user: User) -> lockout.Throttle:
    """Check the code step's lock and count this attempt, in one write (as for passwords)."""
    now = ctx.now()
    key = _throttle_key(user.id)

    def write(uow: UnitOfWork) -> tuple[lockout.Throttle, bool]:
        state = lockout.load(uow, key, now)
        counted = lockout.attempt(state, now)
        if counted is None:
            events.append(uow, kind=ek.LOGIN_FAILED, at=now, actor_id=None,
                          payload={"user": str(user.id), "reason": "code_locked"})
            return state, False
        lockout.save(uow, key, counted, now)
        return counted, True

    state, allowed = ctx.db.write(write)
    if not allowed:
        raise UserError(LOCKED, minutes=lockout.minutes_left(state, now))
    return state


def _failed(ctx: Context, user: User, counted: lockout.Throttle, field: str | None,
            message: str = BAD_CODE, reason: str = "code") -> None:
    """Record a wrong code (already counted) and refuse; LOCKED when it was the one that locked."""
    now = ctx.now()
    who = {"user": str(user.id)}  # no email: events are never rewritten (erasure)

    def write(uow: UnitOfWork) -> None:
        events.append(uow, kind=ek.LOGIN_FAILED, at=now, actor_id=None,
                      payload={**who, "reason": reason})
        if lockout.is_locked(counted, now):
            events.append(uow, kind=ek.LOGIN_LOCKED, at=now, actor_id=None,
                          payload={**who, "until": counted.locked_until.isoformat()})

    ctx.db.write(write)
    if lockout.is_locked(counted, now):
        raise UserError(LOCKED, minutes=lockout.minutes_left(counted, now))
    if field:
        raise InvalidInput({field: UserError(message)})
    raise UserError(message)


def _find_recovery_code(rows: list[dict], typed: str) -> UUID | None:
    for row in rows:
        try:
            if _code_hasher.verify(row["code_hash"], typed):
                return row["id"]
        except (VerificationError, InvalidHashError):
            continue
    return None


def sign_in_code(ctx: Context, user: User, code: str) -> User:
    """The second step of signing in, for a user whose password `accounts.authenticate` just
    accepted: a TOTP code not used before, or an unused recovery code. The user, re-read, once
    it passes (a LoggedIn event records it); a UserError otherwise, and after five wrong codes
    the step is locked like a password."""
    counted = _reserve(ctx, user)
    now = ctx.now()
    state = ctx.db.read(second_factor.state, user.id)
    if state is None or state["totp_secret"] is None:
        raise Forbidden(NOT_ON)
    digits = _digits(code)
    step = _matching_step(state["totp_secret"], digits, now) if digits else None
    recovery = None
    if digits is None:
        recovery = _find_recovery_code(ctx.db.read(second_factor.unused_codes, user.id),
                                       _recovery_form(code)) if code else None

    def write(uow: UnitOfWork) -> User | None:
        fresh = second_factor.state(uow, user.id)
        if step is not None:
            if fresh["totp_last_step"] is not None and step <= fresh["totp_last_step"]:
                return None  # that code (or an earlier one) was used already
            second_factor.use_step(uow, user.id, step)
            how = "totp"
        elif recovery is not None:
            if recovery not in {r["id"] for r in second_factor.unused_codes(uow, user.id)}:
                return None  # used meanwhile by another attempt
            second_factor.use_code(uow, recovery, now)
            left = second_factor.codes_left(uow, user.id)
            events.append(uow, kind=ek.RECOVERY_CODE_USED, at=now, actor_id=user.id,
                          payload={"user": str(user.id), "left": left})
            how = "recovery_code"
        else:
            return None
        lockout.clear(uow, _throttle_key(user.id))
        events.append(uow, kind=ek.LOGGED_IN, at=now, actor_id=user.id,
                      payload={"user": str(user.id), "second_factor": how})
        return user_from_row(users.by_id(uow, user.id))

    signed = ctx.db.write(write)
    if signed is None:
        _failed(ctx, user, counted, None)
    return signed


def enrol(ctx: Context, actor: User, secret: str, code: str) -> list[str]:
    """Set up two-step sign-in for `actor` with `secret` (from `new_secret`, shown as a QR code),
    once they typed the code their app now shows for it. Returns the ten recovery codes, to
    show once; only their hashes are kept. An enrolment is an event."""
    if not re.fullmatch(r"[A-Z2-7]{16,64}", secret or ""):
        raise UserError(N_("The set-up has expired; start again."))
    row = ctx.db.read(second_factor.state, actor.id)
    if row is None:
        raise Forbidden(N_("Your role may not do this."))
    if row["totp_secret"] is not None:
        raise UserError(ALREADY)
    digits = _digits(code)
    if digits is None:
        raise InvalidInput({"code": UserError(N_("Type the 6 digits your authenticator app "
                                                  "shows."))})
    counted = _reserve(ctx, actor)
    now = ctx.now()
    step = _matching_step(secret, digits, now)
    if step is None:
        _failed(ctx, actor, counted, "code")
    codes = new_recovery_codes()
    hashes = [_code_hasher.hash(_recovery_form(c)) for c in codes]

    def write(uow: UnitOfWork) -> None:
        if second_factor.state(uow, actor.id)["totp_secret"] is not None:
            raise UserError(ALREADY)
        second_factor.enrol(uow, actor.id, secret, step, now, hashes)
        lockout.clear(uow, _throttle_key(actor.id))
        events.append(uow, kind=ek.TWO_FACTOR_ENROLLED, at=now, actor_id=actor.id,
                      payload={"user": str(actor.id)})

    ctx.db.write(write)
    return codes


def recovery_codes_left(ctx: Context, actor: User) -> int:
    """How many unused recovery codes the signed-in user has (for their account page)."""
    return ctx.db.read(second_factor.codes_left, actor.id)


def reset(ctx: Context, actor: User, user_id: UUID, reason: str) -> User:
    """An administrator removes a user's second factor (a lost phone, no recovery codes left),
    giving a reason. The user's sessions end; at their next sign-in they set it up again (staff,
    legal and administrators must). An event with the reason records it."""
    require_role(actor, Role.ADMIN)
    reason = " ".join((reason or "").split())
    if len(reason) < 5 or len(reason) > 500:
        raise InvalidInput({"reason": UserError(N_("Give the reason in 5 to 500 characters."))})
    now = ctx.now()

    def write(uow: UnitOfWork) -> User:
        me = users.role_and_disabled(uow, actor.id)
        if me is None or me["disabled"] or me["role"] != Role.ADMIN.value:
            raise Forbidden(N_("Your role may not do this."))
        row = users.by_id(uow, user_id)
        if row is None:
            raise NotFound(N_("No such account."))
        if row["totp_enrolled_at"] is None:
            raise UserError(N_("This account has no two-step sign-in to reset."))
        second_factor.clear(uow, user_id)
        lockout.clear(uow, _throttle_key(user_id))
        users.update(uow, user_id, sessions_valid_from=now)
        events.append(uow, kind=ek.TWO_FACTOR_RESET, at=now, actor_id=actor.id,
                      payload={"user": str(user_id), "reason": reason})
        return user_from_row(users.by_id(uow, user_id))

    return ctx.db.write(write)


def _confirmed(ctx: Context, actor: User, typed: str, change: Callable[[UnitOfWork], T]) -> T:
    """Run `change` once `typed` proves the actor is at the keyboard: their current password, or
    a 6-digit code of their app not used before (it then counts as used, like a sign-in's).
    Counted on the code step's throttle before it is checked; a wrong one is a failed login
    (reason "confirm") and, after five, locks the code step for 15 minutes."""
    state = ctx.db.read(second_factor.state, actor.id)
    if state is None or state["totp_secret"] is None:
        raise UserError(NOT_ON)
    counted = _reserve(ctx, actor)
    now = ctx.now()
    digits = _digits(typed)
    step = _matching_step(state["totp_secret"], digits, now) if digits else None
    password = digits is None and accounts.password_matches(ctx.db.read(users.by_id, actor.id),
                                                            typed)

    def write(uow: UnitOfWork) -> tuple[bool, T | None]:
        fresh = second_factor.state(uow, actor.id)
        if fresh["totp_secret"] is None:
            raise UserError(NOT_ON)
        if step is not None and (fresh["totp_last_step"] is None
                                 or step > fresh["totp_last_step"]):
            second_factor.use_step(uow, actor.id, step)
        elif not password:
            return False, None
        lockout.clear(uow, _throttle_key(actor.id))
        return True, change(uow)

    ok, result = ctx.db.write(write)
    if not ok:
        _failed(ctx, actor, counted, "confirm", WRONG_CONFIRMATION, "confirm")
    return result


def turn_off(ctx: Context, actor: User, confirmation: str) -> User:
    """A borrower turns their two-step sign-in off (the secret and recovery codes are deleted),
    confirming with their password or a current code. Staff, legal and administrators may not:
    their roles require it. An event records it."""
    if required(actor):
        raise Forbidden(N_("Your role requires two-step sign-in; it cannot be turned off."))
    now = ctx.now()

    def change(uow: UnitOfWork) -> User:
        second_factor.clear(uow, actor.id)
        events.append(uow, kind=ek.TWO_FACTOR_TURNED_OFF, at=now, actor_id=actor.id,
                      payload={"user": str(actor.id)})
        return user_from_row(users.by_id(uow, actor.id))

    return _confirmed(ctx, actor, confirmation, change)


def renew_recovery_codes(ctx: Context, actor: User, confirmation: str) -> list[str]:
    """Ten new recovery codes for the signed-in user, confirmed by their password or a current
    code; every earlier code, used or not, stops working. Returned to show once (only hashes
    are kept); an event records it."""
    codes = new_recovery_codes()
    hashes = [_code_hasher.hash(_recovery_form(c)) for c in codes]
    now = ctx.now()

    def change(uow: UnitOfWork) -> list[str]:
        second_factor.replace_codes(uow, actor.id, hashes)
        events.append(uow, kind=ek.RECOVERY_CODES_RENEWED, at=now, actor_id=actor.id,
                      payload={"user": str(actor.id)})
        return codes

    return _confirmed(ctx, actor, confirmation, change)
