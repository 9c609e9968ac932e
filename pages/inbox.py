"""The signed-in user's inbox: every notification, newest first, with a link to its dispute;
mark one or all read; a page at a time. Works with no mail server at all."""

import streamlit as st

from dispute.i18n import format_datetime
from dispute.notify import inbox
from dispute.vocab import Role
from ui import pager, render, session, signed_in

_ = session.t()
user = signed_in.require_user()
ctx = session.context()
st.title(_("Inbox"))
page_no = st.session_state.get("inbox_page", 1)
unread_only = st.toggle(_("Unread only"), key="inbox_unread_only")
page = inbox.inbox(ctx, user, page=page_no, page_size=20, lang=session.lang(),
                   unread_only=unread_only)
if page.total == 0 and page_no > 1:  # the last item of a later page was marked read
    st.session_state["inbox_page"] = page_no = 1
    page = inbox.inbox(ctx, user, page=1, page_size=20, lang=session.lang(),
                       unread_only=unread_only)

if page.total == 0:
    st.info(_("Nothing here yet. When something happens on your disputes — a message, an offer, "
              "a deadline coming up — it appears here, and by email if you chose so on "
              "My account.") if not unread_only else _("No unread notifications."))
    st.stop()


def _mark_read(ids: list | None) -> None:
    """The buttons' callback, before the run that follows (one run per click, and the sidebar's
    unread count, drawn before this page, is right in it). `ids` None: every notification. The
    user is read again, as every run reads it: a session that ended since saves nothing."""
    who = session.current_user()
    if who is not None:
        inbox.mark_read(ctx, who, ids)


unread = inbox.unread_count(ctx, user)
if unread:
    st.button(_("Mark all read ({count})").format(count=unread), key="inbox_all_read",
              icon=":material/done_all:", on_click=_mark_read, args=(None,))

target = "pages/dispute.py" if user.role == Role.BORROWER else "pages/workspace.py"
for item in page.items:
    with st.container(border=True):
        top = st.columns([6, 2])
        mark = "" if item.read else f":blue-badge[{_('Unread')}] "
        top[0].markdown(f"{mark}**{render.md_escape(item.title)}**")
        top[1].caption(format_datetime(item.created_at, session.lang(), ctx.settings.timezone))
        for line in item.lines:
            st.markdown(render.md_escape(line))
        row = st.columns([3, 2, 3])
        if item.number:
            row[0].page_link(target, label=_("Open {number}").format(number=item.number),
                             query_params={"number": item.number}, icon=":material/open_in_new:")
        if not item.read:
            row[1].button(_("Mark read"), key=f"inbox_read_{item.id}", on_click=_mark_read,
                          args=([item.id],))

if page.pages > 1:
    pager.numbered("inbox", "inbox_page", page.page, page.pages,
                   _("Page {page} of {pages} · {total} notifications").format(
                       page=page.page, pages=page.pages, total=page.total))
