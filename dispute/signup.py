"""Email sign-up and self-service password reset (issue 15), when a mail server is configured.

Sign-up answers the same on screen whether or not the email already has an account ("we sent a
link"): a new address gets a verification link, an address with an account gets a note saying
someone tried to register with it. So the form no longer tells who has an account (SECURITY.md).
The account can log in at once but files a dispute only once its address is confirmed.

"Forgot password" answers the same for every address; an active account gets a link valid for
30 minutes. Links are single use: only their SHA-256 is stored, spent inside the write that uses
them. Choosing a new password through one ends every session of the account and clears its
login lock. Each step is an event in the audit log.

Without a mail server none of this is possible: registration signs the borrower in at once (as
before; filing needs no confirmation then), and an administrator resets passwords.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from dispute import accounts
from dispute import event_kinds as ek
from dispute import events, lockout
from dispute.cases import NOT_VERIFIED
from dispute.config import Settings
from dispute.context import Context
from dispute.errors import Forbidden, UserError
from dispute.i18n import N_, translator
from dispute.models import NewPassword, Registration, User
from dispute.notify import compose, links, outbox
from dispute.storage import UnitOfWork, users
from dispute.storage import account_tokens as tokens
from dispute.validation import parse
from dispute.vocab import Role

VERIFY = "verify"
RESET = "reset"
VERIFY_VALID = timedelta(hours=48)
RESET_VALID = timedelta(minutes=30)
RESET_QUIET = timedelta(minutes=5)   # one reset email per account per 5 minutes at most

NEEDS_MAIL = N_("This needs a mail server, and none is configured: ask an administrator to "
                "reset your password.")
NOT_VERIFIED_TEXT = NOT_VERIFIED  # the words the filing service refuses with
LINK_BAD = N_("This link is not valid, was already used or has expired. Ask for a new one.")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _new_token(uow: UnitOfWork, user_id, purpose: str, now: datetime,
               valid: timedelta) -> str:
    token = secrets.token_urlsafe(32)
    tokens.insert(uow, token_sha256=_digest(token), user_id=user_id, purpose=purpose, now=now,
                  expires_at=now + valid)
    return token


def _closing(_) -> str:
    return _("Dispute portal — an automatic message; replies are not read.")


def _account_mail(ctx: Context, uow: UnitOfWork, *, user_id, to: str, lang: str, purpose: str,
                  link: str | None, now: datetime) -> None:
    _ = translator(lang)
    if purpose == VERIFY:
        content = compose.plain_mail(
            _("Confirm your email address"),
            [_("You registered on the dispute portal with this address."),
             _("Follow the link within 48 hours to confirm it; then you can file a dispute. "
               "The link works once."),
             _("If it was not you, ignore this email.")],
            (_("Confirm my address"), link), _closing(_))
    elif purpose == "existing":
        content = compose.plain_mail(
            _("Someone tried to register with your email address"),
            [_("Somebody tried to create an account on the dispute portal with this address, "
               "which already has one. If it was you, log in instead; if you forgot your "
               "password, use \"Forgot password?\" on the login page."),
             _("If it was not you, you need not do anything: nothing was changed.")],
            (_("Log in"), link), _closing(_))
    else:
        content = compose.plain_mail(
            _("Reset your password"),
            [_("Someone asked to reset the password of your dispute portal account."),
             _("Follow the link within 30 minutes to choose a new password. It works once, "
               "and using it logs out every session of your account."),
             _("If you did not ask for this, ignore this email: your password stays as it is.")],
            (_("Choose a new password"), link), _closing(_))
    outbox.queue_mail(uow, ctx.settings, user_id=user_id, to=to, purpose=purpose,
                      content=content, lang=lang, now=now)


def sign_up(ctx: Context, form: dict[str, Any], language: str) -> str:
    """Register with a verification email; returns the address the page names. The answer is
    the same when the address already has an account (that account gets a note instead)."""
    if not ctx.settings.mail_configured:
        raise UserError(N_("Sign-up by email needs a mail server."))
    data = parse(Registration, form)
    password_hash = accounts.hash_password(data.password)  # the same work either way
    now = ctx.now()

    def write(uow: UnitOfWork) -> None:
        existing = users.by_email(uow, data.email)
        if existing is not None:
            events.append(uow, kind=ek.SIGNUP_EXISTING, at=now, actor_id=None,
                          payload={"user": str(existing["id"])})
            if not existing["disabled"]:
                _account_mail(ctx, uow, user_id=existing["id"], to=existing["email"],
                              lang=outbox.language_of(existing), purpose="existing",
                              link=ctx.settings.base_url, now=now)
            return
        user = accounts._insert(ctx, uow, data, Role.BORROWER, None, language, verified=False,
                                password_hash=password_hash)
        token = _new_token(uow, user.id, VERIFY, now, VERIFY_VALID)
        _account_mail(ctx, uow, user_id=user.id, to=user.email, lang=language, purpose=VERIFY,
                      link=links.token_url(ctx.settings.base_url, "verify_email", token), now=now)

    ctx.db.write(write)
    ctx.wake_sender()
    return data.email


def request_verification(ctx: Context, actor: User) -> bool:
    """A new verification link for the signed-in user (the old ones stop working)."""
    if not ctx.settings.mail_configured:
        raise UserError(N_("Sign-up by email needs a mail server."))
    if actor.role != Role.BORROWER:
        raise Forbidden(N_("Only borrowers confirm their address by email."))
    if actor.email_verified_at is not None:
        raise UserError(N_("Your email address is already confirmed."))
    now = ctx.now()

    def write(uow: UnitOfWork) -> None:
        tokens.spend_all(uow, actor.id, VERIFY, now)
        token = _new_token(uow, actor.id, VERIFY, now, VERIFY_VALID)
        _account_mail(ctx, uow, user_id=actor.id, to=actor.email,
                      lang=outbox.language_of({"language": actor.language}), purpose=VERIFY,
                      link=links.token_url(ctx.settings.base_url, "verify_email", token), now=now)

    ctx.db.write(write)
    ctx.wake_sender()
    return True


def _spend(uow: UnitOfWork, token: str, purpose: str, now: datetime) -> dict[str, Any]:
    row = tokens.get(uow, _digest(token), purpose) if token else None
    if row is None or row["used_at"] is not None or row["expires_at"] <= now \
            or not tokens.use(uow, row["token_sha256"], now):
        raise UserError(LINK_BAD)
    return row


def confirm_email(ctx: Context, token: str) -> None:
    """Follow the verification link: the address is confirmed (once)."""
    now = ctx.now()

    def write(uow: UnitOfWork) -> None:
        row = _spend(uow, token, VERIFY, now)
        users.update(uow, row["user_id"], email_verified_at=now)
        events.append(uow, kind=ek.EMAIL_VERIFIED, at=now, actor_id=row["user_id"],
                      payload={"user": str(row["user_id"])})

    ctx.db.write(write)


def request_reset(ctx: Context, email: str) -> bool:
    """"Forgot password": the same answer (True) for every address; an active account gets a
    link (at most one every few minutes, so the form cannot flood a mailbox)."""
    if not ctx.settings.mail_configured:
        raise UserError(NEEDS_MAIL)
    if "@" not in email or len(email) > 320:
        raise UserError(N_("Enter the email address of your account."))
    address = lockout.key(email)
    now = ctx.now()

    def write(uow: UnitOfWork) -> None:
        row = users.by_email(uow, address)
        if row is None or row["disabled"]:
            return
        recent = tokens.latest_open(uow, row["id"], RESET, now)
        send = recent is None or now - recent >= RESET_QUIET
        events.append(uow, kind=ek.RESET_REQUESTED, at=now, actor_id=None,
                      payload={"user": str(row["id"]), "sent": send})
        if send:
            token = _new_token(uow, row["id"], RESET, now, RESET_VALID)
            _account_mail(ctx, uow, user_id=row["id"], to=row["email"],
                          lang=outbox.language_of(row), purpose=RESET,
                          link=links.token_url(ctx.settings.base_url, "reset_password", token),
                          now=now)

    ctx.db.write(write)
    ctx.wake_sender()
    return True


def reset_link_valid(ctx: Context, token: str) -> bool:
    """Whether the page should offer the new-password form for this link."""
    row = ctx.db.read(tokens.get, _digest(token), RESET) if token else None
    return row is not None and row["used_at"] is None and row["expires_at"] > ctx.now()


def reset_password(ctx: Context, token: str, form: dict[str, Any]) -> bool:
    """Choose a new password through the link: the link is spent, every session of the account
    ends (a stolen session does not survive a reset), the login lock is cleared."""
    data = parse(NewPassword, form)
    new_hash = accounts.hash_password(data.new)
    now = ctx.now()

    def write(uow: UnitOfWork) -> None:
        row = _spend(uow, token, RESET, now)
        account = users.by_id(uow, row["user_id"])
        if account is None or account["disabled"]:
            raise Forbidden(accounts.DISABLED)
        tokens.spend_all(uow, account["id"], RESET, now)
        users.update(uow, account["id"], password_hash=new_hash, must_change_password=False,
                     sessions_valid_from=now)
        lockout.clear(uow, account["email"])
        events.append(uow, kind=ek.RESET_BY_LINK, at=now, actor_id=account["id"],
                      payload={"user": str(account["id"])})

    ctx.db.write(write)
    return True


def awaits_confirmation(settings: Settings, user: User) -> bool:
    """Whether the user must confirm their address before filing: only when confirming is
    possible at all (no mail server: as before, no confirmation). cases.file_dispute refuses
    on the same rule."""
    return settings.mail_configured and user.email_verified_at is None
