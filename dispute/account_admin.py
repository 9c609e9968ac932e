"""What an administrator does to accounts: disable and enable, reset a password, change a role.

Two rules keep the portal manageable: an administrator never disables themself, and the last
active administrator stays one. Both are checked inside the write, against the stored accounts
(the acting administrator too, in case they were disabled meanwhile), so two changes in this
process cannot together remove the last administrator. Each change is an event.
"""

from __future__ import annotations

import secrets
from uuid import UUID

from dispute import accounts, events, lockout
from dispute import event_kinds as ek
from dispute.access import require_role
from dispute.context import Context
from dispute.storage import UnitOfWork, users
from dispute.errors import Forbidden, NotFound, UserError
from dispute.i18n import N_
from dispute.models import User
from dispute.vocab import Role

# No 0/O, 1/l/I: the administrator reads it out or copies it by hand.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
LAST_ADMIN = N_("This is the last active administrator; make another administrator first.")


def temporary_password() -> str:
    """16 random characters in groups of four (about 79 bits), e.g. `k7m2-q9xp-4hta-wn3e`."""
    chars = "".join(secrets.choice(_ALPHABET) for _ in range(16))
    return "-".join(chars[i:i + 4] for i in range(0, 16, 4))


def _target(uow: UnitOfWork, actor: User, user_id: UUID, self_message: str | None) -> dict:
    """The account to change, after checking that `actor` is still an active administrator."""
    require_role(actor, Role.ADMIN)
    me = users.role_and_disabled(uow, actor.id)
    if me is None or me["disabled"] or me["role"] != Role.ADMIN.value:
        raise Forbidden(N_("Your role may not do this."))
    if self_message and user_id == actor.id:
        raise Forbidden(self_message)
    row = users.by_id(uow, user_id)
    if row is None:
        raise NotFound(N_("No such account."))
    return row


def _keep_an_admin(uow: UnitOfWork, row: dict) -> None:
    """Refuse when `row` is the only active administrator left."""
    if row["role"] != Role.ADMIN.value or row["disabled"]:
        return
    if not users.other_active_admins(uow, row["id"]):
        raise Forbidden(LAST_ADMIN)


def set_disabled(ctx: Context, actor: User, user_id: UUID, disabled: bool) -> User:
    """Disable an account (its live session ends at its next request) or enable it again."""
    now = ctx.now()

    def write(uow: UnitOfWork) -> User:
        row = _target(uow, actor, user_id, N_("You cannot disable your own account."))
        if row["disabled"] == disabled:
            raise UserError(N_("This account is already disabled.") if disabled
                            else N_("This account is already active."))
        if disabled:
            _keep_an_admin(uow, row)
        users.update(uow, user_id, disabled=disabled)
        events.append(uow, kind=ek.ACCOUNT_DISABLED if disabled else ek.ACCOUNT_ENABLED, at=now,
                      actor_id=actor.id, payload={"user": str(user_id)})
        return _reread(uow, user_id)

    return ctx.db.write(write)


def change_role(ctx: Context, actor: User, user_id: UUID, role: Role | str) -> User:
    """Give an account another role; it applies from the user's next request."""
    try:
        role = Role(role)
    except ValueError:
        raise UserError(N_("Choose one of the listed options.")) from None
    now = ctx.now()

    def write(uow: UnitOfWork) -> User:
        row = _target(uow, actor, user_id, None)
        if row["role"] == role.value:
            raise UserError(N_("This account already has that role."))
        if role != Role.ADMIN:
            _keep_an_admin(uow, row)
        users.update(uow, user_id, role=role.value)
        events.append(uow, kind=ek.ROLE_CHANGED, at=now, actor_id=actor.id,
                      payload={"user": str(user_id), "from": row["role"], "to": role.value})
        return _reread(uow, user_id)

    return ctx.db.write(write)


def reset_password(ctx: Context, actor: User, user_id: UUID) -> str:
    """Set a temporary password and return it (to be shown once, never stored in clear). The
    user must pick a new one at their next login; their live sessions end, any lock is lifted."""
    password = temporary_password()
    hashed = accounts.hash_password(password)
    now = ctx.now()

    def write(uow: UnitOfWork) -> None:
        row = _target(uow, actor, user_id, N_("Change your own password under My account."))
        users.update(uow, user_id, password_hash=hashed, must_change_password=True,
                     sessions_valid_from=now)
        lockout.clear(uow, row["email"])
        events.append(uow, kind=ek.PASSWORD_RESET, at=now, actor_id=actor.id,
                      payload={"user": str(user_id)})

    ctx.db.write(write)
    return password


def _reread(uow: UnitOfWork, user_id: UUID) -> User:
    return accounts.user_from_row(users.by_id(uow, user_id))
