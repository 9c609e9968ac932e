"""The evidence picker used wherever files are added: several files, each with a kind, a
description and the date it records, and each file's problem shown beside it."""

from __future__ import annotations

from typing import Mapping

import streamlit as st

from dispute.errors import UserError
from dispute.exhibit_changes import suggested_kind
from dispute.exhibits import Upload, upload_key
from dispute.vocab import EvidenceKind, label
from evidence import sniff
from evidence.types import accepted_labels
from ui import forms
from ui.render import field_error, md_escape
from ui.session import context, t

def evidence_inputs(key: str, errors: Mapping[str, UserError]) -> list[Upload]:
    _ = t()
    ctx = context()
    files = st.file_uploader(
        _("Evidence files (up to {mb} MB each)").format(mb=ctx.settings.max_upload_mb),
        accept_multiple_files=True, key=forms.fresh_key(f"{key}_files"),
        help=_("Accepted: {types}. Up to {mb} MB per file.").format(
            types=", ".join(_(label) for label in accepted_labels()),
            mb=ctx.settings.max_upload_mb))
    uploads = []
    for i, f in enumerate(files or []):
        with st.container(border=True):
            st.markdown(f"**{md_escape(f.name)}** · {f.size / 1024:,.0f} KB")
            c1, c2, c3 = st.columns([2, 3, 2])
            kinds = [k.value for k in EvidenceKind]
            detected = _detected(f)
            kind = c1.selectbox(_("Kind of evidence"), kinds,
                                index=kinds.index(suggested_kind(detected).value),
                                format_func=lambda v: label(EvidenceKind(v), _),
                                key=f"{key}_kind_{f.file_id}",
                                help=_("Suggested from the file's type; change it if it is "
                                       "something else."), persist_state="page")
            description = c2.text_input(_("What it shows"), key=f"{key}_desc_{f.file_id}",
                                        persist_state="page")
            # No max_value: the widget would drop a future day silently; the service names it.
            recorded = c3.date_input(_("Date it records"), value=None,
                                     key=f"{key}_date_{f.file_id}", format="YYYY-MM-DD",
                                     persist_state="page")
            field_error(errors, upload_key(i))
        uploads.append(Upload(f.name, f, kind, description, recorded))
    return uploads


def _detected(f) -> str | None:
    """The type intake will decide from the file's first bytes (None when it cannot tell); the
    upload is read again from its start when saved."""
    try:
        f.seek(0)
        head = f.read(sniff.HEAD_SIZE)
        f.seek(0)
        return sniff.detect(head)
    except Exception:  # noqa: BLE001 — a suggestion only; intake decides and explains
        return None
