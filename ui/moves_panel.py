"""The stage moves this user may make now, each a form with the fields the move must record
(read from the lifecycle table, so a new move needs no new page code)."""

from __future__ import annotations

import streamlit as st

from dispute.i18n import N_
from dispute.models import Dispute, User
from dispute.stages import allowed_moves
from dispute.vocab import Resolution, label
from dispute.workflow import move
from ui import forms, render, session

FIELD_LABELS = {
    "acknowledgment": N_("Acknowledgment sent to the borrower"),
    "reason": N_("Reason"),
    "body": N_("Mediation body"),
    "court": N_("Court"),
    "mediation_result": N_("Mediation result"),
    "resolution": N_("Resolution"),
    "summary": N_("Summary of the outcome"),
}
SHORT = {"body", "court"}
CONFIRM = {"close", "withdraw"}


def show(ctx, user: User, d: Dispute) -> None:
    _ = session.t()
    moves = allowed_moves(d.stage, user.role)
    if not moves:
        st.info(_("No stage change is open to you at this stage."))
        return
    for spec in moves:
        key = f"move_{spec.name}"
        box = forms.form_box(_(spec.label), key)
        if box is None:
            continue
        with box:
            st.caption(_(spec.explain))
            errors = forms.errors(key)
            fields = list(spec.record.model_fields)
            for field in fields:
                title = _(FIELD_LABELS[field])
                if field == "resolution":
                    choices = [r.value for r in Resolution if r != Resolution.WITHDRAWN]
                    st.selectbox(title, choices, index=None, key=f"{key}_{field}",
                                 format_func=lambda v: label(Resolution(v), _),
                                 placeholder=_("Choose…"), persist_state="page")
                elif field in SHORT:
                    st.text_input(title, key=f"{key}_{field}", persist_state="page")
                else:
                    st.text_area(title, key=f"{key}_{field}", persist_state="page")
                render.field_error(errors, field)
            sure = True
            if spec.name in CONFIRM:
                sure = st.checkbox(_("Yes, close dispute {number}.").format(number=d.number),
                                   key=f"{key}_confirm")
            st.button(_(spec.label), key=f"{key}_submit", type="primary", disabled=not sure,
                      **forms.on_click(key, _mover(ctx, d, spec.name, key, fields),
                                       _("Done: {move}.").format(move=_(spec.label)),
                                       **_emptied_after(key, fields)))


def _emptied_after(key: str, fields: list[str]) -> dict:
    """A move done empties its fields, which are kept for the page (`persist_state`): the same
    move offered again later on this visit (a close after a reopen) starts empty. The choice
    of a resolution goes back to none (a selectbox is reset, not cleared)."""
    choices = {f"{key}_{f}": None for f in fields if f == "resolution"}
    return {"clear": [f"{key}_{f}" for f in fields if f != "resolution"],
            "reset": (lambda: choices) if choices else None}


def _mover(ctx, d: Dispute, name: str, key: str, fields: list[str]):
    """The move's call for its button's callback: the fields read from the session by key (a
    callback runs before the widgets are drawn again)."""
    from ui import case_page  # (case_page imports the gate, which imports the forms)

    return lambda who: move(ctx, who, d.number, name, forms.values(key, *fields),
                            expected_version=case_page.version(d))
