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

PDFs are searched three ways, and any one finding refuses the file:
- the raw bytes, tokenised as PDF does it: a name ends at PDF whitespace (NUL, tab, LF, FF, CR,
  space) or a delimiter (`()<>[]{}/%`), and "#xx" escapes inside a name are decoded, so neither
  "/J#61vaScript" nor "/JavaScript<NUL>" hides a name from the search;
- pypdf's parse of every object, which also sees names inside compressed object streams (an
  object pypdf cannot parse is skipped, not the rest of the file);
- poppler's `pdfinfo -js`, the reader our previews use, which prints the scripts it finds.
A PDF that pypdf cannot open at all, or that poppler refuses while it is not encrypted, is refused:
when the parsers cannot agree on what the file holds, we do not guess.

What counts as active content (SECURITY.md lists it with the reasons): JavaScript, launch
actions, rich media (Flash), XFA forms, an attached program (by name or by its first bytes), a PDF
that is also a ZIP archive, and an action the document runs by itself (in /OpenAction or /AA)
that opens a web address, submits a form, opens another file or imports data. The same actions
behind a link or button the reader clicks are accepted: statements link to the bank's site. An encrypted PDF whose password we do not have can only be searched
raw; that is accepted because it is never opened by anything that runs scripts here: previews are
drawn by pdftoppm and downloads are sent as application/octet-stream.
"""

from __future__ import annotations

import io
import logging
import re
import subprocess
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
RICH_MEDIA: Final = Phrase(N_("embedded media or Flash"))
XFA: Final = Phrase(N_("an XFA form, which can carry scripts"))
AUTO_URI: Final = Phrase(N_("a web address it opens by itself"))
AUTO_SUBMIT: Final = Phrase(N_("a form it sends to a web address by itself"))
AUTO_REMOTE: Final = Phrase(N_("another file it opens by itself"))
AUTO_IMPORT: Final = Phrase(N_("data it imports from another file by itself"))
PROGRAM: Final = Phrase(N_("an attached program"))
UNREADABLE: Final = Phrase(N_("a structure that PDF readers do not agree on"))
ZIP_INSIDE: Final = Phrase(N_("a ZIP archive"))
MARKUP_INSIDE: Final = Phrase(N_("HTML or script"))

# PDF names whose presence means active content, and what to call it. A script action always names
# its type /JavaScript, so the raw search need not look for the short keys /JS and /XFA, which
# compressed image data would contain by chance in one large PDF out of ten; the parse, which sees
# only real names, does.
_ACTIVE_NAMES: Final = {b"JavaScript": JAVASCRIPT, b"Launch": LAUNCH, b"RichMedia": RICH_MEDIA}
_PARSED_ACTIVE_NAMES: Final = {**_ACTIVE_NAMES, b"JS": JAVASCRIPT, b"XFA": XFA}
# Actions that are fine behind a link or a button the reader clicks (bank statements link to the
# bank's site; LaTeX forms have a submit button), but not run by the document itself, on opening
# (/OpenAction) or on a trigger such as a page opening or the mouse passing (/AA).
_AUTO_ACTIONS: Final = {b"URI": AUTO_URI, b"SubmitForm": AUTO_SUBMIT, b"GoToR": AUTO_REMOTE,
                        b"GoToE": AUTO_REMOTE, b"ImportData": AUTO_IMPORT}
# PDF's own token rules (ISO 32000-1, 7.2.2): six whitespace characters, ten delimiters.
PDF_WHITESPACE: Final = b"\x00\t\n\x0c\r "
PDF_DELIMITERS: Final = b"()<>[]{}/%"
_NAME = re.compile(rb"/([^\x00\t\n\x0c\r /<>\[\]()%{}]{1,127})")
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_SPLIT = re.compile(rb"[\x00\t\n\x0c\r ]+")
# Attached files that are programs, by name (what a reader offers to "open") or by first bytes.
PROGRAM_SUFFIXES: Final = frozenset({
    "exe", "com", "bat", "cmd", "scr", "pif", "msi", "msp", "dll", "cpl", "jar", "js", "jse",
    "vbs", "vbe", "wsf", "wsh", "ps1", "psm1", "hta", "lnk", "reg", "sh", "bash", "app", "apk",
    "command", "elf", "bin", "run", "py", "pl", "rb", "docm", "xlsm", "pptm"})
PROGRAM_MAGIC: Final = (b"MZ", b"\x7fELF", b"#!", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe",
                        b"\xce\xfa\xed\xfe")
_ATTACHMENT_HEAD_LIMIT: Final = 64 << 20  # attachments larger than this are judged by name only
_CHUNK = 1 << 20
_OVERLAP = 160


def pdf_is_truncated(source: BinaryIO) -> bool:
    """No end-of-file marker where readers look for it: the file was cut short."""
    end = source.seek(0, io.SEEK_END)
    source.seek(max(0, end - PDF_EOF_WINDOW))
    return b"%%EOF" not in source.read(PDF_EOF_WINDOW)


def pdf_active_content(source: BinaryIO) -> Phrase | None:
    """What can act when the PDF is opened (a script, a launch, a form that submits…), or None."""
    return (_raw_active_names(source) or _parsed_active_content(source)
            or _poppler_scripts(source) or _zip_inside(source))


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


def _decode_name(raw: bytes) -> bytes:
    return _ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw)


def _raw_active_names(source: BinaryIO) -> Phrase | None:
    source.seek(0)
    carry = b""
    while chunk := source.read(_CHUNK):
        window = carry + chunk
        for match in _NAME.finditer(window):
            name = _decode_name(match.group(1))
            if name in _ACTIVE_NAMES:
                return _ACTIVE_NAMES[name]
        carry = window[-_OVERLAP:]
    return None


def _zip_inside(source: BinaryIO) -> Phrase | None:
    """A ZIP end record where ZIP readers look for it: the PDF is also an archive."""
    end = source.seek(0, io.SEEK_END)
    source.seek(max(0, end - ZIP_TAIL))
    return ZIP_INSIDE if _ZIP_END in source.read(ZIP_TAIL) else None


def _poppler_scripts(source: BinaryIO) -> Phrase | None:
    """Poppler's own view: `pdfinfo -js` prints every script it would know to run. A file poppler
    cannot read is refused unless it is encrypted (then nothing here can read it; see above)."""
    source.seek(0)
    # On its standard input, as the previews do: no copy of the evidence is written to disk.
    done = subprocess.run(["pdfinfo", "-js", "fd://0"], input=source.read(), capture_output=True,
                          timeout=60, check=False)
    if done.returncode != 0:
        return None if b"password" in done.stderr.lower() else UNREADABLE
    lines = done.stdout.splitlines()
    # The metadata lines come first ("Key:   value"); anything after them is script text.
    body = [line for line in lines if not _POPPLER_FIELD.match(line)]
    return JAVASCRIPT if any(line.strip() for line in body) else None


_POPPLER_FIELD = re.compile(rb"^[A-Za-z][A-Za-z ]{0,30}:\s")


def _parsed_active_content(source: BinaryIO) -> Phrase | None:
    """Every object pypdf can reach, compressed object streams included. An object pypdf cannot
    parse is skipped (damaged PDFs are kept as evidence: see the fixtures), never the rest of the
    file; a PDF pypdf cannot open at all is refused unless it is encrypted."""
    source.seek(0)
    quiet = logging.getLogger("pypdf")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        try:
            reader = PdfReader(source, strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                return None
            numbers = {(num, gen) for gen, objs in reader.xref.items() for num in objs}
            numbers |= {(num, 0) for num in reader.xref_objStm}
        except Exception:  # pypdf raises many kinds on malformed input
            return UNREADABLE
        for num, gen in sorted(numbers):
            try:
                obj = reader.get_object(IndirectObject(num, gen, reader))
                found = _walk(obj) or _actions_and_attachments(obj)
            except Exception:
                continue
            if found:
                return found
    finally:
        quiet.setLevel(level)
    return None


def _name_parts(name: NameObject) -> list[bytes]:
    """A parsed name split as PDF splits it: pypdf keeps a NUL inside a name ("/JavaScript<NUL>")
    where PDF readers end the name."""
    raw = name[1:].encode("utf-8", "replace")
    return [_decode_name(part) for part in _SPLIT.split(raw) if part]


def _walk(obj: object, depth: int = 0) -> Phrase | None:
    """Names in a dictionary or array, without following references (each object is visited from
    the cross-reference table anyway, so cycles cannot make this loop)."""
    if depth > 50:
        return None
    if isinstance(obj, NameObject):
        for part in _name_parts(obj):
            if part in _PARSED_ACTIVE_NAMES:
                return _PARSED_ACTIVE_NAMES[part]
        return None
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


def _resolved(obj: object) -> object:
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def _auto_action(obj: object) -> Phrase | None:
    """What an action run by the document itself does, when that needs a click to be harmless."""
    action = _resolved(obj)
    kind = action.get("/S") if isinstance(action, DictionaryObject) else None
    if not isinstance(kind, NameObject):
        return None
    return next((_AUTO_ACTIONS[p] for p in _name_parts(kind) if p in _AUTO_ACTIONS), None)


def _actions_and_attachments(obj: object) -> Phrase | None:
    """What needs the object's structure, not just its names: an action the document runs by
    itself (/OpenAction, or a trigger in /AA), and an attached program."""
    if not isinstance(obj, DictionaryObject):
        return None
    if "/OpenAction" in obj and (found := _auto_action(obj["/OpenAction"])):
        return found
    triggers = _resolved(obj.get("/AA"))
    if isinstance(triggers, DictionaryObject):
        for action in triggers.values():
            if found := _auto_action(action):
                return found
    if "/EF" in obj:  # a file specification with an embedded file
        names = [str(_resolved(obj.get(key, ""))) for key in ("/UF", "/F")]
        if any(_suffix(name) in PROGRAM_SUFFIXES for name in names):
            return PROGRAM
        embedded = _resolved(obj["/EF"])
        if isinstance(embedded, DictionaryObject):
            for stream in embedded.values():
                if _starts_like_a_program(_resolved(stream)):
                    return PROGRAM
    return None


def _suffix(name: str) -> str:
    return name.rsplit(".", 1)[-1].strip().lower() if "." in name else ""


def _starts_like_a_program(stream: object) -> bool:
    length = stream.get("/Length", 0) if isinstance(stream, DictionaryObject) else 0
    if not hasattr(stream, "get_data") or _resolved(length) > _ATTACHMENT_HEAD_LIMIT:
        return False
    return stream.get_data()[:8].startswith(PROGRAM_MAGIC)
