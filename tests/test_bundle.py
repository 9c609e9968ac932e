"""Case bundles without the shared fixtures: who may export what, masking and notes, the audit
event, progress, no partial ZIP on failure, and a renderer that fetches nothing."""

from __future__ import annotations

import hashlib
import uuid
import http.server
import io
import json
import threading
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from dispute import event_kinds
from dispute.bundle import phrases, render
from dispute.bundle.content import BundleOptions
from dispute.bundle.export import export_bundle
from dispute.errors import Forbidden, InvalidInput, NotFound, UserError
from dispute.vocab import Role
from tests import bundle_case as bc
from tests.conftest import raw, make_user, pdf_bytes, png_bytes, upload


def pdf_text(zip_path: Path) -> str:
    with zipfile.ZipFile(zip_path) as zf:
        reader = PdfReader(io.BytesIO(zf.read("bundle.pdf")))
        return "\n".join(page.extract_text() for page in reader.pages)


def export_events(ctx) -> list[dict]:
    rows = raw(ctx.db, "SELECT payload, actor_id FROM events WHERE kind = ? ORDER BY seq",
                        (event_kinds.BUNDLE_EXPORTED,))
    return [{**json.loads(r["payload"]), "actor_id": r["actor_id"]} for r in rows]


@pytest.fixture
def case(ctx):
    borrower, legal, staff = bc.people(ctx)
    number = bc.file_case(ctx, borrower)
    from dispute.exhibits import attach_evidence

    attach_evidence(ctx, borrower, number, [upload("statement.pdf", pdf_bytes("bank")),
                                            upload("photo.png", png_bytes(), kind="photo",
                                                   description="短信截图 SMS")])
    bc.workflow_records(ctx, number, borrower, staff)
    return ctx, number, borrower, legal, staff


@pytest.mark.parametrize("role", [Role.STAFF, Role.ADMIN])
def test_staff_and_administrators_cannot_export(case, tmp_path, role):
    ctx, number, *_ = case
    actor = make_user(ctx, role, email=f"{role.value}2@example.com")
    with pytest.raises(Forbidden):
        export_bundle(ctx, actor, number, tmp_path / "out" / "b.zip")
    assert not (tmp_path / "out").exists() and export_events(ctx) == []


def test_another_borrower_is_told_the_dispute_does_not_exist(case, tmp_path):
    ctx, number, *_ = case
    stranger = make_user(ctx, email="stranger@example.com")
    with pytest.raises(NotFound):
        export_bundle(ctx, stranger, number, tmp_path / "b.zip")


def test_a_borrower_cannot_ask_for_notes_or_unmasked_numbers(case, tmp_path):
    ctx, number, borrower, *_ = case
    for options in (BundleOptions(include_notes=True),
                    BundleOptions(unmasked=True, reason="court order 123")):
        with pytest.raises(Forbidden):
            export_bundle(ctx, borrower, number, tmp_path / "out" / "b.zip", options)
    assert not (tmp_path / "out").exists() and export_events(ctx) == []


def test_unmasking_needs_a_reason_and_writes_nothing_without_one(case, tmp_path):
    ctx, number, _, legal, _ = case
    with pytest.raises(InvalidInput) as refused:
        export_bundle(ctx, legal, number, tmp_path / "out" / "b.zip",
                      BundleOptions(unmasked=True, reason="  "))
    assert "reason" in refused.value.fields
    assert not (tmp_path / "out").exists() and export_events(ctx) == []


def test_borrower_bundle_is_masked_and_leaves_out_internal_notes(case, tmp_path):
    ctx, number, borrower, legal, _ = case
    mine = export_bundle(ctx, borrower, number, tmp_path / "mine.zip",
                         BundleOptions(lang="en")).path
    text = pdf_text(mine)
    assert "Exhibit E01" in text and "Chronology" in text
    assert bc.NOTE_TEXT[:10] not in text and "Internal note" not in text
    assert bc.ACCOUNT not in text and "6225********5678" in text
    assert "13800138000" not in text.replace(" ", "")

    full = export_bundle(ctx, legal, number, tmp_path / "full.zip",
                         BundleOptions(include_notes=True, lang="en")).path
    assert "Internal notes" in pdf_text(full) and "bank admitted" in pdf_text(full)
    assert bc.ACCOUNT not in pdf_text(full)  # notes do not unmask


def test_unmasked_export_shows_numbers_and_logs_the_reason(case, tmp_path):
    ctx, number, _, legal, _ = case
    result = export_bundle(ctx, legal, number, tmp_path / "b.zip",
                           BundleOptions(unmasked=True, reason="法院调取 court order 7"))
    assert bc.ACCOUNT in pdf_text(result.path)
    with zipfile.ZipFile(result.path) as zf:
        manifest = zf.read("manifest.json")
    [event] = export_events(ctx)
    assert event["manifest_sha256"] == hashlib.sha256(manifest).hexdigest()
    assert event["unmasked"] is True and event["reason"] == "法院调取 court order 7"
    assert event["actor_id"] == legal.id


def test_every_export_is_logged_with_its_manifest_hash(case, tmp_path):
    ctx, number, borrower, legal, _ = case
    export_bundle(ctx, borrower, number, tmp_path / "a.zip")
    export_bundle(ctx, legal, number, tmp_path / "b.zip")
    assert [(e["actor_id"], e["unmasked"], e["include_notes"]) for e in export_events(ctx)] == \
        [(borrower.id, False, False), (legal.id, False, False)]


