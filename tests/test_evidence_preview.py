"""Previews: photos come out upright, PDFs show their first page, audio has a duration, and a file
that cannot be previewed gives None rather than an error. Every file is read as pages read it:
through the decrypting, seekable reader of an encrypted object."""

from __future__ import annotations

import io
from pathlib import Path
from typing import BinaryIO

import pytest
from PIL import Image

from dispute.keys import Keyring
from evidence import preview
from evidence.encryption import encrypt_file, open_plaintext
from tests.conftest import REPO, SHARED_FIXTURES, huge_png, image_claiming, pdf_bytes
from tests.test_evidence_sniff import ZH, amr_bytes, image_bytes, wav_bytes


KEYS = Keyring.generate()


def write(tmp_path: Path, name: str, data: bytes) -> BinaryIO:
    """`data` stored encrypted as `name`, opened for reading as the store opens it."""
    path = tmp_path / name
    with path.open("wb") as out:
        sha256 = encrypt_file(io.BytesIO(data), out, KEYS.current)
    return open_plaintext(path.open("rb"), KEYS, sha256)


def fixture(tmp_path: Path, *parts: str) -> BinaryIO:
    """A file from ../shared/fixtures, stored encrypted and opened (tests using it take the
    fixtures_dir fixture, which skips them when the folder is absent)."""
    path = SHARED_FIXTURES.joinpath(*parts)
    return write(tmp_path, path.name, path.read_bytes())


def png_image(data: bytes | None) -> Image.Image:
    assert data is not None and data.startswith(preview.PNG_SIGNATURE)
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def is_red(pixel: tuple[int, ...]) -> bool:
    r, g, b = pixel[:3]
    return r > 200 and g < 80 and b < 80


# Stored 80x40 with a red top-left corner; where the corner is once the orientation is applied.
@pytest.mark.parametrize(("orientation", "size", "red_corner"), [
    (1, (80, 40), "top-left"),
    (3, (80, 40), "bottom-right"),
    (6, (40, 80), "top-right"),
    (8, (40, 80), "bottom-left"),
])
def test_exif_orientation_is_applied(tmp_path: Path, orientation: int, size: tuple[int, int],
                                     red_corner: str) -> None:
    path = write(tmp_path, "photo.jpg",
                 image_bytes("JPEG", (80, 40), orientation=orientation, marker=True))
    image = png_image(preview.image_png(path, "image/jpeg")).convert("RGB")
    assert image.size == size
    w, h = image.size
    corners = {"top-left": (2, 2), "top-right": (w - 3, 2), "bottom-left": (2, h - 3),
               "bottom-right": (w - 3, h - 3)}
    assert [c for c, xy in corners.items() if is_red(image.getpixel(xy))] == [red_corner]


@pytest.mark.parametrize(("fmt", "media_type"), [
    ("PNG", "image/png"), ("WEBP", "image/webp"), ("TIFF", "image/tiff"), ("HEIF", "image/heic"),
])
def test_other_image_types_render(tmp_path: Path, fmt: str, media_type: str) -> None:
    path = write(tmp_path, "image", image_bytes(fmt, (64, 48)))
    assert png_image(preview.image_png(path, media_type)).size == (64, 48)


def test_large_images_are_scaled_to_max_side(tmp_path: Path) -> None:
    path = write(tmp_path, "scan.jpg", image_bytes("JPEG", (3000, 1000)))
    assert png_image(preview.image_png(path, "image/jpeg", max_side=300)).size == (300, 100)


@pytest.mark.parametrize(("data", "media_type"), [
    (b"\xff\xd8\xff\xe0" + bytes(200), "image/jpeg"),
    (image_bytes("PNG")[:60], "image/png"),
    (image_bytes("PNG"), "image/jpeg"),  # decoded only as the type intake decided
])
def test_an_image_that_cannot_be_decoded_has_no_preview(tmp_path: Path, data: bytes,
                                                        media_type: str) -> None:
    assert preview.image_png(write(tmp_path, "broken", data), media_type) is None


