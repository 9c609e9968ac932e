"""Lists that read on a phone: a table of disputes on a wide screen, one card per dispute on a
narrow one (My disputes, the queue, the docket).

A list is a header row and one row per item, each in a keyed container (Streamlit gives it the
class `st-key-<key>`). A row is two columns: the item's link, and ONE markdown element holding
every other value as a paragraph of its own, which the stylesheet lays out as a grid with the
header's widths. A browser's cost per element and per column is most of what a click on such a
page costs (a row of six columns of markdown took about 2.5× as long to draw as this), so a row
is five elements instead of thirteen; the text, badges and escaping are the same markdown.

Under PHONE_MAX_PX wide, Streamlit stacks the two columns; the stylesheet then hides the header
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
    padding: 0.6rem 0.8rem;
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
    with st.container(key=f"list_head_{name}"):
        first, rest = st.columns(_split(widths))
        first.markdown(f"**{titles[0]}**")
        rest.markdown(_cells([f"**{title}**" for title in titles[1:]]))


def row(name: str, index: int, widths: list[int], cells: list[str]):
    """One item: its values (markdown, one per title after the first) drawn in the row's grid;
    returns the first column, for the item's link."""
    with st.container(key=f"list_row_{name}_{index}"):
        first, rest = st.columns(_split(widths))
        rest.markdown(_cells(cells))
    return first


def counts(name: str, n: int):
    """A row of `n` figures that wraps two to a line on a phone."""
    with st.container(key=f"list_counts_{name}"):
        return st.columns(n)


def _split(widths: list[int]) -> list[int]:
    return [widths[0], sum(widths[1:])]


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
    """The grid of this list's values (the header's widths, so titles and values line up) and,
    on a phone, each value's title above it."""
    # minmax(0, …): a long word wraps inside its cell instead of widening its column
    columns = " ".join(f"minmax(0, {w}fr)" for w in widths[1:])
    grid = (f'[class*="st-key-list_{{part}}_{name}"] [data-testid="stColumn"]:nth-of-type(2) '
            f'[data-testid="stMarkdownContainer"] {{{{ display: grid; '
            f"grid-template-columns: {columns}; column-gap: {GAP}; overflow-wrap: anywhere; "
            f"}}}}\n")
    row_ = f'[class*="st-key-list_row_{name}_"]'
    titles_css = (f'{row_} [data-testid="stColumn"]:nth-of-type(2) '
                  f'[data-testid="stMarkdownContainer"] {{ display: block; }}\n')
    titles_css += f'{row_} [data-testid="stColumn"]:nth-of-type(1)::before {_title(titles[0])}'
    titles_css += "".join(
        f'{row_} [data-testid="stColumn"]:nth-of-type(2) [data-testid="stMarkdownContainer"] '
        f"p:nth-of-type({i})::before {_title(title)}"
        for i, title in enumerate(titles[1:], start=1))
    return (f"<style>\n{grid.format(part='head')}{grid.format(part='row')}"
            f"@media (max-width: {PHONE_MAX_PX}px) {{\n{titles_css}}}</style>")


def _title(title: str) -> str:
    return (f"{{ content: {_css_string(title)}; display: block; font-size: 0.8rem; "
            f"color: rgba(49, 51, 63, 0.6); }}\n")
