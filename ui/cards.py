"""Lists that read on a phone: a table of disputes on a wide screen, one card per dispute on a
narrow one (My disputes, the queue, the docket).

A list is a header row and one row per item. A row is one keyed horizontal container (Streamlit
gives it the class `st-key-<key>`) holding two elements: the item's link, and ONE markdown
element holding every other value as a paragraph of its own, which the stylesheet lays out as a
grid with the header's widths. A browser's cost per element is most of what a click on such a
page costs: a row of six columns of markdown took about 2.5× as long to draw as two columns, and
two columns (a row, its columns block, two columns, the link, the markdown: six elements) about
14% longer than this row of three (25 rows, 233 against 205 ms from click to settled); the text,
badges and escaping are the same markdown.

Under PHONE_MAX_PX wide the stylesheet stacks the row's two elements; it then hides the header
row (whose titles would otherwise stack above all the values), draws each row as a bordered card
with tight spacing, stacks the grid's values, puts each value's title above it (drawn by the
stylesheet, so a row has no extra elements), and lets the per-stage counts wrap two to a line
instead of one tall column.
"""

from __future__ import annotations

import re

import streamlit as st

PHONE_MAX_PX = 640  # Streamlit stacks columns below this width
GAP = "1rem"        # Streamlit's gap between columns ("small")

_CSS = f"""<style>
[class*="st-key-list_"] [data-testid="stMarkdownContainer"] p {{ margin: 0; }}
@media (max-width: {PHONE_MAX_PX}px) {{
  [class*="st-key-list_head_"] {{ display: none; }}
  [class*="st-key-list_row_"] {{
    border: 1px solid rgba(49, 51, 63, 0.2); border-radius: 0.5rem;
    padding: 0.6rem 0.8rem; flex-direction: column; gap: 0.2rem;
  }}
  [class*="st-key-list_row_"] > [data-testid="stElementContainer"] {{
    flex: 1 1 auto !important; width: 100% !important; max-width: 100% !important;
  }}
  [class*="st-key-list_row_"] [data-testid="stMarkdownContainer"] p {{ margin-bottom: 0.4rem; }}
  [class*="st-key-list_counts"] [data-testid="stHorizontalBlock"] {{
    flex-wrap: wrap; gap: 0.25rem 0.75rem;
  }}
  [class*="st-key-list_counts"] [data-testid="stColumn"] {{
    width: calc(50% - 0.75rem) !important; flex: 1 1 calc(50% - 0.75rem) !important;
    min-width: calc(50% - 0.75rem) !important;
  }}
}}
</style>"""

_BLANK_LINES = re.compile(r"(?:[ \t]*\n){2,}")


def stylesheet() -> None:
    """Once per page that draws a list."""
    st.html(_CSS)


def header(name: str, widths: list[int], titles: list[str]) -> None:
    """The column titles: a header row on a wide screen; above each value of a card on a
    phone. `widths[0]` is the link's column, the rest the values' (as many as `titles`)."""
    st.html(_list_css(name, widths, titles))
    with st.container(key=f"list_head_{name}", horizontal=True, gap="small"):
        st.markdown(f"**{titles[0]}**")
        st.markdown(_cells([f"**{title}**" for title in titles[1:]]))


def row(name: str, index: int, widths: list[int], cells: list[str], page: str, label: str,
        query_params: dict[str, str]) -> None:
    """One item: its link (to `page` with `query_params`, showing `label`), then its values
    (markdown, one per title after the first) drawn in the row's grid."""
    with st.container(key=f"list_row_{name}_{index}", horizontal=True, gap="small"):
        st.page_link(page, label=label, query_params=query_params)
        st.markdown(_cells(cells))


def counts(name: str, n: int):
    """A row of `n` figures that wraps two to a line on a phone."""
    with st.container(key=f"list_counts_{name}"):
        return st.columns(n)


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
    """The link's share of a row and the grid of this list's values (the header's widths, so
    titles and values line up) and, on a phone, each value's title above it."""
    # minmax(0, …): a long word wraps inside its cell instead of widening its column
    columns = " ".join(f"minmax(0, {w}fr)" for w in widths[1:])
    share = f"calc((100% - {GAP}) * {widths[0]} / {sum(widths)})"
    part = '[class*="st-key-list_{part}_%s"] > [data-testid="stElementContainer"]' % name
    grid = (f"{part}:nth-child(1) {{{{ flex: 0 0 {share}; width: {share}; max-width: {share}; "
            f"}}}}\n{part}:nth-child(2) {{{{ flex: 1 1 0; width: auto; min-width: 0; }}}}\n"
            f'{part}:nth-child(2) [data-testid="stMarkdownContainer"] {{{{ display: grid; '
            f"grid-template-columns: {columns}; column-gap: {GAP}; overflow-wrap: anywhere; "
            f"}}}}\n")
    row_ = f'[class*="st-key-list_row_{name}_"] > [data-testid="stElementContainer"]'
    titles_css = f'{row_}:nth-child(2) [data-testid="stMarkdownContainer"] {{ display: block; }}\n'
    titles_css += f"{row_}:nth-child(1)::before {_title(titles[0])}"
    titles_css += "".join(
        f'{row_}:nth-child(2) [data-testid="stMarkdownContainer"] '
        f"p:nth-of-type({i})::before {_title(title)}"
        for i, title in enumerate(titles[1:], start=1))
    return (f"<style>\n{grid.format(part='head')}{grid.format(part='row')}"
            f"@media (max-width: {PHONE_MAX_PX}px) {{\n{titles_css}}}</style>")


def _title(title: str) -> str:
    return (f"{{ content: {_css_string(title)}; display: block; font-size: 0.8rem; "
            f"color: rgba(49, 51, 63, 0.6); }}\n")
