"""The one way pages submit a form: run a service call, keep per-field errors for the next run
(so each message is drawn beside its field), show any other error plainly."""

from __future__ import annotations

from typing import Callable, TypeVar

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


def attempt(form_key: str, call: Callable[[], T]) -> T | None:
    """`call()`'s result, or None after showing or keeping its error."""
    try:
        result = call()
    except InvalidInput as exc:
        st.session_state[f"{form_key}__errors"] = exc.fields
        st.rerun()
    except UserError as exc:
        st.session_state.pop(f"{form_key}__errors", None)
        show_error(exc)
        return None
    st.session_state.pop(f"{form_key}__errors", None)
    return result
