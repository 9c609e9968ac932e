"""Accounts: registration, login, password changes, accounts made by an admin or the CLI.

Passwords are stored as argon2id hashes (argon2-cffi's defaults follow RFC 9106). A failed login
says the same thing, after the same work, whether or not the email exists: an unknown email is
checked against a dummy hash and throttled like a known one (dispute/lockout.py). Every login,
failed login, lockout, logout and password change is an event.
"""

from __future__ import annotations

import uuid
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from dispute import event_kinds as ek
from dispute import events, lockout
from dispute.context import Context
from dispute.storage import UnitOfWork, users, web_sessions
from dispute.errors import Forbidden, InvalidInput, UserError
from dispute.i18n import LANGUAGES, N_
from dispute.models import NewAccount, PasswordChange, Registration, User
from dispute.validation import parse
from dispute.vocab import Role

_hasher = PasswordHasher()
# Verifying against this when the email is unknown keeps the timing of both failures alike.
_DUMMY_HASH = _hasher.hash("not a real password")

BAD_LOGIN = N_("The email or password is not correct.")
LOCKED = N_("Too many failed attempts with this email. Try again in {minutes} min.")
DISABLED = N_("This account is disabled; ask an administrator.")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def user_from_row(row: dict[str, Any]) -> User:
    return User(**{k: row[k] for k in User.model_fields})


def _insert(ctx: Context, uow: UnitOfWork, data: Registration, role: Role, actor: User | None,
            language: str | None, verified: bool = True, password_hash: str | None = None
            ) -> User:
    """A new account. `verified`: its email counts as confirmed (made by an administrator or
    the command line, who vouch for it); a borrower's own registration is not."""
    if users.email_taken(uow, data.email):
        raise UserError(N_("An account with this email already exists."))
    now = ctx.now()
    user_id = uuid.uuid4()
    users.insert(uow, user_id=user_id, email=data.email, name=data.name, phone=data.phone,
                 role=role.value, password_hash=password_hash or hash_password(data.password),
                 language=language, created_at=now)
    if verified:
        users.update(uow, user_id, email_verified_at=now)
    events.append(uow, kind=ek.ACCOUNT_CREATED, at=now, actor_id=actor.id if actor else user_id,
                  payload={"user": str(user_id), "role": role.value})
    return user_from_row(users.by_id(uow, user_id))


def register(ctx: Context, form: dict[str, Any], language: str | None = None) -> User:
    """A borrower signs themselves up."""
    data = parse(Registration, form)
    return ctx.db.write(lambda uow: _insert(ctx, uow, data, Role.BORROWER, None, language,
                                            verified=False))


def create_account(ctx: Context, actor: User | None, form: dict[str, Any]) -> User:
    """An admin (or the CLI, actor None) creates an account of any role."""
    if actor is not None and actor.role != Role.ADMIN:
        raise Forbidden(N_("Only an administrator can create accounts."))
    data = parse(NewAccount, form)
    reg = Registration(name=data.name, email=data.email, phone=data.phone, password=data.password)
    return ctx.db.write(lambda uow: _insert(ctx, uow, reg, data.role, actor, None))


def create_first_admin(ctx: Context, form: dict[str, Any]) -> User:
    """First-run set-up: allowed only while no account exists, checked inside the write."""
    data = parse(NewAccount, {**form, "role": Role.ADMIN.value})
    reg = Registration(name=data.name, email=data.email, phone=data.phone, password=data.password)

    def write(uow: UnitOfWork) -> User:
        if users.count(uow):
            raise Forbidden(N_("Set-up is already done: log in instead."))
        return _insert(ctx, uow, reg, Role.ADMIN, None, None)

    return ctx.db.write(write)


def needs_setup(ctx: Context) -> bool:
    return not ctx.db.read(users.count)


def _password_ok(stored_hash: str | None, password: str) -> bool:
    """Verify against the stored hash, or against a dummy one so both cases take as long."""
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def password_matches(row: dict[str, Any], password: str) -> bool:
    """Does `password` open this account (a `users` row)? For confirmations by services other
    than sign-in (dispute/two_factor.py); they count and throttle the attempt themselves."""
    return not row["disabled"] and _password_ok(row["password_hash"], password or "")


def _attempt(email: str, user_id: uuid.UUID | None) -> dict[str, Any]:
    """Whose login failed, as the events record it: the account (`user_id`, given only for an
    account found by that email), never what was typed. People type their password into the
    email field, and a password may well contain "@"; and an account's email must not be in an
    event, which is never rewritten, or erasing the person would leave it readable (the audit
    page shows the account's email beside the event)."""
    return {"user": None if user_id is None else str(user_id)}


def _reserve_attempt(ctx: Context, email: str, user_id: uuid.UUID | None) -> lockout.Throttle:
    """Check the lock and count this attempt in one write (one step per email, so parallel
    guesses cannot all pass the check before any is counted). The state with this attempt
    counted; raise LOCKED, recorded, when the email is locked: the password is then not checked."""
    now = ctx.now()

    def write(uow: UnitOfWork) -> tuple[lockout.Throttle, bool]:
        state = lockout.load(uow, email, now)
        counted = lockout.attempt(state, now)
        if counted is None:
            events.append(uow, kind=ek.LOGIN_FAILED, at=now, actor_id=None,
                          payload={**_attempt(email, user_id), "reason": "locked"})
            return state, False
        lockout.save(uow, email, counted, now)
        return counted, True

    state, allowed = ctx.db.write(write)
    if not allowed:
        raise UserError(LOCKED, minutes=lockout.minutes_left(state, now))
    return state


