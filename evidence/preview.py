"""Previews of stored evidence as plain bytes and numbers, for whatever page shows them.

Every helper here works on a file the store already accepted, so a file that cannot be previewed
(damaged, encrypted) is not an error: the helpers return None and the page says "no preview".
They read an open binary file (from `EvidenceStore.open`, which decrypts), never a path: stored
objects are ciphertext, and a decrypted copy is never written to disk.
"""

from __future__ import annotations

import io
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import BinaryIO, Final

import mutagen
from mutagen.aac import AAC
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis
from mutagen.wave import WAVE
from PIL import ImageOps

from evidence import amr, images, types
from evidence.errors import StoredFileDamaged

PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"
PDFTOPPM_TIMEOUT_SECONDS: Final = 30
_PDF_MAX_SIDE_PIXELS = 4000  # crop, so a poster-sized page cannot make a huge preview


_MUTAGEN_KINDS: Final[Mapping[str, tuple[type[mutagen.FileType], ...]]] = MappingProxyType({
    "audio/mpeg": (MP3,), "audio/mp4": (MP4,), "audio/aac": (AAC,), "audio/wav": (WAVE,),
    "audio/ogg": (OggOpus, OggVorbis),
})
# What an HTML <audio> element plays in current browsers (AMR: none of them).
_BROWSER_AUDIO = frozenset({"audio/mpeg", "audio/mp4", "audio/aac", "audio/wav", "audio/ogg"})


@dataclass(frozen=True)
class AudioInfo:
    """What an audio preview shows beside the player."""

    duration_seconds: float | None
    format_label: str


def image_png(source: BinaryIO, media_type: str, max_side: int = 1200) -> bytes | None:
    """An upright PNG no larger than max_side on either side; None when the image cannot be decoded.
    images.TooManyPixels, before anything is decoded, for an image over the pixel limit (stored
    before intake refused such images).

    Upright means the EXIF orientation is applied, as a phone shows the photo. TIFF: first page.
    """
    try:
        with images.open_image(source, media_type) as image:
            image.draft(None, (max_side, max_side))  # JPEG: decode at a reduced scale, much faster
            upright = ImageOps.exif_transpose(image)
            upright.thumbnail((max_side, max_side))
            if upright.mode not in ("RGB", "RGBA", "L", "LA"):
                upright = upright.convert("RGBA" if upright.has_transparency_data else "RGB")
            out = io.BytesIO()
            upright.save(out, "PNG")
    except images.DAMAGED:
        return None
    return out.getvalue()


def pdf_first_page_png(source: BinaryIO, dpi: int = 60) -> bytes | None:
    """The first page as PNG; None for an encrypted, damaged or too slow PDF."""
    return pdf_page_png(source, 1, dpi)


def pdf_page_png(source: BinaryIO, page: int, dpi: int = 60) -> bytes | None:
    """Page `page` (from 1) as PNG (pdftoppm); None for an encrypted, damaged or too slow PDF,
    or a page it does not have.

    The PDF goes to pdftoppm on its standard input (poppler reads that into memory too), so no
    decrypted copy is written to disk; PDFs are at most the upload limit."""
    command = [
        "pdftoppm", "-f", str(page), "-l", str(page), "-png", "-r", str(dpi), "-singlefile",
        "-W", str(_PDF_MAX_SIDE_PIXELS), "-H", str(_PDF_MAX_SIDE_PIXELS), "-",
    ]
    try:
        done = subprocess.run(command, input=source.read(), capture_output=True,
                              timeout=PDFTOPPM_TIMEOUT_SECONDS, check=False)
    except (subprocess.TimeoutExpired, OSError):
        return None
    if done.returncode != 0 or not done.stdout.startswith(PNG_SIGNATURE):
        return None
    return done.stdout


def pdf_page_count(source: BinaryIO) -> int | None:
    """How many pages the PDF has (pdfinfo, from the same poppler-utils); None when unreadable."""
    try:
        done = subprocess.run(["pdfinfo", "-"], input=source.read(), capture_output=True,
                              timeout=PDFTOPPM_TIMEOUT_SECONDS, check=False)
    except (subprocess.TimeoutExpired, OSError):
        return None
    for line in done.stdout.decode("utf-8", errors="replace").splitlines():
        if line.startswith("Pages:") and line.split(":", 1)[1].strip().isdigit():
            return int(line.split(":", 1)[1].strip())
    return None


def audio_info(source: BinaryIO, media_type: str) -> AudioInfo:
    """Duration (None when it cannot be read) and the format's name."""
    if media_type == "audio/amr":
        duration = amr.duration_seconds(source)
    else:
        duration = _mutagen_duration(source, _MUTAGEN_KINDS[media_type])
    return AudioInfo(duration, types.ACCEPTED[media_type].label)


def text_excerpt(source: BinaryIO, max_bytes: int = 5000) -> str:
    """The start of a plain-text exhibit, decoded as intake accepted it: UTF-8, else GB18030."""
    head = source.read(max_bytes)
    text = types.decode_text(head)
    return text if text is not None else head.decode("utf-8", errors="replace")


def browser_audio_format(media_type: str) -> str | None:
    """The type to give an HTML <audio> element, or None when browsers cannot play it (AMR)."""
    return media_type if media_type in _BROWSER_AUDIO else None


def _mutagen_duration(source: BinaryIO, kinds: tuple[type[mutagen.FileType], ...]
                      ) -> float | None:
    try:
        parsed = mutagen.File(source, options=list(kinds))
    except StoredFileDamaged:
        raise
    except Exception:  # mutagen raises many kinds on malformed input; the preview goes without
        return None
    length = getattr(getattr(parsed, "info", None), "length", None)
    return float(length) if length and length > 0 else None
