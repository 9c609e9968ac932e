"""Legal's docket: disputes before a mediation body or a court, the next sitting first."""

import streamlit as st

from dispute import hearing_calendar
from dispute.i18n import format_date
from dispute.queue import docket
from dispute.vocab import label
from dispute.pagination import page_count
from ui import cards, pager, render, session, signed_in

_ = session.t()
ngettext = session.nt()
user = signed_in.require_user()
ctx = session.context()
lang = session.lang()
st.title(_("Docket"))
page_no = st.session_state.get("docket_page", 1)
rows, total = docket(ctx, user, page=page_no)
if total == 0:
    st.info(_("No dispute is in mediation or litigation."))
    st.stop()

st.download_button(_("Hearings calendar (ICS)"), key="docket_ics", icon=":material/event:",
                   data=lambda: hearing_calendar.docket_calendar(ctx, user, lang),
                   file_name=hearing_calendar.file_name(""), mime=hearing_calendar.MEDIA_TYPE,
                   on_click="ignore",
                   help=_("Every hearing of the disputes on the docket from a month ago on, for "
                          "Outlook, Google Calendar or a phone."))

widths = [2, 2, 3, 3, 2]
cards.stylesheet()  # a card per dispute on a phone
with cards.table("docket", widths, [_("Number"), _("Stage"), _("Mediation"), _("Court"),
                                    _("Next sitting")]):
    for r in rows:
        cards.row([
            f"{label(r.stage, _)}  \n:gray[{render.md_escape(r.institution)}]",
            render.md_escape(" · ".join(x for x in (r.mediation_body, r.mediation_reference)
                                        if x)),
            render.md_escape(" · ".join(x for x in (r.court, r.case_number) if x)),
            format_date(r.next_sitting_on, lang)],
            "pages/workspace.py", r.number, {"number": r.number})

pages = page_count(total, 25)
if pages > 1:
    pager.numbered("docket", "docket_page", page_no, pages,
                   _("Page {page} of {pages}").format(page=page_no, pages=pages) + " · "
                   + ngettext("{n} dispute", "{n} disputes", total).format(n=total))
