"""One copy of each font file while WeasyPrint writes a PDF, not one per font style.

When WeasyPrint writes a PDF it copies, for every font *style* the pages use (regular, bold,
italic…), the whole font file out of HarfBuzz, to subset it later. The bundle's pages use three
styles of WenQuanYi Zen Hei, a 16 MB collection, so writing them held three 16 MB copies at once:
about a third of what the export added to its memory there. The three styles come from one
HarfBuzz blob (the file, mapped once), so inside `shared_font_files()` a blob already copied is
not copied again: its first copy is handed out. The blob is kept referenced until the block ends,
so its memory cannot be freed and reused by another blob meanwhile, and an address seen twice is
the same file. Where the blob is the file mapped whole, the copy is read from the file rather than
from the mapping, so the mapping's 16 MB do not become resident too. Nothing WeasyPrint writes changes; only fewer identical copies live at once.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from weasyprint.pdf import fonts as _pdf_fonts
from weasyprint.text.ffi import ffi, harfbuzz

_own = getattr(_pdf_fonts.get_hb_object_data, "weasyprints_own", _pdf_fonts.get_hb_object_data)
_local = threading.local()  # .copies: (address, length) → (bytes, blob), inside the block


def _shared(hb_object, ot_color=None, glyph=None):
    copies = getattr(_local, "copies", None)
    if copies is None or ot_color is not None:
        return _own(hb_object, ot_color, glyph)
    blob = harfbuzz.hb_face_reference_blob(hb_object)
    length = ffi.new("unsigned int *")
    data = harfbuzz.hb_blob_get_data(blob, length)
    if data == ffi.NULL:
        harfbuzz.hb_blob_destroy(blob)
        return None
    key = (int(ffi.cast("uintptr_t", data)), int(length[0]))
    if key in copies:
        harfbuzz.hb_blob_destroy(blob)
        return copies[key][0]
    content = _mapped_file(*key) or ffi.unpack(data, key[1])
    copies[key] = (content, blob)  # the blob is let go when the block ends
    return content


def _mapped_file(address: int, length: int) -> bytes | None:
    """The font file's bytes read from the file itself when the blob is that file mapped whole
    (as HarfBuzz maps font files on Linux); else None. Copying from the mapping would bring all
    16 MB of it into this process's memory besides the copy; reading the file does not."""
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            for line in maps:
                fields = line.split(maxsplit=5)
                if len(fields) == 6 and int(fields[0].split("-")[0], 16) == address \
                        and int(fields[2], 16) == 0:
                    path = Path(fields[5].rstrip("\n"))
                    if path.is_file() and path.stat().st_size == length:
                        content = path.read_bytes()
                        return content if len(content) == length else None
                    return None
    except OSError:
        return None
    return None


_shared.weasyprints_own = _own
_pdf_fonts.get_hb_object_data = _shared


@contextmanager
def shared_font_files() -> Iterator[None]:
    """Fonts that WeasyPrint makes in this block, in this thread, share equal font files."""
    if getattr(_local, "copies", None) is not None:  # already inside one
        yield
        return
    _local.copies = {}
    try:
        yield
    finally:
        copies, _local.copies = _local.copies, None
        for _data, blob in copies.values():
            harfbuzz.hb_blob_destroy(blob)
