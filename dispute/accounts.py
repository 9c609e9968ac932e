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
from dispute.db import UnitOfWork
from dispute.errors import Forbidden, InvalidInput, UserError
from dispute.i18n import LANGUAGES, N_
from dispute.models import NewAccount, PasswordChange, Registration, User
from dispute.pii import USER_COLUMNS, name_index, seal_text
from dispute.validation import parse
from dispute.vocab import Role

_hasher = PasswordHasher()
# Verifying against this when the email is unknown keeps the timing of both failures alike.
_DUMMY_HASH = _hasher.hash("not a real password")

USERS_SQL = f"SELECT {USER_COLUMNS} FROM users "  # names and phones opened
BAD_LOGIN = N_("The email or password is not correct.")
LOCKED = N_("Too many failed attempts with this email. Try again in {minutes} min.")
DISABLED = N_("This account is disabled; ask an administrator.")
_TIMES = ("created_at", "sessions_valid_from")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def user_from_row(row: dict[str, Any]) -> User:
    return User(**{k: row[k] for k in User.model_fields if k not in _TIMES},
                **{k: events.as_utc(row[k]) for k in _TIMES})


def _insert(ctx: Context, uow: UnitOfWork, data: Registration, role: Role, actor: User | None,
            language: str | None) -> User:
    if uow.execute("SELECT 1 FROM users WHERE email = ?", (data.email,)).first():
        raise UserError(N_("An account with this email already exists."))
    now = ctx.now()
    user_id = uuid.uuid4()
    keys = ctx.keys
    uow.execute("INSERT INTO users (id, email, name, phone, role, password_hash, language, "
                "disabled, created_at, name_idx) VALUES (?, ?, ?, ?, ?, ?, ?, false, ?, ?)",
                (user_id, data.email, seal_text(keys, data.name, "users", "name"),
                 seal_text(keys, data.phone, "users", "phone"), role.value,
                 hash_password(data.password), language, events.utc_naive(now),
                 name_index(keys, data.name)))
    events.append(uow, kind=ek.ACCOUNT_CREATED, at=now, actor_id=actor.id if actor else user_id,
                  payload={"user": str(user_id), "role": role.value})
    return user_from_row(uow.execute(USERS_SQL + "WHERE id = ?", (user_id,)).first())


def register(ctx: Context, form: dict[str, Any], language: str | None = None) -> User:
    """A borrower signs themselves up."""
    data = parse(Registration, form)
    return ctx.db.write(lambda uow: _insert(ctx, uow, data, Role.BORROWER, None, language))


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
        if uow.execute("SELECT count(*) FROM users").scalar():
            raise Forbidden(N_("Set-up is already done: log in instead."))
        return _insert(ctx, uow, reg, Role.ADMIN, None, None)

    return ctx.db.write(write)


def needs_setup(ctx: Context) -> bool:
    return not ctx.db.query("SELECT count(*) FROM users").scalar()


def _password_ok(stored_hash: str | None, password: str) -> bool:
    """Verify against the stored hash, or against a dummy one so both cases take as long."""
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def _attempt(email: str, user_id: uuid.UUID | None) -> dict[str, Any]:
    """Whose login failed, as the events record it: the account and its email; for an email
    that belongs to no account, neither. People type their password into the email field, and
    a password may well contain "@", so what was typed is kept only when it is an account's
    email (`user_id` is given only for an account found by that email)."""
    if user_id is None:
        return {"user": None, "email": None}
    return {"user": str(user_id), "email": lockout.key(email)}


def _refused(ctx: Context, email: str, user_id: uuid.UUID | None, reason: str) -> None:
    """Record a refused login that does not count towards the lock (locked, disabled)."""
    ctx.db.write(lambda uow: events.append(uow, kind=ek.LOGIN_FAILED, at=ctx.now(), actor_id=None,
                                           payload={**_attempt(email, user_id), "reason": reason}))


