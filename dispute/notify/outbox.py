"""Writes inbox items and emails inside the caller's unit of work (the outbox pattern): a
notification exists exactly when the change that caused it was committed, and an email is
composed when queued, in the recipient's language at that moment.

`on_commit` runs from the context's before-commit hook for every write that appended dispute
events (dispute/context.py), so no service can forget to notify."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any, Iterable, Mapping
from urllib.parse import urlsplit

from dispute.config import Settings
from dispute.i18n import DEFAULT_LANGUAGE, LANGUAGES, translator
from dispute.notify import compose, links, texts
from dispute.notify.kinds import BY_NAME, Mode, mode_for
from dispute.notify.rules import Appended, Notice, notices
from dispute.storage import UnitOfWork, disputes, mails
from dispute.storage import notifications as rows
from dispute.vocab import Role

TEAM_ROLES = (Role.STAFF.value, Role.LEGAL.value)


def mail_from(settings: Settings) -> str:
    host = urlsplit(settings.base_url).hostname or "localhost"
    return settings.mail_from or f"no-reply@{host}"


def new_message_id(settings: Settings, mail_id: uuid.UUID, purpose: str) -> str:
    """Stable for the life of the message: written with the row, sent with every attempt."""
    domain = mail_from(settings).rpartition("@")[2] or "localhost"
    return f"<{mail_id}.{purpose}@{domain}>"


def language_of(recipient: Mapping[str, Any]) -> str:
    lang = recipient.get("language")
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def queue_mail(uow: UnitOfWork, settings: Settings, *, user_id: uuid.UUID | None, to: str,
               purpose: str, content: dict[str, str], lang: str, now: datetime) -> uuid.UUID:
    """One email into the outbox (sent by dispute/notify/sender.py after the commit)."""
    mail_id = uuid.uuid4()
    mails.insert(uow, mail_id=mail_id, user_id=user_id, purpose=purpose,
                 message_id=new_message_id(settings, mail_id, purpose),
                 content={**content, "to": to, "lang": lang}, now=now)
    return mail_id


def item_for(settings: Settings, role: str, kind: str, number: str | None,
             params: Mapping[str, Any], lang: str) -> compose.Item:
    _ = translator(lang)
    link = (links.dispute_url(settings.base_url, role, number) if number
            else links.inbox_url(settings.base_url))
    return compose.Item(kind, texts.title(kind, number, params, _, lang),
                        tuple(texts.lines(kind, number, params, _, lang)), link)


def footer_for(uow: UnitOfWork, settings: Settings, user_id: uuid.UUID,
               kinds: Iterable[str], lang: str) -> compose.Footer:
    _ = translator(lang)
    return compose.Footer(
        tuple((_(BY_NAME[k].label), links.unsubscribe_url(settings.base_url, uow.keys, user_id, k))
              for k in dict.fromkeys(kinds)),
        links.account_url(settings.base_url))


def notify(uow: UnitOfWork, settings: Settings, now: datetime, found: Iterable[Notice], *,
           dispute_id: uuid.UUID | None, number: str | None, actor_id: uuid.UUID | None) -> int:
    """Write each notice to its recipient's inbox, and queue the email when they want it at
    once and a mail server is configured. Disabled accounts and roles a kind is not for are
    skipped. Returns how many inbox items were written."""
    found = list(found)
    people = rows.recipients(uow, [n.user_id for n in found])
    prefs = rows.prefs_of(uow, people)
    written: list[dict[str, Any]] = []
    for n in found:
        who = people.get(n.user_id)
        if who is None or who["disabled"] or Role(who["role"]) not in BY_NAME[n.kind].roles:
            continue
        params = dict(n.params)
        mode = mode_for(n.kind, prefs.get(n.user_id, {}))
        mail_id = None
        if mode == Mode.IMMEDIATELY and settings.mail_configured:
            lang = language_of(who)
            item = item_for(settings, who["role"], n.kind, number, params, lang)
            footer = footer_for(uow, settings, n.user_id, [n.kind], lang)
            content = compose.notification_mail([item], footer, translator(lang))
            content["list_unsubscribe"] = footer.unsubscribe[0][1]
            mail_id = queue_mail(uow, settings, user_id=n.user_id, to=who["email"],
                                 purpose="notification", content=content, lang=lang, now=now)
        written.append({"id": uuid.uuid4(), "user_id": n.user_id, "kind": n.kind,
                        "params": json.dumps(params, ensure_ascii=False, default=str),
                        "delivery": mode.value, "mail_id": mail_id})
    rows.insert_many(uow, written, dispute_id=dispute_id, number=number, actor_id=actor_id,
                     created_at=now)
    return len(written)


def on_commit(uow: UnitOfWork, settings: Settings, now: datetime) -> None:
    """The notices of the events this unit of work appended, grouped by dispute."""
    by_dispute: dict[uuid.UUID, list[Appended]] = {}
    for event in getattr(uow, "appended", ()):
        if event.dispute_id is not None:
            by_dispute.setdefault(event.dispute_id, []).append(event)
    for dispute_id, evs in by_dispute.items():
        row = disputes.parties(uow, dispute_id)
        if row is None:
            continue
        team = rows.team(uow, TEAM_ROLES) if any(e.kind == "DisputeFiled" for e in evs) else ()
        actors = {e.actor_id for e in evs}
        notify(uow, settings, now, notices(evs, row, team), dispute_id=dispute_id,
               number=row["number"], actor_id=next(iter(actors)) if len(actors) == 1 else None)