def _record_failure(ctx: Context, email: str, user_id: uuid.UUID | None, reason: str,
                    counted: lockout.Throttle) -> None:
    """Record a wrong password (already counted by `_reserve_attempt`); raise LOCKED when it was
    the one that locked."""
    now = ctx.now()
    who = _attempt(email, user_id)

    def write(uow: UnitOfWork) -> None:
        events.append(uow, kind=ek.LOGIN_FAILED, at=now, actor_id=None,
                      payload={**who, "reason": reason})
        if lockout.is_locked(counted, now):
            events.append(uow, kind=ek.LOGIN_LOCKED, at=now, actor_id=None,
                          payload={**who, "until": counted.locked_until.isoformat()})

    ctx.db.write(write)
    if lockout.is_locked(counted, now):
        raise UserError(LOCKED, minutes=lockout.minutes_left(counted, now))


def authenticate(ctx: Context, email: str, password: str) -> User:
    """The user for these credentials, or a UserError that says the same for unknown emails.

    A locked email is refused without checking the password, known or not. For an account with
    two-step sign-in this is only the first step: the session must not begin before
    `two_factor.sign_in_code` accepts a code (which records the LoggedIn event)."""
    now = ctx.now()
    row = ctx.db.read(users.by_email, lockout.key(email))
    user_id = row["id"] if row else None
    counted = _reserve_attempt(ctx, email, user_id)
    if not _password_ok(row["password_hash"] if row else None, password):
        _record_failure(ctx, email, user_id, "password" if row else "unknown", counted)
        raise UserError(BAD_LOGIN)

    def proven(uow: UnitOfWork) -> None:
        lockout.clear(uow, email)  # the password was right: the attempt was no failure
        if row["disabled"]:
            events.append(uow, kind=ek.LOGIN_FAILED, at=now, actor_id=None,
                          payload={**_attempt(email, user_id), "reason": "disabled"})
        elif row["totp_enrolled_at"] is None:  # else the code step signs in and records it
            events.append(uow, kind=ek.LOGGED_IN, at=now, actor_id=user_id,
                          payload={"user": str(user_id)})

    ctx.db.write(proven)
    if row["disabled"]:
        raise UserError(DISABLED)
    return user_from_row(row)


def change_password(ctx: Context, actor: User, form: dict[str, Any],
                    keep_session: str | None = None) -> User:
    """The user picks a new password, proving the current one (or the temporary one after a
    reset). Their other sessions end; the one it was changed in (`keep_session`, the id of a
    dispute/session_store.py session) goes on. A wrong current password counts as a failed
    login."""
    data = parse(PasswordChange, form)
    row = ctx.db.read(users.by_id, actor.id)
    if row is None or row["disabled"]:
        raise Forbidden(DISABLED)
    counted = _reserve_attempt(ctx, row["email"], actor.id)  # throttled like a login
    if not _password_ok(row["password_hash"], data.current):
        _record_failure(ctx, row["email"], actor.id, "password", counted)
        raise InvalidInput({"current": UserError(N_("The current password is not correct."))})
    now = ctx.now()

    def write(uow: UnitOfWork) -> User:
        lockout.clear(uow, row["email"])
        users.update(uow, actor.id, password_hash=hash_password(data.new),
                     must_change_password=False, sessions_valid_from=now)
        if keep_session is not None:
            kept = web_sessions.by_id(uow, keep_session)
            if kept is not None and kept["user_id"] == actor.id:
                web_sessions.renew(uow, keep_session, now)
        events.append(uow, kind=ek.PASSWORD_CHANGED, at=now, actor_id=actor.id,
                      payload={"user": str(actor.id), "forced": bool(row["must_change_password"])})
        return user_from_row(users.by_id(uow, actor.id))

    return ctx.db.write(write)


def record_logout(ctx: Context, user_id: uuid.UUID, reason: str) -> None:
    """A session ended: by the user, by idling, or because the account was disabled or reset."""
    ctx.db.write(lambda uow: events.append(uow, kind=ek.LOGGED_OUT, at=ctx.now(), actor_id=user_id,
                                           payload={"user": str(user_id), "reason": reason}))


def get_user(ctx: Context, user_id: uuid.UUID) -> User | None:
    row = ctx.db.read(users.by_id, user_id)
    return user_from_row(row) if row else None


def set_language(ctx: Context, actor: User, language: str) -> None:
    """Remember the user's language choice."""
    if language not in LANGUAGES:
        raise UserError(N_("Unknown language."))
    ctx.db.write(users.update, actor.id, language=language)


def list_accounts(ctx: Context, actor: User, *, limit: int = 50, offset: int = 0,
                  search: str = "") -> list[User]:
    """A page of accounts, oldest first; with `search`, those whose whole email or whole name it
    is (both are sealed: found through their blind indexes, so never by a part)."""
    if actor.role != Role.ADMIN:
        raise Forbidden(N_("Only an administrator can list accounts."))
    return [user_from_row(r) for r in ctx.db.read(users.page, limit, offset, search)]


def count_matching_accounts(ctx: Context, actor: User, search: str = "") -> int:
    """How many accounts `list_accounts` pages through for this search."""
    if actor.role != Role.ADMIN:
        raise Forbidden(N_("Only an administrator can list accounts."))
    return ctx.db.read(users.count_matching, search)


def count_accounts(ctx: Context) -> int:
    return ctx.db.read(users.count)