PEAK_MEMORY = """
import io, resource, sys
from evidence import images, preview
data = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    outcome = f"{len(preview.image_png(io.BytesIO(data), 'image/png') or b'')} bytes of PNG"
except images.TooManyPixels as big:
    outcome = f"refused: {big.width} x {big.height}"
grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(outcome, grown // 1024)
"""


def test_an_image_over_the_pixel_limit_is_never_decoded(tmp_path: Path) -> None:
    """Issue 19, finding 5: a 13000 × 13000 PNG (a few hundred KB) took 1.36 GB of memory and
    3.6 s to preview. Measured in a fresh process: the preview refuses it from its header, and
    the process's peak memory does not grow by the decoded image (169 MB at one byte a pixel)."""
    import subprocess
    import sys

    path = tmp_path / "huge.png"
    path.write_bytes(huge_png(13000, 13000))
    done = subprocess.run([sys.executable, "-c", PEAK_MEMORY, str(path)], cwd=REPO,
                          capture_output=True, text=True, timeout=120, check=True)
    outcome, grown_mb = done.stdout.rsplit(" ", 1)
    assert outcome == "refused: 13000 x 13000"
    assert int(grown_mb) < 20, done.stdout


@pytest.mark.parametrize(("fmt", "media_type"), [
    ("JPEG", "image/jpeg"), ("TIFF", "image/tiff"), ("WEBP", "image/webp"),
    ("HEIF", "image/heic")])
def test_every_image_type_is_judged_by_its_header(tmp_path: Path, fmt: str,
                                                  media_type: str) -> None:
    from evidence import images

    with pytest.raises(images.TooManyPixels) as big:
        preview.image_png(write(tmp_path, "x", image_claiming(fmt, 9000, 8000)), media_type)
    assert (big.value.width, big.value.height) == (9000, 8000)


def test_pdf_first_page_renders(tmp_path: Path) -> None:
    image = png_image(preview.pdf_first_page_png(write(tmp_path, "s.pdf", pdf_bytes()), dpi=72))
    assert image.size == (200, 200)


def test_damaged_pdf_has_no_preview(tmp_path: Path) -> None:
    damaged = write(tmp_path, "-damaged.pdf", b"%PDF-1.4\n" + bytes(range(256)) * 4)
    assert preview.pdf_first_page_png(damaged) is None


def test_audio_durations(tmp_path: Path) -> None:
    assert preview.audio_info(write(tmp_path, "a.wav", wav_bytes(seconds=2.0)), "audio/wav") == \
        preview.AudioInfo(2.0, "WAV")
    amr = preview.audio_info(write(tmp_path, "a.amr", amr_bytes(frames=150)), "audio/amr")
    assert amr.duration_seconds == pytest.approx(3.0)
    assert amr.format_label == "AMR"


@pytest.mark.parametrize(("data", "media_type"), [
    (b"#!AMR\n\xff\xff", "audio/amr"), (b"#!AMR-X\n", "audio/amr"), (bytes(100), "audio/mpeg"),
    (b"RIFF\x00\x00\x00\x00WAVEjunk", "audio/wav"), (b"\x00\x00\x00\x18ftypM4A ", "audio/mp4"),
])
def test_unreadable_audio_has_no_duration(tmp_path: Path, data: bytes, media_type: str) -> None:
    assert preview.audio_info(write(tmp_path, "a", data), media_type).duration_seconds is None


def test_browser_audio_formats() -> None:
    assert preview.browser_audio_format("audio/mp4") == "audio/mp4"
    assert preview.browser_audio_format("audio/mpeg") == "audio/mpeg"
    assert preview.browser_audio_format("audio/amr") is None


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_text_excerpt_decodes_as_intake_accepted_it(tmp_path: Path, encoding: str) -> None:
    excerpt = preview.text_excerpt(write(tmp_path, "notes.txt", ZH.encode(encoding)),
                                   max_bytes=1001)  # cuts a character in two: it is dropped
    assert len(excerpt) > 300 and ZH.startswith(excerpt)


# --- files made by cameras and other tools (../shared/fixtures) -----------------------------