def _count_failure(ctx: Context, email: str, user_id: uuid.UUID | None, reason: str) -> None:
    """Count one wrong password and record it; raise LOCKED when it was the one that locked."""
    now = ctx.now()
    who = _attempt(email, user_id)

    def write(uow: UnitOfWork) -> lockout.Throttle:
        state = lockout.after_failure(lockout.load(uow.execute, email, now), now)
        lockout.save(uow, email, state, now)
        events.append(uow, kind=ek.LOGIN_FAILED, at=now, actor_id=None,
                      payload={**who, "reason": reason})
        if lockout.is_locked(state, now):
            events.append(uow, kind=ek.LOGIN_LOCKED, at=now, actor_id=None,
                          payload={**who, "until": state.locked_until.isoformat()})
        return state

    state = ctx.db.write(write)
    if lockout.is_locked(state, now):
        raise UserError(LOCKED, minutes=lockout.minutes_left(state, now))


def authenticate(ctx: Context, email: str, password: str) -> User:
    """The user for these credentials, or a UserError that says the same for unknown emails.

    A locked email is refused without checking the password, known or not."""
    now = ctx.now()
    row = ctx.db.query(USERS_SQL + "WHERE email = ?", (lockout.key(email),)).first()
    user_id = row["id"] if row else None
    state = lockout.load(ctx.db.query, email, now)
    if lockout.is_locked(state, now):
        _refused(ctx, email, user_id, "locked")
        raise UserError(LOCKED, minutes=lockout.minutes_left(state, now))
    if not _password_ok(row["password_hash"] if row else None, password):
        _count_failure(ctx, email, user_id, "password" if row else "unknown")
        raise UserError(BAD_LOGIN)
    if row["disabled"]:
        _refused(ctx, email, user_id, "disabled")
        raise UserError(DISABLED)

    def signed_in(uow: UnitOfWork) -> None:
        lockout.clear(uow, email)
        events.append(uow, kind=ek.LOGGED_IN, at=now, actor_id=user_id,
                      payload={"user": str(user_id)})

    ctx.db.write(signed_in)
    return user_from_row(row)


def change_password(ctx: Context, actor: User, form: dict[str, Any]) -> User:
    """The user picks a new password, proving the current one (or the temporary one after a
    reset). Their other sessions end; a wrong current password counts as a failed login."""
    data = parse(PasswordChange, form)
    row = ctx.db.query(USERS_SQL + "WHERE id = ?", (actor.id,)).first()
    if row is None or row["disabled"]:
        raise Forbidden(DISABLED)
    if not _password_ok(row["password_hash"], data.current):
        _count_failure(ctx, row["email"], actor.id, "password")
        raise InvalidInput({"current": UserError(N_("The current password is not correct."))})
    now = ctx.now()

    def write(uow: UnitOfWork) -> User:
        uow.execute("UPDATE users SET password_hash = ?, must_change_password = false, "
                    "sessions_valid_from = ? WHERE id = ?",
                    (hash_password(data.new), events.utc_naive(now), actor.id))
        events.append(uow, kind=ek.PASSWORD_CHANGED, at=now, actor_id=actor.id,
                      payload={"user": str(actor.id), "forced": bool(row["must_change_password"])})
        return user_from_row(uow.execute(USERS_SQL + "WHERE id = ?", (actor.id,)).first())

    return ctx.db.write(write)


def record_logout(ctx: Context, user_id: uuid.UUID, reason: str) -> None:
    """A session ended: by the user, by idling, or because the account was disabled or reset."""
    ctx.db.write(lambda uow: events.append(uow, kind=ek.LOGGED_OUT, at=ctx.now(), actor_id=user_id,
                                           payload={"user": str(user_id), "reason": reason}))


def get_user(ctx: Context, user_id: uuid.UUID) -> User | None:
    row = ctx.db.query(USERS_SQL + "WHERE id = ?", (user_id,)).first()
    return user_from_row(row) if row else None


def set_language(ctx: Context, actor: User, language: str) -> None:
    """Remember the user's language choice."""
    if language not in LANGUAGES:
        raise UserError(N_("Unknown language."))
    ctx.db.write(lambda uow: uow.execute("UPDATE users SET language = ? WHERE id = ?",
                                         (language, actor.id)))


def list_accounts(ctx: Context, actor: User, *, limit: int = 50, offset: int = 0) -> list[User]:
    if actor.role != Role.ADMIN:
        raise Forbidden(N_("Only an administrator can list accounts."))
    rows = ctx.db.query(USERS_SQL + "ORDER BY created_at, email LIMIT ? OFFSET ?",
                        (limit, offset))
    return [user_from_row(r) for r in rows]


def count_accounts(ctx: Context) -> int:
    return ctx.db.query("SELECT count(*) FROM users").scalar()
