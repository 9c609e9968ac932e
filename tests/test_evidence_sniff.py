"""The allow-list, end to end through a real store: a generated file of every accepted type is
stored under its canonical type; a refused one leaves nothing behind and says why, with its code."""

from __future__ import annotations

import io
import shutil
import struct
import subprocess
import wave
import zipfile
from collections.abc import Callable
from pathlib import Path

import magic
import pillow_heif
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from dispute.keys import Keyring
from evidence import sniff, types
from evidence.errors import EvidenceRefused
from evidence.store import EvidenceStore
from tests.conftest import pdf_bytes

LIMIT = 4 << 20
ZH = "2026年9月1日客服王女士电话承诺延期还款三十天，但系统未记录，随后被收取违约金。\n" * 8
HTML = b"<!DOCTYPE html><html><body><script>fetch('/steal')</script></body></html>"


# --- sample files, made here with real tools -------------------------------------------------

def image_bytes(fmt: str, size: tuple[int, int] = (40, 30), orientation: int | None = None,
                marker: bool = False) -> bytes:
    """An image in Pillow format `fmt`; optionally an EXIF orientation and a red top-left corner."""
    pillow_heif.register_heif_opener()
    image = Image.new("RGB", size, "white")
    if marker:
        image.paste((255, 0, 0), (0, 0, size[0] // 4, size[1] // 4))
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    out = io.BytesIO()
    image.save(out, fmt, exif=exif)
    return out.getvalue()


def wav_bytes(seconds: float = 1.0, rate: int = 8000) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(bytes(int(seconds * rate) * 2))
    return out.getvalue()


def amr_bytes(frames: int = 50) -> bytes:
    """AMR-NB storage format: 12.2 kbit/s frames (TOC 0x3c, 32 bytes), 20 ms each."""
    return b"#!AMR\n" + (b"\x3c" + bytes(31)) * frames


def ffmpeg_audio(tmp_path: Path, name: str, *args: str, seconds: int = 1) -> bytes:
    """A tone encoded by ffmpeg (skips where ffmpeg is not installed)."""
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg not installed (make test installs it)")
    out = tmp_path / name
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi",
                    "-i", f"sine=frequency=440:duration={seconds}", *args, str(out)], check=True)
    return out.read_bytes()


def elf_bytes() -> bytes:
    """A minimal 64-bit Linux executable header."""
    ident = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)
    return ident + struct.pack("<HHIQQQIHHHHHH", 2, 0x3E, 1, 0x401000, 64, 0, 0, 64, 56, 0, 64,
                               0, 0)


def pe_bytes() -> bytes:
    """An MZ header whose e_lfanew points at a PE signature and an i386 COFF header."""
    pe = bytearray(512)
    pe[0:2] = b"MZ"
    struct.pack_into("<I", pe, 0x3C, 0x80)
    pe[0x80:0x84] = b"PE\0\0"
    struct.pack_into("<HH", pe, 0x84, 0x14C, 1)
    return bytes(pe)


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("statement.pdf", pdf_bytes())
    return out.getvalue()


def ls_bytes() -> bytes:
    path = Path("/bin/ls")
    if not path.is_file() or path.read_bytes()[:4] != b"\x7fELF":
        pytest.skip("/bin/ls is not an ELF program here")
    return path.read_bytes()


def gif_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("P", (10, 10)).save(out, "GIF")
    return out.getvalue()


@pytest.fixture
def store(tmp_path: Path) -> EvidenceStore:
    return EvidenceStore(tmp_path / "store", Keyring.generate())


def store_is_empty(store: EvidenceStore) -> bool:
    return not any(p.is_file() for p in store.root.rglob("*"))


def stage(store: EvidenceStore, name: str, data: bytes) -> str:
    """Stage and publish; the stored media type."""
    with store.stage(io.BytesIO(data), name, LIMIT) as staged:
        staged.publish()
        return staged.media_type