@pytest.mark.parametrize(("name", "wider_than_tall"), [
    ("landscape_1.jpg", True), ("landscape_3.jpg", True), ("landscape_6.jpg", True),
    ("landscape_8.jpg", True), ("portrait_6.jpg", False),
])
def test_camera_photos_come_out_upright(fixtures_dir: Path, tmp_path: Path, name: str,
                                        wider_than_tall: bool) -> None:
    w, h = png_image(preview.image_png(fixture(tmp_path, "images", name), "image/jpeg")).size
    assert (w > h) is wider_than_tall


@pytest.mark.parametrize("name", ["IMG_5195.HEIC", "samplefilehub.heif"])
def test_heic_photo_renders(fixtures_dir: Path, tmp_path: Path, name: str) -> None:
    heic = fixture(tmp_path, "images", name)
    image = png_image(preview.image_png(heic, "image/heic", max_side=400))
    assert max(image.size) == 400


@pytest.mark.parametrize(("relative", "media_type"), [
    ("images/corrupted.jpg", "image/jpeg"), ("images/Arbitro.tiff", "image/tiff"),
    ("pdf/smile.tiff", "image/tiff"),
])
def test_damaged_and_tiff_fixtures_render(fixtures_dir: Path, tmp_path: Path, relative: str,
                                          media_type: str) -> None:
    png_image(preview.image_png(fixture(tmp_path, relative), media_type))


@pytest.mark.parametrize("name", ["image01137.jpg", "image02206.jpg"])
def test_invalid_jpegs_render_or_have_no_preview(fixtures_dir: Path, tmp_path: Path,
                                                 name: str) -> None:
    data = preview.image_png(fixture(tmp_path, "images", name), "image/jpeg")
    assert data is None or data.startswith(preview.PNG_SIGNATURE)


@pytest.mark.parametrize("name", ["minimal-document.pdf", "habibi-rotated.pdf",
                                  "unreadablemetadata.pdf"])
def test_fixture_pdf_first_page_renders(fixtures_dir: Path, tmp_path: Path, name: str) -> None:
    png_image(preview.pdf_first_page_png(fixture(tmp_path, "pdf", name)))


def test_encrypted_pdf_has_no_preview(fixtures_dir: Path, tmp_path: Path) -> None:
    assert preview.pdf_first_page_png(fixture(tmp_path, "pdf", "libreoffice-writer-password.pdf")) \
        is None


@pytest.mark.parametrize(("name", "media_type", "label"), [
    ("call_en.mp3", "audio/mpeg", "MP3"), ("call_zh.m4a", "audio/mp4", "M4A/AAC"),
    ("snare.wav", "audio/wav", "WAV"), ("call_silence.amr", "audio/amr", "AMR"),
])
def test_fixture_recordings_have_a_duration(fixtures_dir: Path, tmp_path: Path, name: str,
                                            media_type: str,
                                            label: str) -> None:
    info = preview.audio_info(fixture(tmp_path, "audio", name), media_type)
    assert info.duration_seconds is not None and info.duration_seconds > 0
    assert info.format_label == label


def test_a_preview_is_scaled_once_to_the_width_it_is_shown_at_and_a_small_one_is_kept():
    """ui/evidence_view.py scales inside its cache, so st.image gets bytes it passes on as they
    are instead of scaling the same preview again on every run."""
    from streamlit.elements.lib.image_utils import _ensure_image_size_and_format
    from streamlit.elements.lib.layout_utils import LayoutConfig

    from ui.evidence_view import SHOWN_WIDTH, _fitted

    def png(width: int, height: int) -> bytes:
        out = io.BytesIO()
        Image.new("RGB", (width, height), "red").save(out, format="PNG")
        return out.getvalue()

    wide = _fitted(png(1240, 1754))
    with Image.open(io.BytesIO(wide)) as im:
        assert im.size == (SHOWN_WIDTH, int(1754 * SHOWN_WIDTH / 1240)) and im.format == "PNG"
    assert _ensure_image_size_and_format(wide, LayoutConfig(width=SHOWN_WIDTH), "PNG") is wide
    small = png(300, 200)
    assert _fitted(small) is small and _fitted(None) is None
