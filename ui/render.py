"""Safe rendering: user text is escaped before Streamlit's markdown sees it, errors are shown in
the user's language, beside the field they concern."""

from __future__ import annotations

import re
from typing import Mapping

import streamlit as st

from dispute.errors import InvalidInput, UserError
from ui.session import t

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")
# GFM's literal autolinks: remark-gfm finds "http://", "https://", "www." and e-mail addresses
# in the text *after* backslash escapes are undone, so escaping cannot stop them. An invisible
# WORD JOINER (U+2060) after "http"/"https" and "www" and after every "@" breaks each pattern
# (they need those characters side by side) and changes nothing on screen.
_AUTOLINK = re.compile(r"(?i)(?:https?(?=:)|www(?=\.)|@)")
WORD_JOINER = "\u2060"


def md_escape(text: str) -> str:
    """Text shown literally by st.markdown: no links (written, autolinked or bare URLs and
    e-mail addresses), images, HTML or formatting from users."""
    text = _AUTOLINK.sub(lambda m: m.group(0) + WORD_JOINER, text)
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