# --- accepted -------------------------------------------------------------------------------

ACCEPTED: list[tuple[str, Callable[[], bytes], str]] = [
    ("statement.pdf", pdf_bytes, "application/pdf"),
    ("STATEMENT.PDF", pdf_bytes, "application/pdf"),
    ("statement", pdf_bytes, "application/pdf"),
    ("photo.jpg", lambda: image_bytes("JPEG"), "image/jpeg"),
    ("screenshot.png", lambda: image_bytes("PNG"), "image/png"),
    ("chat.webp", lambda: image_bytes("WEBP"), "image/webp"),
    ("IMG_0001.HEIC", lambda: image_bytes("HEIF"), "image/heic"),
    ("scan.tiff", lambda: image_bytes("TIFF"), "image/tiff"),
    ("call.wav", wav_bytes, "audio/wav"),
    ("call.amr", amr_bytes, "audio/amr"),
    ("notes.txt", ZH.encode, "text/plain"),
    ("notes-bom.txt", lambda: ZH.encode("utf-8-sig"), "text/plain"),
    ("notes-gb.txt", lambda: ZH.encode("gb18030"), "text/plain"),
    ("payments.csv", "日期,金额\n2026-09-01,1234.50\n".encode, "text/plain"),
    ("README.md", lambda: b"# Notes\n\nfunction calls in `code` look like JavaScript\n",
     "text/plain"),
    # Two accepted binary types: the content wins, because phones mislabel files.
    ("photo.jpg", lambda: image_bytes("PNG"), "image/png"),
    ("notes.txt", pdf_bytes, "application/pdf"),
]


@pytest.mark.parametrize(("name", "make", "expected"), ACCEPTED,
                         ids=[f"{n}->{t}" for n, _, t in ACCEPTED])
def test_generated_file_is_accepted_with_its_type(store: EvidenceStore, name: str,
                                                  make: Callable[[], bytes], expected: str) -> None:
    assert stage(store, name, make()) == expected
    assert not any(store.tmp_dir.iterdir())


FFMPEG_ACCEPTED = [
    ("call.mp3", ["-c:a", "libmp3lame"], "audio/mpeg"),
    ("call.m4a", ["-c:a", "aac"], "audio/mp4"),
    ("call.mp4", ["-c:a", "aac", "-f", "mp4"], "audio/mp4"),  # brand isom, audio only
    ("call.aac", ["-c:a", "aac", "-f", "adts"], "audio/aac"),
    ("voice.opus", ["-c:a", "libopus"], "audio/ogg"),
    ("voice.ogg", ["-c:a", "libvorbis"], "audio/ogg"),
]


@pytest.mark.parametrize(("name", "args", "expected"), FFMPEG_ACCEPTED,
                         ids=[n for n, _, _ in FFMPEG_ACCEPTED])
def test_encoded_audio_is_accepted_with_its_type(store: EvidenceStore, tmp_path: Path, name: str,
                                                 args: list[str], expected: str) -> None:
    assert stage(store, name, ffmpeg_audio(tmp_path, name, *args)) == expected


def test_audio_only_mp4_that_libmagic_calls_video_is_audio(tmp_path: Path) -> None:
    data = ffmpeg_audio(tmp_path, "call.mp4", "-c:a", "aac", "-f", "mp4")
    assert magic.from_buffer(data, mime=True) == "video/mp4"  # why sniff reads the tracks
    assert sniff.detect(data) == "audio/mp4"


def test_mp4_with_a_video_track_is_video(tmp_path: Path) -> None:
    data = ffmpeg_audio(tmp_path, "clip.mp4", "-f", "lavfi", "-i", "testsrc=duration=1:size=32x32",
                        "-c:v", "mpeg4", "-c:a", "aac")
    assert sniff.detect(data) == "video/mp4"
    with pytest.raises(EvidenceRefused) as refused:
        sniff.check(data, "call.m4a", len(data), LIMIT)
    assert refused.value.code == "type_not_accepted"
    assert "a video (MP4)" in str(refused.value)


