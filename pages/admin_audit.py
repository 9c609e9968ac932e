"""Administrators read the event history: who did what and when, filtered, newest first, a page
at a time. Dispute events show their kind and number only, never their contents."""

import streamlit as st

from dispute import audit
from dispute import event_kinds as ek
from dispute import event_words
from dispute.errors import UserError
from dispute.i18n import format_datetime
from ui import render, session, signed_in

_ = session.t()
user = signed_in.require_user()
ctx = session.context()
st.title(_("Audit log"))
CURSORS = "audit_cursors"  # the `before` of each page the admin went through, newest first

with st.form("audit_form"):
    left, mid, right = st.columns(3)
    who = left.text_input(_("User (email)"), key="audit_user")
    number = mid.text_input(_("Dispute number"), key="audit_number")
    kind = right.selectbox(_("Kind"), ["", *ek.ALL_KINDS], key="audit_kind",
                           format_func=lambda k: _(ek.label(k)) if k else _("All kinds"))
    left, mid, _right = st.columns(3)
    from_on = left.date_input(_("From"), value=None, key="audit_from")
    to_on = mid.date_input(_("To"), value=None, key="audit_to")
    if st.form_submit_button(_("Show"), type="primary", key="audit_submit"):
        st.session_state[CURSORS] = [None]

filters = audit.AuditFilter(user=who, number=number, kind=kind, from_on=from_on, to_on=to_on)
cursors = st.session_state.setdefault(CURSORS, [None])
try:
    page = audit.list_events(ctx, user, filters, before=cursors[-1])
except UserError as exc:
    for problem in render.errors_of(exc).values() or [exc]:
        render.show_error(problem)
else:
    tz, lang = ctx.settings.timezone, session.lang()
    st.dataframe(
        [{"#": e.seq, _("Time"): format_datetime(e.occurred_at, lang, tz), _("Kind"): event_words.label(e.kind, _),
          _("By"): e.actor_email or "—", _("Dispute"): e.dispute_number or "",
          _("Account"): e.subject_email or "",
          _("Details"): ", ".join(f"{k}: {v}" for k, v in (e.details or {}).items())}
         for e in page.items], hide_index=True, width="stretch")
    if not page.items:
        st.info(_("No events match these filters."))
    newer, older = st.columns(2)
    if newer.button(_("Newer"), disabled=len(cursors) == 1, key="audit_newer"):
        cursors.pop()
        st.rerun()
    if older.button(_("Older"), disabled=page.older is None, key="audit_older"):
        cursors.append(page.older)
        st.rerun()
