"""How an error made the account late: the days it caused, and what the borrower had paid.

Five of the money categories have one effect in common: a payment the borrower made (or was
entitled to make later) counted late, so the account was overdue for days it would not have
been. This module works out, per category, the due date concerned, the days late because of the
error (from the day after the due date to the day the payment counted, both included: the
day count of 逾期天数 = crediting date − due date), what the borrower paid toward the due date
and whether that covered the minimum or the full balance. `calculator` then decides each charge
against it. Pure: lines and facts in, an `Effect` out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from dispute.claim.facts import ErrorFacts
from dispute.claim.lines import AccountLines, DueLine, Payment
from dispute.claim.words import ClaimRefused, Money, Words, say
from dispute.i18n import N_
from dispute.vocab import ErrorCategory


class Cover(StrEnum):
    FULL = "full"          # the full balance was paid: the interest-free period would be kept
    MINIMUM = "minimum"    # at least the minimum (or the minimum is unknown): not late
    SHORT = "short"        # less than the minimum: late whatever the lender did
    UNKNOWN = "unknown"    # lateness caused, but whether the full balance was paid is not known


@dataclass(frozen=True)
class Lateness:
    """The account was late because of the error on the days late_from … late_to."""

    due_on: date
    due: DueLine | None
    late_from: date
    late_to: date | None          # None: not put right yet
    posting_end: date | None      # charges posted up to here bill the late days
    posting_end_is_statement: bool
    paid_minor: int               # paid toward the due date (what the borrower would have paid)
    paid_by: date                 # … by this day (the due date, or the date an agent gave)
    cover: Cover
    deferred: bool                # a deferral: the payment was not due yet; interest still runs
    story: Words
    notes: tuple[Words, ...] = ()
    unknown_why: Words | None = None  # why Cover.UNKNOWN

    @property
    def late_days(self) -> int | None:
        return None if self.late_to is None else (self.late_to - self.late_from).days + 1


@dataclass(frozen=True)
class NoEffect:
    """The error did not make the account late (the borrower would have been late anyway, or
    was not late at all): every charge stays, for this reason."""

    story: Words
    reason: Words


Effect = Lateness | NoEffect


def assess(lines: AccountLines, facts: ErrorFacts) -> Effect:
    """The effect of a lateness error (every money category but fee_in_error)."""
    by_category = {
        ErrorCategory.PAYMENT_NOT_CREDITED: _not_credited,
        ErrorCategory.PAYMENT_MISAPPLIED: _not_credited,
        ErrorCategory.AUTOPAY_FAILED: _autopay,
        ErrorCategory.DEFERRAL_NOT_RECORDED: _deferral,
        ErrorCategory.WRONG_AGENT_INFO: _agent,
    }
    effect = by_category[facts.category](lines, facts)
    if isinstance(effect, Lateness) and effect.late_to is not None \
            and effect.late_to <= effect.due_on:
        return NoEffect(effect.story, say(N_("it counted by the due date {due}, so the account "
                                             "was not late because of it"), due=effect.due_on))
    return effect


# --- the categories -------------------------------------------------------------------------

def _not_credited(lines: AccountLines, facts: ErrorFacts) -> Effect:
    """A payment made in time that the lender credited late (or to the wrong place)."""
    misapplied = facts.category == ErrorCategory.PAYMENT_MISAPPLIED
    due_on = (facts.due_on or (None if facts.paid_on else _due_with_late_credit(lines))
              or _due_date(lines, after=facts.paid_on))
    toward = _toward(lines, due_on)
    if facts.paid_on is not None:
        selected = [p for p in lines.payments if p.paid_on == facts.paid_on]
        if not selected:
            raise ClaimRefused(N_("No payment made on {date} in the lines."), date=facts.paid_on)
    else:
        selected = [p for p in toward if p.credited_on is None or p.credited_on > due_on]
        if not selected and facts.credited_on is not None:
            selected = toward
        if not selected:
            raise ClaimRefused(N_("No payment made by the due date {due} was credited after it; "
                                  "give the payment's date (--paid) and when it was credited "
                                  "(--credited)."), due=due_on)
    paid_on = max(p.paid_on for p in selected)
    if facts.credited_on is not None:
        credited_on = facts.credited_on
    elif any(p.credited_on is None for p in selected):
        credited_on = None
    else:
        credited_on = max(p.credited_on for p in selected if p.credited_on)
    if credited_on is None:
        story = say(N_("the payment of {paid}, due by {due}, was applied to the wrong account or "
                       "item and has not been put right") if misapplied else
                    N_("the payment of {paid} was due by {due} and has not been credited"),
                    paid=paid_on, due=due_on)
    else:
        story = say(N_("the payment of {paid}, due by {due}, was applied to the wrong account or "
                       "item and was put right on {credited}") if misapplied else
                    N_("the payment of {paid} was due by {due} and was credited on {credited}"),
                    paid=paid_on, due=due_on, credited=credited_on)
    if paid_on > due_on:
        return NoEffect(story, say(N_("the payment was made after the due date {due}, so the "
                                      "account would have been late whatever the lender did"),
                                   due=due_on))
    if credited_on is not None and credited_on <= due_on:
        return NoEffect(story, say(N_("it counted by the due date {due}, so the account was not "
                                      "late because of it"), due=due_on))
    paid = sum(p.amount_minor for p in {p.ref: p for p in [*toward, *selected]}.values())
    return _lateness(lines, due_on, credited_on, paid, story, deferred=False)


def _autopay(lines: AccountLines, facts: ErrorFacts) -> Effect:
    """A deduction that should have paid by the due date failed; the borrower paid later."""
    due_on = _due_date(lines, facts.due_on, after=facts.paid_on)
    deduction_on = facts.paid_on or due_on
    on_time = sum(p.amount_minor for p in _toward(lines, due_on))
    catch_up, credited_on, notes = _catch_up(lines, due_on, facts.credited_on)
    if credited_on is None:
        story = say(N_("the automatic deduction of {deduction} for the payment due by {due} "
                       "failed, and nothing has been credited since"),
                    deduction=deduction_on, due=due_on)
    else:
        story = say(N_("the automatic deduction of {deduction} for the payment due by {due} "
                       "failed; the payment was made up and credited on {credited}"),
                    deduction=deduction_on, due=due_on, credited=credited_on)
    if deduction_on > due_on:
        return NoEffect(story, say(N_("the deduction was set for {deduction}, after the due date "
                                      "{due}, so the payment would have been late anyway"),
                                   deduction=deduction_on, due=due_on))
    unknown = None
    if catch_up is None:
        unknown = say(N_("no payment after the failed deduction shows what it would have "
                         "collected; it is taken to have covered at least the minimum"))
    return _lateness(lines, due_on, credited_on, on_time + (catch_up or 0), story,
                     deferred=False, notes=notes, unknown_why=unknown)


def _deferral(lines: AccountLines, facts: ErrorFacts) -> Effect:
    """The lender agreed to move the due date (a deferral or a plan) and did not record it, so
    the days up to the promised date were charged as late. Interest still runs in a deferral."""
    promised_on = _need_promised(facts)
    due_on = _due_date(lines, facts.due_on, before=promised_on)
    _promised_after_due(promised_on, due_on)
    _, credited_on, notes = _catch_up(lines, due_on, facts.credited_on)
    if credited_on is None:
        story = say(N_("the lender agreed to defer the payment due by {due} to {promised} but did "
                       "not record it; nothing has been credited since, so the days after "
                       "{promised} are the borrower's"), due=due_on, promised=promised_on)
    elif credited_on > promised_on:
        story = say(N_("the lender agreed to defer the payment due by {due} to {promised} but did "
                       "not record it; the payment was credited on {credited}, after the promised "
                       "date, so the days after {promised} are the borrower's"),
                    due=due_on, promised=promised_on, credited=credited_on)
    else:
        story = say(N_("the lender agreed to defer the payment due by {due} to {promised} but did "
                       "not record it; the payment was credited on {credited}"),
                    due=due_on, promised=promised_on, credited=credited_on)
    end = promised_on if credited_on is None else min(credited_on, promised_on)
    return _lateness(lines, due_on, end, None, story, deferred=True, notes=notes)


def _agent(lines: AccountLines, facts: ErrorFacts) -> Effect:
    """An agent gave a wrong date (`promised_on`) or a wrong amount (the payment made as told)."""
    if facts.promised_on is not None:
        return _agent_date(lines, facts)
    return _agent_amount(lines, facts)


def _agent_date(lines: AccountLines, facts: ErrorFacts) -> Effect:
    promised_on = _need_promised(facts)
    due_on = _due_date(lines, facts.due_on, before=promised_on)
    _promised_after_due(promised_on, due_on)
    _, credited_on, notes = _catch_up(lines, due_on, facts.credited_on)
    paid = sum(p.amount_minor for p in _toward(lines, promised_on, since=_since(lines, due_on)))
    if credited_on is None:
        story = say(N_("an agent said the payment due by {due} could be made by {promised}; "
                       "nothing has been credited since"), due=due_on, promised=promised_on)
    else:
        story = say(N_("an agent said the payment due by {due} could be made by {promised}; it "
                       "was credited on {credited}"),
                    due=due_on, promised=promised_on, credited=credited_on)
    end = promised_on if credited_on is None else min(credited_on, promised_on)
    return _lateness(lines, due_on, end, paid, story, deferred=False, notes=notes,
                     paid_by=promised_on)


def _agent_amount(lines: AccountLines, facts: ErrorFacts) -> Effect:
    due_on = _due_date(lines, facts.due_on, after=facts.paid_on)
    toward = _toward(lines, due_on)
    if facts.paid_on is not None and not any(p.paid_on == facts.paid_on for p in toward):
        raise ClaimRefused(N_("No payment made on {date} toward the due date {due} in the lines: "
                              "the payment made as the agent said is one made by the due date."),
                           date=facts.paid_on, due=due_on)
    on_time = sum(p.amount_minor for p in toward)
    catch_up, credited_on, notes = _catch_up(lines, due_on, facts.credited_on)
    told = Money(on_time, lines.currency.value)
    if credited_on is None:
        story = say(N_("an agent gave a wrong amount for the payment due by {due}: {told} was "
                       "paid by then as told, and nothing more has been credited since"),
                    due=due_on, told=told)
    else:
        story = say(N_("an agent gave a wrong amount for the payment due by {due}: {told} was "
                       "paid by then as told, and the rest was credited on {credited}"),
                    due=due_on, told=told, credited=credited_on)
    due = lines.due(due_on)
    if due is not None and due.balance_minor is not None and on_time >= due.balance_minor:
        return NoEffect(story, say(N_("the full balance was paid by the due date {due}, so the "
                                      "wrong amount cost nothing"), due=due_on))
    unknown = None
    if catch_up is None:
        unknown = say(N_("no later payment shows what the borrower would have paid with the right "
                         "amount; it is taken to have been at least the minimum"))
    return _lateness(lines, due_on, credited_on, on_time + (catch_up or 0), story,
                     deferred=False, notes=notes, unknown_why=unknown)


# --- shared steps ---------------------------------------------------------------------------

def _lateness(lines: AccountLines, due_on: date, late_to: date | None, paid: int | None,
              story: Words, *, deferred: bool, notes: tuple[Words, ...] = (),
              unknown_why: Words | None = None, paid_by: date | None = None) -> Lateness:
    """Bundle the late days with what was paid. `paid` None: the payment was not due yet (a
    deferral), so it could not fall short."""
    due = lines.due(due_on)
    notes = list(notes)
    if due is None and paid is not None:
        notes.append(say(N_("No due line for {due}: the minimum and the full balance are not "
                            "known, so the payment is taken to have covered the minimum."),
                         due=due_on))
    elif due is not None and due.minimum_minor is None and paid is not None:
        notes.append(say(N_("The due line of {due} gives no minimum payment: the payment is taken "
                            "to have covered it."), due=due_on))
    cover, why = _cover(due, paid, unknown_why)
    posting_end, from_statement = late_to, False
    if late_to is not None:
        statement = _statement_on_or_after(lines, late_to)
        if statement is not None:
            posting_end, from_statement = statement, True
    return Lateness(due_on=due_on, due=due, late_from=due_on + timedelta(days=1), late_to=late_to,
                    posting_end=posting_end, posting_end_is_statement=from_statement,
                    paid_minor=paid or 0, paid_by=paid_by or due_on, cover=cover, deferred=deferred,
                    story=story, notes=tuple(notes), unknown_why=why)


def _cover(due: DueLine | None, paid: int | None,
           unknown_why: Words | None) -> tuple[Cover, Words | None]:
    if paid is None:
        return Cover.MINIMUM, None
    if unknown_why is not None:   # what would have been paid is not known: not short either
        return Cover.UNKNOWN, unknown_why
    if due is not None and due.minimum_minor is not None and paid < due.minimum_minor:
        return Cover.SHORT, None
    if due is None or due.balance_minor is None:
        return Cover.UNKNOWN, say(N_("the full balance due is not known, so it cannot be told "
                                     "whether the interest-free period would have been kept"))
    if paid >= due.balance_minor:
        return Cover.FULL, None
    return Cover.MINIMUM, None


def _need_promised(facts: ErrorFacts) -> date:
    if facts.promised_on is None:
        raise ClaimRefused(N_("Give the date the payment was deferred to (--promised)."))
    return facts.promised_on


def _promised_after_due(promised_on: date, due_on: date) -> None:
    if promised_on <= due_on:
        raise ClaimRefused(N_("The promised date {promised} must be after the due date {due}."),
                           promised=promised_on, due=due_on)


def _since(lines: AccountLines, due_on: date) -> date:
    """Payments after this day count toward the due date: after its statement date, or after
    the previous due date, or all of them when the lines say neither."""
    due = lines.due(due_on)
    if due is not None and due.statement_on is not None and due.statement_on < due_on:
        return due.statement_on
    earlier = [d.due_on for d in lines.dues if d.due_on < due_on]
    return max(earlier) if earlier else date.min


def _toward(lines: AccountLines, by: date, since: date | None = None) -> list[Payment]:
    """The payments made toward a due date: after `since` and on or before `by`."""
    start = _since(lines, by) if since is None else since
    return [p for p in lines.payments if start < p.paid_on <= by]


def _catch_up(lines: AccountLines, due_on: date,
              credited_on: date | None) -> tuple[int | None, date | None, tuple[Words, ...]]:
    """The payment made after the due date that put the account right: its amount (None when
    there is none) and when it counted. `credited_on` from the facts wins over the lines."""
    later = sorted((p for p in lines.payments if p.paid_on > due_on), key=lambda p: p.paid_on)
    if credited_on is not None:
        made = [p for p in later if p.paid_on <= credited_on]
        return (sum(p.amount_minor for p in made) if made else None), credited_on, ()
    if not later:
        return None, None, ()
    first = later[0]
    if first.credited_on is not None:
        return first.amount_minor, first.credited_on, ()
    note = say(N_("The payment of {paid} gives no crediting date: it is taken to have counted on "
                  "the day it was made."), paid=first.paid_on)
    return first.amount_minor, first.paid_on, (note,)


def _statement_on_or_after(lines: AccountLines, day: date) -> date | None:
    days = [d.statement_on for d in lines.dues if d.statement_on is not None
            and d.statement_on >= day]
    return min(days) if days else None


def _due_with_late_credit(lines: AccountLines) -> date | None:
    """The first due date with a payment made by it and credited after it (or not at all)."""
    for due in sorted(lines.dues, key=lambda d: d.due_on):
        for p in _toward(lines, due.due_on):
            if p.credited_on is None or p.credited_on > due.due_on:
                return due.due_on
    return None


def _due_date(lines: AccountLines, given: date | None = None, *, after: date | None = None,
              before: date | None = None) -> date:
    """The due date concerned: given, else the first due line on or after `after`, else the last
    before `before`, else the only one."""
    if given is not None:
        return given
    dues = sorted(d.due_on for d in lines.dues)
    if after is not None and any(d >= after for d in dues):
        return next(d for d in dues if d >= after)
    if before is not None and any(d < before for d in dues):
        return [d for d in dues if d < before][-1]
    if len(dues) == 1:
        return dues[0]
    if not dues:
        raise ClaimRefused(N_("Give the due date concerned (--due), or a due line."))
    raise ClaimRefused(N_("Give the due date concerned (--due): the lines have {count} due "
                          "dates."), count=len(dues))