def padded_pdf(size: int) -> bytes:
    """A real PDF of exactly `size` bytes (a stream of zeros makes up the difference)."""
    from tests.test_evidence_hostile import PAGE, PAGES, hand_pdf

    def make(padding: int) -> bytes:
        stream = b"<< /Length %d >>\nstream\n" % padding + bytes(padding) + b"\nendstream"
        return hand_pdf({1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: PAGES, 3: PAGE, 4: stream})

    padding = size - len(make(0))
    while len(make(padding)) != size:
        padding += size - len(make(padding))
    return make(padding)


def test_exactly_the_limit_is_accepted(store: EvidenceStore) -> None:
    data = padded_pdf(LIMIT)
    with store.stage(io.BytesIO(data), "big.pdf", LIMIT) as staged:
        assert (staged.size, staged.media_type) == (LIMIT, "application/pdf")


# --- refused --------------------------------------------------------------------------------

REFUSED: list[tuple[str, str, Callable[[], bytes], str]] = [
    ("ELF named .pdf", "invoice.pdf", elf_bytes, "disguised"),
    ("/bin/ls named .pdf", "statement.pdf", ls_bytes, "disguised"),
    ("PE named .jpg", "photo.jpg", pe_bytes, "disguised"),
    ("PE named .exe", "setup.exe", pe_bytes, "type_not_accepted"),
    ("HTML named .pdf", "statement.pdf", lambda: HTML, "disguised"),
    ("HTML named .txt", "notes.txt", lambda: HTML, "disguised"),
    ("HTML named .html", "page.html", lambda: HTML, "type_not_accepted"),
    ("SVG named .png", "chart.png", lambda: b'<svg xmlns="http://www.w3.org/2000/svg"/>',
     "disguised"),
    ("shell script", "run.sh", lambda: b"#!/bin/sh\nrm -rf ~\n", "type_not_accepted"),
    ("python script named .txt", "notes.txt", lambda: b"#!/usr/bin/env python3\nprint(1)\n",
     "disguised"),
    ("ZIP", "evidence.zip", zip_bytes, "type_not_accepted"),
    ("ZIP named .pdf", "evidence.pdf", zip_bytes, "disguised"),
    ("text named .jpg", "photo.jpg", ZH.encode, "disguised"),
    ("text named .mp3", "call.mp3", lambda: b"just words\n", "disguised"),
    ("UTF-16 text", "notes.txt", lambda: ZH.encode("utf-16"), "type_not_accepted"),
    ("GIF named .jpg", "photo.jpg", gif_bytes, "type_not_accepted"),
    ("PDF marker past 1 KB", "statement.pdf", lambda: bytes(2000) + pdf_bytes(),
     "type_not_accepted"),
    ("empty", "statement.pdf", lambda: b"", "empty"),
    ("one byte over", "statement.pdf", lambda: b"%PDF-1.4\n" + bytes(LIMIT - 8), "too_large"),
]


@pytest.mark.parametrize(("name", "make", "code"), [r[1:] for r in REFUSED],
                         ids=[r[0] for r in REFUSED])
def test_refused_file_leaves_nothing_and_says_why(store: EvidenceStore, name: str,
                                                  make: Callable[[], bytes], code: str) -> None:
    with pytest.raises(EvidenceRefused) as refused:
        store.stage(io.BytesIO(make()), name, LIMIT)
    assert refused.value.code == code
    assert name in str(refused.value)
    assert store_is_empty(store)


def test_disguise_message_names_the_claim_and_the_content() -> None:
    with pytest.raises(EvidenceRefused) as refused:
        sniff.check(HTML, "statement.pdf", len(HTML), LIMIT)
    assert str(refused.value) == (
        "The name “statement.pdf” claims PDF, but its content is an HTML page; this looks like "
        "a disguised file, so it was not accepted.")


