"""The access matrix (dispute/access_matrix.py) walked whole through the service layer, each cell
on its own copy of a real DuckDB: allowed → the call succeeds and has its effect; refused → the
declared error, and nothing in the database or the store changed. A borrower's refusal must
also be the very answer a number that does not exist gets. The number of cells tried is printed
at the end of the run (tests/conftest.py, pytest_terminal_summary)."""

from __future__ import annotations

import hashlib
import importlib
import inspect
import pkgutil
import shutil
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Callable

import pytest

import dispute
from dispute import access_matrix as am
from dispute import account_admin, accounts, assignment, audit, case_rows, cases, claims
from dispute import contacts
from dispute import corrections
from dispute import dashboard, demands, erasure, exhibit_changes, exhibits, hearing_calendar, messages
from dispute import my_data, notes, offers, proceedings, profile, queue, signup, timeline, unmasking
from dispute import two_factor, workflow
from dispute.notify import inbox
from dispute.notify import kinds as notify_kinds
from dispute.access_matrix import Outcome, Relation
from dispute.bundle import content as bundle_content
from dispute.claim import parse_csv
from dispute.bundle import export as bundle_export
from dispute.config import Settings
from dispute.context import open_context
from dispute.deadlines import service as deadlines
from dispute.documents import kept
from dispute.documents import service as documents
from dispute.documents.kinds import KINDS
from dispute.errors import Forbidden, NotFound, UserError
from dispute.event_kinds import NOTE_ADDED
from dispute.stages import MOVES
from dispute.vocab import Role, Stage
from tests.conftest import raw, Clock, filing_form, make_user, pdf_bytes, upload, user_form
from tests.second_factor import KNOWN_SECRET, code_at
from tests.second_factor import enrol as enrol_second_factor
from tests.test_claim_cli import LINES as CLAIM_LINES
from tests.test_workflow import FORMS

NOTE = "INTERNAL NOTE: the lender's insider says the borrower is right"
MISSING = "DSP-2026-999999"
PASSWORD = "correct horse battery"


# --- the world every cell starts from --------------------------------------------------------

@pytest.fixture(scope="module")
def template(tmp_path_factory) -> tuple[Path, dict[str, Any]]:
    """A data directory with one account per part people play (argon2 makes accounts slow, so
    they are made once and the directory is copied per cell)."""
    data = tmp_path_factory.mktemp("matrix") / "data"
    ctx = open_context(Settings(data_dir=data, max_upload_mb=2, timezone="Asia/Shanghai"))
    ctx.clock = Clock()
    people = {
        "borrower": make_user(ctx, name="王芳", email="wang.fang@example.com"),
        "borrower2": make_user(ctx, name="赵敏", email="zhao.min@example.com"),
        "staff": make_user(ctx, Role.STAFF, name="李静", email="li.jing@example.com"),
        "staff2": make_user(ctx, Role.STAFF, name="周强", email="zhou.qiang@example.com"),
        "legal": make_user(ctx, Role.LEGAL, name="陈律师", email="chen@example.com"),
        "legal2": make_user(ctx, Role.LEGAL, name="孙律师", email="sun@example.com"),
        "admin": make_user(ctx, Role.ADMIN, name="Ops", email="ops@example.com"),
    }
    ctx.db.close()
    return data, people


@dataclass
class World:
    ctx: Any
    people: dict[str, Any]
    actor: Any
    tmp: Path
    number: str = MISSING
    other: str = MISSING          # another borrower's dispute, for the lists
    extra: dict[str, Any] | None = None


@pytest.fixture
def world_ctx(template, tmp_path):
    data, people = template
    shutil.copytree(data, tmp_path / "data")
    ctx = open_context(Settings(data_dir=tmp_path / "data", max_upload_mb=2,
                                timezone="Asia/Shanghai"))
    ctx.clock = Clock()
    yield ctx, people
    ctx.db.close()


def advance(ctx, people, number: str, stage: Stage) -> None:
    """Take a dispute to `stage` through the real moves, leaving a note, a contact, a message and
    (once negotiating) an offer on it, so every read has something to show."""
    staff, legal = people["staff"], people["legal"]
    notes.add_note(ctx, staff, number, {"body": NOTE})
    contacts.add_contact(ctx, staff, number, {
        "contacted_at": datetime(2026, 11, 1, tzinfo=timezone.utc), "channel": "phone",
        "agent_name": "客服 张三", "agent_position": "工号 1024", "summary": "承诺减免违约金"})
    owner = cases.get_dispute(ctx, staff, number).borrower_id
    borrower = next(p for p in people.values() if p.id == owner)
    messages.send_message(ctx, borrower, number, {"body": "请尽快处理"})
    if stage == Stage.FILED:
        return
    workflow.move(ctx, staff, number, "acknowledge", FORMS["acknowledge"])
    offers.make_offer(ctx, staff, number, {"refund_minor": "85.00"})
    if stage in (Stage.MEDIATION, Stage.LITIGATION):
        workflow.move(ctx, staff, number, "to_mediation", FORMS["to_mediation"])
    if stage == Stage.LITIGATION:
        workflow.move(ctx, legal, number, "to_litigation", FORMS["to_litigation"])
    if stage == Stage.CLOSED:
        workflow.move(ctx, staff, number, "close", FORMS["close"])


