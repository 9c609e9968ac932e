"""Cut a few characters out of a large font with HarfBuzz's subsetter (uharfbuzz, the HarfBuzz
project's own Python binding).

The Chinese page stamp needs some twenty glyphs of WenQuanYi Zen Hei, a 16 MB collection of
45,000 glyphs. fontTools took about 0.5 s and 30 MB to cut them out (it parses the tables it
prunes); HarfBuzz maps the file and copies out only what it keeps, in milliseconds and with next
to no memory. `subset` returns None when the font cannot be cut, and the caller falls back to
fontTools.
"""

from __future__ import annotations

from pathlib import Path

import uharfbuzz as hb

# Layout and bitmap tables: a stamp shapes nothing and draws outlines (as fontTools was told).
DROP_TABLES = ("BASE", "DSIG", "EBDT", "EBLC", "EBSC", "GDEF", "GPOS", "GSUB", "JSTF", "LTSH",
               "PCLT", "SVG ")


def _tag(name: str) -> int:
    return int.from_bytes(name.encode("ascii"), "big")


def subset(font_path: Path, characters: set[str], index: int = 0) -> bytes | None:
    """A TrueType font holding only `characters` (and .notdef), from face `index` of
    `font_path`; None when HarfBuzz cannot do it."""
    try:
        face = hb.Face(hb.Blob.from_file_path(str(font_path)), index)
        wanted = hb.SubsetInput()
        wanted.unicode_set.update(ord(ch) for ch in characters)
        wanted.sets(hb.SubsetInputSets.DROP_TABLE_TAG).update(_tag(t) for t in DROP_TABLES)
        wanted.flags = hb.SubsetFlags.NO_HINTING | hb.SubsetFlags.NOTDEF_OUTLINE
        made = hb.subset(face, wanted)
    except Exception:  # an unreadable file, a face HarfBuzz refuses: fontTools tries
        return None
    data = made.blob.data if made is not None else b""
    return bytes(data) or None
