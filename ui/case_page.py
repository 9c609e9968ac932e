"""What every one-dispute page starts with: the dispute of `?number=` for this user (or the
service's refusal and a way back), then its flash message in a fixed slot, so the tabs below keep
their place and the open tab stays open after a rerun; and the open tab's panel, which runs
alone when a click inside it changes nothing around it (`tab_panel`)."""

from __future__ import annotations

from typing import Callable

import streamlit as st

from dispute import case_reads
from dispute.cases import get_dispute
from dispute.errors import UserError
from dispute.models import Dispute
from ui import forms, render, session, signed_in


def open_dispute(back_page: str, back_label: str) -> Dispute:
    ctx, user = session.context(), signed_in.require_user()
    forms.visiting(st.query_params.get("number", ""))
    try:
        d = get_dispute(ctx, user, st.query_params.get("number", ""))
    except UserError as exc:
        render.show_error(exc)
        st.page_link(back_page, label=back_label, icon=":material/arrow_back:")
        st.stop()
    with st.container():
        if flash := st.session_state.pop(forms.FLASH_KEY, None):
            st.success(flash)
    st.title(d.number)
    return d


# ---------------------------------------------------------------- the open tab, a fragment

SEEN_KEY = "_case_seen"  # (number, what the page drew around its tabs, the version it shows)
# Fields of a dispute that change with most saves and that no page draws around its tabs.
NOT_AROUND = frozenset({"version", "updated_at", "last_activity_at", "next_due_by"})


def facts(d: Dispute) -> dict:
    """The dispute's fields that a page may draw around its tabs (the header, the details, the
    moves its stage allows, the handler): all but those in NOT_AROUND, so a field added later
    counts until someone decides it does not."""
    return d.model_dump(exclude=set(NOT_AROUND))


def tab_panel(d: Dispute, around: Callable[[Dispute], object],
              draw: Callable[[Dispute], None], drawn: object = None) -> None:
    """Draw the open tab's panel, `draw(d)`, as a fragment. A click inside it (a save, a field
    left, a page of a list turned) runs the panel alone, with the dispute read again, instead
    of the whole page: a saved hearing, offer or message shows in its list in one short run.
    When the dispute changed what the page drew around the tabs (`around(d)`, by default the
    value it returned for the page's own run; `drawn`, when the page has it already), or a
    message waits for the top of the page, or the session ended, the whole page runs instead.
    The forms outside the panel take the version it last read (`version`)."""
    st.session_state[SEEN_KEY] = (d.number, around(d) if drawn is None else drawn, d.version)
    _panel(d.number, around, draw, d)


@st.fragment
def _panel(number: str, around, draw, page_d: Dispute) -> None:
    if _fragment_run():
        # portal.py opens the page run's scope of rows read once; the panel's own run opens its
        # own, or each panel's service read the dispute again (five reads in an offer's save)
        with case_reads.one_page_run():
            draw(_read_again(number, around))
    else:  # the page's own run has just read the dispute and drawn what a save changed
        draw(page_d)


def _fragment_run() -> bool:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    run = get_script_run_ctx()
    return bool(run is not None and run.fragment_ids_this_run)


def _read_again(number: str, around) -> Dispute:
    """The dispute for a run of the panel alone, or a run of the whole page when the panel
    alone would leave something on the page out of date (see `tab_panel`)."""
    user = session.recheck_in_fragment()  # an ended session: the whole page, with the login
    if forms.FLASH_KEY in st.session_state:
        st.rerun(scope="app")
    seen = st.session_state.get(SEEN_KEY)
    try:
        d = get_dispute(session.context(), user, number)
    except UserError:  # no longer theirs to see: the page says so
        st.rerun(scope="app")
    if seen is None or seen[0] != number or around(d) != seen[1]:
        st.rerun(scope="app")
    st.session_state[SEEN_KEY] = (number, seen[1], d.version)
    return d


def version(d: Dispute) -> int:
    """The version of `d` a form outside the tab panel expects when clicked: the page's, or the
    one the panel read since, when a save in the panel changed nothing the page drew."""
    seen = st.session_state.get(SEEN_KEY)
    return seen[2] if seen is not None and seen[0] == d.number else d.version
