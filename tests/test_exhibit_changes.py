"""Evidence labelled right and correctable (issue 16 item 4): the kind suggested from the detected
type, corrections of kind, description and date that keep the earlier values, and withdrawal
with a reason that keeps the bytes and marks the exhibit withdrawn on the page and in bundles."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from pypdf import PdfReader

from dispute import cases, event_kinds as ek
from dispute.errors import Forbidden, InvalidInput, UserError
from dispute.exhibit_changes import correct_exhibit, suggested_kind, withdraw_exhibit
from dispute.exhibits import attach_evidence, list_evidence
from dispute.timeline import timeline
from dispute.vocab import EvidenceKind, Role
from evidence import sniff
from tests.conftest import (NO_FIXTURES, SHARED_FIXTURES, filing_form, image_claiming, make_user,
                            open_form, pdf_bytes, png_bytes, upload)
from tests.test_pages import portal  # noqa: F401  (a fixture)
from tests.test_workflow_pages import open_page, texts


@pytest.mark.parametrize("data, kind", [
    (pdf_bytes(), EvidenceKind.STATEMENT),
    (png_bytes(), EvidenceKind.SCREENSHOT),
    (image_claiming("JPEG", 64, 64), EvidenceKind.PHOTO),
    ("借款人与客服的聊天记录\n".encode(), EvidenceKind.OTHER),
])
def test_the_kind_is_suggested_from_the_detected_type(data, kind):
    assert suggested_kind(sniff.detect(data)) == kind


def test_recordings_and_phone_photos_are_suggested_from_their_bytes():
    files = {"audio/call_zh.m4a": EvidenceKind.CALL_RECORDING,
             "images/landscape_6.jpg": EvidenceKind.PHOTO}
    heic = sorted(SHARED_FIXTURES.glob("**/*.heic"))
    if not all((SHARED_FIXTURES / f).exists() for f in files):
        pytest.skip(NO_FIXTURES)
    for name, kind in files.items():
        assert suggested_kind(sniff.detect((SHARED_FIXTURES / name).read_bytes())) == kind
    for path in heic:
        assert suggested_kind(sniff.detect(path.read_bytes())) == EvidenceKind.PHOTO
    assert suggested_kind("audio/amr") == EvidenceKind.CALL_RECORDING
    assert suggested_kind(None) == EvidenceKind.OTHER


@pytest.fixture
def case(portal):
    borrower = make_user(portal)
    staff = make_user(portal, Role.STAFF, email="staff@example.com", name="李静")
    legal = make_user(portal, Role.LEGAL, email="legal@example.com", name="陈律师")
    number = cases.file_dispute(portal, borrower, filing_form())
    attach_evidence(portal, borrower, number, [upload("sms.png", png_bytes(),
                                                      kind="call_recording",
                                                      description="通话录音")])
    [item] = list_evidence(portal, borrower, number)
    return portal, number, borrower, staff, legal, item


def test_a_correction_keeps_the_earlier_values_in_the_timeline(case):
    ctx, number, borrower, staff, _legal, item = case
    fixed = correct_exhibit(ctx, borrower, number, item.id, {
        "kind": "screenshot", "description": "短信截图", "recorded_on": date(2026, 9, 3)})
    assert (fixed.kind, fixed.description) == (EvidenceKind.SCREENSHOT, "短信截图")
    [now] = list_evidence(ctx, staff, number)
    assert (now.kind, now.description, now.recorded_on) == (
        EvidenceKind.SCREENSHOT, "短信截图", date(2026, 9, 3))
    [event] = [e for e in timeline(ctx, staff, number) if e.kind == ek.EXHIBIT_RECLASSIFIED]
    assert event.payload["before"] == {"kind": "call_recording", "description": "通话录音",
                                       "recorded_on": "2026-09-01"}
    assert event.payload["after"]["kind"] == "screenshot"
    # the same values again change nothing and write no event
    correct_exhibit(ctx, staff, number, item.id, {
        "kind": "screenshot", "description": "短信截图", "recorded_on": date(2026, 9, 3)})
    assert len([e for e in timeline(ctx, staff, number)
                if e.kind == ek.EXHIBIT_RECLASSIFIED]) == 1


def test_bad_corrections_change_nothing(case):
    ctx, number, borrower, staff, _legal, item = case
    with pytest.raises(InvalidInput) as bad:
        correct_exhibit(ctx, borrower, number, item.id, {
            "kind": "screenshot", "description": "", "recorded_on": date(2099, 1, 1)})
    assert set(bad.value.fields) == {"description", "recorded_on"}
    staff_file = attach_evidence(ctx, staff, number, [upload("x.pdf", pdf_bytes())])[0]
    theirs = next(i for i in list_evidence(ctx, staff, number) if i.exhibit == staff_file)
    with pytest.raises(Forbidden):
        correct_exhibit(ctx, borrower, number, theirs.id, {
            "kind": "letter", "description": "x"})
    with pytest.raises(Forbidden):
        withdraw_exhibit(ctx, borrower, number, theirs.id, {"reason": "不是我的"})
    assert list_evidence(ctx, staff, number)[0].kind == EvidenceKind.CALL_RECORDING


def test_a_withdrawn_exhibit_keeps_its_bytes_and_is_marked_in_the_bundle(case, tmp_path):
    from dispute.bundle.content import BundleOptions
    from dispute.bundle.export import export_bundle

    ctx, number, borrower, staff, legal, item = case
    with pytest.raises(InvalidInput):
        withdraw_exhibit(ctx, borrower, number, item.id, {"reason": ""})
    done = withdraw_exhibit(ctx, borrower, number, item.id, {"reason": "传错了文件"})
    assert done.withdrawn_reason == "传错了文件" and ctx.store.exists(item.sha256)
    with pytest.raises(UserError):
        withdraw_exhibit(ctx, staff, number, item.id, {"reason": "again"})
    with pytest.raises(UserError):
        correct_exhibit(ctx, staff, number, item.id, {"kind": "photo", "description": "x"})

    out = tmp_path / "b.zip"
    export_bundle(ctx, legal, number, out, BundleOptions(lang="zh_CN"))
    with zipfile.ZipFile(out) as zf:
        assert any(n.startswith("exhibits/E01-") for n in zf.namelist())
        pages = [p.extract_text() for p in PdfReader(io.BytesIO(zf.read("bundle.pdf"))).pages]
    index = next(p for p in pages if "目录" in p)
    assert "E01" in index and "已撤回" in index
    assert sum("传错了文件" in p for p in pages) >= 2  # the evidence index and the sheet


# --- through the pages ------------------------------------------------------------------------

def test_the_borrower_corrects_then_withdraws_an_exhibit_on_the_page(case):
    ctx, number, borrower, staff, _legal, item = case
    key = f"exc_{item.id}"
    at = open_form(open_page(borrower, "pages/dispute.py", number, lang="zh_CN", tab="Evidence"),
                   key)
    assert not at.exception
    at.selectbox(key=f"{key}_kind").set_value("screenshot")
    at.text_input(key=f"{key}_desc").input("短信截图")
    at.button(key=f"{key}_submit").click().run()
    assert not at.exception
    assert list_evidence(ctx, staff, number)[0].kind == EvidenceKind.SCREENSHOT

    at = open_page(staff, "pages/workspace.py", number, lang="zh_CN")
    page = texts(at)
    assert "已更正证据的类型、说明或日期" in page
    assert "通话录音 → 短信或聊天截图" in page  # the earlier kind, kept in the timeline

    wkey = f"exw_{item.id}"
    at = open_form(open_page(borrower, "pages/dispute.py", number, lang="zh_CN", tab="Evidence"),
                   wkey)
    assert at.button(key=f"{wkey}_submit").disabled  # until confirmed
    at.text_area(key=f"{wkey}_reason").input("传错了文件")
    at.checkbox(key=f"{wkey}_sure").check().run()
    at.button(key=f"{wkey}_submit").click().run()
    assert not at.exception
    [now] = list_evidence(ctx, staff, number)
    assert now.withdrawn_reason == "传错了文件"
    at = open_page(borrower, "pages/dispute.py", number, lang="zh_CN", tab="Evidence")
    assert "证据 E01 已于" in texts(at) and "传错了文件" in texts(at)
    assert not [b for b in at.button if b.key == f"{wkey}_submit"]  # nothing more to change
