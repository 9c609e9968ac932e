"""My account's "Your data" section (PIPL): download everything the portal holds about you, and,
for a borrower, ask to delete the account — with a confirmation, and, while disputes hold the
request, which ones and until when."""

from __future__ import annotations

import streamlit as st

from dispute import erasure, my_data
from dispute.errors import UserError
from dispute.i18n import format_date, format_datetime
from dispute.models import User
from dispute.vocab import Role
from ui import render, session

_READY = "my_data_ready"


def my_data_panel(user: User) -> None:
    _ = session.t()
    ctx = session.context()
    st.subheader(_("Your data"))
    st.caption(_("One ZIP with everything this portal holds about you: your account, your "
                 "disputes with their history, messages and contact log, and your evidence "
                 "files, with an index.json that lists it all."))
    if st.button(_("Prepare my data"), key="my_data_prepare"):
        try:
            st.session_state[_READY] = my_data.download_my_data(ctx, user)
        except UserError as exc:
            render.show_error(exc)
    ready = st.session_state.get(_READY)
    if ready is not None:
        st.download_button(_("Download my data (ZIP)"), ready.data, file_name=ready.filename,
                           mime="application/zip", key="my_data_download")
    if user.role == Role.BORROWER:
        _deletion(user)


def _deletion(user: User) -> None:
    _ = session.t()
    ctx = session.context()
    st.subheader(_("Delete my account"))
    status = erasure.erasure_status(ctx, user)
    if status.requested_at is None:
        st.caption(_("Your name, phone number, account numbers and evidence files are erased "
                     "for good. Disputes that are open, in litigation, or closed less than "
                     "{years} years ago must be kept: your request then waits until they no "
                     "longer hold it.").format(years=ctx.settings.retention_years))
        _holds(status)
        sure = st.checkbox(_("Yes, delete my account. I understand this cannot be undone."),
                           key="erase_sure")
        if st.button(_("Delete my account"), key="erase_submit", disabled=not sure,
                     type="primary"):
            try:
                done = erasure.request_erasure(ctx, user)
            except UserError as exc:
                render.show_error(exc)
                return
            if done.erased_at is not None:
                session.sign_out()
            st.rerun()
        return
    st.info(_("You asked to delete your account on {when}.").format(
        when=format_datetime(status.requested_at, session.lang(), ctx.settings.timezone)))
    _holds(status)


def _holds(status: erasure.ErasureStatus) -> None:
    _ = session.t()
    if not status.holds:
        return
    lang = session.lang()
    lines = []
    for hold in status.holds:
        until = (format_date(hold.until, lang) if hold.until
                 else _("until it closes, then the retention period"))
        # punctuation is the language's own (Chinese：…（…）)
        lines.append("- " + _("{number}: {reason} ({until})").format(
            number=render.md_escape(hold.number), reason=_(erasure.REASONS[hold.reason]),
            until=until))
    if status.until:
        head = _("These disputes hold the deletion; it will be carried out on {date}:").format(
            date=format_date(status.until, lang))
    else:
        head = _("These disputes hold the deletion; it will be carried out once they have "
                 "closed and their retention period has ended:")
    st.warning(head + "\n\n" + "\n".join(lines))
