"""Page numbers of bundle.pdf, worked out in the one rendering of its generated pages.

The generated pages (cover, index, sections, every separator sheet) are one WeasyPrint document.
The numbers they print (the cover's page count, the index, the evidence index) are CSS
cross-references, `target-counter(url(#id), page)`, which WeasyPrint resolves while it lays the
document out, re-making only the pages that print them. For the `page` counter to count the pages
of the final bundle, each sheet is followed by a *stand-in*: one page whose `@page` rule adds the
exhibit's own page count (known before rendering: PDF pages, image frames) instead of 1, so the
stand-in's number is the exhibit's last page. Stand-ins are left out when the pages are written;
`assemble` puts each exhibit's own pages there.

What CSS cannot know beforehand is planned (`Plan`): which sections there are and which
exhibits take a single page (the index prints `7`, not `7–7`). The plan is checked against the
laid-out document and, in the rare case it was wrong (a sheet that ran to a second page), the
document is rendered once more with the plan corrected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only for annotations: keeps this module free of the renderer
    from weasyprint import Document

    from dispute.bundle.exhibits import Prepared

LINK_SCHEME = "bundlepage:"      # assemble turns these into links to pages of the bundle
STAND_IN = "stand-in-"           # ids (and @page names) of the stand-in pages
END = f"{STAND_IN}end"           # the stand-in after everything: its number is the last page
SINGLE_PAGE_TEXT = 1_500         # a text exhibit longer than this is planned on several pages
_EXHIBIT_ID = re.compile(r"^[ED][0-9]{2,5}$")


@dataclass
class Layout:
    """Where things are in the final PDF (1-based page numbers)."""

    total_pages: int = 0
    sections: dict[str, int] = field(default_factory=dict)
    exhibits: dict[str, tuple[int, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class Plan:
    """What the numbers stylesheet assumes: the sections there are, in order, and the exhibits
    whose sheet and pages are one page."""

    sections: tuple[str, ...]
    single: frozenset[str]


def first_plan(sections: tuple[str, ...], prepared: list[Prepared]) -> Plan:
    """The plan before rendering: a sheet is one page unless it carries a long text."""
    return Plan(sections, frozenset(
        item.record.exhibit for item in prepared
        if item.body_pages == 0 and len(item.text or "") <= SINGLE_PAGE_TEXT))


def page_span(first: int, last: int) -> str:
    """`7` or `7–9`, as the index prints an exhibit's pages."""
    return str(first) if first == last else f"{first}–{last}"


def stand_in_page(item: Prepared) -> str:
    """The @page name of the stand-in that follows `item`'s sheet."""
    return f"{STAND_IN}{item.body_pages}"


def numbers_css(numbers: Plan | Layout, prepared: list[Prepared]) -> str:
    """The stylesheet that prints every page number: cross-references to be resolved by the
    layout (a Plan, with the stand-ins' @page rules) or, given a Layout, the numbers as text."""
    ids = [item.record.exhibit for item in prepared]
    for exhibit in ids:  # they go into CSS as they are
        if not _EXHIBIT_ID.match(exhibit):
            raise ValueError(f"not an exhibit id: {exhibit!r}")
    rules: list[str] = []
    if isinstance(numbers, Plan):
        def ref(anchor: str) -> str:
            return f"target-counter(url(#{anchor}), page)"

        total = ref(END)
        sections = {name: ref(name) for name in numbers.sections}
        first = {x: ref(f"sheet-{x}") for x in ids}
        span = {x: first[x] if x in numbers.single else f'{first[x]} "–" {ref(STAND_IN + x)}'
                for x in ids}
        for count in sorted({item.body_pages for item in prepared} | {0}):
            rules.append(f"@page {STAND_IN}{count} {{ counter-increment: page {count}; }}")
    else:
        total = f'"{numbers.total_pages}"'
        sections = {name: f'"{page}"' for name, page in numbers.sections.items()}
        first = {x: f'"{numbers.exhibits[x][0]}"' for x in ids}
        span = {x: f'"{page_span(*numbers.exhibits[x])}"' for x in ids}
    rules.append(f".pg-total::before {{ content: {total}; }}")
    rules += [f".pg-sec-{name}::before {{ content: {value}; }}" for name, value in sections.items()]
    rules += [f".pg-first-{x}::before {{ content: {first[x]}; }}" for x in ids]
    rules += [f".pg-span-{x}::before {{ content: {span[x]}; }}" for x in ids]
    return "\n".join(rules)


@dataclass
class Counted:
    """The laid-out document read back: the bundle's layout, the plan it calls for, and which
    of the document's pages are kept (all but the stand-ins) with each page's number."""

    layout: Layout
    plan: Plan
    kept: list[int]                       # indexes into document.pages
    numbers: list[int]                    # the bundle page number of each document page
    anchors: dict[str, int]               # element id → index of its first page
    section_pages: int                    # kept pages before the first sheet
    sheet_spans: list[tuple[int, int]]    # per exhibit, [start, end) among the kept pages


def count(document: Document, prepared: list[Prepared], section_ids: tuple[str, ...]
          ) -> Counted:
    """Number the document's pages as the bundle will: a stand-in counts for its exhibit's own
    pages, every other page for one."""
    anchors: dict[str, int] = {}
    for index, page in enumerate(document.pages):
        for name in page.anchors:
            anchors.setdefault(name, index)
    adds = {anchors[END]: 0}
    for item in prepared:
        sheet, stand_in = anchors[f"sheet-{item.record.exhibit}"], \
            anchors[STAND_IN + item.record.exhibit]
        if not sheet < stand_in or stand_in in adds:
            raise RuntimeError(f"the stand-in of {item.record.exhibit} is not after its sheet")
        adds[stand_in] = item.body_pages
    numbers, kept, number = [], [], 0
    for index in range(len(document.pages)):
        if index in adds:
            number += adds[index]
        else:
            number += 1
            kept.append(index)
        numbers.append(number)
    position = {index: at for at, index in enumerate(kept)}
    layout = Layout(total_pages=number,
                    sections={name: numbers[anchors[name]] for name in section_ids
                              if name in anchors})
    spans = []
    for item in prepared:
        x = item.record.exhibit
        sheet, stand_in = anchors[f"sheet-{x}"], anchors[STAND_IN + x]
        layout.exhibits[x] = (numbers[sheet], numbers[stand_in])
        spans.append((position[sheet], position[sheet] + stand_in - sheet))
    section_pages = spans[0][0] if spans else len(kept)
    plan = Plan(tuple(layout.sections), frozenset(
        x for x, (first, last) in layout.exhibits.items() if first == last))
    return Counted(layout, plan, kept, numbers, anchors, section_pages, spans)


def link_pages(document: Document, counted: Counted) -> None:
    """Turn the kept pages' links to ids into `bundlepage:N` links (N: the page of the bundle
    where the id is), and drop the copies WeasyPrint makes for a number printed inside a link
    (its generated text is a box of its own), so each link is one annotation, as before."""
    for index in counted.kept:
        page = document.pages[index]
        links = []
        for kind, target, rectangle, box in page.links:
            if box.element_tag.endswith("::before"):
                continue
            if kind == "internal":
                kind, target = "external", f"{LINK_SCHEME}{counted.numbers[counted.anchors[target]]}"
            links.append((kind, target, rectangle, box))
        page.links[:] = links
