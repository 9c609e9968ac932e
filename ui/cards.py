"""Lists that read on a phone: a table of disputes on a wide screen, one card per dispute on a
narrow one (My disputes, the queue, the docket).

A list is ONE keyed container (Streamlit gives it the class `st-key-list_<name>`) holding two
elements per line: the item's link, and one markdown element with every other value as a
paragraph of its own. The header is the first line, drawn the same way. The stylesheet makes
the container a two-column grid (the link's share of the width, then the values), and each
markdown a grid of the header's widths, so titles and values line up.

Why so few elements: a browser's cost per element is most of what a click on such a page
costs. Measured from click to settled on a queue page of 25 rows (Chromium, demo data): a row
of six columns of markdown drew about 2.5× as slowly as two; a keyed row container around the
link and the markdown cost about 38 ms of the page's 168 (25 flex containers laid out), which
one grid container for the whole list saves.

Under PHONE_MAX_PX wide the stylesheet turns the grid back into a column: the header line is
hidden (its titles would otherwise stack above all the values), each item's link and values are
drawn as one bordered card (the link's element the card's top, the values' its bottom), the
values stack with each one's title above it (drawn by the stylesheet, so a card has no extra
elements), and the counts wrap two to a line instead of one tall column.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Iterator

import streamlit as st

PHONE_MAX_PX = 640  # Streamlit stacks columns below this width
GAP = "1rem"        # Streamlit's gap between columns ("small")
BORDER = "1px solid rgba(49, 51, 63, 0.2)"

_CSS = f"""<style>
[class*="st-key-list_"] [data-testid="stMarkdownContainer"] p {{ margin: 0; }}
[class*="st-key-list_"] .stMarkdownBadge {{ white-space: normal !important; }}  /* not cut */
[class*="st-key-list_counts_"] [data-testid="stMarkdownContainer"] {{
  display: grid; grid-auto-flow: column; grid-auto-columns: minmax(0, 1fr); column-gap: {GAP};
  padding-bottom: 0.75rem;
}}
[class*="st-key-list_counts_"] p {{ font-size: 0.875rem; }}
[class*="st-key-list_counts_"] strong {{
  display: block; font-size: 2.25rem; font-weight: 400; line-height: 1.3;
}}
@media (max-width: {PHONE_MAX_PX}px) {{
  [class*="st-key-list_counts_"] [data-testid="stMarkdownContainer"] {{
    grid-auto-flow: row; grid-template-columns: repeat(2, minmax(0, 1fr)); row-gap: 0.25rem;
  }}
  [class*="st-key-list_counts_"] strong {{ font-size: 1.75rem; }}
}}
</style>"""

_BLANK_LINES = re.compile(r"(?:[ \t]*\n){2,}")


def stylesheet() -> None:
    """Once per page that draws a list."""
    st.html(_CSS)


@contextmanager
def table(name: str, widths: list[int], titles: list[str]) -> Iterator[None]:
    """The list's container with its header line; draw its items with `row` inside.
    `widths[0]` is the link's column, the rest the values' (as many as `titles` after the
    first). The titles appear above each value of a card on a phone."""
    st.html(_list_css(name, widths, titles))
    with st.container(key=f"list_{name}"):
        st.markdown(f"**{titles[0]}**")
        st.markdown(_cells([f"**{title}**" for title in titles[1:]]))
        yield


def row(cells: list[str], page: str, label: str, query_params: dict[str, str]) -> None:
    """One item, inside `table`: its link (to `page` with `query_params`, showing `label`),
    then its values (markdown, one per title after the first)."""
    st.page_link(page, label=label, query_params=query_params)
    st.markdown(_cells(cells))


def counts(name: str, figures: list[tuple[str, int]]) -> None:
    """A line of labelled figures (one markdown element, drawn like st.metric's) that wraps two
    to a line on a phone."""
    with st.container(key=f"list_counts_{name}"):
        st.markdown("\n\n".join(f"{title}  \n**{value}**" for title, value in figures))


def _cells(cells: list[str]) -> str:
    """The values as paragraphs, one each: a blank line inside a value would split it in two
    and shift the grid, so it becomes a line break; an empty value is a dash."""
    return "\n\n".join(_BLANK_LINES.sub("  \n", cell).strip() or "—" for cell in cells)


def _css_string(text: str) -> str:
    """`text` as a CSS string: quotes, backslashes and line ends escaped, `<` too (it sits in
    a style element)."""
    escaped = "".join(f"\\{ord(c):x} " if c in '"\\<>\n\r' else c for c in text)
    return f'"{escaped}"'


def _list_css(name: str, widths: list[int], titles: list[str]) -> str:
    """This list's grid: the link's share of a line, the values' grid of the header's widths
    (so titles and values line up) and, on a phone, cards with each value's title above it."""
    # minmax(0, …): a long word wraps inside its cell instead of widening its column
    columns = " ".join(f"minmax(0, {w}fr)" for w in widths[1:])
    share = f"calc((100% - {GAP}) * {widths[0]} / {sum(widths)})"
    body = f'[class*="st-key-list_{name}"]'
    item = f'{body} > [data-testid="stElementContainer"]'
    link, values = f"{item}:nth-child(odd)", f"{item}:nth-child(even)"
    markdown = '[data-testid="stMarkdownContainer"]'
    wide = (f"{body} {{ display: grid !important; grid-template-columns: {share} "
            f"minmax(0, 1fr); column-gap: {GAP}; align-items: start; }}\n"
            f"{item} {{ width: auto; min-width: 0; }}\n"
            f"{values} {markdown} {{ display: grid; grid-template-columns: {columns}; "
            f"column-gap: {GAP}; overflow-wrap: anywhere; }}\n")
    card = (f"{body} {{ display: flex !important; flex-direction: column; "
            f"gap: 0 !important; }}\n"
            f"{item} {{ width: 100% !important; max-width: 100% !important; }}\n"
            f"{item}:nth-child(-n+2) {{ display: none; }}\n"
            f"{link} {{ border: {BORDER}; border-bottom: none; "
            f"border-radius: 0.5rem 0.5rem 0 0; padding: 0.6rem 0.8rem 0.2rem; "
            f"margin: 0.75rem 0 0 !important; }}\n"
            f"{values} {{ border: {BORDER}; border-top: none; "
            f"border-radius: 0 0 0.5rem 0.5rem; padding: 0 0.8rem 0.6rem; }}\n"
            f"{values} {markdown} {{ display: block; }}\n"
            f"{values} {markdown} p {{ margin-bottom: 0.4rem; }}\n"
            f"{link}::before {_title(titles[0])}")
    card += "".join(f"{values} {markdown} p:nth-of-type({i})::before {_title(title)}"
                    for i, title in enumerate(titles[1:], start=1))
    return f"<style>\n{wide}@media (max-width: {PHONE_MAX_PX}px) {{\n{card}}}</style>"


def _title(title: str) -> str:
    return (f"{{ content: {_css_string(title)}; display: block; font-size: 0.8rem; "
            f"color: rgba(49, 51, 63, 0.6); }}\n")
