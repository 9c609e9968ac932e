"""File names from uploaders: shown to people and read for the extension they claim, never paths."""

from __future__ import annotations

import re
import unicodedata

MAX_NAME_CHARS = 200

# Bidirectional controls let "invoice\u202efdp.exe" display as "invoiceexe.pdf".
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_PATH_SEPARATORS = re.compile(r"[/\\]")


def display_name(filename: str) -> str:
    """The last path component, without control or bidi characters, at most 200 characters.

    Truncation keeps a short extension, so a long name still shows what it claims to be.
    An empty string means the uploader gave no usable name.
    """
    base = _PATH_SEPARATORS.split(filename)[-1]
    kept = "".join(
        c for c in unicodedata.normalize("NFC", base)
        if c not in _BIDI_CONTROLS and unicodedata.category(c) != "Cc"
    ).strip()
    if len(kept) <= MAX_NAME_CHARS:
        return kept
    stem, dot, ext = kept.rpartition(".")
    if dot and stem and len(ext) <= 10:
        return stem[: MAX_NAME_CHARS - len(ext) - 1] + "." + ext
    return kept[:MAX_NAME_CHARS]


def extension(filename: str) -> str:
    """The lower-case extension without the dot ("" if none); trailing dots and spaces are ignored
    because Windows ignores them too ("x.pdf. " opens as a PDF)."""
    _, dot, ext = display_name(filename).rstrip(". ").rpartition(".")
    return ext.lower() if dot else ""
