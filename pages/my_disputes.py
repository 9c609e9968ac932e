"""The borrower's disputes, newest first, a page at a time."""

import streamlit as st

from dispute.cases import list_my_disputes
from dispute.i18n import format_datetime
from dispute.vocab import label
from ui import cards, pager, render, session, signed_in

_ = session.t()
ngettext = session.nt()
user = signed_in.require_user()
ctx = session.context()
st.title(_("My disputes"))
page_no = st.session_state.get("my_disputes_page", 1)
page = list_my_disputes(ctx, user, page=page_no, page_size=20)

if page.total == 0:
    st.info(_("You have not filed a dispute yet. If a lender's mistake made your loan or card "
              "overdue, file a dispute and attach your evidence."))
    st.page_link("pages/file_dispute.py", label=_("File a dispute"),
                 icon=":material/edit_document:")
    st.stop()

cards.stylesheet()
widths = [2, 3, 2, 2, 3]
with cards.table("mine", widths, [_("Number"), _("Institution"), _("Stage"), _("Filed on"),
                                  _("Needs you")]):
    for item in page.items:
        needs = []
        if item.action_needed and item.information_requested:
            needs.append(f":orange-badge[:material/priority_high: "
                         f"{_('Information requested from you')}]")
        if item.action_needed and item.offer_waiting:
            needs.append(f":orange-badge[:material/priority_high: "
                         f"{_('An offer waits for your answer')}]")
        cards.row([
            render.md_escape(item.institution), label(item.stage, _),
            format_datetime(item.filed_at, session.lang(), ctx.settings.timezone),
            " ".join(needs)],
            "pages/dispute.py", item.number, {"number": item.number})

if page.pages > 1:
    pager.numbered("my_disputes", "my_disputes_page", page.page, page.pages,
                   _("Page {page} of {pages}").format(page=page.page, pages=page.pages) + " · "
                   + ngettext("{n} dispute", "{n} disputes", page.total).format(n=page.total))
