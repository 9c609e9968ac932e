"""Dangers hidden inside a file of an accepted type, which the type alone does not reveal.

- A PDF with JavaScript or a launch action is refused, not neutralised. Neutralising means
  rewriting the PDF, and then the stored exhibit is no longer the file the borrower supplied: its
  SHA-256, which the event history and the bundles record, would describe our copy, not theirs.
  Bank statements, receipts and letters have no need for scripts; the uploader can print the
  document to a new PDF, or scan it, and upload that.
- A PDF whose end is missing (no "%%EOF" in its last KB, where readers look for it) was cut short,
  most often by a broken download: refused so the uploader sends the complete file.
- An image or a recording that is also something else: a ZIP archive (its end record is where ZIP
  readers look, at the end: JPEG+ZIP, GIFAR-style JAR) or HTML/script in its first MB or last 64
  KB. Such polyglots have no innocent use as evidence.

PDFs are searched twice: the raw bytes for the names (decoding "#xx" escapes, which hide
"/J#61vaScript" from naive searches), and pypdf's parse of every object, which also sees names
inside compressed object streams. An encrypted PDF whose password we do not have can only be
searched raw; that is accepted because it is never opened by anything that runs scripts here:
previews are drawn by pdftoppm and downloads are sent as application/octet-stream.
"""

from __future__ import annotations

import io
import logging
import re
from typing import BinaryIO, Final

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from dispute.i18n import N_
from evidence.errors import Phrase

PDF_EOF_WINDOW: Final = 1024
ZIP_TAIL: Final = 22 + 0xFFFF  # end-of-central-directory record plus its longest comment
MARKUP_WINDOW: Final = 1 << 20
# Long enough that compressed image or sound data, which looks random, contains none of them by
# chance (the shortest, "<html" in any case, about once in 10^11 random bytes).
MARKUP: Final = (b"<script", b"<html", b"<!doctype html", b"<iframe", b"<svg xmlns", b"<object",
                 b"<embed ", b"javascript:")
_ZIP_END = b"PK\x05\x06"
_CHUNK = 1 << 20
_OVERLAP = 64

JAVASCRIPT: Final = Phrase(N_("JavaScript"))
LAUNCH: Final = Phrase(N_("a launch action, which can start another program"))
ZIP_INSIDE: Final = Phrase(N_("a ZIP archive"))
MARKUP_INSIDE: Final = Phrase(N_("HTML or script"))

# PDF names whose presence means active content, and what to call it. A script action always names
# its type /JavaScript, so the raw search need not look for the short key /JS, which compressed
# image data would contain by chance in one large PDF out of ten; the parse, which sees only real
# names, does.
_ACTIVE_NAMES: Final = {b"JavaScript": JAVASCRIPT, b"Launch": LAUNCH}
_PARSED_ACTIVE_NAMES: Final = {**_ACTIVE_NAMES, b"JS": JAVASCRIPT}
_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]{1,64})")
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


def pdf_is_truncated(source: BinaryIO) -> bool:
    """No end-of-file marker where readers look for it: the file was cut short."""
    end = source.seek(0, io.SEEK_END)
    source.seek(max(0, end - PDF_EOF_WINDOW))
    return b"%%EOF" not in source.read(PDF_EOF_WINDOW)


def pdf_active_content(source: BinaryIO) -> Phrase | None:
    """What runs when the PDF is opened (JavaScript, a launch action), or None."""
    return _raw_active_names(source) or _parsed_active_names(source)


def polyglot(source: BinaryIO) -> Phrase | None:
    """What else an image or recording also is (a ZIP archive, HTML), or None."""
    end = source.seek(0, io.SEEK_END)
    source.seek(max(0, end - ZIP_TAIL))
    tail = source.read(ZIP_TAIL)
    if _ZIP_END in tail:
        return ZIP_INSIDE
    source.seek(0)
    head = source.read(MARKUP_WINDOW).lower()
    if any(marker in head or marker in tail.lower() for marker in MARKUP):
        return MARKUP_INSIDE
    return None


def _raw_active_names(source: BinaryIO) -> Phrase | None:
    source.seek(0)
    carry = b""
    while chunk := source.read(_CHUNK):
        window = carry + chunk
        for match in _NAME.finditer(window):
            name = _ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), match.group(1))
            if name in _ACTIVE_NAMES:
                return _ACTIVE_NAMES[name]
        carry = window[-_OVERLAP:]
    return None


def _parsed_active_names(source: BinaryIO) -> Phrase | None:
    """Every object pypdf can reach, compressed object streams included. A PDF pypdf cannot parse
    is left to the raw search: damaged PDFs are kept as evidence (see the fixtures)."""
    source.seek(0)
    quiet = logging.getLogger("pypdf")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        reader = PdfReader(source, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return None
        numbers = {(num, gen) for gen, objs in reader.xref.items() for num in objs}
        numbers |= {(num, 0) for num in reader.xref_objStm}
        for num, gen in sorted(numbers):
            found = _walk(reader.get_object(IndirectObject(num, gen, reader)))
            if found:
                return found
    except Exception:  # pypdf raises many kinds on malformed input
        return None
    finally:
        quiet.setLevel(level)
    return None


def _walk(obj: object, depth: int = 0) -> Phrase | None:
    """Names in a dictionary or array, without following references (each object is visited from
    the cross-reference table anyway, so cycles cannot make this loop)."""
    if depth > 50:
        return None
    if isinstance(obj, NameObject):
        return _PARSED_ACTIVE_NAMES.get(obj[1:].encode("utf-8", "replace"))
    if isinstance(obj, DictionaryObject):
        items = [*obj.keys(), *obj.values()]
    elif isinstance(obj, ArrayObject):
        items = list(obj)
    else:
        return None
    for item in items:
        if isinstance(item, IndirectObject):
            continue
        found = _walk(item, depth + 1)
        if found:
            return found
    return None
