"""Calendar files (iCalendar, RFC 5545) for court hearings: one per hearing, and one for the legal
team's docket, so a sitting lands in Outlook, Google Calendar or a phone's calendar with its time,
court and courtroom.

Times. A hearing's day and start time are the court's wall-clock time, recorded in the portal's
zone (DISPUTE_TIMEZONE); the file gives them as UTC (`DTSTART:…Z`), which every calendar shows in
its own zone, so no VTIMEZONE needs to travel with it. A hearing whose time is not known yet is
an all-day event on its day. The length of a sitting is not recorded, so no end is given.

What goes in. The kind of sitting, the dispute's number, the court, its case number and the
courtroom. Never the notes or the borrower's name: calendars are synced to other services.
The UID is the hearing's id, so downloading the file again updates the event rather than adding
a second one.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Iterable
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from dispute.access import CASE_ROLES, require_role
from dispute.case_rows import case_for
from dispute.context import Context
from dispute.errors import NotFound
from dispute.i18n import N_, Translate, translator
from dispute.models import User
from dispute.storage import proceedings as proceeding_rows
from dispute.vocab import HearingKind, label

PRODID = "-//Dispute portal//Hearings//EN"
DOCKET_PAST_DAYS = 30   # the docket's file also keeps the last month's sittings
MEDIA_TYPE = "text/calendar"

SUMMARY = N_("{kind}: {number}")
DOCKET_NAME = N_("Docket: court hearings")


def hearing_calendar(ctx: Context, actor: User, number: str, hearing_id: uuid.UUID,
                     lang: str = "zh_CN") -> bytes:
    """The .ics of one hearing of `number`, for anyone who may read the dispute."""
    row = case_for(ctx, actor, number)
    found = ctx.db.read(proceeding_rows.hearing, row["id"], hearing_id)
    if found is None:
        raise NotFound(N_("No such hearing on dispute {number}."), number=number)
    return build([{**found, "number": row["number"]}], ctx.settings.timezone, lang,
                 stamp=ctx.now())


def docket_calendar(ctx: Context, actor: User, lang: str = "zh_CN") -> bytes:
    """The .ics of the docket's hearings (from a month ago on), for staff and legal."""
    require_role(actor, *CASE_ROLES)
    since = ctx.today() - timedelta(days=DOCKET_PAST_DAYS)
    rows = ctx.db.read(proceeding_rows.docket_hearings, since)
    return build(rows, ctx.settings.timezone, lang, stamp=ctx.now(),
                 name=translator(lang)(DOCKET_NAME))


def build(hearings: Iterable[dict[str, Any]], tz: str, lang: str, stamp: datetime,
          name: str | None = None) -> bytes:
    """An iCalendar file of `hearings` (rows with id, number, held_on, starts_at, kind, court,
    case_number, courtroom)."""
    _ = translator(lang)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    if name:
        cal.add("x-wr-calname", name)
    for h in hearings:
        cal.add_component(_event(h, tz, _, stamp))
    return cal.to_ical()


def _event(h: dict[str, Any], tz: str, _: Translate, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", f"{h['id']}@dispute-portal")
    event.add("dtstamp", stamp.astimezone(timezone.utc))
    start = start_of(h["held_on"], h.get("starts_at"), tz)
    event.add("dtstart", start)
    kind = _kind(h.get("kind"), _)
    event.add("summary", _(SUMMARY).format(kind=kind, number=h["number"]))
    where = " ".join(x for x in (h.get("court"), h.get("courtroom")) if x)
    if where:
        event.add("location", where)
    details = [f"{_('Dispute')}: {h['number']}"]
    if h.get("case_number"):
        details.append(f"{_('Court case number')}: {h['case_number']}")
    event.add("description", "\n".join(details))
    event.add("categories", [kind])
    return event


def start_of(day: date, starts_at: time | None, tz: str) -> date | datetime:
    """The event's start: the local day and time converted to UTC, or the day itself."""
    if starts_at is None:
        return day
    local = datetime.combine(day, starts_at, tzinfo=ZoneInfo(tz))
    return local.astimezone(timezone.utc)


def file_name(number: str, hearing: dict[str, Any] | None = None) -> str:
    """`DSP-2026-000123-hearing-2026-12-15.ics`, or `docket-hearings.ics`."""
    if hearing is None:
        return "docket-hearings.ics"
    return f"{number}-hearing-{hearing['held_on'].isoformat()}.ics"


def _kind(value: str | None, _: Translate) -> str:
    try:
        return label(HearingKind(value or HearingKind.TRIAL), _)
    except ValueError:
        return str(value)
