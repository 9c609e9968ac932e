"""A bundle of every file in ../shared/fixtures plus Chinese and English case records, read back
with pypdf, pdftotext, pdffonts and pdftoppm."""

from __future__ import annotations

import io
import json
import re
import subprocess
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from PIL import Image, ImageChops, ImageOps, ImageStat
from pypdf import PdfReader

from dispute.bundle import signing
from dispute.bundle.content import BundleOptions
from dispute.bundle.exhibits import IMAGE_MARGIN, IMAGE_MARGIN_BOTTOM
from dispute.bundle.export import export_bundle
from dispute.bundle.verify import verify_bundle
from dispute.config import Settings
from dispute.context import open_context
from tests import bundle_case as bc
from tests.conftest import NO_FIXTURES, SHARED_FIXTURES, Clock

if not SHARED_FIXTURES.is_dir():
    pytest.skip(NO_FIXTURES, allow_module_level=True)

SECTIONS_ZH = ["案件材料汇编", "目录", "案情摘要及请求事项", "事件时间线", "联系记录",
               "和解方案、调解与诉讼", "内部备注", "证据目录"]


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> SimpleNamespace:
    root = tmp_path_factory.mktemp("bundle")
    ctx = open_context(Settings(data_dir=root / "data", max_upload_mb=20,
                                timezone="Asia/Shanghai"))
    ctx.clock = Clock()
    borrower, legal, staff = bc.people(ctx)
    number = bc.file_case(ctx, borrower)
    files = bc.fixture_files(SHARED_FIXTURES)
    refused = bc.attach_files(ctx, borrower, number, files)
    bc.workflow_records(ctx, number, borrower, staff)
    legal_zip = export_bundle(ctx, legal, number, root / "legal.zip",
                              BundleOptions(include_notes=True, lang="zh_CN")).path
    mine_zip = export_bundle(ctx, borrower, number, root / "mine.zip",
                             BundleOptions(lang="en")).path
    out = root / "legal"
    with zipfile.ZipFile(legal_zip) as zf:
        zf.extractall(out)
    yield SimpleNamespace(ctx=ctx, number=number, legal_zip=legal_zip, mine_zip=mine_zip,
                          dir=out, pdf=out / "bundle.pdf", files=files, refused=refused,
                          manifest=json.loads((out / "manifest.json").read_text()),
                          reader=PdfReader(out / "bundle.pdf"))
    ctx.db.close()


def exhibits(made) -> list[dict]:
    return [f for f in made.manifest["files"] if f.get("exhibit")]


def page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return text.split("\f")[:-1]


def test_every_fixture_is_an_exhibit_with_its_original_bytes(made):
    assert made.refused == []
    by_name = {f["original_name"]: f for f in exhibits(made)}
    for path in made.files:
        entry = by_name[path.name]
        assert (made.dir / entry["path"]).read_bytes() == path.read_bytes()


def test_page_count_is_generated_pages_plus_exhibit_pages(made):
    entries = exhibits(made)
    generated = entries[0]["pages"][0] - 1
    total = len(made.reader.pages)
    assert made.manifest["files"][0]["pages"] == total
    assert total == generated + sum(e["pages"][1] - e["pages"][0] + 1 for e in entries)
    for before, after in zip(entries, entries[1:]):
        assert after["pages"][0] == before["pages"][1] + 1
    for e in entries:
        span = e["pages"][1] - e["pages"][0] + 1
        if e["shown_as"] == "pdf":
            assert span == 1 + len(PdfReader(made.dir / e["path"]).pages), e["path"]
        elif e["shown_as"] == "image":
            assert span == 2, e["path"]
        else:
            assert span == 1, e["path"]


def test_every_page_carries_its_bates_stamp_and_page_x_of_n(made):
    """The legal bundle is in Chinese: its stamps count pages in Chinese (issue 16)."""
    texts = page_texts(made.pdf)
    total = len(texts)
    assert total == len(made.reader.pages)
    for index, text in enumerate(texts, start=1):
        flat = " ".join(text.split())
        assert f"{made.number}-{index:04d}" in flat, index
        assert f"第 {index} 页 共 {total} 页" in flat, index
        assert f"page {index} of" not in flat, index


def flatten(outline, reader, depth=0):
    for item in outline:
        if isinstance(item, list):
            yield from flatten(item, reader, depth + 1)
        else:
            yield depth, item.title, reader.get_destination_page_number(item) + 1


def test_bookmarks_for_every_section_and_exhibit_point_at_their_pages(made):
    marks = list(flatten(made.reader.outline, made.reader))
    titles = [t for d, t, p in marks if d == 0]
    assert titles == SECTIONS_ZH + ["证据"]
    exhibit_marks = {t.split(" · ")[0]: p for d, t, p in marks if d == 1}
    assert exhibit_marks == {e["exhibit"]: e["pages"][0] for e in exhibits(made)}
    outlined = next(e for e in exhibits(made) if e["original_name"] == "pdflatex-outline.pdf")
    nested = [p for d, t, p in marks if d >= 2]
    assert any(outlined["pages"][0] < p <= outlined["pages"][1] for p in nested)


