"""A user corrects their own name, phone number and language (PIPL art. 46; issue 16, item 8).

The account row takes the new values. A changed name or phone number is an event that keeps the
earlier and the new value sealed under the person's own key, so the history of what the portal
held is complete, and erasing the person later makes those values unreadable too without
rewriting the event (the hash chain stays intact).
"""

from __future__ import annotations

from typing import Any

from dispute import event_kinds as ek
from dispute import events
from dispute.accounts import DISABLED, user_from_row
from dispute.context import Context
from dispute.errors import Forbidden, UserError
from dispute.i18n import N_
from dispute.models import ProfileChange, User
from dispute.storage import UnitOfWork, users
from dispute.validation import parse


def profile_form(user: User) -> dict[str, Any]:
    """The user's current values, to prefill the form."""
    return {"name": user.name, "phone": user.phone or "", "language": user.language or ""}


def update_profile(ctx: Context, actor: User, form: dict[str, Any]) -> User:
    """Change the actor's own name, phone and language; "Nothing was changed." when all match."""
    data = parse(ProfileChange, form)

    def write(uow: UnitOfWork) -> User:
        row = users.by_id(uow, actor.id)
        if row is None or row["disabled"]:
            raise Forbidden(DISABLED)
        name_changed = data.name != row["name"]
        phone_changed = data.phone != row["phone"]
        if not (name_changed or phone_changed or data.language != row["language"]):
            raise UserError(N_("Nothing was changed."))
        now = ctx.now()
        if name_changed or phone_changed:
            users.set_name_and_phone(uow, actor.id, data.name, data.phone)
        if data.language != row["language"]:
            users.update(uow, actor.id, language=data.language)
        for changed, kind, what, before, after in (
                (name_changed, ek.NAME_CHANGED, "name", row["name"], data.name),
                (phone_changed, ek.PHONE_CHANGED, "phone", row["phone"], data.phone)):
            if changed:
                events.append(uow, kind=kind, at=now, actor_id=actor.id, payload={
                    "user": str(actor.id),
                    "before": users.sealed_for_event(uow, actor.id, f"{what}_before", before),
                    "after": users.sealed_for_event(uow, actor.id, f"{what}_after", after)})
        return user_from_row(users.by_id(uow, actor.id))

    return ctx.db.write(write)
