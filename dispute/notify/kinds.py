"""The kinds of notification: who may get each and how it is delivered unless the user chose
otherwise. One table, read by the rules, the reminder run, the preferences form and the texts."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from dispute.i18n import N_
from dispute.vocab import Role


class Mode(StrEnum):
    """How a user wants one kind: by email at once, in one email a day, or only in the portal.
    Every kind is in the portal's inbox whatever the choice."""

    IMMEDIATELY = "immediately"
    DIGEST = "digest"
    PORTAL = "portal"


MODE_LABELS = {Mode.IMMEDIATELY: N_("Email at once"), Mode.DIGEST: N_("Daily digest email"),
               Mode.PORTAL: N_("In the portal only")}


@dataclass(frozen=True)
class Kind:
    name: str
    label: str          # msgid: the preference's name
    roles: frozenset[Role]
    default: Mode = Mode.IMMEDIATELY


BORROWER = frozenset({Role.BORROWER})
TEAM = frozenset({Role.STAFF, Role.LEGAL})
LEGAL = frozenset({Role.LEGAL})

KINDS: tuple[Kind, ...] = (
    # the borrower's
    Kind("message", N_("A message from the handling team"), BORROWER),
    Kind("request", N_("A request for information"), BORROWER),
    Kind("offer", N_("An offer"), BORROWER),
    Kind("stage", N_("A change of stage"), BORROWER),
    Kind("closed", N_("The dispute closed, with its outcome"), BORROWER),
    Kind("decision_overdue", N_("The lender's decision deadline passed with no decision"),
         BORROWER),
    Kind("own_limit", N_("My own time limits approaching"), BORROWER),
    # the handling team's
    Kind("new_dispute", N_("A new dispute in the queue"), TEAM, Mode.DIGEST),
    Kind("reply", N_("The borrower replied or uploaded on a dispute assigned to me"), TEAM),
    Kind("assigned", N_("A dispute assigned to me"), TEAM),
    Kind("due_soon", N_("Deadlines due within 3 days or overdue (one a day)"), TEAM),
    Kind("sitting_soon", N_("Hearings and mediation sessions approaching"), LEGAL),
)
BY_NAME = {k.name: k for k in KINDS}
# Account mail (verification, reset, notes, tests) is not a kind: it is always sent, and
# has no unsubscribe link.


def kinds_for(role: Role) -> list[Kind]:
    return [k for k in KINDS if role in k.roles]


def mode_for(kind: str, prefs: dict[str, str]) -> Mode:
    """The user's choice for `kind`, else its default."""
    chosen = prefs.get(kind)
    return Mode(chosen) if chosen in Mode._value2member_map_ else BY_NAME[kind].default
