"""Erasure with a retention hold (PIPL art. 47): held while a dispute is open, in litigation or
within the retention period; then the person's key is destroyed, so the raw database, the store
and a restored older backup hold nothing readable of them, while the hash chain still verifies
and other people's data is untouched."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from dispute import accounts, audit, backup, cases, erasure, exhibits, workflow
from dispute import event_kinds as ek
from dispute.context import open_context
from dispute.errors import Forbidden, UserError
from dispute.person_keys import sealing_dir
from dispute.storage import users
from dispute.storage.sealing import ERASED
from dispute.vocab import Role, Stage
from tests.conftest import NOW, Clock, filing_form, make_user, pdf_bytes, raw, upload
from tests.test_cli import run
from tests.test_workflow import FORMS, put_in

WANG = {"name": "王芳", "phone": "+86 138 0013 8000"}
WANG_ACCOUNT = "6225880212345678"
LI = {"name": "李雷", "email": "li.lei@example.com", "phone": "+86 139 4444 5555"}
LI_ACCOUNT = "6222020200001111"


def _close(ctx, staff, number: str) -> None:
    put_in(ctx, number, Stage.NEGOTIATION)
    workflow.move(ctx, staff, number, "close", FORMS["close"])


def _payloads(ctx, kind: str) -> list[dict]:
    return [json.loads(r["payload"]) for r in
            raw(ctx.db, "SELECT payload FROM events WHERE kind = ? ORDER BY seq", (kind,))]


@pytest.fixture
def people(ctx):
    staff = make_user(ctx, Role.STAFF, email="staff@example.com")
    wang = make_user(ctx, **WANG)
    li = make_user(ctx, **LI)
    return staff, wang, li


def test_open_litigation_and_recently_closed_disputes_hold_the_request(ctx, people):
    staff, wang, _ = people
    open_one = cases.file_dispute(ctx, wang, filing_form())
    in_court = cases.file_dispute(ctx, wang, filing_form())
    closed = cases.file_dispute(ctx, wang, filing_form())
    put_in(ctx, in_court, Stage.LITIGATION)
    _close(ctx, staff, closed)

    status = erasure.request_erasure(ctx, wang)
    assert status.held and status.erased_at is None and status.until is None
    assert {(h.number, h.reason) for h in status.holds} == {
        (open_one, "open"), (in_court, "litigation"), (closed, "retention")}
    retention = next(h for h in status.holds if h.reason == "retention")
    assert retention.until == date(NOW.year + 5, NOW.month, NOW.day)
    [requested] = _payloads(ctx, ek.ERASURE_REQUESTED)
    assert requested["user"] == str(wang.id) and len(requested["held"]) == 3
    assert erasure.run_due(ctx) == []  # still held: nothing happens
    assert accounts.get_user(ctx, wang.id).name == "王芳"
    assert erasure.erasure_status(ctx, wang).requested_at == NOW


def test_the_request_is_carried_out_when_the_retention_period_ends(ctx, people):
    staff, wang, li = people
    number = cases.file_dispute(ctx, wang, filing_form())
    _close(ctx, staff, number)
    status = erasure.request_erasure(ctx, wang)
    assert [h.until for h in status.holds] == [date(NOW.year + 5, NOW.month, NOW.day)]
    assert status.until == date(NOW.year + 5, NOW.month, NOW.day)
    ctx.clock.now = NOW + timedelta(days=5 * 366)
    assert erasure.run_due(ctx) == [wang.id]
    assert accounts.get_user(ctx, wang.id).name == ERASED
    assert accounts.get_user(ctx, li.id).name == "李雷"
    with pytest.raises(UserError):
        accounts.authenticate(ctx, WANG_EMAIL, "correct horse battery")


WANG_EMAIL = "wang.fang@example.com"
WANG_SECRETS = ("王芳", WANG_EMAIL, WANG["phone"], WANG["phone"].replace(" ", ""), WANG_ACCOUNT)


def raw_bytes_hold_nothing_of_wang(everything: bytes) -> bool:
    """Neither 王芳's name, email (in UTF-8, as typed or in upper case), phone nor account number
    is in these bytes."""
    found = [s for s in (*WANG_SECRETS, WANG_EMAIL.upper()) if s.encode("utf-8") in everything]
    assert not found, found
    return True


def test_only_a_borrower_asks_for_erasure(ctx, people):
    staff, _, _ = people
    with pytest.raises(Forbidden):
        erasure.request_erasure(ctx, staff)


def _secrets_everywhere(settings) -> bytes:
    """Every byte of the database file, the evidence store and the key files."""
    found = b"".join(p.read_bytes() for p in settings.data_dir.glob("*.duckdb*"))
    for root in (settings.store_dir, sealing_dir(settings.data_dir)):
        found += b"".join(p.read_bytes() for p in root.rglob("*") if p.is_file())
    return found


def _erasable_world(settings):
    """王芳 (closed dispute, evidence, a corrected name) and 李雷 (open dispute, evidence)."""
    ctx = open_context(settings)
    ctx.clock = Clock()
    staff = make_user(ctx, Role.STAFF, email="staff@example.com")
    wang = make_user(ctx, **WANG)
    li = make_user(ctx, **LI)
    mine = cases.file_dispute(ctx, wang, filing_form(account_ref=WANG_ACCOUNT))
    theirs = cases.file_dispute(ctx, li, filing_form(account_ref=LI_ACCOUNT))
    exhibits.attach_evidence(ctx, wang, mine, [upload("wang.pdf", pdf_bytes("王芳的对账单"))])
    exhibits.attach_evidence(ctx, li, theirs, [upload("li.pdf", pdf_bytes("李雷的对账单"))])
    _close(ctx, staff, mine)
    return ctx, staff, wang, li, mine, theirs


def test_after_erasure_nothing_of_the_person_is_readable_and_the_chain_verifies(settings):
    ctx, staff, wang, li, mine, theirs = _erasable_world(settings)
    from dispute import profile
    profile.update_profile(ctx, wang, {"name": "王芳芳", "phone": WANG["phone"],
                                       "language": "zh_CN"})
    wang_key = (sealing_dir(settings.data_dir) / "people" / f"{wang.id}.wrapped").read_bytes()
    [evidence] = exhibits.list_evidence(ctx, wang, mine)
    with exhibits.open_evidence(ctx, wang, mine, evidence.id) as fh:
        sample = fh.read()[200:264]
    ctx.clock.now = NOW + timedelta(days=5 * 366)

    status = erasure.request_erasure(ctx, wang)
    assert status.erased_at is not None and not status.held
    assert ctx.store.exists(evidence.sha256) is False
    assert cases.get_dispute(ctx, staff, mine).borrower_name == ERASED
    assert cases.get_dispute(ctx, staff, mine).account_ref == ERASED
    assert cases.get_dispute(ctx, staff, theirs).account_ref == LI_ACCOUNT
    assert ctx.db.read(users.borrower_ids_named, "王芳") == []
    assert ctx.db.read(users.borrower_ids_named, "李雷") == [li.id]
    [li_item] = exhibits.list_evidence(ctx, li, theirs)
    with exhibits.open_evidence(ctx, li, theirs, li_item.id) as fh:
        assert fh.read() == pdf_bytes("李雷的对账单")
    assert raw(ctx.db, "SELECT count(*) FROM users WHERE email = ?", (WANG_EMAIL,)).scalar() == 0
    [renamed] = _payloads(ctx, ek.NAME_CHANGED)  # the event row is still there, unreadable
    assert ctx.db.read(users.open_from_event, wang.id, "name_before",
                       renamed["before"]) == ERASED
    count, problem = audit.verify_chain(ctx.db)
    assert problem is None and count > 10
    ctx.db.close()

    everything = _secrets_everywhere(settings)
    for secret in ("王芳", "王芳芳", WANG_EMAIL, WANG["phone"], WANG["phone"].replace(" ", ""),
                   WANG_ACCOUNT):
        at = everything.find(secret.encode())
        assert at < 0, (secret, everything[max(0, at - 300):at + 100])
    # the email is sealed like the name, so no free page of the file holds it either
    assert raw_bytes_hold_nothing_of_wang(everything)
    assert sample not in everything and wang_key not in everything
    assert not (sealing_dir(settings.data_dir) / "people" / f"{wang.id}.wrapped").exists()
    verified = run(settings.data_dir, "audit", "verify")
    assert verified.returncode == 0, verified.stderr + verified.stdout


def test_a_backup_from_before_the_erasure_does_not_bring_the_person_back(settings, tmp_path):
    ctx, staff, wang, li, mine, theirs = _erasable_world(settings)
    [evidence] = exhibits.list_evidence(ctx, wang, mine)
    backup.backup(ctx, tmp_path / "before", with_keys=True)
    # the backup holds 王芳 only sealed: once her key is destroyed, not readable even from it
    kept = b"".join(p.read_bytes() for p in (tmp_path / "before").rglob("*") if p.is_file())
    assert raw_bytes_hold_nothing_of_wang(kept)
    ctx.clock.now = NOW + timedelta(days=5 * 366)
    erasure.request_erasure(ctx, wang)
    ctx.db.close()

    settings.data_dir.rename(tmp_path / "lost")  # the disk is replaced; the ledger is elsewhere
    backup.restore(settings, tmp_path / "before")
    ctx = open_context(settings)
    assert accounts.get_user(ctx, wang.id).name == ERASED
    assert not ctx.store.exists(evidence.sha256)
    assert not (sealing_dir(settings.data_dir) / "people" / f"{wang.id}.wrapped").exists()
    assert cases.get_dispute(ctx, staff, theirs).account_ref == LI_ACCOUNT
    assert audit.verify_chain(ctx.db)[1] is None
    again = _payloads(ctx, ek.ERASURE_CARRIED_OUT)
    assert [p["again"] for p in again] == [True]
    with pytest.raises(UserError):  # her email signs nobody in, and finds nobody
        accounts.authenticate(ctx, WANG_EMAIL, "correct horse battery")
    assert ctx.db.read(users.by_email, WANG_EMAIL) is None
    assert accounts.authenticate(ctx, LI["email"], "correct horse battery").id == li.id
    ctx.db.close()
    assert raw_bytes_hold_nothing_of_wang(_secrets_everywhere(settings))


def test_erasure_run_carries_out_requests_whose_hold_ended(settings, tmp_path):
    ctx = open_context(settings)
    staff = make_user(ctx, Role.STAFF, email="staff@example.com")
    wang = make_user(ctx, **WANG)
    number = cases.file_dispute(ctx, wang, filing_form())
    _close(ctx, staff, number)
    assert erasure.request_erasure(ctx, wang).held
    ctx.db.close()
    held = run(settings.data_dir, "erasure", "run")
    assert held.returncode == 0 and "erased 0 account(s)" in held.stdout
    assert "1 request(s) still held" in held.stdout
    done = run(settings.data_dir, "erasure", "run", env={"DISPUTE_RETENTION_YEARS": "0"})
    assert done.returncode == 0, done.stderr
    assert f"erased 1 account(s)\n  {wang.id}" in done.stdout
    ctx = open_context(dataclasses.replace(settings))
    assert accounts.get_user(ctx, wang.id).name == ERASED
    ctx.db.close()


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_another_portal_process_stops_opening_an_erased_persons_data(settings):
    """Several portal processes share the database and the data folder: one that had opened
    王芳's name (and so holds her key) shows it erased once another process erased her, within
    its recheck interval (set to 0 here), and 李雷's data still opens there."""
    ctx, staff, wang, li, mine, theirs = _erasable_world(settings)
    other = open_context(settings)
    other.clock = Clock()
    try:
        assert cases.get_dispute(other, staff, mine).borrower_name == WANG["name"]
        assert cases.get_dispute(other, staff, mine).account_ref == WANG_ACCOUNT
        ctx.clock.now = NOW + timedelta(days=5 * 366)
        assert erasure.request_erasure(ctx, wang).erased_at is not None
        other.sealing.recheck_every = 0
        assert cases.get_dispute(other, staff, mine).borrower_name == ERASED
        assert cases.get_dispute(other, staff, mine).account_ref == ERASED
        assert cases.get_dispute(other, staff, theirs).account_ref == LI_ACCOUNT
        assert accounts.get_user(other, li.id).name == LI["name"]
    finally:
        other.db.close()
        ctx.db.close()


def test_a_key_held_here_is_dropped_after_erasures_by_two_other_processes(tmp_path):
    """Three holders of one sealing folder (three processes). A and B each erase a person while
    C holds both keys; A also erased right after B's stamp, so A adopting its own stamp as seen
    would have hidden B's erasure from A. Every holder then refuses both people and still opens
    a third person's key, read again from its file."""
    from datetime import datetime, timezone
    from uuid import uuid4

    from dispute.keys import Keyring
    from dispute.person_keys import PersonErased, SealingKeys

    portal = Keyring.generate()
    a, b, c = (SealingKeys(tmp_path, portal) for _ in range(3))
    first, second, kept = uuid4(), uuid4(), uuid4()
    kept_secret = a.person(kept, create=True).current.secret
    for holder in (a, b, c):
        for person in (first, second):
            holder.person(person, create=True)
    at = datetime(2026, 12, 7, tzinfo=timezone.utc)
    b.destroy(second, at)
    a.destroy(first, at)
    for holder in (a, b, c):
        holder.recheck_every = 0
        for person in (first, second):
            with pytest.raises(PersonErased):
                holder.person(person)
        assert holder.person(kept).current.secret == kept_secret
