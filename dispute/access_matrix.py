"""The access matrix of docs/product.md §6: every service action × role × relation to the dispute → the
answer. Pure data and one lookup; `tests/test_access_matrix.py` walks every cell through the real
services, and fails when a public service that takes an actor has no row here.

Relations. OWN: the borrower's own dispute; for staff and legal, a dispute assigned to them.
FOREIGN: another borrower's dispute; for staff and legal, one assigned to another handler.
UNASSIGNED: a dispute nobody handles (for a borrower, someone else's: their own is OWN whether
or not it has a handler). An administrator never handles a dispute, so has no OWN column.
Actions that concern no one dispute (the queue, accounts, the audit log) have one cell per role.

Answers. Y: allowed. N: NotFound "No dispute … was found." — the answer a borrower gets for
someone else's dispute, the same as for a number that does not exist. F: Forbidden — the role may
not do this, whatever the dispute (checked before the number is looked up, or after the borrower
is known to own it, so it reveals nothing either); administrators get F for every case action.

Decisions (docs/product.md §1–3, §5, §6):
- Staff and legal work as one team, like a helpdesk: either may act on any dispute, assigned to
  them, to a colleague or to nobody. Assignment says who is expected to act, not who may;
  holidays, hand-overs and the "unassigned" queue need it, and every act is an event with its
  actor. So their OWN, FOREIGN and UNASSIGNED columns are the same.
- Stage moves follow the lifecycle table (dispute/stages.py); a role the move is not for gets F.
- Internal notes (add, list) and requests for information are staff and legal only; offers are
  made by staff or legal and answered only by the borrower who owns the dispute.
- What the error cost (issue 14): the account lines and calculations are kept and worked out by
  everyone on the case — the borrower on their own dispute (it is their statement and their
  claim), staff and legal on any; every save is an event with its actor.
- Mediation and court records are written by legal only; everyone on the case reads them.
- Bundles: legal exports any case; the borrower their own (masked, never with notes); staff and
  administrators none.
- Documents (issue 13), one row per kind of dispute/documents/kinds.py: the borrower makes the
  borrower's papers (letters, complaints, court filings) for their own dispute; staff make the
  lender's answers (the complaint decision, the Reg X error response); legal makes every kind.
  A kind the role does not make is F before the number is looked up. Kept documents (made
  through the same check) are read by everyone on the case. What an exhibit proves and its
  source are set by the borrower (their own dispute) and legal, the side that files the list.
- Exhibits (issue 16): the kind, description and date of an exhibit are corrected, and an
  exhibit withdrawn with a reason, by the borrower who uploaded it (their own dispute, while it is
  open; an exhibit the team added is Forbidden to them) and by staff and legal on any dispute,
  open or closed (putting the record right). A withdrawn exhibit is not changed again.
- Administrators manage accounts and read the audit log; they see no case contents, nor the
  queue, the docket or the dashboard (which name borrowers and institutions).
- Everyone may change their own password and language, set up their own two-step sign-in and
  make new recovery codes for it; only a borrower may turn theirs off (the other roles require
  it), and only an administrator resets someone's (dispute/two_factor.py).
- Notifications (issue 15): everyone reads and marks their own inbox; the email choices are per
  kind of the role (administrators have none); a borrower asks for a new verification link.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from dispute.vocab import Role


class Relation(StrEnum):
    OWN = "own"
    FOREIGN = "foreign"
    UNASSIGNED = "unassigned"
    NONE = "none"   # the action concerns no one dispute


class Outcome(StrEnum):
    ALLOWED = "Y"
    NOT_FOUND = "N"
    FORBIDDEN = "F"


CASE_RELATIONS = (Relation.OWN, Relation.FOREIGN, Relation.UNASSIGNED)
ROLES = (Role.BORROWER, Role.STAFF, Role.LEGAL, Role.ADMIN)


@dataclass(frozen=True)
class Action:
    """One row. `service` is the function's dotted path; `variant` tells apart rows that call
    the same function differently (a move's name, a message that is a request). Each cell string
    holds one answer per relation (own, foreign, unassigned), or one for an action on no dispute;
    '-' marks a relation that cannot occur."""

    service: str
    variant: str
    borrower: str
    staff: str
    legal: str
    admin: str

    @property
    def name(self) -> str:
        short = self.service.removeprefix("dispute.")
        return f"{short}:{self.variant}" if self.variant else short

    @property
    def on_dispute(self) -> bool:
        return len(self.borrower) == 3

    def cells(self, role: Role) -> str:
        return getattr(self, role.value)


def _case(service: str, borrower: str, staff: str, legal: str, admin: str = "-FF",
          variant: str = "") -> Action:
    return Action(service, variant, borrower, staff, legal, admin)


def _system(service: str, borrower: str, staff: str, legal: str, admin: str) -> Action:
    return Action(service, "", borrower, staff, legal, admin)


READ = ("YNN", "YYY", "YYY")         # everyone on the case reads it
TEAM = ("FFF", "YYY", "YYY")         # the handling team only
LEGAL = ("FFF", "FFF", "YYY")
BORROWER = ("YNN", "FFF", "FFF")     # the owning borrower only
PARTY_DOC = ("YNN", "FFF", "YYY")    # a document of the borrower's side: legal makes it too
LENDER_DOC = ("FFF", "YYY", "YYY")   # a document of the lender's: the handling team


def _move(name: str, borrower: str, staff: str, legal: str) -> Action:
    return _case("dispute.workflow.move", borrower, staff, legal, variant=name)


MATRIX: tuple[Action, ...] = (
    # cases
    _system("dispute.cases.file_dispute", "Y", "F", "F", "F"),
    _system("dispute.cases.list_my_disputes", "Y", "F", "F", "F"),
    _case("dispute.cases.get_dispute", *READ),
    _case("dispute.case_rows.case_for", *READ),  # the one read every service starts from
    # stage moves: dispute/stages.py says who; the borrower only withdraws
    _move("acknowledge", "FNN", "YYY", "FFF"),
    _move("to_mediation", "FNN", "YYY", "YYY"),
    _move("skip_to_litigation", "FNN", "FFF", "YYY"),
    _move("to_litigation", "FNN", "FFF", "YYY"),
    _move("close", "FNN", "YYY", "YYY"),
    _move("withdraw", "YNN", "YYY", "FFF"),
    _move("reopen", "FNN", "YYY", "YYY"),
    _case("dispute.corrections.correct_filing", *BORROWER),
    # evidence, contact log, conversation
    _case("dispute.exhibits.attach_evidence", *READ),
    _case("dispute.exhibits.list_evidence", *READ),
    _case("dispute.exhibits.open_evidence", *READ),
    _case("dispute.exhibits.describe_exhibit", *PARTY_DOC),   # 证明目的/证据来源: the filing side
    _case("dispute.exhibit_changes.correct_exhibit", *READ),    # the uploader or the team
    _case("dispute.exhibit_changes.withdraw_exhibit", *READ),   # the uploader or the team
    _case("dispute.contacts.add_contact", *READ),
    _case("dispute.contacts.list_contacts", *READ),
    _case("dispute.demands.record_demand", *READ),
    _case("dispute.messages.send_message", *READ),
    _case("dispute.messages.send_message", *TEAM, variant="request"),
    _case("dispute.messages.list_messages", *READ),
    _case("dispute.messages.mark_seen", *READ),
    _case("dispute.timeline.timeline", *READ),
    # internal notes: never the borrower's
    _case("dispute.notes.add_note", *TEAM),
    _case("dispute.notes.list_notes", *TEAM),
    _case("dispute.unmasking.unmask", *TEAM),
    # offers
    _case("dispute.offers.make_offer", *TEAM),
    _case("dispute.offers.answer_offer", *BORROWER),
    _case("dispute.offers.list_offers", *READ),
    # what the error cost (issue 14): everyone on the case keeps the lines and works it out
    _case("dispute.claims.save_lines", *READ),
    _case("dispute.claims.import_lines", *READ),
    _case("dispute.claims.claim_state", *READ),
    _case("dispute.claims.latest_calculation", *READ),
    _case("dispute.claims.compute", *READ),
    _case("dispute.claims.save_calculation", *READ),
    # mediation and court records: legal writes, the case reads
    _case("dispute.proceedings.update_mediation", *LEGAL),
    _case("dispute.proceedings.add_session", *LEGAL),
    _case("dispute.proceedings.update_litigation", *LEGAL),
    _case("dispute.proceedings.add_hearing", *LEGAL),
    _case("dispute.proceedings.record_judgment", *LEGAL),
    _case("dispute.proceedings.get_proceedings", *READ),
    _case("dispute.hearing_calendar.hearing_calendar", *READ),   # as the hearings are read
    # assignment
    _case("dispute.assignment.assign", *TEAM),
    _system("dispute.assignment.list_handlers", "F", "Y", "Y", "F"),
    _system("dispute.assignment.handler_name", "F", "Y", "Y", "F"),  # of a dispute already read
    # deadlines
    _case("dispute.deadlines.service.list_deadlines", *READ),
    _case("dispute.deadlines.service.extend_deadline", *TEAM),
    _case("dispute.deadlines.service.pause_deadline", *TEAM),
    _case("dispute.deadlines.service.resume_deadline", *TEAM),
    # bundles (docs/product.md §5)
    _case("dispute.bundle.export.export_bundle", "YNN", "FFF", "YYY"),
    _case("dispute.bundle.content.gather", "YNN", "FFF", "YYY"),
    _case("dispute.bundle.export.exhibit_pages", "YNN", "FFF", "YYY"),
    # documents (issue 13): facts for one kind of document; dispute/documents/kinds.py says who
    *(_case("dispute.documents.service.facts_for", *cells, variant=kind) for kind, cells in (
        ("complaint_letter", PARTY_DOC), ("decision_letter", LENDER_DOC),
        ("reexamination_request", PARTY_DOC), ("regulator_complaint", PARTY_DOC),
        ("credit_objection", PARTY_DOC), ("mediation_application", PARTY_DOC),
        ("civil_complaint", PARTY_DOC), ("defence", PARTY_DOC), ("evidence_list", PARTY_DOC),
        ("notice_of_error", PARTY_DOC), ("billing_error_notice", PARTY_DOC),
        ("fcra_dispute", PARTY_DOC), ("error_response", LENDER_DOC))),
    # documents kept on the dispute: made through facts_for (so the kind's row above decides;
    # one party kind and one lender kind are walked here), read by everyone on the case
    _case("dispute.documents.kept.make_document", *PARTY_DOC, variant="complaint_letter"),
    _case("dispute.documents.kept.make_document", *LENDER_DOC, variant="decision_letter"),
    _case("dispute.documents.kept.list_documents", *READ),
    _case("dispute.documents.kept.open_document", *READ),
    # the team's lists
    _system("dispute.queue.queue", "F", "Y", "Y", "F"),
    _system("dispute.queue.docket", "F", "Y", "Y", "F"),
    _system("dispute.hearing_calendar.docket_calendar", "F", "Y", "Y", "F"),
    _system("dispute.queue.institutions", "F", "Y", "Y", "F"),
    _system("dispute.dashboard.build_dashboard", "F", "Y", "Y", "F"),
    # accounts and the audit log
    _system("dispute.accounts.create_account", "F", "F", "F", "Y"),
    _system("dispute.accounts.list_accounts", "F", "F", "F", "Y"),
    _system("dispute.accounts.count_matching_accounts", "F", "F", "F", "Y"),
    _system("dispute.accounts.change_password", "Y", "Y", "Y", "Y"),
    _system("dispute.accounts.set_language", "Y", "Y", "Y", "Y"),
    # PIPL (issue 19): everyone corrects their own name, phone and language
    _system("dispute.profile.update_profile", "Y", "Y", "Y", "Y"),
    _system("dispute.my_data.download_my_data", "Y", "Y", "Y", "Y"),
    _system("dispute.erasure.erasure_status", "Y", "F", "F", "F"),
    _system("dispute.erasure.request_erasure", "Y", "F", "F", "F"),
    _system("dispute.account_admin.set_disabled", "F", "F", "F", "Y"),
    _system("dispute.account_admin.change_role", "F", "F", "F", "Y"),
    _system("dispute.account_admin.reset_password", "F", "F", "F", "Y"),
    _system("dispute.audit.list_events", "F", "F", "F", "Y"),
    # notifications (issue 15): everyone has an inbox and sees only their own; administrators
    # receive no notification about disputes, so have no choices to make; only a borrower
    # confirms their address by email (the other accounts were made by an administrator)
    _system("dispute.notify.inbox.inbox", "Y", "Y", "Y", "Y"),
    _system("dispute.notify.inbox.unread_count", "Y", "Y", "Y", "Y"),
    _system("dispute.notify.inbox.mark_read", "Y", "Y", "Y", "Y"),
    _system("dispute.notify.inbox.preferences", "Y", "Y", "Y", "F"),
    _system("dispute.notify.inbox.set_preferences", "Y", "Y", "Y", "F"),
    _system("dispute.signup.request_verification", "Y", "F", "F", "F"),
    # two-step sign-in: everyone sets up their own; only an administrator resets someone's
    _system("dispute.two_factor.enrol", "Y", "Y", "Y", "Y"),
    _system("dispute.two_factor.recovery_codes_left", "Y", "Y", "Y", "Y"),
    _system("dispute.two_factor.reset", "F", "F", "F", "Y"),
    # a borrower may turn their own off again; the other roles require it. Everyone enrolled
    # makes new recovery codes for themselves
    _system("dispute.two_factor.turn_off", "Y", "F", "F", "F"),
    _system("dispute.two_factor.renew_recovery_codes", "Y", "Y", "Y", "Y"),
    _system("dispute.audit.count_events", "F", "F", "F", "Y"),
    _system("dispute.audit.export_events", "F", "F", "F", "Y"),
)
BY_NAME = {a.name: a for a in MATRIX}


def expected(action: Action | str, role: Role, relation: Relation) -> Outcome | None:
    """The declared answer; None where the combination cannot occur (an administrator's own
    dispute)."""
    action = BY_NAME[action] if isinstance(action, str) else action
    cells = action.cells(role)
    code = cells[CASE_RELATIONS.index(relation)] if action.on_dispute else cells
    return None if code == "-" else Outcome(code)


def combinations() -> list[tuple[Action, Role, Relation]]:
    """Every cell of the table that can occur, in table order."""
    out = []
    for action in MATRIX:
        relations = CASE_RELATIONS if action.on_dispute else (Relation.NONE,)
        for role in ROLES:
            out += [(action, role, rel) for rel in relations
                    if expected(action, role, rel) is not None]
    return out
