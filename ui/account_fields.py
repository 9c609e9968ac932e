"""The name / email / phone / password fields that registration, first-run set-up and the
administrator's account form share, each with its error beneath it."""

from __future__ import annotations

from typing import Mapping

import streamlit as st

from dispute.errors import UserError
from dispute.i18n import N_
from ui.render import field_error
from ui.session import t


def account_fields(prefix: str, errors: Mapping[str, UserError],
                   password_label: str = N_("Password (at least 10 characters)")) -> dict[str, str]:
    """Draw the fields (inside the caller's form); returns the form dict for the service."""
    _ = t()
    values = {}
    for field, title, kw in (
            ("name", _("Full name"), {}),
            ("email", _("Email"), {}),
            ("phone", _("Mobile phone"), {"placeholder": "+86 138 0000 0000"}),
            ("password", _(password_label), {"type": "password"})):
        values[field] = st.text_input(title, key=f"{prefix}_{field}", **kw)
        field_error(errors, field)
    return values
