"""The one way pages submit a form: run a service call, keep per-field errors for the next run
(so each message is drawn beside its field), show any other error plainly."""

from __future__ import annotations

from typing import Callable, Iterable, TypeVar

import streamlit as st

from dispute.errors import InvalidInput, UserError
from ui.render import show_error

T = TypeVar("T")


def errors(form_key: str) -> dict[str, UserError]:
    """The field errors of the last failed submit of this form (and a banner saying so)."""
    found = st.session_state.get(f"{form_key}__errors", {})
    if found:
        show_error(InvalidInput(found))
    return found


FLASH_KEY = "flash"


def _run(form_key: str, call: Callable[[], T]) -> tuple[bool, T | None]:
    try:
        result = call()
    except InvalidInput as exc:
        st.session_state[f"{form_key}__errors"] = exc.fields
        st.rerun()
    except UserError as exc:
        st.session_state.pop(f"{form_key}__errors", None)
        show_error(exc)
        return False, None
    st.session_state.pop(f"{form_key}__errors", None)
    return True, result


def attempt(form_key: str, call: Callable[[], T]) -> T | None:
    """`call()`'s result, or None after showing or keeping its error."""
    return _run(form_key, call)[1]


def submit(form_key: str, call: Callable[[], T], done: str | Callable[[T], str], *,
           clear: Iterable[str] = ()) -> None:
    """Run `call()`; when it succeeds, keep `done` (or `done(result)`) as the message the page
    shows after the rerun, forget the widget values in `clear`, and rerun. On failure the errors
    are shown (or kept beside their fields) and the form keeps what the user typed."""
    ok, result = _run(form_key, call)
    if not ok:
        return
    flash(done(result) if callable(done) else done)
    for key in clear:
        st.session_state.pop(key, None)
    st.rerun()


def flash(message: str) -> None:
    """A message for the next run of the page (drawn by ui/case_page.py)."""
    st.session_state[FLASH_KEY] = message
