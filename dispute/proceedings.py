"""Mediation and litigation records (design §3), kept by legal. Escalating opens them (see
`dispute.workflow`); legal then fills in references, sessions, hearings, results and judgments.
Staff and the borrower can read them."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import Field, ValidationInfo, field_validator

from dispute import event_kinds as ek
from dispute import events
from dispute.access import check_case_access, require_role
from dispute.case_rows import DISPUTE_SQL, row_for_write, touch
from dispute.context import Context
from dispute.db import UnitOfWork
from dispute.errors import Listing, UserError
from dispute.i18n import N_
from dispute.models import LongText, OptionalText, Strict, Text, User, custom_error
from dispute.validation import parse
from dispute.vocab import Role

Short = Annotated[str, Field(max_length=200)]


def _past(value: date | None, info: ValidationInfo) -> date | None:
    today = (info.context or {}).get("today")
    if value is not None and today is not None and value > today:
        raise custom_error(N_("This date is in the future."))
    return value


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


class SittingView(Sitting):
    id: uuid.UUID


class Proceedings(Strict):
    mediation: MediationRecord | None = None
    sessions: list[SittingView] = []
    litigation: LitigationRecord | None = None
    judgment: Judgment | None = None
    hearings: list[SittingView] = []


def update_mediation(ctx: Context, actor: User, number: str, form: dict[str, Any],
                     expected_version: int | None = None) -> None:
    record = parse(MediationRecord, form)
    _write(ctx, actor, number, expected_version, "mediation", ek.MEDIATION_RECORDED,
           record.model_dump(mode="json"),
           "UPDATE mediation SET body = ?, reference = ?, mediator = ?, result = ?, "
           "updated_at = ? WHERE dispute_id = ?",
           (record.body, record.reference, record.mediator, record.result))


def update_litigation(ctx: Context, actor: User, number: str, form: dict[str, Any],
                      expected_version: int | None = None) -> None:
    record = parse(LitigationRecord, form, today=ctx.today())
    _write(ctx, actor, number, expected_version, "litigation", ek.LITIGATION_RECORDED,
           record.model_dump(mode="json"),
           "UPDATE litigation SET court = ?, case_number = ?, filed_on = ?, updated_at = ? "
           "WHERE dispute_id = ?", (record.court, record.case_number, record.filed_on))


def record_judgment(ctx: Context, actor: User, number: str, form: dict[str, Any],
                    expected_version: int | None = None) -> None:
    record = parse(Judgment, form, today=ctx.today())
    _write(ctx, actor, number, expected_version, "litigation", ek.JUDGMENT_RECORDED,
           record.model_dump(mode="json"),
           "UPDATE litigation SET judgment = ?, judgment_on = ?, served_on = ?, appeal_by = ?, "
           "updated_at = ? WHERE dispute_id = ?",
           (record.judgment, record.judgment_on, record.served_on, record.appeal_by))


def add_session(ctx: Context, actor: User, number: str, form: dict[str, Any],
                expected_version: int | None = None) -> None:
    _add_sitting(ctx, actor, number, form, expected_version, "mediation", "mediation_sessions",
                 ek.MEDIATION_SESSION_RECORDED)


def add_hearing(ctx: Context, actor: User, number: str, form: dict[str, Any],
                expected_version: int | None = None) -> None:
    _add_sitting(ctx, actor, number, form, expected_version, "litigation", "hearings",
                 ek.HEARING_RECORDED)


def _add_sitting(ctx, actor, number, form, expected_version, record, table, kind) -> None:
    sitting = parse(Sitting, form)
    sitting_id = uuid.uuid4()
    _write(ctx, actor, number, expected_version, record, kind,
           {"id": str(sitting_id), **sitting.model_dump(mode="json")},
           f"INSERT INTO {table} VALUES (?, ?, ?, ?, ?, ?)", None,
           insert=(sitting_id, sitting.held_on, sitting.notes))


def _write(ctx: Context, actor: User, number: str, expected_version: int | None, record: str,
           kind: str, payload: dict[str, Any], sql: str, values: tuple | None,
           insert: tuple | None = None) -> None:
    """One change to a record legal keeps: the record must exist (the dispute went through that
    stage), then the change, the version bump and the event, together."""
    require_role(actor, Role.LEGAL)

    def write(uow: UnitOfWork) -> None:
        row = row_for_write(uow, actor, number, expected_version)
        exists = uow.execute(f"SELECT 1 FROM {record} WHERE dispute_id = ?",
                             (row["id"],)).first()
        if not exists:
            raise UserError(N_("Dispute {number} has not been escalated to {stage}."),
                            number=number, stage=Listing([N_("Mediation") if record == "mediation"
                                                         else N_("Litigation")]))
        now = ctx.now()
        at = events.utc_naive(now)
        if insert is not None:
            sitting_id, held_on, notes = insert
            uow.execute(sql, (sitting_id, row["id"], held_on, notes, actor.id, at))
        else:
            uow.execute(sql, (*values, at, row["id"]))
        touch(uow, row, now)
        events.append(uow, kind=kind, at=now, actor_id=actor.id, dispute_id=row["id"],
                      payload=payload)

    ctx.db.write(write)


def get_proceedings(ctx: Context, actor: User, number: str) -> Proceedings:
    row = check_case_access(actor, ctx.db.query(DISPUTE_SQL, (number.strip().upper(),)).first(),
                            number)
    did = row["id"]
    med = ctx.db.query("SELECT * FROM mediation WHERE dispute_id = ?", (did,)).first()
    lit = ctx.db.query("SELECT * FROM litigation WHERE dispute_id = ?", (did,)).first()

    def sittings(table: str) -> list[SittingView]:
        return [SittingView(id=r["id"], held_on=r["held_on"], notes=r["notes"]) for r in
                ctx.db.query(f"SELECT * FROM {table} WHERE dispute_id = ? ORDER BY held_on",
                             (did,))]

    return Proceedings(
        mediation=MediationRecord(body=med["body"], reference=med["reference"],
                                  mediator=med["mediator"], result=med["result"]) if med
        else None,
        sessions=sittings("mediation_sessions"),
        litigation=LitigationRecord(court=lit["court"], case_number=lit["case_number"],
                                    filed_on=lit["filed_on"]) if lit else None,
        judgment=Judgment(judgment=lit["judgment"], judgment_on=lit["judgment_on"],
                          served_on=lit["served_on"], appeal_by=lit["appeal_by"])
        if lit and lit["judgment_on"] else None,
        hearings=sittings("hearings"))
