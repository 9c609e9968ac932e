"""The claim calculator: lines, the error and the jurisdiction in, a decision per charge out.

For each charge it says whether the error caused it (refund), caused part of it (the days of an
interest charge that fall among the days the error made the account late), or not (it stays the
borrower's), always with the reason in words. Then interest charged on a charge (`on_ref`) is
refunded with it, in the same proportion; then a person's overrides replace the calculator's
decision, which stays visible beside theirs. Pure: no clock, no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from dispute.claim.cost import CostCheck, check_cost
from dispute.claim.facts import MONEY_CATEGORIES, Decision, ErrorFacts, Override
from dispute.claim.lateness import Cover, Effect, Lateness, NoEffect, assess
from dispute.claim.lines import (FEE_KINDS, KIND_LABELS, AccountLines, Charge, ChargeKind)
from dispute.claim.money import share
from dispute.claim.words import ClaimRefused, Join, Label, Money, Words, say
from dispute.deadlines.rulebook import Jurisdiction
from dispute.i18n import N_
from dispute.vocab import ErrorCategory, LABELS

# Which facts each category reads; any other is refused rather than silently ignored.
USES: dict[ErrorCategory, frozenset[str]] = {
    ErrorCategory.PAYMENT_NOT_CREDITED: frozenset({"due_on", "paid_on", "credited_on"}),
    ErrorCategory.PAYMENT_MISAPPLIED: frozenset({"due_on", "paid_on", "credited_on"}),
    ErrorCategory.AUTOPAY_FAILED: frozenset({"due_on", "paid_on", "credited_on"}),
    ErrorCategory.DEFERRAL_NOT_RECORDED: frozenset({"due_on", "promised_on", "credited_on"}),
    ErrorCategory.WRONG_AGENT_INFO: frozenset({"due_on", "paid_on", "promised_on",
                                               "credited_on"}),
    ErrorCategory.FEE_IN_ERROR: frozenset({"due_on", "charged"}),
}
FACT_NAMES = {
    "due_on": N_("the due date (--due)"),
    "paid_on": N_("the payment date (--paid)"),
    "credited_on": N_("the crediting date (--credited)"),
    "promised_on": N_("the promised date (--promised)"),
    "charged": N_("the charges made in error (--charged)"),
}
ROUNDING = N_("Amounts are in whole fen (cents). A charge refunded in part is its amount × the "
              "days the error caused ÷ the days it was charged for (or, for interest on a charge "
              "refunded in part, × the share refunded), rounded half up to the fen on that line; "
              "the total is the sum of the rounded lines.")


@dataclass(frozen=True)
class LineResult:
    """One charge: the decision that counts, and the calculator's own when overridden."""

    charge: Charge
    decision: Decision
    refund_minor: int
    reason: Words
    rule_decision: Decision
    rule_refund_minor: int
    rule_reason: Words
    override: Override | None = None


@dataclass(frozen=True)
class ClaimResult:
    category: ErrorCategory
    currency: str
    facts: tuple[Words, ...]       # the working before the lines: the error, its days, notes
    lines: tuple[LineResult, ...]  # one per charge, in the order given
    charges_minor: int
    refund_minor: int
    rounding: Words
    cost: CostCheck


def calculate(lines: AccountLines, error: ErrorFacts, jurisdiction: Jurisdiction,
              overrides: Iterable[Override] = ()) -> ClaimResult:
    """Decide every charge; ClaimRefused says what to change when it cannot."""
    if error.category not in MONEY_CATEGORIES:
        raise ClaimRefused(N_("The category {category} has no money effect the calculator can "
                              "decide; it decides {categories}. Charges that followed from "
                              "another error can be claimed as fee_in_error."),
                           category=error.category.value,
                           categories=", ".join(c.value for c in MONEY_CATEGORIES))
    if not lines.charges:
        raise ClaimRefused(N_("There are no charges to decide on: give at least one charge line "
                              "(line = charge)."))
    _check_facts(error)
    by_ref = _check_overrides(lines, overrides)
    currency = lines.currency.value
    if error.category == ErrorCategory.FEE_IN_ERROR:
        named = _named(lines, error)
        facts = [say(N_("Charges named as made in error: {charges}."),
                     charges=Join(tuple(_charge_words(c) for c in lines.charges
                                        if c.ref in named)))]
        rules = {c.ref: _decide_named(c, named) for c in lines.charges}
        due_on = error.due_on
    else:
        effect = assess(lines, error)
        facts = _effect_words(effect, currency)
        rules = {c.ref: _decide_late(c, effect, currency) for c in lines.charges}
        due_on = effect.due_on if isinstance(effect, Lateness) else None
    results = _finish(lines, rules, by_ref, currency)
    refund = sum(r.refund_minor for r in results)
    cost = check_cost(lines, jurisdiction, error.principal_minor or _principal(lines, due_on))
    return ClaimResult(category=error.category, currency=currency,
                       facts=(say(N_("Error: {category}."),
                                  category=Label(LABELS[(ErrorCategory, error.category.value)])),
                              *facts),
                       lines=tuple(results), charges_minor=sum(c.amount_minor
                                                               for c in lines.charges),
                       refund_minor=refund, rounding=say(ROUNDING), cost=cost)


