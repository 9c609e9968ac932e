"""Decide what an upload is from its bytes, and whether to accept it.

The name is trusted for nothing but the extension it claims, and that claim only matters when it
hides something: HTML, a program or an archive named like a PDF or a photo, or plain text named
like a binary type. A PNG named .jpg is accepted as a PNG, because phones mislabel files.
An accepted type is then searched for what it may hide (evidence/hazards.py): scripts in a PDF, a
cut-off PDF, an image or recording that is also an archive or a web page; and an image is refused
when its header gives it more pixels than the portal decodes (evidence/images.py).
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import BinaryIO, Final, NamedTuple

import magic

from dispute.i18n import N_
from evidence import hazards, images, isobmff, names, types
from evidence.errors import EvidenceRefused, Phrase

HEAD_SIZE: Final = 1 << 20  # how many leading bytes detect() looks at
MIB: Final = 1 << 20

PDF: Final = "application/pdf"
UNKNOWN: Final = "application/octet-stream"
TEXT_OTHER_ENCODING: Final = "text/x-other-encoding"  # ours: text neither UTF-8 nor GB18030
SCRIPT: Final = "text/x-script"  # ours: a "#!" script that libmagic did not call a shell script
_PDF_MARKER = b"%PDF-"
_ISO_MEDIA = frozenset({"video/mp4", "audio/mp4"})
# Searched case-insensitively in the first KB of anything textual, in this order.
_MARKUP_MARKERS = (
    (b"<svg", "image/svg+xml"),
    (b"<!doctype", "text/html"),
    (b"<html", "text/html"),
    (b"<script", "text/html"),
    (b"<body", "text/html"),
    (b"<iframe", "text/html"),
    (b"<?xml", "application/xml"),
)
_TEXTUAL_APPLICATION = frozenset({"application/javascript", "application/json",
                                  "application/x-ndjson"})


class Refused(NamedTuple):
    """Plain words for a refused type; hazardous: under an accepted file name, it is a disguise."""

    label: Phrase
    hazardous: bool


_PROGRAM_ELF = Refused(Phrase(N_("a Linux program (ELF)")), True)
_PROGRAM_EXE = Refused(Phrase(N_("a Windows program (EXE)")), True)
_HTML = Refused(Phrase(N_("an HTML page")), True)
_XML = Refused(Phrase(N_("an XML document")), True)
_WORD = Refused(Phrase(N_("a Word document")), False)
_EXCEL = Refused(Phrase(N_("an Excel spreadsheet")), False)

REFUSED: Final[Mapping[str, Refused]] = MappingProxyType({
    "application/x-executable": _PROGRAM_ELF,
    "application/x-pie-executable": _PROGRAM_ELF,
    "application/x-sharedlib": _PROGRAM_ELF,
    "application/x-object": _PROGRAM_ELF,
    "application/x-dosexec": _PROGRAM_EXE,
    "application/vnd.microsoft.portable-executable": _PROGRAM_EXE,
    "application/x-msi": Refused(Phrase(N_("a Windows installer (MSI)")), True),
    "application/x-mach-binary": Refused(Phrase(N_("a macOS program (Mach-O)")), True),
    "application/java-archive": Refused(Phrase(N_("a Java program (JAR)")), True),
    "application/vnd.android.package-archive": Refused(Phrase(N_("an Android app (APK)")), True),
    "text/x-shellscript": Refused(Phrase(N_("a shell script")), True),
    SCRIPT: Refused(Phrase(N_("a script")), True),
    "text/html": _HTML,
    "image/svg+xml": Refused(Phrase(N_("an SVG image, which can contain scripts")), True),
    "text/xml": _XML,
    "application/xml": _XML,
    "application/zip": Refused(Phrase(N_("a ZIP archive")), True),
    "application/x-rar": Refused(Phrase(N_("a RAR archive")), True),
    "application/x-7z-compressed": Refused(Phrase(N_("a 7-Zip archive")), True),
    "application/gzip": Refused(Phrase(N_("a compressed (gzip) file")), True),
    "application/x-tar": Refused(Phrase(N_("a TAR archive")), True),
    "application/msword": _WORD,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": _WORD,
    "application/vnd.ms-excel": _EXCEL,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": _EXCEL,
    "text/rtf": Refused(Phrase(N_("an RTF document")), False),
    "message/rfc822": Refused(Phrase(N_("an e-mail message")), False),
    "application/postscript": Refused(Phrase(N_("a PostScript file")), False),
    "image/gif": Refused(Phrase(N_("a GIF image")), False),
    "image/bmp": Refused(Phrase(N_("a BMP image")), False),
    "video/mp4": Refused(Phrase(N_("a video (MP4)")), False),
    "video/quicktime": Refused(Phrase(N_("a video (MOV)")), False),
    "video/3gpp": Refused(Phrase(N_("a 3GP video or recording")), False),
    TEXT_OTHER_ENCODING:
        Refused(Phrase(N_("text in an encoding other than UTF-8 or GB18030")), False),
    UNKNOWN: Refused(Phrase(N_("data of an unknown kind")), False),
})


def detect(head: bytes, *, source: BinaryIO | None = None) -> str:
    """The canonical media type of content starting with `head` (the first HEAD_SIZE bytes count).

    `source`, the whole file (seekable), lets an MP4 be judged by its tracks even when they are
    described beyond `head`; without it an MP4 is judged from `head` alone.
    """
    head = head[:HEAD_SIZE]
    found = types.canonical(magic.from_buffer(head, mime=True))
    if found in _ISO_MEDIA:
        return isobmff.media_type(source or io.BytesIO(head), default=found)
    if found in (PDF, UNKNOWN):
        return PDF if _PDF_MARKER in head[:1024] else UNKNOWN
    if found in REFUSED:
        return found
    if found.startswith("text/") or found in _TEXTUAL_APPLICATION:
        return _textual(head)
    return found


def _textual(head: bytes) -> str:
    """Text is plain text only without markup (in its first MB) or a "#!" line, and only as UTF-8
    or GB18030.

    libmagic's guesses at source languages (it calls Markdown JavaScript) are not trusted: they
    neither refuse ordinary text nor make it safe. A script is recognised by its "#!" line.
    """
    lowered = head.lower()
    for marker, media_type in _MARKUP_MARKERS:
        if marker in lowered:  # anywhere in the head, not only where browsers sniff
            return media_type
    if _PDF_MARKER.lower() in lowered[:1024]:
        return PDF
    if head.startswith(b"#!"):
        return SCRIPT
    return types.TEXT if _is_utf8_or_gb18030(head) else TEXT_OTHER_ENCODING


def _is_utf8_or_gb18030(head: bytes) -> bool:
    """Decodes as one of the accepted encodings and holds no NUL (UTF-16 text does)."""
    return b"\x00" not in head and types.decode_text(head) is not None


def describe(media_type: str) -> Phrase | str:
    """Plain words for a media type; the type itself when there are none."""
    if media_type in types.ACCEPTED:
        return types.ACCEPTED[media_type].label
    return REFUSED[media_type].label if media_type in REFUSED else media_type


def _hazardous(media_type: str) -> bool:
    """Content that runs, renders as a page or hides files: alarming under an innocent name."""
    return media_type in REFUSED and REFUSED[media_type].hazardous


def check_size(filename: str, size: int, max_bytes: int) -> None:
    """Refuse an empty file, or one over `max_bytes`."""
    if size == 0:
        raise EvidenceRefused(
            "empty", N_("“{name}” is empty (0 bytes), so there is nothing to keep as evidence."),
            name=names.display_name(filename))
    if size > max_bytes:
        raise EvidenceRefused(
            "too_large",
            N_("“{name}” is {size_mb} MB; the largest file accepted is {limit_mb} MB."),
            name=names.display_name(filename), size_mb=_mb(size, math.ceil),
            limit_mb=_mb(max_bytes, math.floor))


def check_content(head: bytes, filename: str, *, source: BinaryIO | None = None) -> str:
    """The accepted canonical media type of the content, or EvidenceRefused (type or disguise)."""
    name = names.display_name(filename)
    detected = detect(head, source=source)
    claimed = types.claimed_by(names.extension(filename))
    text_named_as_binary = detected == types.TEXT and claimed not in (None, types.TEXT)
    if text_named_as_binary or (claimed is not None and _hazardous(detected)):
        raise EvidenceRefused(
            "disguised",
            N_("The name “{name}” claims {claimed}, but its content is {detected}; this looks "
               "like a disguised file, so it was not accepted."),
            name=name, claimed=types.ACCEPTED[claimed].label, detected=describe(detected))
    if detected in types.ACCEPTED:
        check_hidden(detected, name, source or io.BytesIO(head))
        return detected
    raise EvidenceRefused(
        "type_not_accepted",
        N_("“{name}” was not accepted: its content was identified as {detected}. "
           "Accepted types: {accepted}."),
        name=name, detected=describe(detected), accepted=types.accepted_labels())


def check_hidden(media_type: str, name: str, source: BinaryIO) -> None:
    """Refuse an accepted type that hides something (see evidence/hazards.py); `source` is the
    whole file, seekable."""
    if media_type == PDF:
        if hazards.pdf_is_truncated(source):
            raise EvidenceRefused(
                "incomplete",
                N_("“{name}” is an incomplete PDF: its end is missing, so the upload or download "
                   "was probably cut short. Upload the complete file."), name=name)
        active = hazards.pdf_active_content(source)
        if active:
            raise EvidenceRefused(
                "active_content",
                N_("“{name}” is a PDF containing {feature}, which can act when the file is "
                   "opened, so it was not accepted. Print it to a new PDF, or scan it, and upload "
                   "that."), name=name, feature=active)
    elif media_type.startswith(("image/", "audio/")):
        hidden = hazards.polyglot(source)
        if hidden:
            raise EvidenceRefused(
                "polyglot",
                N_("“{name}” is {detected}, but it also contains {hidden}; a file that is two "
                   "things at once is not accepted. Save or export it again and upload that."),
                name=name, detected=describe(media_type), hidden=hidden)
        if media_type in images.PILLOW_FORMATS:
            check_pixels(media_type, name, source)
    source.seek(0)


def check_pixels(media_type: str, name: str, source: BinaryIO) -> None:
    """Refuse an image over the pixel limit (evidence/images.py), judged from its header: past
    it, previews and bundles would need more memory than the portal can give one file."""
    try:
        images.check_upload(source, media_type)
    except images.TooManyPixels as big:
        raise EvidenceRefused(
            "too_many_pixels",
            N_("“{name}” contains an image of {width} × {height} pixels ({megapixels} million "
               "pixels). Images of up to {limit} million pixels are accepted, because larger ones "
               "cannot be shown or printed safely. Save it at a smaller size (for example half "
               "its width and height) and upload that."),
            name=name, width=big.width, height=big.height,
            megapixels=images.megapixels(big.width * big.height),
            limit=images.megapixels(images.MAX_PIXELS)) from None


def check(head: bytes, filename: str, size: int, max_bytes: int, *,
          source: BinaryIO | None = None) -> str:
    """The accepted canonical media type of an upload, or EvidenceRefused saying why not."""
    check_size(filename, size, max_bytes)
    return check_content(head, filename, source=source)


def _mb(n: int, rounding: Callable[[float], int]) -> str:
    """Bytes as MB (MiB, as Streamlit counts) to 0.1: sizes round up and limits down, so a file
    over the limit never reads as equal to it."""
    return f"{rounding(n * 10 / MIB) / 10:g}"
