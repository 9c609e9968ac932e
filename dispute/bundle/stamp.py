"""The Bates stamp on every page: `DSP-2026-000123-0001  page 1 of 300` (in a Chinese bundle
`DSP-2026-000123-0001  第 1 页 共 300 页`), bottom right, upright.

Written straight into each page's content (the page's own drawing wrapped in q/Q so it cannot
move the stamp), in Courier, a standard PDF font every reader has: nothing is embedded and no
page is re-parsed, so stamping 300 pages takes milliseconds. A rotated page (/Rotate) gets the
stamp turned with it, so it reads upright where the viewer shows the page. A stamp in Chinese
uses a few glyphs of the bundle's own Chinese font, embedded once (`stamp_font`).
"""

from __future__ import annotations

from pypdf import PageObject, PdfWriter
from pypdf.generic import (ArrayObject, DecodedStreamObject, DictionaryObject, NameObject,
                           StreamObject)

FONT_KEY = "/DSPBates"
FONT_SIZE = 8.0
CHAR_WIDTH = 0.6 * FONT_SIZE   # Courier: every glyph is 600/1000 em
MARGIN_RIGHT = 12.0
MARGIN_BOTTOM = 10.0


def bates(number: str, page: int) -> str:
    """`DSP-2026-000123-0001`: the case number and the page, four digits or more."""
    return f"{number}-{page:04d}"


PAGE_OF = "page {page} of {total}"  # the English words; a bundle passes its own language's


def stamp_text(number: str, page: int, total: int, words: str = PAGE_OF) -> str:
    return f"{bates(number, page)}  " + words.format(page=page, total=total)


def _stream(writer: PdfWriter, data: bytes):
    stream = DecodedStreamObject()
    stream.set_data(data)
    return writer._add_object(stream)


def _display_to_user(page: PageObject) -> tuple[tuple[float, ...], float, float]:
    """(a b c d e f) taking display coordinates (origin bottom left as shown) to user space, and
    the display width and height."""
    box = page.cropbox
    x0, y0, x1, y1 = (float(v) for v in (box.left, box.bottom, box.right, box.top))
    w, h = x1 - x0, y1 - y0
    rotation = page.rotation % 360
    if rotation == 90:
        return (0, 1, -1, 0, x1, y0), h, w
    if rotation == 180:
        return (-1, 0, 0, -1, x1, y1), w, h
    if rotation == 270:
        return (0, -1, 1, 0, x0, y1), h, w
    return (1, 0, 0, 1, x0, y0), w, h


def _resources(page: PageObject) -> DictionaryObject:
    """The page's own resource dictionary, made from the inherited one when it has none."""
    res = page.get("/Resources")
    if res is None:
        node = page.get("/Parent")
        while node is not None and res is None:
            node = node.get_object()
            res = node.get("/Resources")
            node = node.get("/Parent")
        res = DictionaryObject(res.get_object()) if res is not None else DictionaryObject()
        page[NameObject("/Resources")] = res
        return res
    res = res.get_object()
    if not isinstance(res, DictionaryObject):
        res = DictionaryObject()
        page[NameObject("/Resources")] = res
    return res


def stamp_all(writer: PdfWriter, number: str, words: str = PAGE_OF) -> None:
    """Stamp every page of `writer` with its Bates number and "page X of N" in `words` (a
    format with {page} and {total}, in the bundle's language)."""
    total = len(writer.pages)
    texts = [stamp_text(number, index, total, words) for index in range(1, total + 1)]
    if all(t.isascii() for t in texts):
        font = writer._add_object(DictionaryObject({
            NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Courier"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding")}))
        show = lambda t: f"({t})"  # noqa: E731
        measure = lambda t: CHAR_WIDTH * len(t)  # noqa: E731
    else:
        from dispute.bundle import stamp_font

        embedded = stamp_font.embed(writer, set("".join(texts)))
        font, show = embedded.ref, embedded.encode
        measure = lambda t: embedded.width(t, FONT_SIZE)  # noqa: E731
    push, pop = _stream(writer, b"q\n"), _stream(writer, b"\nQ\n")
    for index, page in enumerate(writer.pages, start=1):
        text = texts[index - 1]
        (a, b, c, d, e, f), width, _height = _display_to_user(page)
        dx = width - MARGIN_RIGHT - measure(text)
        dy = MARGIN_BOTTOM
        ox, oy = e + a * dx + c * dy, f + b * dx + d * dy
        draw = (f"q BT {FONT_KEY} {FONT_SIZE} Tf 0 0 0 rg "
                f"{a} {b} {c} {d} {ox:.2f} {oy:.2f} Tm {show(text)} Tj ET Q\n").encode("ascii")
        resources = _resources(page)
        fonts = resources.get("/Font")
        fonts = DictionaryObject() if fonts is None else DictionaryObject(fonts.get_object())
        fonts[NameObject(FONT_KEY)] = font
        resources[NameObject("/Font")] = fonts
        contents = page.get("/Contents")
        if contents is None:
            parts = []
        else:
            resolved = contents.get_object()
            parts = list(resolved) if isinstance(resolved, ArrayObject) else [contents]
            if isinstance(resolved, StreamObject) and not hasattr(contents, "idnum"):
                parts = [writer._add_object(resolved)]
        page[NameObject("/Contents")] = ArrayObject([push, *parts, pop,
                                                     _stream(writer, draw)])