# --- checks ---------------------------------------------------------------------------------

def _check_facts(error: ErrorFacts) -> None:
    uses = USES[error.category]
    for name in FACT_NAMES:
        given = getattr(error, name)
        if given not in (None, ()) and name not in uses:
            raise ClaimRefused(N_("{fact} does not apply to {category}."),
                               fact=Label(FACT_NAMES[name]), category=error.category.value)
    if (error.category == ErrorCategory.WRONG_AGENT_INFO and error.promised_on is not None
            and error.paid_on is not None):
        raise ClaimRefused(N_("For wrong_agent_info give either the date the agent gave "
                              "(--promised) or the payment made as the agent said (--paid), "
                              "not both."))


def _check_overrides(lines: AccountLines, overrides: Iterable[Override]) -> dict[str, Override]:
    by_ref: dict[str, Override] = {}
    for o in overrides:
        charge = lines.charge(o.ref)
        if charge is None:
            raise ClaimRefused(N_("No charge {ref} to override."), ref=o.ref)
        if o.ref in by_ref:
            raise ClaimRefused(N_("Line {ref} is overridden twice."), ref=o.ref)
        if o.decision == Decision.PART and not 0 < (o.refund_minor or 0) < charge.amount_minor:
            raise ClaimRefused(N_("A part refund of line {ref} must be more than nothing and less "
                                  "than its amount, {amount}."), ref=o.ref,
                               amount=Money(charge.amount_minor, charge.currency.value))
        by_ref[o.ref] = o
    return by_ref


def _named(lines: AccountLines, error: ErrorFacts) -> set[str]:
    if not error.charged:
        raise ClaimRefused(N_("Name the charges made in error (--charged DATE or DATE:KIND)."))
    named: set[str] = set()
    for match in error.charged:
        hits = [c.ref for c in lines.charges if c.charged_on == match.charged_on
                and (match.kind is None or c.kind == match.kind)]
        if not hits:
            if match.kind is None:
                raise ClaimRefused(N_("No charge on {date} in the lines."),
                                   date=match.charged_on)
            raise ClaimRefused(N_("No {kind} charged on {date} in the lines."),
                               kind=match.kind.value, date=match.charged_on)
        named.update(hits)
    return named


def _principal(lines: AccountLines, due_on) -> int | None:
    due = lines.due(due_on) if due_on else None
    if due is not None and due.balance_minor:
        return due.balance_minor
    balances = [d.balance_minor for d in lines.dues if d.balance_minor]
    return max(balances) if balances else None


# --- decisions ------------------------------------------------------------------------------

Rule = tuple[Decision, int, Words]


def _charge_words(c: Charge) -> Words:
    return say(N_("{kind} of {date}"), kind=Label(KIND_LABELS[c.kind]), date=c.charged_on)


def _decide_named(c: Charge, named: set[str]) -> Rule:
    if c.ref in named:
        return (Decision.REFUND, c.amount_minor,
                say(N_("named as charged in error: the lender should not have charged it")))
    return Decision.KEEP, 0, say(N_("not named as charged in error"))


