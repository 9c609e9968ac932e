"""The lifecycle of docs/product.md §2 as one declared table: every allowed move, who may make it, and
what it must record. Pure: the workflow service reads it, the pages list moves from it, and a
test walks it (every row for every role, every move not in it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from pydantic import Field, field_validator

from dispute import event_kinds as ek
from dispute.i18n import N_
from dispute.models import LongText, Strict, Text, custom_error
from dispute.vocab import Resolution, Role, Stage

OPEN = frozenset({Stage.FILED, Stage.NEGOTIATION, Stage.MEDIATION, Stage.LITIGATION})
REOPEN_TARGET = None  # a move whose target is "the stage it closed from"


class Acknowledgment(Strict):
    acknowledgment: LongText


class ToMediation(Strict):
    reason: LongText  # why negotiation failed
    body: Text        # the mediation body


class SkipMediation(Strict):
    reason: LongText  # why mediation is skipped
    court: Text


class ToLitigation(Strict):
    mediation_result: LongText
    court: Text


class Closing(Strict):
    resolution: Resolution
    summary: LongText

    @field_validator("resolution")
    @classmethod
    def _not_withdrawn(cls, value: Resolution) -> Resolution:
        if value == Resolution.WITHDRAWN:
            raise custom_error(N_("A withdrawal is its own action, with a reason."))
        return value


class Withdrawal(Strict):
    reason: Annotated[str, Field(min_length=3, max_length=2_000)]


class Reopening(Strict):
    reason: LongText


@dataclass(frozen=True)
class Move:
    name: str
    label: str                     # msgid: the button
    sources: frozenset[Stage]
    target: Stage | None           # None: back to the stage the dispute closed from
    roles: frozenset[Role]
    record: type[Strict]           # what the move must record
    event: str
    explain: str                   # msgid: what happens, for the confirmation

    def allows(self, stage: Stage, role: Role) -> bool:
        return stage in self.sources and role in self.roles


MOVES: tuple[Move, ...] = (
    Move("acknowledge", N_("Acknowledge and start negotiation"), frozenset({Stage.FILED}),
         Stage.NEGOTIATION, frozenset({Role.STAFF}), Acknowledgment, ek.STAGE_ADVANCED,
         N_("The dispute moves to negotiation with the lender.")),
    Move("to_mediation", N_("Escalate to mediation"), frozenset({Stage.NEGOTIATION}),
         Stage.MEDIATION, frozenset({Role.STAFF, Role.LEGAL}), ToMediation, ek.STAGE_ADVANCED,
         N_("Negotiation has failed; a mediation body takes the dispute.")),
    Move("skip_to_litigation", N_("Go to court without mediation"),
         frozenset({Stage.NEGOTIATION}), Stage.LITIGATION, frozenset({Role.LEGAL}),
         SkipMediation, ek.STAGE_ADVANCED,
         N_("The dispute goes to court directly; mediation is skipped.")),
    Move("to_litigation", N_("Escalate to litigation"), frozenset({Stage.MEDIATION}),
         Stage.LITIGATION, frozenset({Role.LEGAL}), ToLitigation, ek.STAGE_ADVANCED,
         N_("Mediation has ended without settlement; the dispute goes to court.")),
    Move("close", N_("Close with a resolution"), OPEN, Stage.CLOSED,
         frozenset({Role.STAFF, Role.LEGAL}), Closing, ek.DISPUTE_CLOSED,
         N_("The dispute is closed with the resolution you choose.")),
    Move("withdraw", N_("Withdraw the dispute"), OPEN, Stage.CLOSED,
         frozenset({Role.BORROWER, Role.STAFF}), Withdrawal, ek.DISPUTE_WITHDRAWN,
         N_("The dispute is closed as withdrawn. It can be reopened by the handling team.")),
    Move("reopen", N_("Reopen"), frozenset({Stage.CLOSED}), REOPEN_TARGET,
         frozenset({Role.STAFF, Role.LEGAL}), Reopening, ek.DISPUTE_REOPENED,
         N_("The dispute returns to the stage it was closed from.")),
)
BY_NAME = {m.name: m for m in MOVES}

# What happens next, in plain words, for the borrower's page (docs/product.md §2).
STAGE_EXPLAINED = {
    Stage.FILED: N_("We have your dispute. A handler will check it and acknowledge it, and the "
                    "lender's time to answer runs from the day you filed."),
    Stage.NEGOTIATION: N_("We are negotiating with the lender. Offers they make appear here "
                          "for you to accept or reject; we may ask you for more information."),
    Stage.MEDIATION: N_("Negotiation did not settle the dispute, so a mediation body is "
                        "working on it. We will tell you the session dates and the result."),
    Stage.LITIGATION: N_("The dispute is before a court. Our legal team records the hearings "
                         "and the judgment here."),
    Stage.CLOSED: N_("The dispute is closed. If the lender does not honour the outcome, or "
                     "you ask for a re-examination, the handling team can reopen it."),
}


def allowed_moves(stage: Stage, role: Role) -> list[Move]:
    """The moves `role` may make from `stage`, in table order."""
    return [m for m in MOVES if m.allows(stage, role)]
