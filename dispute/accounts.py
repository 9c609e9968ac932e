"""Accounts: registration, login, accounts made by an admin or the CLI.

Passwords are stored as argon2id hashes (argon2-cffi's defaults follow RFC 9106). A failed login
says the same thing whether or not the email exists.
"""

from __future__ import annotations

import uuid
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from dispute import events
from dispute.context import Context
from dispute.db import UnitOfWork
from dispute.errors import Forbidden, UserError
from dispute.i18n import LANGUAGES, N_
from dispute.models import NewAccount, Registration, User
from dispute.validation import parse
from dispute.vocab import Role

_hasher = PasswordHasher()
# Verifying against this when the email is unknown keeps the timing of both failures alike.
_DUMMY_HASH = _hasher.hash("not a real password")

BAD_LOGIN = N_("The email or password is not correct.")


def _user(row: dict[str, Any]) -> User:
    return User(**{k: row[k] for k in User.model_fields if k != "created_at"},
                created_at=events.as_utc(row["created_at"]))


def _insert(ctx: Context, uow: UnitOfWork, data: Registration, role: Role, actor: User | None,
            language: str | None) -> User:
    if uow.execute("SELECT 1 FROM users WHERE email = ?", (data.email,)).first():
        raise UserError(N_("An account with this email already exists."))
    now = ctx.now()
    user_id = uuid.uuid4()
    uow.execute("INSERT INTO users (id, email, name, phone, role, password_hash, language, "
                "disabled, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, false, ?)",
                (user_id, data.email, data.name, data.phone, role.value,
                 _hasher.hash(data.password), language, events.utc_naive(now)))
    events.append(uow, kind="AccountCreated", at=now, actor_id=actor.id if actor else user_id,
                  payload={"user": str(user_id), "role": role.value})
    return _user(uow.execute("SELECT * FROM users WHERE id = ?", (user_id,)).first())


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


def authenticate(ctx: Context, email: str, password: str) -> User:
    """The user for these credentials, or UserError(BAD_LOGIN)."""
    row = ctx.db.query("SELECT * FROM users WHERE email = ?", (email.strip().lower(),)).first()
    try:
        _hasher.verify(row["password_hash"] if row else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        raise UserError(BAD_LOGIN) from None
    if row is None:
        raise UserError(BAD_LOGIN)
    if row["disabled"]:
        raise UserError(N_("This account is disabled; ask an administrator."))
    return _user(row)


def get_user(ctx: Context, user_id: uuid.UUID) -> User | None:
    row = ctx.db.query("SELECT * FROM users WHERE id = ?", (user_id,)).first()
    return _user(row) if row else None


def set_language(ctx: Context, actor: User, language: str) -> None:
    """Remember the user's language choice."""
    if language not in LANGUAGES:
        raise UserError(N_("Unknown language."))
    ctx.db.write(lambda uow: uow.execute("UPDATE users SET language = ? WHERE id = ?",
                                         (language, actor.id)))


def list_accounts(ctx: Context, actor: User, *, limit: int = 50, offset: int = 0) -> list[User]:
    if actor.role != Role.ADMIN:
        raise Forbidden(N_("Only an administrator can list accounts."))
    rows = ctx.db.query("SELECT * FROM users ORDER BY created_at, email LIMIT ? OFFSET ?",
                        (limit, offset))
    return [_user(r) for r in rows]


def count_accounts(ctx: Context) -> int:
    return ctx.db.query("SELECT count(*) FROM users").scalar()
