"""Administrators read the event history: who did what and when, filtered, newest first, a page
at a time. Dispute events show their kind and number only, never their contents."""

import streamlit as st

from dispute import audit
from dispute import event_kinds as ek
from dispute import event_words
from dispute.errors import UserError
from dispute.i18n import N_, format_datetime
from dispute.spreadsheet import to_csv
from ui import pager, render, session, signed_in

_ = session.t()
ngettext = session.nt()
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
        st.session_state.pop("audit_csv", None)  # a CSV of other filters

filters = audit.AuditFilter(user=who, number=number, kind=kind, from_on=from_on, to_on=to_on)
cursors = st.session_state.setdefault(CURSORS, [None])
try:
    page = audit.list_events(ctx, user, filters, before=cursors[-1])
except UserError as exc:
    for problem in render.errors_of(exc).values() or [exc]:
        render.show_error(problem)
else:
    tz, lang = ctx.settings.timezone, session.lang()
    total = audit.count_events(ctx, user, filters)
    st.markdown(ngettext("**{n}** event matches these filters.",
                         "**{n}** events match these filters.", total).format(n=f"{total:,}"))
    columns = ["#", _("Time"), _("Kind"), _("By"), _("Dispute"), _("Account"), _("Details")]

    def cells(e) -> list:
        return [e.seq, format_datetime(e.occurred_at, lang, tz), event_words.label(e.kind, _),
                e.actor_email or "—", e.dispute_number or "", e.subject_email or "",
                ", ".join(f"{k}: {v}" for k, v in (e.details or {}).items())]

    st.dataframe([dict(zip(columns, cells(e))) for e in page.items], hide_index=True,
                 width="stretch", column_config={  # 800 px: fits 1280 beside the sidebar
                     "#": st.column_config.NumberColumn(width=45),
                     columns[1]: st.column_config.TextColumn(width=150),
                     columns[2]: st.column_config.TextColumn(width=120),
                     columns[3]: st.column_config.TextColumn(width=130),
                     columns[4]: st.column_config.TextColumn(width=120),
                     columns[5]: st.column_config.TextColumn(width=110),
                     # a click on a cell shows the whole text
                     columns[6]: st.column_config.TextColumn(width=125)})
    if total and st.button(_("Prepare a CSV of these events"), key="audit_csv_make",
                           icon=":material/table_view:",
                           help=_("At most {limit} events; narrow the filters for more.").format(
                               limit=f"{audit.EXPORT_LIMIT:,}")):
        found = audit.export_events(ctx, user, filters)
        st.session_state["audit_csv"] = to_csv(columns, [cells(e) for e in found])
    if csv_text := st.session_state.get("audit_csv"):
        st.download_button(_("Download the CSV"), csv_text.encode("utf-8-sig"),
                           file_name="audit-log.csv", mime="text/csv", key="audit_csv_download",
                           icon=":material/download:")
    if not page.items:
        st.info(_("No events match these filters."))
    pager.by_cursor("audit", cursors, page.older, labels=(N_("Newer"), N_("Older")))
