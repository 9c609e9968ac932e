"""Pen test finding 6, the export side: a dispute filled to the posting limits over several days
(long messages, many contact entries and notes) exports a bundle whose sections stay bounded —
asserted on pages and sizes, not on time — and nothing posted is lost: every entry, in full, is
in the attached text files the signed manifest lists. An export can be cancelled between steps
and then leaves nothing behind."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime, timedelta, timezone

import pytest
from pypdf import PdfReader

from dispute import contacts, messages, notes
from dispute.bundle import bounded, signing
from dispute.bundle.content import BundleOptions
from dispute.bundle.export import ExportCancelled, export_area, export_bundle
from dispute.bundle.verify import verify_bundle
from dispute.errors import UserError
from dispute.i18n import translator
from tests import bundle_case as bc
from tests.conftest import raw

# The limits are made smaller here (ROWS, TEXT) so a loaded test machine lays the PDF out
# quickly; the code that cuts is the same. A dispute holds more than the PDF prints of each.
ROWS, TEXT = 20, 200
MESSAGES, CONTACTS, NOTES = ROWS + 10, ROWS + 10, 12
PAGES_PER_SECTION = 12  # what ROWS entries of TEXT characters come to, with room


def post(ctx, call) -> None:
    """Post as a patient script would: wait a minute when the rate stops it, a day at the cap."""
    for _ in range(3):
        try:
            call()
            return
        except UserError as exc:
            wait = timedelta(days=1) if "24" in exc.msgid else timedelta(minutes=1)
            ctx.clock.now += wait
    raise AssertionError("still refused after waiting")


@pytest.fixture
def full_case(ctx):
    borrower, legal, staff = bc.people(ctx)
    number = bc.file_case(ctx, borrower)
    for i in range(MESSAGES):
        body = f"第{i + 1}条消息 " + "长" * 4_980 + f" END-MSG-{i + 1}"
        post(ctx, lambda: messages.send_message(ctx, borrower, number, {"body": body}))
    for i in range(CONTACTS):
        entry = {"contacted_at": datetime(2026, 11, 1, tzinfo=timezone.utc), "channel": "phone",
                 "agent_name": "客服 张三", "agent_position": "工号 1024",
                 "summary": "承诺" * 2_480 + f" END-CONTACT-{i + 1}"}
        post(ctx, lambda: contacts.add_contact(ctx, borrower, number, entry))
    for i in range(NOTES):
        post(ctx, lambda: notes.add_note(ctx, legal, number,
                                         {"body": "备注" * 1_000 + f" END-NOTE-{i + 1}"}))
    return ctx, number, legal


def section_pages(pdf: bytes, lang: str) -> dict[str, int]:
    """Pages per top-level bookmark (the sections, then the exhibits)."""
    reader = PdfReader(io.BytesIO(pdf))
    marks = [(item.title, reader.get_destination_page_number(item)) for item in reader.outline
             if not isinstance(item, list)]
    ends = [page for _, page in marks[1:]] + [len(reader.pages)]
    return {title: end - start for (title, start), end in zip(marks, ends)}


@pytest.fixture
def small_limits(monkeypatch):
    monkeypatch.setattr(bounded, "ROWS_IN_PDF", ROWS)
    monkeypatch.setattr(bounded, "TEXT_IN_PDF", TEXT)


def test_a_dispute_at_the_caps_exports_bounded_sections_and_loses_nothing(full_case, tmp_path,
                                                                          small_limits):
    ctx, number, legal = full_case
    out = tmp_path / "bundle.zip"
    result = export_bundle(ctx, legal, number, out,
                           BundleOptions(include_notes=True, lang="en"))
    with zipfile.ZipFile(out) as zf:
        pdf = zf.read("bundle.pdf")
        manifest = json.loads(zf.read("manifest.json"))
        texts = {p: zf.read(p).decode("utf-8") for p in zf.namelist()
                 if p.startswith("attachments/")}
    _ = translator("en")
    pages = section_pages(pdf, "en")
    for title in ("Chronology", "Contact log", "Internal notes"):
        assert 0 < pages[_(title)] <= PAGES_PER_SECTION, pages
    assert result.pages <= 4 * PAGES_PER_SECTION
    # the cut is announced where it happens…
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "continue in attachments/contacts.txt" in text
    assert "continued in attachments/chronology.txt, entry" in text
    # …and every entry is whole in the attachments, which the signed manifest lists
    assert set(texts) == {"attachments/chronology.txt", "attachments/contacts.txt",
                          "attachments/notes.txt"}
    for i in (1, MESSAGES):
        assert f"END-MSG-{i}" in texts["attachments/chronology.txt"]
    assert all(f"END-CONTACT-{i}" in texts["attachments/contacts.txt"]
               for i in range(1, CONTACTS + 1))
    assert f"END-NOTE-{NOTES}" in texts["attachments/notes.txt"]
    listed = {f["path"]: f for f in manifest["files"]}
    assert listed["attachments/contacts.txt"]["continues"] == "contacts"
    key = signing.public_pem(signing.load_key(ctx.settings.data_dir)).encode()
    assert verify_bundle(out, key).ok


def test_the_borrower_bundle_without_notes_has_no_notes_attachment(full_case, tmp_path,
                                                                   small_limits):
    ctx, number, legal = full_case
    owner = raw(ctx.db, "SELECT borrower_id FROM disputes").scalar()
    from dispute.accounts import get_user

    out = tmp_path / "mine.zip"
    export_bundle(ctx, get_user(ctx, owner), number, out, BundleOptions(lang="zh_CN"))
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        assert "END-NOTE" not in zf.read("attachments/chronology.txt").decode("utf-8")
    assert "attachments/notes.txt" not in names and "attachments/contacts.txt" in names


def test_bound_keeps_short_sections_as_they_are():
    rows = [{"when": "t", "details": "短"}] * 3
    cut = bounded.bound("chronology", rows, ("details",), lambda m, **p: m.format(**p))
    assert cut.rows == rows and cut.note == "" and not cut.overflowed


@pytest.mark.parametrize("stop_at", ["exhibit", "sections", "stamping", "signing", "done"])
def test_a_cancelled_export_leaves_nothing_behind(ctx, tmp_path, stop_at):
    from dispute.exhibits import attach_evidence
    from tests.conftest import pdf_bytes, upload

    borrower, legal, _ = bc.people(ctx)
    number = bc.file_case(ctx, borrower)
    attach_evidence(ctx, borrower, number, [upload("statement.pdf", pdf_bytes("bank"))])
    seen: list[str] = []
    out = tmp_path / "out" / "b.zip"
    with pytest.raises(ExportCancelled):
        export_bundle(ctx, legal, number, out, progress=lambda s: seen.append(s.phase),
                      cancelled=lambda: stop_at in seen)
    assert not out.exists() and list(export_area(ctx.settings.data_dir).iterdir()) == []
    assert raw(ctx.db, "SELECT count(*) FROM events WHERE kind = 'BundleExported'").scalar() == 0
