"""The dispute workspace for staff and legal: the whole case on one page — timeline, evidence,
contact log, conversation, offers, mediation and court records, internal notes — and the
actions the lifecycle table allows this user now."""

import streamlit as st

from dispute.timeline import timeline
from dispute.vocab import Role, Stage
from ui import (assign_form, case_header, case_page, claim_panel, contacts_panel, conversation,
                deadlines_panel, documents_panel, evidence_panel, export_panel, lazy_tabs,
                moves_panel, notes_panel,
                offers_view, proceedings_view, render, session, signed_in, timeline_view,
                unmask_form)

_ = session.t()
user = signed_in.require_user()
ctx = session.context()
d = case_page.open_dispute("pages/queue.py", _("Back to the queue"))
case_header.stage_line(d)
info = [_("Borrower: {name}").format(name=d.borrower_name)]
if d.waiting_on_borrower:
    info.append(_("Waiting on the borrower"))
elif d.borrower_replied:
    info.append(_("The borrower replied"))
st.caption(" · ".join(render.md_escape(i) for i in info))

left, right = st.columns([3, 1])
with right:
    st.subheader(_("Actions"))
    moves_panel.show(ctx, user, d)
    assign_form.show(ctx, user, d)
    unmask_form.show(ctx, user, d)
with left:
    case_header.details(d)

names = [_("Timeline"), _("Deadlines"), _("Conversation"), _("Offers"), _("What the error cost"),
         _("Evidence"), _("Contact log"), _("Mediation and court"), _("Documents"),
         _("Internal notes")]
if user.role == Role.LEGAL:
    names.append(_("Export"))
name, panel = lazy_tabs.show(names, key="workspace_tab")


def draw(d) -> None:
    """The open tab's panel (a fragment: see ui/case_page.tab_panel)."""
    is_open = d.stage != Stage.CLOSED
    if name == _("Timeline"):
        timeline_view.show(timeline(ctx, user, d.number), d.number)
    elif name == _("Deadlines"):
        deadlines_panel.show(ctx, user, d)
    elif name == _("Conversation"):
        conversation.show(ctx, user, d.number, is_open)
    elif name == _("Offers"):
        offers_view.show(ctx, user, d.number, d.version, is_open)
    elif name == _("What the error cost"):
        claim_panel.show(ctx, user, d, is_open)
    elif name == _("Evidence"):
        evidence_panel.show(ctx, user, d.number, is_open)
    elif name == _("Contact log"):
        contacts_panel.show(ctx, user, d.number, is_open)
    elif name == _("Mediation and court"):
        proceedings_view.show(ctx, user, d.number, d.version, is_open)
    elif name == _("Documents"):
        documents_panel.show(ctx, user, d, is_open)
    elif name == _("Internal notes"):
        notes_panel.show(ctx, user, d.number)
    elif name == _("Export"):
        st.caption(_("A court-ready bundle: the PDF with every exhibit, the original files, a "
                     "signed manifest and a SHA256SUMS file. Its cover says how to check it with "
                     "sha256sum and OpenSSL, and gives the fingerprint of the portal's key."))
        export_panel.legal_export_panel(ctx, user, d.number)


with panel:
    case_page.tab_panel(d, case_page.facts, draw)
