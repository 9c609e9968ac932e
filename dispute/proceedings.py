"""Mediation and litigation records (docs/product.md §3), kept by legal. Escalating opens them (see
`dispute.workflow`); legal then fills in references, sessions, hearings, results and judgments.
Staff and the borrower can read them."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from typing import Annotated, Any, Callable

from pydantic import Field, field_validator

from dispute import event_kinds as ek
from dispute import events
from dispute.access import require_role
from dispute.case_rows import case_for, open_row_for_write, touch
from dispute.context import Context
from dispute.storage import UnitOfWork
from dispute.storage import proceedings as proceeding_rows
from dispute.errors import Listing, UserError
from dispute.i18n import N_
from dispute.models import LongText, OptionalText, Strict, Text, User, not_after_today
from dispute.validation import parse
from dispute.vocab import HearingKind, Role

Short = Annotated[str, Field(max_length=200)]


_past = not_after_today


class MediationRecord(Strict):
    body: Text
    reference: Short = ""
    mediator: Short = ""
    result: OptionalText = ""


class LitigationRecord(Strict):
    court: Text
    case_number: Short = ""
    filed_on: date | None = None
    _filed = field_validator("filed_on")(_past)


class Sitting(Strict):
    """A mediation session or a court hearing."""

    held_on: date
    notes: LongText


class Judgment(Strict):
    judgment: LongText
    judgment_on: date
    served_on: date | None = None
    appeal_by: date | None = None
    _dates = field_validator("judgment_on", "served_on")(_past)


class Hearing(Strict):
    """A court sitting: the day, the time it starts (as the court's notice gives it, on the
    portal's clock; None when not known yet), the courtroom and what the sitting is for. A
    hearing may be recorded ahead of time, so the day may be in the future."""

    held_on: date
    starts_at: time | None = None
    courtroom: Short = ""
    kind: HearingKind = HearingKind.TRIAL
    notes: OptionalText = ""


class SittingView(Sitting):
    id: uuid.UUID


class HearingView(Hearing):
    id: uuid.UUID


class Proceedings(Strict):
    mediation: MediationRecord | None = None
    sessions: list[SittingView] = []
    litigation: LitigationRecord | None = None
    judgment: Judgment | None = None
    hearings: list[HearingView] = []


def update_mediation(ctx: Context, actor: User, number: str, form: dict[str, Any],
                     expected_version: int | None = None) -> None:
    record = parse(MediationRecord, form)
    _write(ctx, actor, number, expected_version, "mediation", ek.MEDIATION_RECORDED,
           record.model_dump(mode="json"),
           lambda uow, did, now: proceeding_rows.update(uow, "mediation", did, now,
                                                        **record.model_dump()))


def update_litigation(ctx: Context, actor: User, number: str, form: dict[str, Any],
                      expected_version: int | None = None) -> None:
    record = parse(LitigationRecord, form, today=ctx.today())
    _write(ctx, actor, number, expected_version, "litigation", ek.LITIGATION_RECORDED,
           record.model_dump(mode="json"),
           lambda uow, did, now: proceeding_rows.update(uow, "litigation", did, now,
                                                        **record.model_dump()))


def record_judgment(ctx: Context, actor: User, number: str, form: dict[str, Any],
                    expected_version: int | None = None) -> None:
    record = parse(Judgment, form, today=ctx.today())
    _write(ctx, actor, number, expected_version, "litigation", ek.JUDGMENT_RECORDED,
           record.model_dump(mode="json"),
           lambda uow, did, now: proceeding_rows.update(uow, "litigation", did, now,
                                                        **record.model_dump()))


def add_session(ctx: Context, actor: User, number: str, form: dict[str, Any],
                expected_version: int | None = None) -> None:
    _add_sitting(ctx, actor, number, form, expected_version, "mediation",
                 ek.MEDIATION_SESSION_RECORDED)


def add_hearing(ctx: Context, actor: User, number: str, form: dict[str, Any],
                expected_version: int | None = None) -> uuid.UUID:
    """Record a court sitting (past or coming); returns its id (the calendar file names it)."""
    hearing = parse(Hearing, form)
    hearing_id = uuid.uuid4()
    payload = {"id": str(hearing_id), "held_on": hearing.held_on.isoformat(),
               "time": hearing.starts_at.strftime("%H:%M") if hearing.starts_at else None,
               "courtroom": hearing.courtroom, "hearing_kind": hearing.kind.value,
               "notes": hearing.notes}
    _write(ctx, actor, number, expected_version, "litigation", ek.HEARING_RECORDED, payload,
           lambda uow, did, now: proceeding_rows.add_hearing(
               uow, hearing_id=hearing_id, dispute_id=did, held_on=hearing.held_on,
               starts_at=hearing.starts_at, courtroom=hearing.courtroom,
               kind=hearing.kind.value, notes=hearing.notes, recorded_by=actor.id,
               recorded_at=now))
    return hearing_id


def _add_sitting(ctx, actor, number, form, expected_version, record, kind) -> None:
    sitting = parse(Sitting, form)
    sitting_id = uuid.uuid4()
    _write(ctx, actor, number, expected_version, record, kind,
           {"id": str(sitting_id), **sitting.model_dump(mode="json")},
           lambda uow, did, now: proceeding_rows.add_sitting(
               uow, record, sitting_id=sitting_id, dispute_id=did, held_on=sitting.held_on,
               notes=sitting.notes, recorded_by=actor.id, recorded_at=now))


def _write(ctx: Context, actor: User, number: str, expected_version: int | None, record: str,
           kind: str, payload: dict[str, Any],
           change: Callable[[UnitOfWork, uuid.UUID, datetime], None]) -> None:
    """One change to a record legal keeps: the dispute must be open (a closed one is reopened
    first, like every other record of it) and the record must exist (the dispute went through
    that stage), then the change, the version bump and the event, together."""
    require_role(actor, Role.LEGAL)

    def write(uow: UnitOfWork) -> None:
        row = open_row_for_write(uow, actor, number, expected_version)
        if not proceeding_rows.exists(uow, record, row["id"]):
            raise UserError(N_("Dispute {number} has not been escalated to {stage}."),
                            number=number, stage=Listing([N_("Mediation") if record == "mediation"
                                                         else N_("Litigation")]))
        now = ctx.now()
        change(uow, row["id"], now)
        touch(uow, row, now)
        events.append(uow, kind=kind, at=now, actor_id=actor.id, dispute_id=row["id"],
                      payload=payload)

    ctx.db.write(write)


def get_proceedings(ctx: Context, actor: User, number: str) -> Proceedings:
    row = case_for(ctx, actor, number)
    return ctx.db.read(_proceedings, row["id"])


def _proceedings(tx, did: uuid.UUID) -> Proceedings:
    med = proceeding_rows.get(tx, "mediation", did)
    lit = proceeding_rows.get(tx, "litigation", did)

    def sittings(record: str) -> list[SittingView]:
        return [SittingView(id=r["id"], held_on=r["held_on"], notes=r["notes"])
                for r in proceeding_rows.sittings(tx, record, did)]

    return Proceedings(
        mediation=MediationRecord(body=med["body"], reference=med["reference"],
                                  mediator=med["mediator"], result=med["result"]) if med
        else None,
        sessions=sittings("mediation"),
        litigation=LitigationRecord(court=lit["court"], case_number=lit["case_number"],
                                    filed_on=lit["filed_on"]) if lit else None,
        judgment=Judgment(judgment=lit["judgment"], judgment_on=lit["judgment_on"],
                          served_on=lit["served_on"], appeal_by=lit["appeal_by"])
        if lit and lit["judgment_on"] else None,
        hearings=[HearingView(id=r["id"], held_on=r["held_on"], starts_at=r["starts_at"],
                              courtroom=r["courtroom"] or "", kind=r["kind"] or "trial",
                              notes=r["notes"])
                  for r in proceeding_rows.sittings(tx, "litigation", did)])
