"""Properties of the calculator on generated accounts: whatever the lines and the facts, a refund
is never negative, never more than was charged, and adds up line by line."""

from datetime import date, timedelta

from hypothesis import assume, given, settings, strategies as st

from dispute.claim import (AccountLines, Charge, ChargeKind, ClaimRefused, Decision, DueLine,
                           ErrorFacts, MONEY_CATEGORIES, Override, Payment, calculate)
from dispute.claim.facts import ChargeMatch
from dispute.deadlines.rulebook import Jurisdiction

START = date(2026, 1, 1)
days = st.integers(min_value=0, max_value=180).map(lambda n: START + timedelta(days=n))
amounts = st.integers(min_value=1, max_value=1_000_000)


@st.composite
def accounts(draw) -> AccountLines:
    charges: list[Charge] = []
    for i in range(draw(st.integers(min_value=1, max_value=10))):
        on = draw(days)
        period = draw(st.none() | st.tuples(days, st.integers(min_value=0, max_value=40)))
        parent = draw(st.none() | st.sampled_from([c.ref for c in charges])) if charges else None
        charges.append(Charge(
            ref=f"c{i}", charged_on=on, kind=draw(st.sampled_from(list(ChargeKind))),
            amount_minor=draw(amounts), on_ref=parent,
            period_from=period[0] if period else None,
            period_to=period[0] + timedelta(days=period[1]) if period else None))
    payments = [Payment(ref=f"p{i}", paid_on=draw(days), amount_minor=draw(amounts),
                        credited_on=draw(st.none() | days))
                for i in range(draw(st.integers(min_value=0, max_value=4)))]
    due_days = draw(st.lists(days, max_size=3, unique=True))
    dues = [DueLine(ref=f"d{i}", due_on=on, statement_on=draw(st.none() | days),
                    minimum_minor=draw(st.none() | amounts),
                    balance_minor=draw(st.none() | amounts))
            for i, on in enumerate(due_days)]
    return AccountLines(charges=tuple(charges), payments=tuple(payments), dues=tuple(dues))


@st.composite
def cases(draw):
    lines = draw(accounts())
    category = draw(st.sampled_from(MONEY_CATEGORIES))
    dues = [d.due_on for d in lines.dues]
    pays = [p.paid_on for p in lines.payments]
    facts = {"category": category,
             "due_on": draw(st.sampled_from(dues) if dues else st.none() | days)}
    if category == "fee_in_error":
        picked = draw(st.lists(st.sampled_from(lines.charges), min_size=1, max_size=3))
        facts = {**facts, "charged": tuple(ChargeMatch(charged_on=c.charged_on) for c in picked)}
    else:
        facts["credited_on"] = draw(st.none() | days)
        if category in ("deferral_not_recorded", "wrong_agent_info"):
            facts["promised_on"] = draw(st.none() | days)
        if category != "deferral_not_recorded" and not facts.get("promised_on"):
            facts["paid_on"] = draw(st.sampled_from(pays) if pays else st.none())
    overrides = []
    for c in draw(st.lists(st.sampled_from(lines.charges), max_size=2, unique_by=lambda c: c.ref)):
        decision = draw(st.sampled_from(list(Decision)))
        if decision == Decision.PART and c.amount_minor < 2:
            continue
        overrides.append(Override(ref=c.ref, decision=decision, reason="a person decided",
                                  refund_minor=draw(st.integers(1, c.amount_minor - 1))
                                  if decision == Decision.PART else None))
    return lines, ErrorFacts(**facts), overrides


def _calculate(lines, facts, overrides=()):
    try:
        return calculate(lines, facts, Jurisdiction.CN, overrides)
    except ClaimRefused:
        assume(False)


@settings(max_examples=200, deadline=None)
@given(cases())
def test_a_refund_is_never_negative_nor_more_than_was_charged(case):
    lines, facts, overrides = case
    result = _calculate(lines, facts, overrides)
    assert 0 <= result.refund_minor <= result.charges_minor
    assert result.charges_minor == sum(c.amount_minor for c in lines.charges)
    assert result.refund_minor == sum(line.refund_minor for line in result.lines)
    for line in result.lines:
        assert 0 <= line.refund_minor <= line.charge.amount_minor
        assert 0 <= line.rule_refund_minor <= line.charge.amount_minor
        if line.decision == Decision.KEEP:
            assert line.refund_minor == 0
        elif line.decision == Decision.REFUND:
            assert line.refund_minor == line.charge.amount_minor
        else:
            assert 0 < line.refund_minor < line.charge.amount_minor
        for lang in ("en", "zh_CN"):
            assert line.reason.render(lang)
    assert [line.charge for line in result.lines] == list(lines.charges)


@settings(max_examples=150, deadline=None)
@given(accounts(), st.integers(min_value=0, max_value=10), amounts,
       st.integers(min_value=1, max_value=60), st.integers(min_value=1, max_value=60))
def test_crediting_a_payment_later_never_lowers_the_refund(lines, early, paid, late, more):
    # One more due date, 2026-03-05, and a payment made by it that was credited `late` days after
    # it — or `late + more` days after it.
    due_on = date(2026, 3, 5)
    lines = AccountLines(
        charges=lines.charges,
        payments=(*lines.payments, Payment(ref="paid", paid_on=due_on - timedelta(days=early),
                                           amount_minor=paid)),
        dues=(*(d for d in lines.dues if d.due_on != due_on),
              DueLine(ref="due", due_on=due_on, minimum_minor=paid // 2, balance_minor=paid)))
    earlier, later = (calculate(lines, ErrorFacts(category="payment_not_credited", due_on=due_on,
                                                  paid_on=due_on - timedelta(days=early),
                                                  credited_on=due_on + timedelta(days=n)),
                                Jurisdiction.CN)
                      for n in (late, late + more))
    assert earlier.refund_minor <= later.refund_minor
