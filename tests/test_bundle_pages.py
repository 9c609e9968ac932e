"""Issue 17: the bundle's generated pages in one WeasyPrint rendering (page numbers resolved as
cross-references, dispute/bundle/pages.py), and JPEG photos placed with their own bytes."""

from __future__ import annotations

import io
import json
import subprocess
import zipfile

import pytest
from PIL import Image
from pypdf import PdfReader

from dispute.bundle import render
from dispute.bundle.content import BundleOptions
from dispute.bundle.exhibits import image_pages, jpeg_as_is
from dispute.bundle.export import export_bundle
from dispute.exhibits import attach_evidence
from tests import bundle_case as bc
from tests.conftest import pdf_bytes, upload
from tests.documents_case import pdf_pages


def jpeg(orientation: int | None, size=(120, 80), mode="RGB") -> bytes:
    """A JPEG whose left half is red and right half blue, with an EXIF orientation."""
    image = Image.new(mode, size, "red" if mode == "RGB" else 80)
    image.paste("blue" if mode == "RGB" else 200, (size[0] // 2, 0, size[0], size[1]))
    out = io.BytesIO()
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    image.save(out, "JPEG", quality=90, exif=exif)
    return out.getvalue()


def only_image(pdf: bytes):
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    xobjects = page["/Resources"]["/XObject"]
    (image,) = [xobjects[name].get_object() for name in xobjects]
    return page, image


@pytest.mark.parametrize(("orientation", "turn"), [(None, 0), (1, 0), (3, 180), (6, 90),
                                                  (8, 270)])
def test_a_jpeg_is_placed_with_its_own_bytes_and_turned_by_the_page(orientation, turn):
    data = jpeg(orientation)
    page, image = only_image(jpeg_as_is(data))
    assert image["/Filter"] == "/DCTDecode" and image._data == data
    assert page.rotation == turn
    # seen upright: as wide as the photo turned, with the stamp's margin at the bottom
    seen = subprocess.run(["pdftoppm", "-r", "72", "-png", "-singlefile", "-"],
                          input=jpeg_as_is(data), capture_output=True, check=True).stdout
    with Image.open(io.BytesIO(seen)) as shown:
        landscape = turn in (0, 180)
        assert (shown.width > shown.height) == landscape
        # the red half is on the side EXIF says is the photo's left once turned upright
        probe = {0: (0.3, 0.4), 180: (0.7, 0.4), 90: (0.5, 0.3), 270: (0.5, 0.6)}[turn]
        red, _green, blue = shown.convert("RGB").getpixel(
            (int(shown.width * probe[0]), int(shown.height * probe[1])))
        assert red > 150 and blue < 100


@pytest.mark.parametrize("data", [jpeg(2), jpeg(5), jpeg(None, mode="CMYK")],
                         ids=["mirrored", "mirrored and turned", "cmyk"])
def test_other_jpegs_are_re_encoded_as_before(data):
    assert jpeg_as_is(data) is None
    pdf, pages = image_pages(data, "image/jpeg")
    page, image = only_image(pdf)
    assert pages == 1 and page.rotation == 0 and image._data != data


def test_a_jpeg_that_does_not_decode_is_not_placed_and_shows_as_damaged():
    """Its bytes would go into the PDF undecoded, so they are checked to decode first."""
    from dispute.bundle import phrases
    from dispute.bundle.exhibits import prepare
    from tests.test_bundle import exhibit_record

    cut = jpeg(6, size=(400, 300))
    cut = cut[:len(cut) * 2 // 3]
    assert jpeg_as_is(cut) is None
    item = prepare(exhibit_record("image/jpeg", cut), "exhibits/E01-cut.jpg", cut)
    assert (item.way, item.reason, item.image_pdf) == ("none", phrases.REASON_DAMAGED_IMAGE, None)


@pytest.fixture
def renderings(monkeypatch):
    """How many times WeasyPrint lays the generated pages out (the real renderer, counted)."""
    calls = []
    real = render.render_document

    def counted(markup):
        calls.append(markup)
        return real(markup)

    monkeypatch.setattr(render, "render_document", counted)
    return calls


def bundle_pdf(path) -> PdfReader:
    with zipfile.ZipFile(path) as zf:
        return PdfReader(io.BytesIO(zf.read("bundle.pdf")))


def test_the_generated_pages_are_laid_out_once(ctx, tmp_path, renderings):
    borrower, legal, _ = bc.people(ctx)
    number = bc.file_case(ctx, borrower)
    attach_evidence(ctx, borrower, number, [upload("a.pdf", pdf_bytes()),
                                            upload("photo.jpg", jpeg(6), kind="photo")])
    made = export_bundle(ctx, legal, number, tmp_path / "b.zip", BundleOptions(lang="en"))
    assert len(renderings) == 1
    reader = bundle_pdf(made.path)
    # no stand-in page is left in: sections, then sheet + page, sheet + photo
    assert made.pages == len(reader.pages)
    assert "Exhibit E02" in reader.pages[-2].extract_text()
    assert reader.pages[-1].rotation == 90 and not reader.pages[-1].extract_text().strip(
        ).startswith("Exhibit")


def test_a_sheet_longer_than_planned_is_laid_out_again_with_its_page_range(ctx, tmp_path,
                                                                            renderings):
    """A short text (planned on its sheet's one page) of many lines runs to more pages: the
    index must say `N–M`, not `N`, which takes a second rendering."""
    borrower, legal, _ = bc.people(ctx)
    number = bc.file_case(ctx, borrower)
    text = "\n".join(f"第{i}行" for i in range(150)).encode("utf-8")
    attach_evidence(ctx, borrower, number, [upload("lines.txt", text, kind="other"),
                                            upload("a.pdf", pdf_bytes())])
    made = export_bundle(ctx, legal, number, tmp_path / "b.zip", BundleOptions(lang="en"))
    assert len(renderings) == 2
    with zipfile.ZipFile(made.path) as zf:
        files = {f.get("exhibit"): f for f in json.loads(zf.read("manifest.json"))["files"]}
    first, last = files["E01"]["pages"]
    assert last > first and files["E02"]["pages"] == [last + 1, last + 2]
    reader = bundle_pdf(made.path)
    index = " ".join(reader.pages[1].extract_text().split())
    assert f"{first}–{last}" in index and f"{last + 1}–{last + 2}" in index


def page_images(pdf: bytes, folder, name: str) -> list[bytes]:
    """Every page rasterised by poppler (grey, 60 dpi), as raw pixels."""
    (folder / f"{name}.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "60", "-gray", str(folder / f"{name}.pdf"),
                    str(folder / name)], check=True)
    return [Image.open(path).tobytes() for path in sorted(folder.glob(f"{name}-*.pgm"))]


def test_pages_with_cross_references_look_like_pages_with_the_numbers_written_in(ctx, tmp_path,
                                                                                monkeypatch):
    """The export prints page numbers as cross-references resolved during the layout
    (render.py re-makes only the pages that print them, and keeps their tables' column widths
    from the first making). Those pages must be the very pages a rendering with the numbers
    written in as text gives: same column widths, same line breaks, pixel for pixel. Three-digit
    page ranges in a two-page evidence index, and enough exhibits for the index to run on."""
    from dispute.bundle import manifest as mf, pages, sections
    from dispute.bundle.content import gather
    from dispute.bundle.exhibits import prepare
    from dispute.bundle.export import _read_verified

    borrower, legal, _ = bc.people(ctx)
    number = bc.file_case(ctx, borrower)
    files = [upload("long.pdf", pdf_pages(120))] + [
        upload(f"statement-{n:02d}.pdf", pdf_pages(n % 4 + 1),
               description=f"第{n}期对账单 statement {n} " + "还款记录 " * (n % 5))
        for n in range(24)]
    attach_evidence(ctx, borrower, number, files)
    content = gather(ctx, legal, number, BundleOptions(lang="zh_CN"))
    prepared, entries = [], []
    for record in content.exhibits:
        path = mf.exhibit_path(record.exhibit, record.original_name, record.media_type)
        prepared.append(prepare(record, path, _read_verified(ctx, legal, number, record)))
        entries.append(mf.exhibit_entry(record.exhibit, path, record.sha256, record.size,
                                        record.media_type))
    fingerprint = mf.exhibits_fingerprint(entries)
    plan = pages.first_plan(sections.present(content), prepared)

    from collections import Counter

    from weasyprint.layout import page as weasy_page

    made, remake = Counter(), weasy_page.remake_page
    monkeypatch.setattr(weasy_page, "remake_page",
                        lambda index, *args: made.update([index]) or remake(index, *args))
    referenced, _ = render.render_document(sections.bundle_html(content, prepared, fingerprint,
                                                                plan))
    monkeypatch.undo()
    counted = pages.count(referenced, prepared, sections.SECTION_IDS)
    # A page printing a number is made twice (number unknown, then known), not three times;
    # the index's first page lists the index itself, and re-making the page that holds a
    # target shows WeasyPrint new counter values there (the total it adds after a pass).
    assert len(made) == len(referenced.pages) and max(made.values()) <= 3
    assert [i for i, n in made.items() if n == 3] in ([], [counted.anchors["index"]])
    assert len([i for i, n in made.items() if n == 2]) >= 5
    assert counted.plan == plan
    assert counted.layout.total_pages > 150  # three-digit numbers in the index
    written, _ = render.render_document(sections.bundle_html(content, prepared, fingerprint,
                                                             counted.layout))
    kept = referenced.copy([referenced.pages[i] for i in counted.kept]).write_pdf()
    assert len(written.pages) == len(counted.kept)
    ours, theirs = (page_images(kept, tmp_path, "referenced"),
                    page_images(written.write_pdf(), tmp_path, "written"))
    assert len(ours) == len(theirs)
    different = [n + 1 for n, (a, b) in enumerate(zip(ours, theirs)) if a != b]
    assert different == []
