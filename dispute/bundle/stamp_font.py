"""A tiny embedded font for the Chinese page stamp (第 1 页 共 300 页).

Courier, which every reader has, has no Chinese; so for a Chinese bundle the few characters the
stamps use are cut out of WenQuanYi Zen Hei (the font the bundle's pages already use) with
HarfBuzz's subsetter (`hb_subset`, uharfbuzz; fontTools where it cannot cut it) and embedded once as a
Type0 font (Identity-H, with a ToUnicode map so the stamp can be searched and copied). A subset of some twenty glyphs is a few kilobytes, and stamping stays a
matter of appending a content stream to each page.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfWriter
from pypdf.generic import (ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject,
                           IndirectObject, NameObject, NumberObject, StreamObject, TextStringObject)

from dispute.bundle import hb_subset

CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")


@dataclass
class EmbeddedFont:
    ref: IndirectObject
    glyphs: dict[str, int]     # character → glyph id in the subset
    widths: dict[str, float]   # character → advance in 1/1000 em

    def encode(self, text: str) -> str:
        """The text as a PDF hex string of 2-byte glyph ids."""
        return "<" + "".join(f"{self.glyphs[ch]:04X}" for ch in text) + ">"

    def width(self, text: str, size: float) -> float:
        return sum(self.widths[ch] for ch in text) * size / 1000


def embed(writer: PdfWriter, characters: set[str], font_path: Path = CJK_FONT) -> EmbeddedFont:
    """Embed the glyphs of `characters` from `font_path` (first face of a collection)."""
    from fontTools.ttLib import TTFont

    chars = sorted(characters)
    data = hb_subset.subset(font_path, characters) or _fonttools_subset(font_path, chars)
    font = TTFont(io.BytesIO(data))
    cmap, scale = font.getBestCmap(), 1000 / font["head"].unitsPerEm
    glyphs = {c: font.getGlyphID(cmap[ord(c)]) for c in chars}
    widths = {c: round(font["hmtx"][cmap[ord(c)]][0] * scale, 1) for c in chars}
    head, os2 = font["head"], font["OS/2"]

    file_stream = StreamObject()
    file_stream._data = data
    file_stream[NameObject("/Length1")] = NumberObject(len(data))
    descriptor = DictionaryObject({
        NameObject("/Type"): NameObject("/FontDescriptor"),
        NameObject("/FontName"): NameObject("/DSPAAA+WenQuanYiZenHei"),
        NameObject("/Flags"): NumberObject(4),
        NameObject("/FontBBox"): ArrayObject([NumberObject(round(v * scale)) for v in
                                              (head.xMin, head.yMin, head.xMax, head.yMax)]),
        NameObject("/ItalicAngle"): NumberObject(0),
        NameObject("/Ascent"): NumberObject(round(os2.sTypoAscender * scale)),
        NameObject("/Descent"): NumberObject(round(os2.sTypoDescender * scale)),
        NameObject("/CapHeight"): NumberObject(round(os2.sTypoAscender * scale)),
        NameObject("/StemV"): NumberObject(80),
        NameObject("/FontFile2"): writer._add_object(file_stream)})
    w_array = ArrayObject()
    for c in chars:
        w_array += [NumberObject(glyphs[c]), ArrayObject([FloatObject(widths[c])])]
    cid_font = DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/CIDFontType2"),
        NameObject("/BaseFont"): NameObject("/DSPAAA+WenQuanYiZenHei"),
        NameObject("/CIDSystemInfo"): DictionaryObject({
            NameObject("/Registry"): TextStringObject("Adobe"),
            NameObject("/Ordering"): TextStringObject("Identity"),
            NameObject("/Supplement"): NumberObject(0)}),
        NameObject("/FontDescriptor"): writer._add_object(descriptor),
        NameObject("/W"): w_array,
        NameObject("/CIDToGIDMap"): NameObject("/Identity")})
    to_unicode = DecodedStreamObject()
    to_unicode.set_data(_to_unicode(glyphs))
    type0 = DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type0"),
        NameObject("/BaseFont"): NameObject("/DSPAAA+WenQuanYiZenHei"),
        NameObject("/Encoding"): NameObject("/Identity-H"),
        NameObject("/DescendantFonts"): ArrayObject([writer._add_object(cid_font)]),
        NameObject("/ToUnicode"): writer._add_object(to_unicode)})
    return EmbeddedFont(writer._add_object(type0), glyphs, widths)


def _fonttools_subset(font_path: Path, chars: list[str]) -> bytes:
    """The same cut made with fontTools, where HarfBuzz's subsetter cannot be loaded (slower:
    about 0.5 s and 30 MB for WenQuanYi Zen Hei)."""
    import logging

    from fontTools import subset
    from fontTools.ttLib import TTFont

    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)  # "BDF NOT subset; dropped"

    # Loaded lazily: the subsetter reads only the glyphs it keeps (not all 45,000: 0.5 s, not 7 s).
    font = TTFont(str(font_path), fontNumber=0)
    options = subset.Options()
    options.layout_features = []
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in chars])
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _to_unicode(glyphs: dict[str, int]) -> bytes:
    lines = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
             "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
             "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
             "1 begincodespacerange", "<0000> <FFFF>", "endcodespacerange",
             f"{len(glyphs)} beginbfchar"]
    lines += [f"<{gid:04X}> <{ord(ch):04X}>" for ch, gid in sorted(glyphs.items())]
    lines += ["endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end",
              "end"]
    return "\n".join(lines).encode("ascii")