def test_the_index_shows_and_links_the_pages_where_exhibits_really_start(made):
    texts = page_texts(made.pdf)
    starts = [p for d, t, p in flatten(made.reader.outline, made.reader) if d == 0]
    index_pages = range(starts[1] - 1, starts[2] - 1)  # from the index to the summary
    assert "目录" in texts[index_pages[0]] and len(index_pages) == 2
    index_text = "\n".join(texts[i] for i in index_pages)
    targets = set()
    for i in index_pages:
        for ref in made.reader.pages[i].get("/Annots") or []:
            dest = ref.get_object().get("/Dest")
            if dest:
                targets.add(made.reader.get_page_number(dest[0].get_object()) + 1)
    position = 0
    for e in exhibits(made):
        first, last = e["pages"]
        span = str(first) if first == last else f"{first}–{last}"
        row = re.compile(rf"{e['exhibit']} ·[^\n]*(\n[^\n]*)??\s{span}\s*$", re.M)
        found = row.search(index_text, position)
        assert found, e["exhibit"]
        position = found.end()
        assert first in targets
        assert f"证据 {e['exhibit']}" in texts[first - 1]


def test_a_cjk_font_is_embedded(made):
    fonts = subprocess.run(["pdffonts", str(made.pdf)], capture_output=True, text=True,
                           check=True).stdout
    assert any("WenQuanYi" in line and " yes " in line for line in fonts.splitlines())


def render_page(pdf: Path, page: int, dpi: int = 50) -> Image.Image:
    png = subprocess.run(["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page),
                          "-png", "-singlefile", str(pdf)], capture_output=True,
                         check=True).stdout
    return Image.open(io.BytesIO(png)).convert("RGB")


@pytest.mark.parametrize("name", ["landscape_1.jpg", "landscape_3.jpg", "landscape_6.jpg",
                                  "landscape_8.jpg", "portrait_6.jpg", "IMG_5195.HEIC"])
def test_photos_are_upright(made, name):
    entry = next(e for e in exhibits(made) if e["original_name"] == name)
    dpi = 50
    page = render_page(made.pdf, entry["pages"][1], dpi)
    px = dpi / 72
    image_area = page.crop((round(IMAGE_MARGIN * px), round(IMAGE_MARGIN * px),
                            page.width - round(IMAGE_MARGIN * px),
                            page.height - round(IMAGE_MARGIN_BOTTOM * px)))
    with Image.open(made.dir / entry["path"]) as original:
        upright = ImageOps.exif_transpose(original).convert("RGB")
    ratio = upright.width / upright.height
    assert image_area.width / image_area.height == pytest.approx(ratio, rel=0.05)
    expected = upright.resize(image_area.size)
    wrong = expected.rotate(180)

    def distance(a: Image.Image) -> float:
        return sum(ImageStat.Stat(ImageChops.difference(a, image_area)).mean) / 3

    assert distance(expected) < 25 and distance(expected) < distance(wrong) / 2


def test_audio_and_unreadable_files_get_a_sheet_that_points_to_the_native_file(made):
    texts = page_texts(made.pdf)
    call = next(e for e in exhibits(made) if e["original_name"] == "call_zh.m4a")
    sheet = texts[call["pages"][0] - 1]
    assert "0:18" in sheet and call["sha256"] in sheet.replace("\n", "")
    assert call["path"] in sheet
    locked = next(e for e in exhibits(made)
                  if e["original_name"] == "libreoffice-writer-password.pdf")
    assert locked["shown_as"] == "none" and "加密" in texts[locked["pages"][0] - 1]


def test_the_legal_bundle_has_the_chinese_records_and_the_notes(made):
    text = "\n".join(page_texts(made.pdf))
    for phrase in ("上海银行业纠纷调解中心", "(2026)沪0115民初12345号", "客服承认自动还款失败",
                   "请上传银行回复函", "内部备注：银行内部人员", "6225********5678"):
        assert phrase in text, phrase
    assert bc.ACCOUNT not in text


def test_the_borrowers_bundle_has_no_notes_or_internal_events(made):
    with zipfile.ZipFile(made.mine_zip) as zf:
        reader = PdfReader(io.BytesIO(zf.read("bundle.pdf")))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "Chronology" in text and "Evidence index" in text
    assert "内部备注" not in text and "Internal note" not in text
    assert bc.ACCOUNT not in text


def test_both_bundles_verify(made):
    portal = signing.public_pem(signing.load_key(made.ctx.settings.data_dir)).encode()
    assert verify_bundle(made.legal_zip, portal).ok
    assert verify_bundle(made.mine_zip, portal).ok
