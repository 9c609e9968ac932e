"""Lists that read on a phone: a table of disputes on a wide screen, one card per dispute on a
narrow one (My disputes, the queue).

A list is a header row and one row per item, each in a keyed container (Streamlit gives it the
class `st-key-<key>`). Under PHONE_MAX_PX wide, Streamlit stacks every row's columns anyway;
the stylesheet then hides the header row (whose titles would otherwise stack above all the
values), draws each row as a bordered card with tight spacing, puts each column's title above
its value (drawn by the stylesheet, so a row has no extra elements), and lets the per-stage
counts wrap two to a line instead of one tall column.
"""

from __future__ import annotations

import streamlit as st

PHONE_MAX_PX = 640  # Streamlit stacks columns below this width

_CSS = f"""<style>
@media (max-width: {PHONE_MAX_PX}px) {{
  [class*="st-key-list_head_"] {{ display: none; }}
  [class*="st-key-list_row_"] {{
    border: 1px solid rgba(49, 51, 63, 0.2); border-radius: 0.5rem;
    padding: 0.6rem 0.8rem;
  }}
  [class*="st-key-list_counts"] [data-testid="stHorizontalBlock"] {{
    flex-wrap: wrap; gap: 0.25rem 0.75rem;
  }}
  [class*="st-key-list_counts"] [data-testid="stColumn"] {{
    width: calc(50% - 0.75rem) !important; flex: 1 1 calc(50% - 0.75rem) !important;
    min-width: calc(50% - 0.75rem) !important;
  }}
}}
</style>"""


def stylesheet() -> None:
    """Once per page that draws a list."""
    st.html(_CSS)


def header(name: str, widths: list[int], titles: list[str]) -> None:
    """The column titles: a header row on a wide screen; above each value of a card on a
    phone."""
    st.html(_card_titles(name, titles))
    with st.container(key=f"list_head_{name}"):
        for col, title in zip(st.columns(widths), titles):
            col.markdown(f"**{title}**")


def _css_string(text: str) -> str:
    """`text` as a CSS string: quotes, backslashes and line ends escaped, `<` too (it sits in
    a style element)."""
    escaped = "".join(f"\\{ord(c):x} " if c in '"\\<>\n\r' else c for c in text)
    return f'"{escaped}"'


def _card_titles(name: str, titles: list[str]) -> str:
    rules = "".join(
        f'[class*="st-key-list_row_{name}_"] [data-testid="stColumn"]:nth-of-type({i})::before '
        f"{{ content: {_css_string(title)}; display: block; font-size: 0.8rem; "
        f"color: rgba(49, 51, 63, 0.6); }}\n" for i, title in enumerate(titles, start=1))
    return f"<style>@media (max-width: {PHONE_MAX_PX}px) {{\n{rules}}}</style>"


def row(name: str, index: int, widths: list[int]):
    """The columns of one item: a table row on a wide screen, a card on a phone."""
    with st.container(key=f"list_row_{name}_{index}"):
        return st.columns(widths)


def counts(name: str, n: int):
    """A row of `n` figures that wraps two to a line on a phone."""
    with st.container(key=f"list_counts_{name}"):
        return st.columns(n)
