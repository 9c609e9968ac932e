"""Small factories for claim tests: lines in yuan-and-fen integers, with overrides by keyword."""

from __future__ import annotations

from datetime import date

from dispute.claim import (AccountLines, Charge, ClaimResult, DueLine, ErrorFacts, Payment,
                           calculate)
from dispute.claim.words import Words
from dispute.deadlines.rulebook import Jurisdiction


def d(text: str) -> date:
    return date.fromisoformat(text)


def charge(ref: str, on: str, kind: str, minor: int, **kw) -> Charge:
    for key in ("statement_on", "period_from", "period_to"):
        if isinstance(kw.get(key), str):
            kw[key] = d(kw[key])
    return Charge(ref=ref, charged_on=d(on), kind=kind, amount_minor=minor, **kw)


def payment(ref: str, on: str, minor: int, credited: str | None = None, **kw) -> Payment:
    return Payment(ref=ref, paid_on=d(on), amount_minor=minor,
                   credited_on=d(credited) if credited else None, **kw)


def due(ref: str, on: str, *, statement: str | None = None, minimum: int | None = None,
        balance: int | None = None, **kw) -> DueLine:
    return DueLine(ref=ref, due_on=d(on), statement_on=d(statement) if statement else None,
                   minimum_minor=minimum, balance_minor=balance, **kw)


def account(*items) -> AccountLines:
    return AccountLines(charges=tuple(x for x in items if isinstance(x, Charge)),
                        payments=tuple(x for x in items if isinstance(x, Payment)),
                        dues=tuple(x for x in items if isinstance(x, DueLine)))


def facts(category: str, **dates) -> ErrorFacts:
    return ErrorFacts(category=category,
                      **{k: d(v) if isinstance(v, str) else v for k, v in dates.items()})


def run(lines: AccountLines, error: ErrorFacts, overrides=(),
        jurisdiction: Jurisdiction = Jurisdiction.CN) -> ClaimResult:
    return calculate(lines, error, jurisdiction, overrides)


def decisions(result: ClaimResult) -> dict[str, tuple[str, int]]:
    return {r.charge.ref: (r.decision.value, r.refund_minor) for r in result.lines}


def reason(result: ClaimResult, ref: str, lang: str) -> str:
    line = next(r for r in result.lines if r.charge.ref == ref)
    return line.reason.render(lang)


def rendered(words: Words | tuple[Words, ...], lang: str) -> str:
    if isinstance(words, Words):
        return words.render(lang)
    return "\n".join(w.render(lang) for w in words)


# The statement most cases share: a card with a statement on 2026-02-13 due 2026-03-05
# (minimum ¥500.00, full balance ¥5,000.00), the next statement on 2026-03-13 due 2026-04-02,
# and an annual fee posted on 2026-01-20, before anything went wrong.
FEB = due("d1", "2026-03-05", statement="2026-02-13", minimum=500_00, balance=5_000_00)
MAR = due("d2", "2026-04-02", statement="2026-03-13")
ANNUAL = charge("annual", "2026-01-20", "annual_fee", 300_00)