def dispute_for(ctx, people, role: Role, relation: Relation, stage: Stage) -> str:
    """The dispute a cell acts on: whose it is and who handles it follow the relation."""
    actor = people[role.value]
    mine = role != Role.BORROWER or relation == Relation.OWN
    owner = people["borrower"] if mine else people["borrower2"]
    number = cases.file_dispute(ctx, owner, filing_form(), [upload("a.pdf", pdf_bytes())])
    advance(ctx, people, number, stage)
    other_handler = people["legal2"] if role == Role.LEGAL else people["staff2"]
    handler = {Relation.OWN: actor if role in (Role.STAFF, Role.LEGAL) else other_handler,
               Relation.FOREIGN: other_handler, Relation.UNASSIGNED: None}[relation]
    ctx.db.write(lambda uow: uow.execute("UPDATE disputes SET handler_id = ? WHERE number = ?",
                                         (handler.id if handler else None, number)))
    return number


def snapshot(ctx) -> dict[str, Any]:
    """Everything a refused call must leave as it was."""
    tables = [r["table_name"] for r in raw(ctx.db, 
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema IN ('main', 'public')")]  # DuckDB's schema, PostgreSQL's
    out: dict[str, Any] = {t: raw(ctx.db, f"SELECT count(*) FROM {t}").scalar() for t in tables}
    out["events_head"] = raw(ctx.db, "SELECT max(seq) FROM events").scalar()
    out["disputes"] = raw(ctx.db, 
        "SELECT number, version, stage, handler_id, description FROM disputes ORDER BY number"
    ).rows
    out["users"] = raw(ctx.db, 
        "SELECT id, role, disabled, password_hash, language, must_change_password FROM users "
        "ORDER BY id").rows
    root = ctx.settings.store_dir
    out["store"] = sorted(str(p) for p in root.rglob("*") if p.is_file())
    return out


# --- how each action is called, and what its success looks like ---------------------------

@dataclass(frozen=True)
class Spec:
    call: Callable[[World], Any]
    check: Callable[[World, Any], None] = lambda w, result: None
    stage: Stage = Stage.NEGOTIATION
    writes: bool = False
    prepare: Callable[[World], dict[str, Any]] | None = None


def _offer(w: World) -> dict[str, Any]:
    return {"offer": offers.list_offers(w.ctx, w.people["staff"], w.number)[0].id}


CLAIM_FACTS = {"due_on": date(2026, 3, 5), "credited_on": date(2026, 3, 8)}


def _claim_saved(w: World, calculate: bool = False) -> dict[str, Any]:
    """The dispute's account lines saved by staff (and a calculation from them)."""
    claims.import_lines(w.ctx, w.people["staff"], w.number, CLAIM_LINES.encode("utf-8"))
    if calculate:
        claims.save_calculation(w.ctx, w.people["staff"], w.number, CLAIM_FACTS)
    return {}


def _paused(w: World) -> dict[str, Any]:
    d = cases.get_dispute(w.ctx, w.people["staff"], w.number)
    deadlines.pause_deadline(w.ctx, w.people["staff"], w.number, "decision",
                             {"reason": "outside appraisal"}, d.version)
    return _version(w)


def _version(w: World) -> dict[str, Any]:
    return {"version": cases.get_dispute(w.ctx, w.people["staff"], w.number).version}


def _handler_target(w: World):
    current = cases.get_dispute(w.ctx, w.people["staff"], w.number).handler_id
    return next(p for p in (w.people["legal2"], w.people["staff2"]) if p.id != current)


def _kinds(result) -> list[str]:
    return [e.kind for e in result]


def _timeline_check(w: World, result) -> None:
    assert "DisputeFiled" in _kinds(result)
    assert (NOTE_ADDED in _kinds(result)) == (w.actor.role != Role.BORROWER)


def _evidence_check(w: World, fh) -> None:
    with fh:
        data = fh.read()
    assert hashlib.sha256(data).hexdigest() == hashlib.sha256(pdf_bytes()).hexdigest()


def _document_check(w: World, fh) -> None:
    with fh:
        data = fh.read()
    assert data.startswith(b"%PDF") and hashlib.sha256(data).hexdigest() == w.extra["doc"].sha256


def _with_mail_server(w: World) -> dict[str, Any]:
    """Email sign-up exists only with a mail server (nothing is sent: the outbox is enough)."""
    w.ctx.settings = replace(w.ctx.settings, smtp_url="smtp://127.0.0.1:9")
    return {}


def _move_spec(name: str, stage: Stage, after: Stage) -> Spec:
    return Spec(lambda w: workflow.move(w.ctx, w.actor, w.number, name, FORMS[name]),
                lambda w, d: (d.stage == after) or pytest.fail(f"{d.stage} != {after}"),
                stage=stage, writes=True)


SPECS: dict[str, Spec] = {
    "cases.file_dispute": Spec(
        lambda w: cases.file_dispute(w.ctx, w.actor, filing_form()),
        lambda w, n: cases.get_dispute(w.ctx, w.actor, n), writes=True),
    "cases.list_my_disputes": Spec(
        lambda w: cases.list_my_disputes(w.ctx, w.actor),
        lambda w, page: [i.number for i in page.items] == [w.number] or pytest.fail(page)),
    "case_rows.case_for": Spec(
        lambda w: case_rows.case_for(w.ctx, w.actor, f"  {w.number.lower()} "),
        lambda w, row: row["number"] == w.number or pytest.fail(row)),
    "cases.get_dispute": Spec(
        lambda w: cases.get_dispute(w.ctx, w.actor, w.number),
        lambda w, d: d.number == w.number or pytest.fail(d.number)),
    "workflow.move:acknowledge": _move_spec("acknowledge", Stage.FILED, Stage.NEGOTIATION),
    "workflow.move:to_mediation": _move_spec("to_mediation", Stage.NEGOTIATION, Stage.MEDIATION),
    "workflow.move:skip_to_litigation": _move_spec("skip_to_litigation", Stage.NEGOTIATION,
                                                   Stage.LITIGATION),
    "workflow.move:to_litigation": _move_spec("to_litigation", Stage.MEDIATION,
                                              Stage.LITIGATION),
    "workflow.move:close": _move_spec("close", Stage.NEGOTIATION, Stage.CLOSED),
    "workflow.move:withdraw": _move_spec("withdraw", Stage.NEGOTIATION, Stage.CLOSED),
    "workflow.move:reopen": _move_spec("reopen", Stage.CLOSED, Stage.NEGOTIATION),
    "corrections.correct_filing": Spec(
        lambda w: corrections.correct_filing(w.ctx, w.actor, w.number,
                                             filing_form(description="更正：扣款日是9月2日。")),
        lambda w, d: d.description.startswith("更正") or pytest.fail(d.description),
        stage=Stage.FILED, writes=True),
    "exhibits.attach_evidence": Spec(
        lambda w: exhibits.attach_evidence(w.ctx, w.actor, w.number,
                                           [upload("x.pdf", pdf_bytes("x"))]),
        lambda w, ex: ex == ["E02"] or pytest.fail(ex), writes=True),
    "exhibits.list_evidence": Spec(
        lambda w: exhibits.list_evidence(w.ctx, w.actor, w.number),
        lambda w, items: [i.exhibit for i in items] == ["E01"] or pytest.fail(items)),
    "exhibits.open_evidence": Spec(
        lambda w: exhibits.open_evidence(w.ctx, w.actor, w.number, w.extra["evidence"]),
        _evidence_check,
        prepare=lambda w: {"evidence": exhibits.list_evidence(w.ctx, w.people["staff"],
                                                               w.number)[0].id}),
    "exhibits.describe_exhibit": Spec(
        lambda w: exhibits.describe_exhibit(w.ctx, w.actor, w.number, w.extra["evidence"], {
            "proves": "被告重复扣款", "source": "原告手机银行截图"}),
        lambda w, item: item.proves == "被告重复扣款" or pytest.fail(item), writes=True,
        prepare=lambda w: {"evidence": exhibits.list_evidence(w.ctx, w.people["staff"],
                                                               w.number)[0].id}),
    "exhibit_changes.correct_exhibit": Spec(
        lambda w: exhibit_changes.correct_exhibit(w.ctx, w.actor, w.number, w.extra["evidence"], {
            "kind": "receipt", "description": "还款回单", "recorded_on": None}),
        lambda w, item: (item.kind == "receipt" and item.description == "还款回单")
        or pytest.fail(item), writes=True,
        prepare=lambda w: {"evidence": exhibits.list_evidence(w.ctx, w.people["staff"],
                                                               w.number)[0].id}),
    "exhibit_changes.withdraw_exhibit": Spec(
        lambda w: exhibit_changes.withdraw_exhibit(w.ctx, w.actor, w.number, w.extra["evidence"],
                                                   {"reason": "上传错了文件"}),
        lambda w, item: (item.withdrawn_reason == "上传错了文件"
                         and w.ctx.store.exists(item.sha256)) or pytest.fail(item), writes=True,
        prepare=lambda w: {"evidence": exhibits.list_evidence(w.ctx, w.people["staff"],
                                                               w.number)[0].id}),
    "documents.kept.make_document:complaint_letter": Spec(
        lambda w: kept.make_document(w.ctx, w.actor, w.number, "complaint_letter", "pdf"),
        lambda w, doc: (doc.kind == "complaint_letter" and w.ctx.store.exists(doc.sha256))
        or pytest.fail(doc), writes=True),
    "documents.kept.make_document:decision_letter": Spec(
        lambda w: kept.make_document(w.ctx, w.actor, w.number, "decision_letter", "docx"),
        lambda w, doc: (doc.format == "docx" and w.ctx.store.exists(doc.sha256))
        or pytest.fail(doc), writes=True),
    "documents.kept.list_documents": Spec(
        lambda w: kept.list_documents(w.ctx, w.actor, w.number),
        lambda w, docs: [d.kind for d in docs] == ["complaint_letter"] or pytest.fail(docs),
        prepare=lambda w: {"doc": kept.make_document(w.ctx, w.people["legal"], w.number,
                                                     "complaint_letter", "pdf")}),
    "documents.kept.open_document": Spec(
        lambda w: kept.open_document(w.ctx, w.actor, w.number, w.extra["doc"].id),
        lambda w, fh: _document_check(w, fh),
        prepare=lambda w: {"doc": kept.make_document(w.ctx, w.people["legal"], w.number,
                                                     "complaint_letter", "pdf")}),
    "contacts.add_contact": Spec(
        lambda w: contacts.add_contact(w.ctx, w.actor, w.number, {
            "contacted_at": datetime(2026, 11, 20, tzinfo=timezone.utc), "channel": "branch",
            "agent_name": "柜员", "agent_position": "网点", "summary": "递交书面异议"}),
        lambda w, e: e.summary == "递交书面异议" or pytest.fail(e), writes=True),
    "demands.record_demand": Spec(
        lambda w: demands.record_demand(w.ctx, w.actor, w.number,
                                        {"sent_on": w.ctx.today(), "note": "律师函"}),
        writes=True),
    "contacts.list_contacts": Spec(
        lambda w: contacts.list_contacts(w.ctx, w.actor, w.number),
        lambda w, items: len(items) == 1 or pytest.fail(items)),
    "messages.send_message": Spec(
        lambda w: messages.send_message(w.ctx, w.actor, w.number, {"body": "有新进展吗？"}),
        writes=True),
    "messages.send_message:request": Spec(
        lambda w: messages.send_message(w.ctx, w.actor, w.number,
                                        {"body": "请上传对账单", "is_request": True}),
        lambda w, _: cases.get_dispute(w.ctx, w.actor, w.number).waiting_on_borrower
        or pytest.fail("not waiting"), writes=True),
    "messages.list_messages": Spec(
        lambda w: messages.list_messages(w.ctx, w.actor, w.number),
        lambda w, items: [m.body for m in items] == ["请尽快处理"] or pytest.fail(items)),
    "messages.mark_seen": Spec(lambda w: messages.mark_seen(w.ctx, w.actor, w.number),
                               writes=True),
    "timeline.timeline": Spec(lambda w: timeline.timeline(w.ctx, w.actor, w.number),
                              _timeline_check),
    "notes.add_note": Spec(lambda w: notes.add_note(w.ctx, w.actor, w.number, {"body": "跟进"}),
                           writes=True),
    "unmasking.unmask": Spec(
        lambda w: unmasking.unmask(w.ctx, w.actor, w.number, {"field": "account_ref",
                                                             "reason": "court asked to check"}),
        lambda w, value: value.isdigit() or pytest.fail(value), writes=True),
    "notes.list_notes": Spec(
        lambda w: notes.list_notes(w.ctx, w.actor, w.number),
        lambda w, items: [n.body for n in items] == [NOTE] or pytest.fail(items)),
    "offers.make_offer": Spec(
        lambda w: offers.make_offer(w.ctx, w.actor, w.number, {"credit_correction": True}),
        writes=True),
    "offers.answer_offer": Spec(
        lambda w: offers.answer_offer(w.ctx, w.actor, w.number, w.extra["offer"],
                                      {"answer": "accepted"}),
        lambda w, status: status == offers.OfferStatus.ACCEPTED or pytest.fail(status),
        writes=True, prepare=_offer),
    "offers.list_offers": Spec(
        lambda w: offers.list_offers(w.ctx, w.actor, w.number),
        lambda w, items: [o.refund_minor for o in items] == [8500] or pytest.fail(items)),
    "claims.save_lines": Spec(
        lambda w: claims.save_lines(w.ctx, w.actor, w.number, parse_csv(CLAIM_LINES)),
        lambda w, lines: claims.claim_state(w.ctx, w.actor, w.number).lines == lines
        or pytest.fail(lines), writes=True),
    "claims.import_lines": Spec(
        lambda w: claims.import_lines(w.ctx, w.actor, w.number, CLAIM_LINES.encode("utf-8")),
        lambda w, lines: len(lines.charges) == 4 or pytest.fail(lines), writes=True),
    "claims.claim_state": Spec(
        lambda w: claims.claim_state(w.ctx, w.actor, w.number),
        lambda w, s: (s.lines is not None and s.latest is not None) or pytest.fail(s),
        prepare=lambda w: _claim_saved(w, calculate=True)),
    "claims.latest_calculation": Spec(
        lambda w: claims.latest_calculation(w.ctx, w.actor, w.number),
        lambda w, s: (s is not None and s.refund_minor > 0) or pytest.fail(s),
        prepare=lambda w: _claim_saved(w, calculate=True)),
    "claims.compute": Spec(
        lambda w: claims.compute(w.ctx, w.actor, w.number, CLAIM_FACTS),
        lambda w, r: r.refund_minor > 0 or pytest.fail(r), prepare=_claim_saved),
    "claims.save_calculation": Spec(
        lambda w: claims.save_calculation(w.ctx, w.actor, w.number, CLAIM_FACTS),
        lambda w, c: cases.get_dispute(w.ctx, w.actor, w.number).fees_minor == c.refund_minor
        or pytest.fail(c), writes=True, prepare=_claim_saved),
    "proceedings.update_mediation": Spec(
        lambda w: proceedings.update_mediation(w.ctx, w.actor, w.number, {
            "body": "上海银行业纠纷调解中心", "reference": "沪银调〔2026〕17号"}),
        stage=Stage.MEDIATION, writes=True),
    "proceedings.add_session": Spec(
        lambda w: proceedings.add_session(w.ctx, w.actor, w.number, {
            "held_on": date(2026, 11, 20), "notes": "第一次调解"}),
        stage=Stage.MEDIATION, writes=True),
    "proceedings.update_litigation": Spec(
        lambda w: proceedings.update_litigation(w.ctx, w.actor, w.number, {
            "court": "上海市浦东新区人民法院", "case_number": "(2026)沪0115民初1号",
            "filed_on": date(2026, 11, 2)}),
        stage=Stage.LITIGATION, writes=True),
    "proceedings.add_hearing": Spec(
        lambda w: proceedings.add_hearing(w.ctx, w.actor, w.number, {
            "held_on": date(2026, 11, 21), "notes": "开庭"}),
        stage=Stage.LITIGATION, writes=True),
    "proceedings.record_judgment": Spec(
        lambda w: proceedings.record_judgment(w.ctx, w.actor, w.number, {
            "judgment": "被告退还违约金", "judgment_on": date(2026, 11, 21)}),
        stage=Stage.LITIGATION, writes=True),
    "proceedings.get_proceedings": Spec(
        lambda w: proceedings.get_proceedings(w.ctx, w.actor, w.number),
        lambda w, p: p.litigation.court == FORMS["to_litigation"]["court"] or pytest.fail(p),
        stage=Stage.LITIGATION),
    "assignment.assign": Spec(
        lambda w: assignment.assign(w.ctx, w.actor, w.number, w.extra["to"].id),
        lambda w, d: d.handler_id == w.extra["to"].id or pytest.fail(d.handler_id),
        writes=True, prepare=lambda w: {"to": _handler_target(w)}),
    "assignment.list_handlers": Spec(
        lambda w: assignment.list_handlers(w.ctx, w.actor),
        lambda w, rows: len(rows) == 4 or pytest.fail(rows)),
    "assignment.handler_name": Spec(
        lambda w: assignment.handler_name(
            w.ctx, w.actor, cases.get_dispute(w.ctx, w.people["staff"], w.number)),
        lambda w, name: name == w.people["legal"].name or pytest.fail(name),
        prepare=lambda w: assignment.assign(w.ctx, w.people["staff"], w.number,
                                            w.people["legal"].id) and {}),
    "deadlines.service.list_deadlines": Spec(
        lambda w: deadlines.list_deadlines(w.ctx, w.actor, w.number),
        lambda w, items: "decision" in [d.rule for d in items] or pytest.fail(items),
        stage=Stage.FILED),
    "deadlines.service.extend_deadline": Spec(
        lambda w: deadlines.extend_deadline(w.ctx, w.actor, w.number, "decision", {
            "reason": "complex case", "approver": "投诉处理部 主管"}, w.extra["version"]),
        stage=Stage.FILED, writes=True, prepare=_version),
    "deadlines.service.pause_deadline": Spec(
        lambda w: deadlines.pause_deadline(w.ctx, w.actor, w.number, "decision",
                                           {"reason": "outside appraisal"}, w.extra["version"]),
        stage=Stage.FILED, writes=True, prepare=_version),
    "deadlines.service.resume_deadline": Spec(
        lambda w: deadlines.resume_deadline(w.ctx, w.actor, w.number, "decision",
                                            {"reason": "appraisal received"}, w.extra["version"]),
        stage=Stage.FILED, writes=True, prepare=_paused),
    "bundle.export.export_bundle": Spec(
        lambda w: bundle_export.export_bundle(w.ctx, w.actor, w.number, w.tmp / "out.zip"),
        lambda w, r: r.path.is_file() or pytest.fail("no zip"), writes=True),
    "bundle.export.exhibit_pages": Spec(
        lambda w: bundle_export.exhibit_pages(w.ctx, w.actor, bundle_content.gather(
            w.ctx, w.actor, w.number, bundle_content.BundleOptions())),
        lambda w, pages: isinstance(pages, dict) or pytest.fail(pages)),
    "bundle.content.gather": Spec(
        lambda w: bundle_content.gather(w.ctx, w.actor, w.number, bundle_content.BundleOptions()),
        lambda w, c: (c.number == w.number and NOTE not in repr(c)) or pytest.fail(c.notes)),
    "queue.queue": Spec(
        lambda w: queue.queue(w.ctx, w.actor, queue.QueueFilter()),
        lambda w, p: {r.number for r in p.rows} == {w.number, w.other} or pytest.fail(p)),
    "hearing_calendar.hearing_calendar": Spec(
        lambda w: hearing_calendar.hearing_calendar(w.ctx, w.actor, w.number, w.extra["hearing"]),
        lambda w, ics: b"BEGIN:VEVENT" in ics or pytest.fail(ics), stage=Stage.LITIGATION,
        prepare=lambda w: {"hearing": proceedings.add_hearing(
            w.ctx, w.people["legal"], w.number, {"held_on": date(2026, 12, 15),
                                                 "starts_at": "09:30", "kind": "trial"})}),
    "hearing_calendar.docket_calendar": Spec(
        lambda w: hearing_calendar.docket_calendar(w.ctx, w.actor),
        lambda w, ics: ics.startswith(b"BEGIN:VCALENDAR") or pytest.fail(ics)),
    "queue.docket": Spec(lambda w: queue.docket(w.ctx, w.actor),
                         lambda w, r: r == ([], 0) or pytest.fail(r)),
    "queue.institutions": Spec(
        lambda w: queue.institutions(w.ctx, w.actor),
        lambda w, r: r == [filing_form()["institution"]] or pytest.fail(r)),
    "dashboard.build_dashboard": Spec(
        lambda w: dashboard.build_dashboard(w.ctx, w.actor),
        lambda w, d: d.by_stage.rows == (("filed", 2),) or pytest.fail(d.by_stage)),
    "accounts.create_account": Spec(
        lambda w: accounts.create_account(w.ctx, w.actor, {
            **user_form(name="吴敏", email="wu.min@example.com"), "role": "staff"}),
        writes=True),
    "accounts.list_accounts": Spec(
        lambda w: accounts.list_accounts(w.ctx, w.actor),
        lambda w, users: len(users) == 7 or pytest.fail(users)),
    "accounts.count_matching_accounts": Spec(
        lambda w: accounts.count_matching_accounts(w.ctx, w.actor),
        lambda w, n: n == 7 or pytest.fail(n)),
    "accounts.change_password": Spec(
        lambda w: accounts.change_password(w.ctx, w.actor, {
            "current": PASSWORD, "new": "an even better passphrase",
            "repeat": "an even better passphrase"}), writes=True),
    "accounts.set_language": Spec(lambda w: accounts.set_language(w.ctx, w.actor, "en"),
                                  writes=True),
    "my_data.download_my_data": Spec(
        lambda w: my_data.download_my_data(w.ctx, w.actor),
        lambda w, out: out.data[:2] == b"PK" or pytest.fail(out.filename), writes=True),
    "erasure.erasure_status": Spec(lambda w: erasure.erasure_status(w.ctx, w.actor),
                                   lambda w, st: st.requested_at is None or pytest.fail(st)),
    "erasure.request_erasure": Spec(  # the borrower's open dispute holds it
        lambda w: erasure.request_erasure(w.ctx, w.actor),
        lambda w, st: (st.held and st.erased_at is None) or pytest.fail(st), writes=True),
    "profile.update_profile": Spec(
        lambda w: profile.update_profile(w.ctx, w.actor, {
            "name": "新名字", "phone": "+86 139 0000 1111", "language": "en"}),
        lambda w, u: u.name == "新名字" or pytest.fail(u), writes=True),
    "account_admin.set_disabled": Spec(
        lambda w: account_admin.set_disabled(w.ctx, w.actor, w.people["staff2"].id, True),
        lambda w, u: u.disabled or pytest.fail(u), writes=True),
    "account_admin.change_role": Spec(
        lambda w: account_admin.change_role(w.ctx, w.actor, w.people["staff2"].id, "legal"),
        lambda w, u: u.role == Role.LEGAL or pytest.fail(u), writes=True),
    "account_admin.reset_password": Spec(
        lambda w: account_admin.reset_password(w.ctx, w.actor, w.people["staff2"].id),
        writes=True),
    "notify.inbox.inbox": Spec(
        lambda w: inbox.inbox(w.ctx, w.actor),
        lambda w, page: page.total == (2 if w.actor.role in (Role.STAFF, Role.LEGAL) else 0)
        or pytest.fail(page)),
    "notify.inbox.unread_count": Spec(
        lambda w: inbox.unread_count(w.ctx, w.actor),
        lambda w, n: n == (2 if w.actor.role in (Role.STAFF, Role.LEGAL) else 0) or pytest.fail(n)),
    # marking read changes no count (the snapshot): checked by the unread count instead
    "notify.inbox.mark_read": Spec(
        lambda w: inbox.mark_read(w.ctx, w.actor),
        lambda w, n: inbox.unread_count(w.ctx, w.actor) == 0 or pytest.fail(n)),
    "notify.inbox.preferences": Spec(
        lambda w: inbox.preferences(w.ctx, w.actor),
        lambda w, prefs: len(prefs) >= 3 or pytest.fail(prefs)),
    "notify.inbox.set_preferences": Spec(
        lambda w: inbox.set_preferences(w.ctx, w.actor, {
            k.name: "portal" for k in notify_kinds.kinds_for(w.actor.role)[:1]}),
        writes=True),
    "signup.request_verification": Spec(
        lambda w: signup.request_verification(w.ctx, w.actor), writes=True,
        prepare=_with_mail_server),
    "two_factor.enrol": Spec(
        lambda w: two_factor.enrol(w.ctx, w.actor, KNOWN_SECRET, code_at(w.ctx.now())),
        lambda w, codes: len(codes) == 10 or pytest.fail(codes), writes=True),
    "two_factor.recovery_codes_left": Spec(
        lambda w: two_factor.recovery_codes_left(w.ctx, w.actor),
        lambda w, n: n == 0 or pytest.fail(n)),
    "two_factor.reset": Spec(
        lambda w: two_factor.reset(w.ctx, w.actor, w.people["staff2"].id, "lost the phone"),
        lambda w, u: not two_factor.enrolled(u) or pytest.fail(u), writes=True,
        prepare=lambda w: {"codes": enrol_second_factor(w.ctx, w.people["staff2"])}),
    "two_factor.turn_off": Spec(
        lambda w: two_factor.turn_off(w.ctx, w.actor, "correct horse battery"),
        lambda w, u: not two_factor.enrolled(u) or pytest.fail(u), writes=True,
        prepare=lambda w: {"codes": enrol_second_factor(w.ctx, w.actor)}),
    "two_factor.renew_recovery_codes": Spec(
        lambda w: two_factor.renew_recovery_codes(w.ctx, w.actor, "correct horse battery"),
        lambda w, codes: (len(codes) == 10 and not set(codes) & set(w.extra["codes"]))
        or pytest.fail(codes), writes=True,
        prepare=lambda w: {"codes": enrol_second_factor(w.ctx, w.actor)}),
    "audit.list_events": Spec(
        lambda w: audit.list_events(w.ctx, w.actor),
        lambda w, page: (page.items and all(e.details is None for e in page.items
                                            if e.dispute_number)) or pytest.fail(page)),
    "audit.count_events": Spec(
        lambda w: audit.count_events(w.ctx, w.actor),
        lambda w, n: n > 0 or pytest.fail(n)),
    "audit.export_events": Spec(
        lambda w: audit.export_events(w.ctx, w.actor),
        lambda w, items: (items and all(e.details is None for e in items
                                        if e.dispute_number)) or pytest.fail(items)),
}



def _document_spec(kind) -> Spec:
    """Facts for one kind of document; a US kind needs a dispute under US rules (set here: no
    service moves a dispute to another rulebook)."""
    def prepare(w: World) -> dict[str, Any]:
        if kind.jurisdiction == "us":
            w.ctx.db.write(lambda uow: uow.execute(
                "UPDATE disputes SET rulebook = 'us-reg-x' WHERE number = ?", (w.number,)))
        return {}

    return Spec(lambda w: documents.facts_for(w.ctx, w.actor, w.number, kind.name),
                lambda w, f: (f.number == w.number and f.description) or pytest.fail(f),
                prepare=prepare)


SPECS.update({f"documents.service.facts_for:{k.name}": _document_spec(k) for k in KINDS})
CASES = am.combinations()


def _id(cell) -> str:
    action, role, relation = cell
    return f"{action.name}-{role.value}" + ("" if relation == Relation.NONE
                                           else f"-{relation.value}")


def setup(ctx, people, tmp: Path, action: am.Action, role: Role,
          relation: Relation) -> World:
    spec = SPECS[action.name]
    w = World(ctx, people, people[role.value], tmp)
    if action.on_dispute:
        w.number = dispute_for(ctx, people, role, relation, spec.stage)
    else:   # one dispute of the borrower's and one of someone else's, for the lists
        w.number = cases.file_dispute(ctx, people["borrower"], filing_form())
        w.other = cases.file_dispute(ctx, people["borrower2"], filing_form())
    w.extra = spec.prepare(w) if spec.prepare else {}
    return w


@pytest.mark.parametrize("cell", CASES, ids=[_id(c) for c in CASES])
def test_cell(world_ctx, tmp_path, cell):
    action, role, relation = cell
    ctx, people = world_ctx
    spec = SPECS[action.name]
    w = setup(ctx, people, tmp_path, action, role, relation)
    before = snapshot(ctx)
    outcome = am.expected(action, role, relation)
    if outcome == Outcome.ALLOWED:
        result = spec.call(w)
        spec.check(w, result)
        after = snapshot(ctx)
        if spec.writes:
            assert after != before, "an allowed write changed nothing"
        else:
            assert after == before, "a read changed something"
        if role == Role.BORROWER:
            assert NOTE not in repr(result), "an internal note reached the borrower"
        return
    with pytest.raises(UserError) as caught:
        spec.call(w)
    err = caught.value
    if outcome == Outcome.NOT_FOUND:
        assert type(err) is NotFound and err.msgid == "No dispute {number} was found."
    else:
        assert type(err) is Forbidden, f"{type(err).__name__}: {err}"
    assert snapshot(ctx) == before, "a refused call changed something"
    assert not (tmp_path / "out.zip").exists()
    if role == Role.BORROWER and relation in (Relation.FOREIGN, Relation.UNASSIGNED):
        # the same words as for a number nobody has: nothing says the number is taken
        w.number = MISSING
        with pytest.raises(UserError) as missing:
            spec.call(w)
        assert (type(missing.value), missing.value.msgid) == (type(err), err.msgid)


# --- the table itself ------------------------------------------------------------------------

def service_functions() -> set[str]:
    """Every public function of the `dispute` package that takes a context and an acting user,
    except helpers that run inside another service's transaction (they take `uow`)."""
    found = set()
    for info in pkgutil.walk_packages(dispute.__path__, "dispute."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name, fn in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(fn) \
                    or fn.__module__ != module.__name__:
                continue
            params = list(inspect.signature(fn).parameters)
            if params[:1] == ["ctx"] and "actor" in params and "uow" not in params:
                found.add(f"{module.__name__}.{name}")
    return found


def test_the_matrix_has_a_row_for_every_service_that_takes_an_actor():
    declared = {a.service for a in am.MATRIX}
    services = service_functions()
    assert services - declared == set(), "services without a row in dispute/access_matrix.py"
    assert declared - services == set(), "rows for services that do not exist"
    assert {a.variant for a in am.MATRIX if a.service == "dispute.workflow.move"} == \
        {m.name for m in MOVES}
    assert set(SPECS) == set(am.BY_NAME), "every row needs a way to call it in this test"


def test_moves_in_the_matrix_agree_with_the_lifecycle_table():
    for m in MOVES:
        row = am.BY_NAME[f"workflow.move:{m.name}"]
        allowed = {r for r in am.ROLES if row.cells(r)[0] == "Y"}
        assert allowed == set(m.roles), m.name


def test_the_matrix_keeps_the_rules_of_design_6():
    for action in am.MATRIX:
        if not action.on_dispute:
            continue
        for rel in (Relation.FOREIGN, Relation.UNASSIGNED):
            assert am.expected(action, Role.BORROWER, rel) != Outcome.ALLOWED, action.name
        assert {am.expected(action, Role.ADMIN, rel) for rel in am.CASE_RELATIONS} == \
            {None, Outcome.FORBIDDEN}, action.name
        for role in (Role.STAFF, Role.LEGAL):   # one team: assignment does not change access
            assert len(set(action.cells(role))) == 1, action.name
    for name in ("notes.add_note", "notes.list_notes", "messages.send_message:request"):
        assert am.expected(name, Role.BORROWER, Relation.OWN) == Outcome.FORBIDDEN
