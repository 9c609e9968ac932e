"""The evidence list's page numbers are the exhibits' pages in the case bundle made from the same
dispute: facts_for lays the bundle out (dispute.bundle.export.exhibit_pages) and the test builds
the real bundle ZIP and reads its signed manifest."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from pypdf import PdfReader

from dispute.bundle.content import BundleOptions
from dispute.bundle.export import export_bundle
from dispute.documents.make import render_document
from dispute.documents.service import facts_for
from tests.documents_case import build, pdf_text, squeeze


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    w = build(tmp_path_factory.mktemp("documents-pages") / "data")
    yield w
    w.ctx.db.close()


def bundle_pages(path) -> dict[str, tuple[int, int]]:
    with zipfile.ZipFile(path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        total = len(PdfReader(io.BytesIO(zf.read("bundle.pdf"))).pages)
    pages = {f["exhibit"]: tuple(f["pages"]) for f in manifest["files"] if f.get("exhibit")}
    assert all(1 < first <= last <= total for first, last in pages.values())
    return pages


@pytest.mark.parametrize("who,lang", [("borrower", "zh_CN"), ("legal", "en")])
def test_the_evidence_lists_pages_are_the_bundles(world, tmp_path, who, lang):
    actor = getattr(world, who)
    facts = facts_for(world.ctx, actor, world.decided, "evidence_list", lang=lang)
    listed = {x.exhibit: x.pages for x in facts.exhibits}
    export_bundle(world.ctx, actor, world.decided, tmp_path / "b.zip", BundleOptions(lang=lang))
    assert listed == bundle_pages(tmp_path / "b.zip")
    pdf = tmp_path / "list.pdf"
    pdf.write_bytes(render_document("evidence_list", facts, "pdf", lang))
    text = squeeze(pdf_text(pdf))
    for first, last in listed.values():
        assert (f"{first}–{last}" if first != last else str(first)) in text
