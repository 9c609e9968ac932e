"""The allow-list of evidence media types, declared once.

The sniffer, the upload page and the bundle all read this table, so "what is accepted", "what
it is called" and "which file names claim it" cannot drift apart.
"""

from __future__ import annotations

import codecs
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from dispute.i18n import N_
from evidence.errors import Phrase

TEXT: Final = "text/plain"
TEXT_ENCODINGS: Final = ("utf-8-sig", "gb18030")  # what "plain text" may be written in


@dataclass(frozen=True)
class AcceptedType:
    """Its name for users, and the extensions that claim it (the first is the canonical one)."""

    label: Phrase
    extensions: tuple[str, ...]


_HEIF = Phrase(N_("HEIC/HEIF"))
_AAC = Phrase(N_("M4A/AAC"))

ACCEPTED: Final[Mapping[str, AcceptedType]] = MappingProxyType({
    "application/pdf": AcceptedType(Phrase(N_("PDF")), ("pdf",)),
    "image/jpeg": AcceptedType(Phrase(N_("JPEG")), ("jpg", "jpeg", "jpe", "jfif")),
    "image/png": AcceptedType(Phrase(N_("PNG")), ("png",)),
    "image/webp": AcceptedType(Phrase(N_("WebP")), ("webp",)),
    "image/heic": AcceptedType(_HEIF, ("heic",)),
    "image/heif": AcceptedType(_HEIF, ("heif", "hif")),
    "image/tiff": AcceptedType(Phrase(N_("TIFF")), ("tif", "tiff")),
    "audio/mpeg": AcceptedType(Phrase(N_("MP3")), ("mp3",)),
    "audio/mp4": AcceptedType(_AAC, ("m4a", "m4b")),
    "audio/aac": AcceptedType(_AAC, ("aac", "adts")),
    "audio/amr": AcceptedType(Phrase(N_("AMR")), ("amr", "awb")),
    "audio/wav": AcceptedType(Phrase(N_("WAV")), ("wav", "wave")),
    "audio/ogg": AcceptedType(Phrase(N_("OGG/Opus")), ("ogg", "opus", "oga")),
    TEXT: AcceptedType(Phrase(N_("plain text (UTF-8 or GB18030)")), ("txt", "text", "log", "csv")),
})

# Other spellings of accepted types, from libmagic (first group) and from browsers and tools.
ALIASES: Final[Mapping[str, str]] = MappingProxyType({
    "audio/x-m4a": "audio/mp4",
    "audio/x-hx-aac-adts": "audio/aac",
    "audio/x-wav": "audio/wav",
    "audio/m4a": "audio/mp4",
    "audio/x-aac": "audio/aac",
    "audio/aacp": "audio/aac",
    "audio/wave": "audio/wav",
    "audio/vnd.wave": "audio/wav",
    "audio/mp3": "audio/mpeg",
    "audio/x-mp3": "audio/mpeg",
    "audio/x-mpeg": "audio/mpeg",
    "audio/amr-wb": "audio/amr",
    "audio/x-amr": "audio/amr",
    "audio/opus": "audio/ogg",
    "image/pjpeg": "image/jpeg",
    "image/x-png": "image/png",
    "image/x-tiff": "image/tiff",
})

_BY_EXTENSION: Final[Mapping[str, str]] = MappingProxyType({
    ext: media_type for media_type, t in ACCEPTED.items() for ext in t.extensions
})


def canonical(media_type: str) -> str:
    """One spelling per type: lower case, parameters dropped, aliases resolved."""
    bare = media_type.split(";", 1)[0].strip().lower()
    return ALIASES.get(bare, bare)


def claimed_by(extension: str) -> str | None:
    """The accepted type a file extension (no dot, any case) claims, if any."""
    return _BY_EXTENSION.get(extension.lower())


def accepted_labels() -> tuple[Phrase, ...]:
    """The names of the accepted types, each once, in table order: for "accepted types are …"."""
    return tuple(dict.fromkeys(t.label for t in ACCEPTED.values()))


def decode_text(data: bytes) -> str | None:
    """`data` as text in one of TEXT_ENCODINGS, or None; a character cut at the end is dropped."""
    for encoding in TEXT_ENCODINGS:
        try:
            return codecs.getincrementaldecoder(encoding)().decode(data, final=False)
        except UnicodeDecodeError:
            continue
    return None
