"""bundle.pdf from its parts: generated sections, then per exhibit its sheet and its pages;
bookmarks for every section and exhibit, index links turned into links to pages, the stamp.

The exhibits' page counts are known first (`exhibits.prepare`); then every generated page is
laid out in one WeasyPrint rendering that also works out each page number it prints
(`dispute.bundle.pages`), written as one PDF, and its pages are placed among the exhibits'.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, NameObject

from dispute.bundle import memory, pages, phrases, render, sections, stamp
from dispute.bundle.font_files import shared_font_files
from dispute.bundle.content import BundleContent
from dispute.bundle.exhibits import Prepared, open_pdf
from dispute.bundle.pages import LINK_SCHEME
from dispute.i18n import translator

MAX_PASSES = 4
A4 = (595.28, 841.89)
MIN_PAGE_SIDE = 216.0  # 3 inches

ReadExhibit = Callable[[Prepared], bytes]


class BodyFailed(Exception):
    """An exhibit's pages could not be merged after all; the caller shows it as unreadable."""

    def __init__(self, index: int) -> None:
        super().__init__(index)
        self.index = index


@dataclass
class Parts:
    pdf: bytes                             # every generated page, stand-ins left out
    section_pages: int                     # the sections: the PDF's first pages
    sheet_spans: list[tuple[int, int]]     # each exhibit's sheet: 0-based [start, end) in pdf
    layout: sections.Layout


def lay_out(content: BundleContent, prepared: list[Prepared], fingerprint: str) -> Parts:
    """Render the generated pages once (again only when a sheet ran longer than planned) and
    write them as one PDF whose links point at pages of the bundle."""
    plan = pages.first_plan(sections.present(content), prepared)
    for _ in range(MAX_PASSES):
        document = None  # a longer sheet's first rendering is freed before the next
        memory.give_back(collect=True)
        document, _refused = render.render_document(
            sections.bundle_html(content, prepared, fingerprint, plan))
        counted = pages.count(document, prepared, sections.SECTION_IDS)
        if counted.plan == plan:
            break
        plan = counted.plan
    pages.link_pages(document, counted)
    memory.give_back()
    with shared_font_files():
        pdf = document.copy([document.pages[i] for i in counted.kept]).write_pdf()
    return Parts(pdf, counted.section_pages, counted.sheet_spans, counted.layout)


def build_pdf(content: BundleContent, prepared: list[Prepared], parts: Parts,
              read: ReadExhibit, fingerprint: str) -> PdfWriter:
    """The whole bundle in a PdfWriter, stamped; BodyFailed names an exhibit that broke."""
    _ = translator(content.options.lang)
    writer = PdfWriter()
    generated = PdfReader(io.BytesIO(parts.pdf))
    writer.append(generated, pages=(0, parts.section_pages), import_outline=False)
    generated_pages = len(writer.pages)
    for name in sections.SECTION_IDS:
        if name in parts.layout.sections:
            writer.add_outline_item(title=_(phrases.TEXT[sections.SECTION_TITLES[name]]),
                                    page_number=parts.layout.sections[name] - 1)
    parent = None
    for index, (item, (start, end)) in enumerate(zip(prepared, parts.sheet_spans)):
        first = len(writer.pages)
        writer.append(generated, pages=(start, end), import_outline=False)
        if parent is None:  # a bookmark needs its page to exist already
            parent = writer.add_outline_item(title=_(phrases.TEXT["exhibits"]),
                                             page_number=first)
        x = item.record
        mark = writer.add_outline_item(title=f"{x.exhibit} · {_short(x.description)}",
                                       page_number=first, parent=parent)
        body_start = len(writer.pages)
        try:
            _append_body(writer, item, read, mark, body_start)
        except Exception as exc:
            raise BodyFailed(index) from exc
        if len(writer.pages) - first != (end - start) + item.body_pages:
            raise BodyFailed(index)
    _link_index(writer, generated_pages)
    w = translator(content.options.lang)
    stamp.stamp_all(writer, content.number, w(phrases.TEXT["stamp"]))
    writer.page_mode = "/UseOutlines"
    writer.add_metadata({
        "/Title": f"{w(phrases.TEXT['bundle'])} {content.number}",
        "/Subject": f"{content.number}: {content.dispute.institution} · "
                    f"{w(phrases.TEXT['fingerprint'])} {fingerprint}",
        "/Keywords": content.number,
        "/Creator": "dispute portal",
        "/Producer": "dispute portal (WeasyPrint, pypdf)",
        "/CreationDate": pdf_date(content.generated_at),
        "/ModDate": pdf_date(content.generated_at),
    })
    return writer


def _append_body(writer: PdfWriter, item: Prepared, read: ReadExhibit, mark, body_start: int):
    if item.way == "image" and item.image_pdf:
        writer.append(PdfReader(io.BytesIO(item.image_pdf)), import_outline=False)
    elif item.way == "pdf" and item.body_pages:
        reader = item.reader if item.reader is not None else open_pdf(read(item))
        writer.append(reader, import_outline=False)
        for page in writer.pages[body_start:]:
            _enlarge_if_tiny(page)
        try:
            _copy_outline(writer, reader, reader.outline, mark, body_start)
        except Exception:  # a broken outline in the exhibit: its pages are what matters
            pass


def _enlarge_if_tiny(page) -> None:
    """A page too small to read or to carry the stamp (some tools write 4-point pages) is
    scaled up to fit A4, content and all; every other page keeps its size."""
    width, height = float(page.cropbox.width), float(page.cropbox.height)
    if min(width, height) >= MIN_PAGE_SIDE or width <= 0 or height <= 0:
        return
    long_side, short_side = max(width, height), min(width, height)
    page.scale_by(min(A4[1] / long_side, A4[0] / short_side))


def _copy_outline(writer: PdfWriter, reader: PdfReader, items: list, parent, offset: int):
    """The exhibit's own bookmarks, nested under its exhibit bookmark."""
    last = None
    for item in items:
        if isinstance(item, list):
            if last is not None:
                _copy_outline(writer, reader, item, last, offset)
            continue
        page = reader.get_destination_page_number(item)
        if page is None or page < 0:
            continue
        last = writer.add_outline_item(title=str(item.title or "—"), page_number=offset + page,
                                       parent=parent)


def _link_index(writer: PdfWriter, pages: int) -> None:
    """`bundlepage:N` links from the templates become links to page N of the bundle."""
    for page in writer.pages[:pages]:
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            action = annot.get("/A")
            uri = str(action.get_object().get("/URI", "")) if action is not None else ""
            if not uri.startswith(LINK_SCHEME):
                continue
            target = int(uri[len(LINK_SCHEME):]) - 1
            del annot[NameObject("/A")]
            if 0 <= target < len(writer.pages):
                annot[NameObject("/Dest")] = ArrayObject(
                    [writer.pages[target].indirect_reference, NameObject("/Fit")])


def _short(text: str, limit: int = 60) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def pdf_date(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("D:%Y%m%d%H%M%SZ")
