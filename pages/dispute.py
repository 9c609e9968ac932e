"""One dispute, as its borrower sees it: where it stands and what happens next, requests and
offers to answer, the conversation, evidence, the contact log, the public timeline, and the
actions open to them (correct the filing while it is new, withdraw)."""

import streamlit as st

from dispute.deadlines.service import list_deadlines
from dispute.offers import OfferStatus, list_offers
from dispute.timeline import timeline
from dispute.vocab import Stage
from dispute.workflow import move as move_dispute
from ui import (case_header, case_page, claim_panel, contacts_panel, conversation,
                correction_form, deadlines_panel, documents_panel, evidence_panel, export_panel,
                forms, lazy_tabs, offers_view,
                proceedings_view, render, session, signed_in, timeline_view)

_ = session.t()
user = signed_in.require_user()
ctx = session.context()
d = case_page.open_dispute("pages/my_disputes.py", _("Back to my disputes"))


def around(d) -> tuple:
    """What this page draws around its tabs: the dispute's facts, its deadlines, and whether a
    request or an offer waits on the borrower (a closed dispute waits on nobody)."""
    is_open = d.stage != Stage.CLOSED
    return (case_page.facts(d), tuple(list_deadlines(ctx, user, d.number)),
            is_open and bool(conversation.open_requests(ctx, user, d.number)),
            is_open and any(o.status == OfferStatus.PROPOSED
                            for o in list_offers(ctx, user, d.number)))


drawn = around(d)
_facts, deadlines, requests, pending = drawn
# Every part above the tabs that comes and goes has a fixed slot (a container), so the tabs keep
# their place and the open tab stays open after a rerun.
case_header.stage_line(d)
case_header.stage_explained(d)
with st.container():
    deadlines_panel.borrower_summary(ctx, user, d, list(deadlines))
with st.container():
    if requests:
        st.warning(_("The handling team asked you for information. Reply in the conversation "
                     "or add evidence: your dispute waits on you until then."),
                   icon=":material/assignment_late:")
    if pending:
        st.warning(_("You have an offer to answer: see Offers."), icon=":material/handshake:")

case_header.details(d)
with st.container():
    export_panel.borrower_bundle_button(ctx, user, d.number)


def _withdraw(d) -> None:
    if d.stage == Stage.CLOSED:
        st.info(_("This dispute is closed."))
        return
    st.warning(_("Withdrawing closes the dispute. Staff can reopen it only for a reason "
                 "such as a settlement that was not honoured."))
    errors = forms.errors("withdraw")
    st.text_area(_("Why are you withdrawing?"), key="withdraw_reason", persist_state="page")
    render.field_error(errors, "reason")
    sure = st.checkbox(_("Yes, I want to withdraw dispute {number}.").format(number=d.number),
                       key="withdraw_confirm")
    st.button(_("Withdraw the dispute"), disabled=not sure, key="withdraw_submit",
              **forms.on_click("withdraw", lambda who: move_dispute(
                  ctx, who, d.number, "withdraw",
                  {"reason": st.session_state.get("withdraw_reason", "")},
                  expected_version=d.version),
                  _("Dispute {number} was withdrawn.").format(number=d.number)))


names = [_("Conversation"), _("Offers"), _("What the error cost"), _("Evidence"),
         _("Contact log"), _("Timeline"), _("Mediation and court"), _("Documents")]
if d.stage == Stage.FILED:
    names.append(_("Correct my filing"))
names.append(_("Withdraw"))
name, panel = lazy_tabs.show(names, key="dispute_tab")


def draw(d) -> None:
    """The open tab's panel (a fragment: see ui/case_page.tab_panel)."""
    is_open = d.stage != Stage.CLOSED
    if name == _("Conversation"):
        conversation.show(ctx, user, d.number, is_open)
    elif name == _("Offers"):
        offers_view.show(ctx, user, d.number, d.version, is_open)
    elif name == _("What the error cost"):
        claim_panel.show(ctx, user, d, is_open)
    elif name == _("Evidence"):
        evidence_panel.show(ctx, user, d.number, is_open)
    elif name == _("Contact log"):
        contacts_panel.show(ctx, user, d.number, is_open)
    elif name == _("Timeline"):
        timeline_view.show(timeline(ctx, user, d.number), d.number)
    elif name == _("Mediation and court"):
        proceedings_view.show(ctx, user, d.number, d.version, is_open)
    elif name == _("Documents"):
        documents_panel.show(ctx, user, d, is_open)
    elif name == _("Correct my filing"):
        correction_form.show(ctx, user, d)
    elif name == _("Withdraw"):
        _withdraw(d)


with panel:
    case_page.tab_panel(d, around, draw, drawn)
