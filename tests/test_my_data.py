"""Access (PIPL art. 45): a borrower downloads everything the portal holds about them as one ZIP
with a JSON index; the download is an event; nothing internal or of other people is in it. And
the My account page's Your data / Delete my account section."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime, timedelta, timezone

from dispute import cases, contacts, erasure, exhibits, messages, my_data, notes, profile
from dispute import event_kinds as ek
from dispute.vocab import Role
from tests.conftest import filing_form, make_user, pdf_bytes, png_bytes, raw, upload
from tests.test_pages import app, portal, texts  # noqa: F401  (portal is a fixture)
from tests.test_workflow import put_in
from dispute.vocab import Stage


def _world(ctx):
    staff = make_user(ctx, Role.STAFF, email="staff@example.com")
    wang = make_user(ctx)
    li = make_user(ctx, name="李雷", email="li.lei@example.com")
    number = cases.file_dispute(ctx, wang, filing_form())
    other = cases.file_dispute(ctx, li, filing_form(account_ref="6222020200001111"))
    put_in(ctx, number, Stage.NEGOTIATION)
    exhibits.attach_evidence(ctx, wang, number, [upload("../../对账单.pdf", pdf_bytes("账单")),
                                                 upload("photo.png", png_bytes(), "photo",
                                                        "照片")])
    messages.send_message(ctx, wang, number, {"body": "请尽快处理"})
    ctx.clock.now += timedelta(minutes=5)  # two messages at one instant have no order
    messages.send_message(ctx, staff, number, {"body": "已收到"})
    contacts.add_contact(ctx, wang, number, {
        "contacted_at": datetime(2026, 10, 1, 2, 0, tzinfo=timezone.utc), "channel": "phone",
        "agent_name": "客服 007", "agent_position": "客服", "summary": "答应退款"})
    notes.add_note(ctx, staff, number, {"body": "内部：借款人情绪激动"})
    profile.update_profile(ctx, wang, {"name": "王芳芳", "phone": "+86 139 2222 3333",
                                       "language": "zh_CN"})
    return staff, wang, li, number, other


def test_the_zip_holds_the_account_disputes_history_messages_contacts_and_files(ctx):
    staff, wang, li, number, other = _world(ctx)
    wang = type(wang)(**{**wang.model_dump(), "name": "王芳芳"})
    out = my_data.download_my_data(ctx, wang)
    assert out.files == 2 and out.filename.endswith(".zip")
    with zipfile.ZipFile(io.BytesIO(out.data)) as zf:
        names = zf.namelist()
        index = json.loads(zf.read("index.json"))
        files = {name: zf.read(name) for name in names if name != "index.json"}
    account = index["account"]
    assert (account["name"], account["phone"], account["email"]) == (
        "王芳芳", "+86 139 2222 3333", "wang.fang@example.com")
    renamed = next(e for e in account["history"] if e["kind"] == ek.NAME_CHANGED)
    assert renamed["details"]["before"] == "王芳" and renamed["details"]["after"] == "王芳芳"
    [dispute] = index["disputes"]
    assert dispute["number"] == number and dispute["account_ref"] == "6225880212345678"
    assert [m["body"] for m in dispute["messages"]] == ["请尽快处理", "已收到"]
    assert dispute["contact_log"][0]["summary"] == "答应退款"
    assert ek.DISPUTE_FILED in [e["kind"] for e in dispute["history"]]
    assert ek.NOTE_ADDED not in [e["kind"] for e in dispute["history"]]
    assert "内部" not in json.dumps(index, ensure_ascii=False)
    assert other not in json.dumps(index) and "李雷" not in json.dumps(index, ensure_ascii=False)
    by_file = {e["file"]: e for e in dispute["evidence"]}
    assert set(by_file) == set(files)
    assert all(name.startswith(f"evidence/{number}/") and ".." not in name.split("/")
               for name in files)
    assert sorted(files.values(), key=len) == sorted([pdf_bytes("账单"), png_bytes()], key=len)
    [event] = [json.loads(r["payload"]) for r in raw(
        ctx.db, "SELECT payload FROM events WHERE kind = ?", (ek.DATA_DOWNLOADED,))]
    assert event["user"] == str(wang.id) and event["files"] == 2 and event["disputes"] == 1


def test_staff_get_their_account_without_anyones_disputes(ctx):
    staff, *_ = _world(ctx)
    out = my_data.download_my_data(ctx, staff)
    with zipfile.ZipFile(io.BytesIO(out.data)) as zf:
        assert zf.namelist() == ["index.json"]
        index = json.loads(zf.read("index.json"))
    assert index["disputes"] == [] and index["account"]["email"] == "staff@example.com"


def test_my_account_prepares_the_download(portal):
    user = make_user(portal)
    cases.file_dispute(portal, user, filing_form())
    at = app(user).run()
    at.switch_page("pages/account.py").run()
    at.button(key="my_data_prepare").click().run()
    assert not at.exception, at.exception
    assert raw(portal.db, "SELECT count(*) FROM events WHERE kind = ?",
               (ek.DATA_DOWNLOADED,)).scalar() == 1


def test_deleting_needs_the_confirmation_and_shows_what_holds_it(portal):
    user = make_user(portal)
    number = cases.file_dispute(portal, user, filing_form())
    at = app(user).run()
    at.switch_page("pages/account.py").run()
    assert at.button(key="erase_submit").disabled
    at.checkbox(key="erase_sure").check().run()
    at.button(key="erase_submit").click().run()
    assert not at.exception, at.exception
    shown = texts(at)
    assert "You asked to delete your account on" in shown
    assert number in shown and "still open" in shown
    assert erasure.erasure_status(portal, user).requested_at is not None