def test_progress_runs_through_exhibits_sections_stamping_signing(case, tmp_path):
    ctx, number, _, legal, _ = case
    steps = []
    export_bundle(ctx, legal, number, tmp_path / "b.zip", progress=steps.append)
    assert [(s.phase, s.exhibit) for s in steps] == [
        ("exhibit", "E01"), ("exhibit", "E02"), ("sections", None), ("stamping", None),
        ("signing", None), ("done", None)]
    assert [s.done for s in steps] == sorted(s.done for s in steps)
    assert steps[-1].done == steps[-1].total


def test_a_file_missing_from_the_store_leaves_no_zip_and_names_the_exhibit(case, tmp_path):
    ctx, number, _, legal, _ = case
    sha = raw(ctx.db, "SELECT sha256 FROM evidence WHERE exhibit = 'E02'").scalar()
    ctx.store.ciphertext_path(sha).unlink()
    out = tmp_path / "out"
    with pytest.raises(UserError) as failed:
        export_bundle(ctx, legal, number, out / "b.zip")
    assert "E02" in str(failed.value) and "photo.png" in str(failed.value)
    assert list(out.iterdir()) == [] and export_events(ctx) == []


def test_every_event_kind_has_a_label():
    kinds = {v for k, v in vars(event_kinds).items() if k.isupper() and isinstance(v, str)}
    assert kinds <= set(phrases.EVENT_LABELS)


class _Counting(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802
        _Counting.hits.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    _Counting.hits = []
    httpd = http.server.HTTPServer(("127.0.0.1", 0), _Counting)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


def test_the_renderer_fetches_nothing_but_its_own_stylesheet(server, tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(png_bytes())
    markup = (f'<link rel="stylesheet" href="bundle-asset:bundle.css">'
              f'<img src="{server}/img.png"><img src="file://{secret}">'
              f'<div style="background: url({server}/bg.png)">x</div>'
              f'<style>@import url("{server}/evil.css");</style>')
    rendered = render.render_pdf(markup)
    assert _Counting.hits == []
    assert {f"{server}/img.png", f"file://{secret}", f"{server}/bg.png"} <= set(rendered.refused)
    assert "bundle-asset:bundle.css" not in rendered.refused


def test_a_hostile_description_is_printed_as_text_and_fetches_nothing(ctx, server, tmp_path):
    borrower, legal, _ = bc.people(ctx)
    hostile = (f'<img src="{server}/x.png"> <style>body{{background:url({server}/y)}}</style> '
               f'<div style="background:url(file:///etc/passwd)">')
    number = bc.file_case(ctx, borrower, description=hostile)
    from dispute.exhibits import attach_evidence

    attach_evidence(ctx, borrower, number, [upload("a.pdf", pdf_bytes(), description=hostile)])
    result = export_bundle(ctx, legal, number, tmp_path / "b.zip", BundleOptions(lang="en"))
    assert _Counting.hits == []
    text = pdf_text(result.path)
    assert f'<img src="{server}/x.png">' in text.replace("\n", " ")


def test_loading_the_renderer_keeps_pillow_strict_about_truncated_images():
    """WeasyPrint turns LOAD_TRUNCATED_IMAGES on when imported; previews rely on it being off."""
    from PIL import ImageFile

    import dispute.bundle.render  # noqa: F401

    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def exhibit_record(media_type: str, data: bytes):
    from datetime import datetime, timezone

    from dispute.bundle.content import ExhibitRecord

    return ExhibitRecord(evidence_id=uuid.uuid4(), exhibit="E01", kind="photo", original_name="huge.png",
                         media_type=media_type, size=len(data),
                         sha256=hashlib.sha256(data).hexdigest(), description="",
                         recorded_on=None, uploaded_by="王芳",
                         uploaded_at=datetime(2026, 11, 1, tzinfo=timezone.utc),
                         withdrawn_at=None, withdrawn_reason=None)


@pytest.mark.parametrize("side", [13000, 20000])  # over Pillow's warning; over its error
def test_a_photo_too_large_to_decode_is_shown_on_a_too_large_sheet(side):
    """Issue 19, finding 4: a 169-megapixel image made the export fail (Pillow's
    DecompressionBombWarning, turned into an error, was not caught), so a borrower could make
    their own dispute impossible to export. It gets a "too large to show" sheet instead."""
    from dispute.bundle.exhibits import prepare
    from dispute.bundle.sections import Words, _sheet_status
    from tests.conftest import huge_png

    data = huge_png(side, side)
    item = prepare(exhibit_record("image/png", data), "exhibits/E01-huge.png", data)
    assert (item.way, item.reason, item.body_pages, item.image_pdf) == \
        ("none", phrases.REASON_TOO_LARGE, 0, None)
    status, problem = _sheet_status(item, Words("en", "Asia/Shanghai"))
    assert problem and f"{side} × {side} pixels" in status and "67 million" in status


def test_an_export_with_an_image_over_the_pixel_limit_succeeds(ctx, tmp_path):
    """Finding 4 end to end: the image was stored before intake refused such images."""
    from tests.conftest import attach_without_intake, huge_png

    borrower, legal, _ = bc.people(ctx)
    number = bc.file_case(ctx, borrower)
    attach_without_intake(ctx, borrower, number, "长截图.png", huge_png(13000, 13000),
                          "image/png")
    made = export_bundle(ctx, legal, number, tmp_path / "b.zip",
                         BundleOptions(lang="en"))
    text = " ".join(pdf_text(made.path).split())
    assert "the image is too large to show: 13000 × 13000 pixels" in text
    with zipfile.ZipFile(made.path) as zf:
        assert zf.read("exhibits/E01-长截图.png") == huge_png(13000, 13000)
