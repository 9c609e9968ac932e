"""The services the pages call: a user's inbox (every notification, whatever their email
choices), marking read, the choice per kind, and the unsubscribe link from an email.

Everyone has an inbox and sees only their own; the words are made in the reader's language."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable

from dispute.context import Context
from dispute.errors import Forbidden, UserError
from dispute.i18n import N_, translator
from dispute.models import User
from dispute.notify import links, texts
from dispute.notify.kinds import BY_NAME, Kind, Mode, kinds_for, mode_for
from dispute.pagination import Page, bounds
from dispute.storage import notifications as rows


@dataclass(frozen=True)
class InboxItem:
    id: uuid.UUID
    kind: str
    title: str
    lines: tuple[str, ...]
    number: str | None
    created_at: datetime
    read: bool


def inbox(ctx: Context, actor: User, page: int = 1, page_size: int = 20, lang: str = "en",
          unread_only: bool = False) -> Page[InboxItem]:
    """The actor's notifications, newest first."""
    limit, offset = bounds(page, page_size)
    _ = translator(lang)
    items = []
    for r in ctx.db.read(rows.page, actor.id, limit, offset, unread_only):
        params: dict[str, Any] = json.loads(r["params"])
        items.append(InboxItem(r["id"], r["kind"],
                               texts.title(r["kind"], r["number"], params, _, lang),
                               tuple(texts.lines(r["kind"], r["number"], params, _, lang)),
                               r["number"], r["created_at"], r["read_at"] is not None))
    return Page(items, ctx.db.read(rows.count, actor.id, unread_only), max(page, 1), limit)


def unread_count(ctx: Context, actor: User) -> int:
    return ctx.db.read(rows.count, actor.id, True)


def mark_read(ctx: Context, actor: User, item_ids: Iterable[uuid.UUID] | None = None) -> int:
    """Mark the actor's own items read (None: all of them); others' ids change nothing."""
    ids = None if item_ids is None else list(item_ids)
    return ctx.db.write(rows.mark_read, actor.id, ids, ctx.now())


def _has_kinds(actor: User) -> list[Kind]:
    """The kinds the actor's role receives; administrators receive none, so have no choices."""
    found = kinds_for(actor.role)
    if not found:
        raise Forbidden(N_("Administrators receive no notifications about disputes."))
    return found


def preferences(ctx: Context, actor: User) -> list[tuple[Kind, Mode]]:
    """Each kind this user's role receives, with their choice (or its default)."""
    _has_kinds(actor)
    chosen = ctx.db.read(rows.prefs, actor.id)
    return [(k, mode_for(k.name, chosen)) for k in kinds_for(actor.role)]


def set_preferences(ctx: Context, actor: User, choices: dict[str, str]) -> None:
    """Save the choice for each kind given; an unknown kind or mode is refused, nothing saved."""
    allowed = {k.name for k in _has_kinds(actor)}
    for kind, mode in choices.items():
        if kind not in allowed or mode not in Mode._value2member_map_:
            raise UserError(N_("Unknown notification choice: {kind} = {mode}."), kind=kind,
                            mode=mode)

    def write(uow) -> None:
        for kind, mode in choices.items():
            rows.set_pref(uow, actor.id, kind, mode, ctx.now())
    ctx.db.write(write)


def unsubscribe(ctx: Context, token: str) -> str:
    """Turn off email for the kind in a signed link (the inbox keeps it); returns the kind's
    words (msgid). A forged or damaged link is refused."""
    found = links.read_unsubscribe_token(ctx.keys, token)
    if found is None or found[1] not in BY_NAME:
        raise UserError(N_("This unsubscribe link is not valid. Change your email choices on "
                           "the My account page instead."))
    user_id, kind = found
    ctx.db.write(rows.set_pref, user_id, kind, Mode.PORTAL.value, ctx.now())
    return BY_NAME[kind].label
