"""A dispute with everything a bundle shows, built through the real services where they exist
and with small SQL helpers for the workflow records (offers, mediation, litigation, messages,
notes) until their services land."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from dispute import event_kinds, events
from dispute.cases import file_dispute
from dispute.contacts import add_contact
from dispute.context import Context
from dispute.errors import InvalidInput
from dispute.exhibits import Upload, attach_evidence
from dispute.models import User
from dispute.vocab import Role
from tests.conftest import raw, filing_form, make_user

FIXTURE_SUFFIXES = {".pdf", ".jpg", ".jpeg", ".png", ".tif", ".tiff", ".heic", ".heif", ".mp3",
                    ".m4a", ".amr", ".wav", ".ogg"}
NOTE_TEXT = "内部备注：银行内部人员承认系统故障。Internal: bank admitted a system fault."
ACCOUNT = "6225880212345678"


def fixture_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()
                  and p.suffix.lower() in FIXTURE_SUFFIXES)


def people(ctx: Context) -> tuple[User, User, User]:
    borrower = make_user(ctx)
    legal = make_user(ctx, Role.LEGAL, name="李律师 Li", email="legal@example.com")
    staff = make_user(ctx, Role.STAFF, name="Staff Zhang", email="staff@example.com")
    return borrower, legal, staff


def attach_files(ctx: Context, actor: User, number: str, files: list[Path]) -> list[str]:
    """Each file through the real intake; returns the names intake refused."""
    refused = []
    for path in files:
        with path.open("rb") as fh:
            try:
                attach_evidence(ctx, actor, number, [Upload(
                    path.name, fh, "statement" if path.suffix == ".pdf" else
                    "call_recording" if path.parent.name == "audio" else "photo",
                    f"{path.parent.name}/{path.name}：证据说明 evidence", date(2026, 9, 2))])
            except InvalidInput:
                refused.append(path.name)
    return refused


def _insert(ctx: Context, sql: str, params: tuple, kind: str, actor: User, dispute_id,
            payload: dict) -> None:
    def write(uow):
        uow.execute(sql, params)
        events.append(uow, kind=kind, at=ctx.now(), actor_id=actor.id, dispute_id=dispute_id,
                      payload=payload)
    ctx.db.write(write)


def workflow_records(ctx: Context, number: str, borrower: User, staff: User) -> None:
    """Contacts, an offer, mediation with a session, litigation with a hearing, a message and an
    internal note, each with its event, in Chinese and English."""
    did = raw(ctx.db, "SELECT id FROM disputes WHERE number = ?", (number,)).scalar()
    now = ctx.now()
    add_contact(ctx, borrower, number, {
        "contacted_at": datetime(2026, 9, 3, 2, 30, tzinfo=timezone.utc), "channel": "phone",
        "agent_name": "客服 王小姐", "agent_position": "信用卡中心客服",
        "summary": "客服承认自动还款失败，答应减免违约金。Agent admitted the autopay failure.",
        "agreement": "减免违约金 85 元", "follow_up_on": date(2026, 9, 20)})
    add_contact(ctx, borrower, number, {
        "contacted_at": datetime(2026, 9, 25, 6, 0, tzinfo=timezone.utc), "channel": "email",
        "agent_name": "Mr Chen", "agent_position": "Complaints officer",
        "summary": "Promised a written answer within 15 days."})
    offer_id = uuid.uuid4()
    _insert(ctx, "INSERT INTO offers VALUES (?, ?, ?, ?, 'CNY', 8500, true, 3, 41150, NULL, ?, "
                 "?, 'rejected', ?, ?, ?)",
            (offer_id, did, staff.id, now, "退还违约金并更正征信记录", date(2026, 11, 30),
             borrower.id, now, "金额不足 not enough"),
            event_kinds.OFFER_MADE, staff, did, {"offer_id": str(offer_id), "terms": "refund"})
    _insert(ctx, "INSERT INTO mediation VALUES (?, ?, ?, ?, ?, ?)",
            (did, "上海银行业纠纷调解中心", "SH-2026-0042", "张调解员", "调解未成功", now),
            event_kinds.MEDIATION_RECORDED, staff, did,
            {"body": "上海银行业纠纷调解中心", "reference": "SH-2026-0042",
             "mediator": "张调解员", "result": "调解未成功"})
    _insert(ctx, "INSERT INTO mediation_sessions VALUES (?, ?, ?, ?, ?, ?)",
            (uuid.uuid4(), did, date(2026, 10, 10), "双方各自陈述。Both sides stated their case.",
             staff.id, now), event_kinds.MEDIATION_SESSION_RECORDED, staff, did,
            {"held_on": "2026-10-10", "notes": "双方各自陈述"})
    _insert(ctx, "INSERT INTO litigation VALUES (?, ?, ?, ?, ?, NULL, NULL, NULL, ?)",
            (did, "上海市浦东新区人民法院", "(2026)沪0115民初12345号", date(2026, 11, 1),
             "", now), event_kinds.LITIGATION_RECORDED, staff, did,
            {"court": "上海市浦东新区人民法院", "case_number": "(2026)沪0115民初12345号",
             "filed_on": "2026-11-01"})
    _insert(ctx, "INSERT INTO hearings (id, dispute_id, held_on, notes, recorded_by, "
                 "recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
            (uuid.uuid4(), did, date(2026, 11, 15), "First hearing; adjourned.", staff.id, now),
            event_kinds.HEARING_RECORDED, staff, did, {"held_on": "2026-11-15",
                                                       "notes": "First hearing; adjourned."})
    message_id = uuid.uuid4()
    _insert(ctx, "INSERT INTO messages VALUES (?, ?, ?, 'staff', ?, true, NULL, ?)",
            (message_id, did, staff.id, "请上传银行回复函。Please upload the bank's reply.", now),
            event_kinds.INFORMATION_REQUESTED, staff, did, {"message_id": str(message_id)})
    note_id = uuid.uuid4()
    _insert(ctx, "INSERT INTO notes VALUES (?, ?, ?, ?, ?)",
            (note_id, did, staff.id, NOTE_TEXT, now), event_kinds.NOTE_ADDED, staff, did,
            {"note_id": str(note_id)})
    _insert(ctx, "UPDATE disputes SET handler_id = ? WHERE id = ?", (staff.id, did),
            event_kinds.DISPUTE_CORRECTED, staff, did,
            {"before": {"account_ref": ACCOUNT}, "after": {"account_ref": ACCOUNT}})


def file_case(ctx: Context, borrower: User, files: list[Path] = (), **form) -> str:
    return file_dispute(ctx, borrower, filing_form(account_ref=ACCOUNT, **form), [])


def later(ctx: Context, minutes: int = 1) -> None:
    ctx.clock.now = ctx.clock.now + timedelta(minutes=minutes)
