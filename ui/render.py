"""Safe rendering: user text is escaped before Streamlit's markdown sees it, errors are shown in
the user's language, beside the field they concern."""

from __future__ import annotations

import re
from typing import Mapping

import streamlit as st

from dispute.errors import InvalidInput, UserError
from ui.session import t

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")


def md_escape(text: str) -> str:
    """Text shown literally by st.markdown: no links, images, HTML or formatting from users."""
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\n", "  \n")


def user_text(text: str) -> None:
    st.markdown(md_escape(text))


def error_text(err: UserError) -> str:
    return md_escape(err.render(t()))


def show_error(err: UserError) -> None:
    st.error(error_text(err), icon=":material/error:")


def field_error(errors: Mapping[str, UserError], field: str) -> None:
    """The message for one field, right under it (nothing when the field is fine)."""
    if field in errors:
        st.markdown(f":red[{error_text(errors[field])}]")


def errors_of(exc: UserError) -> dict[str, UserError]:
    return exc.fields if isinstance(exc, InvalidInput) else {}