def _decide_late(c: Charge, effect: Effect, currency: str) -> Rule:
    if isinstance(effect, NoEffect):
        return (Decision.KEEP, 0, say(N_("{story}; {reason}"), story=effect.story,
                                      reason=effect.reason))
    e = effect
    if c.charged_on <= e.due_on:
        return (Decision.KEEP, 0, say(N_("charged on or before the due date {due}, before the "
                                         "error could cause it"), due=e.due_on))
    if c.kind in FEE_KINDS:
        return (Decision.KEEP, 0, say(N_("this {kind} is not charged for paying late, so this "
                                         "error did not cause it (override the line if it did)"),
                                      kind=Label(KIND_LABELS[c.kind])))
    if e.cover == Cover.SHORT:
        return (Decision.KEEP, 0, say(N_("{paid}, less than the minimum payment of {minimum}: "
                                         "the account would have been late anyway"),
                                      paid=_paid_words(e, currency),
                                      minimum=Money(e.due.minimum_minor or 0, currency)))
    if c.kind == ChargeKind.INTEREST:
        return _decide_interest(c, e, currency)
    if c.period_from is not None and c.period_to is not None and c.kind != ChargeKind.LATE_CHARGE:
        return _by_days(c, e)
    if not _posted_in(c, e):
        return _posted_after(c, e)
    outcome = (N_("{story}; it was not due yet") if e.deferred
               else N_("{story}; it would not have been late"))
    return Decision.REFUND, c.amount_minor, say(outcome, story=e.story)


def _decide_interest(c: Charge, e: Lateness, currency: str) -> Rule:
    """Ordinary interest is caused only by the loss of the interest-free period: when what the
    borrower paid in time would have cleared the full balance."""
    if e.deferred:
        return (Decision.KEEP, 0, say(N_("{story}; interest still runs during a deferral, so it "
                                         "would have been charged anyway"), story=e.story))
    if e.cover == Cover.UNKNOWN:
        return (Decision.KEEP, 0, say(N_("{story}; but {why} (override the line if the "
                                         "interest-free period would have been kept)"),
                                      story=e.story, why=e.unknown_why))
    balance = Money(e.due.balance_minor if e.due and e.due.balance_minor else 0, currency)
    if e.cover == Cover.MINIMUM:
        return (Decision.KEEP, 0, say(N_("{paid}: at least the minimum but less than the full "
                                         "balance of {balance}, so this interest would have "
                                         "been charged anyway"),
                                      paid=_paid_words(e, currency), balance=balance))
    if not _posted_in(c, e):
        return _posted_after(c, e)
    return (Decision.REFUND, c.amount_minor,
            say(N_("{story}; the full balance of {balance} would have been paid in time and the "
                   "interest-free period kept"), story=e.story, balance=balance))


def _paid_words(e: Lateness, currency: str) -> Words:
    if e.paid_by == e.due_on:
        return say(N_("{paid} was paid toward the payment due by {due}"),
                   paid=Money(e.paid_minor, currency), due=e.due_on)
    return say(N_("{paid} was paid by {by}, the date the agent gave, toward the payment due by "
                  "{due}"), paid=Money(e.paid_minor, currency), by=e.paid_by, due=e.due_on)


def _late_span(e: Lateness) -> Words:
    if e.late_to is None:
        return say(N_("from {start} on"), start=e.late_from)
    return say(N_("{start} to {end}"), start=e.late_from, end=e.late_to)


def _by_days(c: Charge, e: Lateness) -> Rule:
    """An interest charge with its period: refunded for the days among the late days."""
    assert c.period_from is not None and c.period_to is not None
    days = (c.period_to - c.period_from).days + 1
    start = max(c.period_from, e.late_from)
    end = c.period_to if e.late_to is None else min(c.period_to, e.late_to)
    late = max(0, (end - start).days + 1)
    if late == days:
        return (Decision.REFUND, c.amount_minor,
                say(N_("{story}; it would not have been late on any of the days charged for "
                       "({start} to {end})"), story=e.story, start=c.period_from,
                    end=c.period_to))
    if late == 0:
        return (Decision.KEEP, 0,
                say(N_("charged for {start} to {end}, none of them among the days late because "
                       "of the error ({late})"), start=c.period_from, end=c.period_to,
                    late=_late_span(e)))
    refund = share(c.amount_minor, late, days)
    currency = c.currency.value
    decision = (Decision.KEEP if refund == 0 else
                Decision.REFUND if refund == c.amount_minor else Decision.PART)
    return (decision, refund,
            say(N_("{story}; charged for {days} days ({start} to {end}), {late} of them late "
                   "because of the error: {amount} × {late} ÷ {days} = {refund}, rounded half up"),
                story=e.story, days=days, start=c.period_from, end=c.period_to, late=late,
                amount=Money(c.amount_minor, currency), refund=Money(refund, currency)))


def _posted_in(c: Charge, e: Lateness) -> bool:
    return e.posting_end is None or c.charged_on <= e.posting_end