def test_type_message_says_what_was_found_and_what_is_accepted() -> None:
    data = elf_bytes()
    with pytest.raises(EvidenceRefused) as refused:
        sniff.check(data, "tool", len(data), LIMIT)
    message = str(refused.value)
    assert "a Linux program (ELF)" in message
    assert "PDF, JPEG, PNG, WebP, HEIC/HEIF, TIFF, MP3, M4A/AAC, AMR, WAV, OGG/Opus" in message


def test_size_message_says_the_size_and_the_limit() -> None:
    with pytest.raises(EvidenceRefused) as refused:
        sniff.check(b"%PDF-", "scan.pdf", 3 << 20 | 1, 1 << 20)
    assert str(refused.value) == "“scan.pdf” is 3.1 MB; the largest file accepted is 1 MB."


def test_only_the_last_path_component_is_used() -> None:
    with pytest.raises(EvidenceRefused) as refused:
        sniff.check(HTML, "C:\\Users\\wang\\..\\statement.pdf", len(HTML), LIMIT)
    assert refused.value.code == "disguised"
    assert refused.value.params["name"] == "statement.pdf"
    assert sniff.check(pdf_bytes(), "../../etc/passwd.pdf", 100, LIMIT) == "application/pdf"


def test_message_and_its_phrases_are_translated_at_the_edge() -> None:
    catalog = {
        "The name “{name}” claims {claimed}, but its content is {detected}; this looks like a "
        "disguised file, so it was not accepted.":
            "文件名“{name}”声称是{claimed}，但内容是{detected}；这像是伪装的文件，未被接受。",
        "an HTML page": "网页（HTML）",
        "PDF": "PDF文件",
    }
    with pytest.raises(EvidenceRefused) as refused:
        sniff.check(HTML, "statement.pdf", len(HTML), LIMIT)
    rendered = refused.value.render(lambda s: catalog.get(s, s))
    assert rendered == ("文件名“statement.pdf”声称是PDF文件，但内容是网页（HTML）；"
                        "这像是伪装的文件，未被接受。")


@pytest.mark.parametrize("markup", [b"<html>", b"<SCRIPT>", b"<!DocType html>", b"<svg>",
                                    b"<?xml version='1.0'?>", b"<body onload=x()>"])
def test_markup_in_the_first_kilobyte_is_never_plain_text(markup: bytes) -> None:
    data = b"Dear customer, your payment was received.\n" * 10 + markup + b"\nThanks\n"
    assert sniff.detect(data) not in types.ACCEPTED


@settings(deadline=None, max_examples=60)
@given(prose=st.text(max_size=600), markup=st.sampled_from(["<html", "<script", "<svg", "<?xml"]))
def test_text_with_markup_is_never_accepted(prose: str, markup: str) -> None:
    data = (prose + markup + ">").encode()
    assert sniff.detect(data) not in types.ACCEPTED


@settings(deadline=None, max_examples=200)
@given(data=st.binary(min_size=1, max_size=2048),
       name=st.sampled_from(["a.pdf", "a.jpg", "a.txt", "a", "../a.mp3", "a.exe"]))
def test_any_bytes_are_accepted_with_an_allowed_type_or_refused(data: bytes, name: str) -> None:
    try:
        media_type = sniff.check(data, name, len(data), LIMIT)
    except EvidenceRefused as refused:
        assert refused.code in ("type_not_accepted", "disguised", "incomplete", "polyglot",
                                "active_content")
    else:
        assert media_type in types.ACCEPTED


def test_every_extension_claims_one_type_and_aliases_are_accepted_types() -> None:
    extensions = [e for t in types.ACCEPTED.values() for e in t.extensions]
    assert len(extensions) == len(set(extensions))
    assert set(types.ALIASES.values()) <= set(types.ACCEPTED)
    assert types.canonical("Audio/X-WAV; charset=binary") == "audio/wav"
    assert types.claimed_by("JPEG") == "image/jpeg"
