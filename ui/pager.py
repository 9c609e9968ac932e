"""Previous / next under a long list, in one script run per click.

The buttons move the page in their `on_click` callbacks, which Streamlit runs before the script
runs again; the page then draws the new page at once. (A button read after the click plus
`st.rerun()` costs two whole script runs for each page-turn.)
"""

from __future__ import annotations

from typing import Any, Sequence, TypeVar

import streamlit as st

from dispute.i18n import N_
from dispute.pagination import bounds, page_count
from ui import session

PREVIOUS, NEXT = N_("Previous"), N_("Next")
PAGE_OF = N_("Page {page} of {pages}")
T = TypeVar("T")


def turn_to(state_key: str, value: int) -> None:
    """A page button's callback: the page kept in `st.session_state[state_key]` becomes
    `value`."""
    st.session_state[state_key] = value


def page_of(items: Sequence[T], state_key: str, per_page: int) -> tuple[Sequence[T], int, int]:
    """For a list read whole and drawn a page at a time: the items of the page kept in
    `st.session_state[state_key]` (the first when none is kept, the last when the list is
    now shorter), that page's number and how many pages there are."""
    pages = page_count(len(items), per_page)
    page = min(max(1, st.session_state.get(state_key, 1)), pages)
    limit, offset = bounds(page, per_page)
    return items[offset:offset + limit], page, pages


def numbered(key: str, state_key: str, page: int, pages: int, caption: str | None = None) -> None:
    """For a list paged by number, kept in `st.session_state[state_key]`; the caption says
    "Page 2 of 5" unless another is given."""
    _ = session.t()
    if caption is None:
        caption = _(PAGE_OF).format(page=page, pages=pages)
    left, mid, right = st.columns([1, 2, 1])
    left.button(_(PREVIOUS), disabled=page <= 1, key=f"{key}_prev", on_click=turn_to,
                args=(state_key, page - 1))
    mid.caption(caption)
    right.button(_(NEXT), disabled=page >= pages, key=f"{key}_next", on_click=turn_to,
                 args=(state_key, page + 1))


def by_cursor(key: str, cursors: list, next_cursor: Any, caption: str | None = None,
              labels: tuple[str, str] = (PREVIOUS, NEXT)) -> None:
    """For a list paged by keyset: `cursors` (a list kept in the session state) holds where
    each page seen so far starts; `next_cursor` is None on the last page. `labels` are the
    untranslated names of the two buttons (the audit log says newer and older)."""
    _ = session.t()
    back, forward = labels
    if caption is None:
        left, right = st.columns(2)
    else:
        left, mid, right = st.columns([1, 2, 1])
        mid.caption(caption)
    left.button(_(back), disabled=len(cursors) == 1, key=f"{key}_prev", on_click=cursors.pop)
    right.button(_(forward), disabled=next_cursor is None, key=f"{key}_next",
                 on_click=cursors.append, args=(next_cursor,))