def _posted_after(c: Charge, e: Lateness) -> Rule:
    if e.posting_end_is_statement:
        return (Decision.KEEP, 0,
                say(N_("posted on {date}, after the statement of {statement} that billed the days "
                       "late because of the error; taken to be for later days"),
                    date=c.charged_on, statement=e.posting_end))
    return (Decision.KEEP, 0,
            say(N_("posted on {date}, after the error was put right on {end}; taken to be for "
                   "later days (give the next statement's due line, or override the line, if it "
                   "bills the days late because of the error)"),
                date=c.charged_on, end=e.posting_end))


def _effect_words(effect: Effect, currency: str) -> list[Words]:
    if isinstance(effect, NoEffect):
        return [say(N_("What happened: {story}; {reason}."), story=effect.story,
                    reason=effect.reason)]
    e = effect
    out = [say(N_("What happened: {story}."), story=e.story)]
    if e.late_to is None:
        out.append(say(N_("Days late because of the error: from {start}, not yet put right."),
                       start=e.late_from))
    else:
        out.append(say(N_("Days late because of the error: {start} to {end}, {days} days (from "
                          "the day after the due date to the day the payment counted or, when "
                          "earlier, the date promised; both included)."),
                       start=e.late_from, end=e.late_to, days=e.late_days))
        if e.posting_end_is_statement:
            out.append(say(N_("Charges posted after the due date up to the statement of "
                              "{statement} are taken to bill those days."),
                           statement=e.posting_end))
        else:
            out.append(say(N_("Charges posted after the due date up to {end} are taken to bill "
                              "those days; the lines give no later statement date."),
                           end=e.posting_end))
    if not e.deferred:
        unknown = Label(N_("not given"))
        due = e.due
        out.append(say(N_("{paid}; minimum payment {minimum}; full balance {balance}."),
                       paid=_paid_words(e, currency),
                       minimum=Money(due.minimum_minor, currency)
                       if due and due.minimum_minor is not None else unknown,
                       balance=Money(due.balance_minor, currency)
                       if due and due.balance_minor is not None else unknown))
    out += e.notes
    return out


# --- links and overrides --------------------------------------------------------------------

def _finish(lines: AccountLines, rules: dict[str, Rule], overrides: dict[str, Override],
            currency: str) -> list[LineResult]:
    """Interest on a charge follows the charge (after its override), then overrides apply."""
    done: dict[str, LineResult] = {}

    def final(c: Charge) -> LineResult:
        if c.ref in done:
            return done[c.ref]
        decision, refund, reason = rules[c.ref]
        if c.on_ref is not None:
            parent = final(lines.charge(c.on_ref))  # type: ignore[arg-type]
            follow = share(c.amount_minor, parent.refund_minor, parent.charge.amount_minor)
            if follow > refund:
                refund = follow
                what = dict(kind=Label(KIND_LABELS[parent.charge.kind]),
                            date=parent.charge.charged_on, ref=parent.charge.ref)
                if follow == c.amount_minor:
                    decision = Decision.REFUND
                    reason = say(N_("interest on the {kind} of {date} (line {ref}), which is "
                                    "refunded: refunded with it"), **what)
                else:
                    decision = Decision.PART
                    reason = say(N_("interest on the {kind} of {date} (line {ref}), which is "
                                    "refunded in part: refunded in the same proportion, {amount} "
                                    "× {parent_refund} ÷ {parent_amount} = {refund}, rounded "
                                    "half up"), **what,
                                 amount=Money(c.amount_minor, currency),
                                 parent_refund=Money(parent.refund_minor, currency),
                                 parent_amount=Money(parent.charge.amount_minor, currency),
                                 refund=Money(follow, currency))
        result = LineResult(charge=c, decision=decision, refund_minor=refund, reason=reason,
                            rule_decision=decision, rule_refund_minor=refund, rule_reason=reason)
        o = overrides.get(c.ref)
        if o is not None:
            amount = {Decision.REFUND: c.amount_minor, Decision.KEEP: 0}.get(o.decision,
                                                                            o.refund_minor)
            result = LineResult(charge=c, decision=o.decision, refund_minor=amount or 0,
                                reason=say(N_("overridden: {reason}"), reason=o.reason),
                                rule_decision=decision, rule_refund_minor=refund,
                                rule_reason=reason, override=o)
        done[c.ref] = result
        return result

    return [final(c) for c in lines.charges]
