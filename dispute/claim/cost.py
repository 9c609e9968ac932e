"""The annualised cost check: all charges over the period as a yearly rate of the principal.

Chinese courts reduce, on the borrower's request, the part of interest, compound interest,
penalty interest, late charges and other fees claimed together above 24% a year (最高人民法院
关于进一步加强金融审判工作的若干意见, 法发〔2017〕22号, item 2), and may reduce card charges
that are excessive in total (关于审理银行卡民事纠纷案件若干问题的规定, 法释〔2021〕10号, art. 2).
The check raises a flag for a person to look at; it decides nothing and claims nothing.

The period runs from the earliest date in the lines to the latest; the rate is total ÷ principal
× 365 ÷ days, rounded half up to 0.01%, while the flag compares the exact rate with 24%.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from dispute.claim.lines import AccountLines
from dispute.claim.money import above_rate, annual_rate_percent
from dispute.claim.words import Label, Money, Percent, Words, say
from dispute.deadlines.rulebook import Jurisdiction
from dispute.i18n import N_

CEILING_PERCENT = 24
SOURCE = N_("法发〔2017〕22号 item 2; 法释〔2021〕10号 art. 2")


@dataclass(frozen=True)
class CostCheck:
    made: bool
    flagged: bool
    total_minor: int
    principal_minor: int | None
    start_on: date | None
    end_on: date | None
    days: int
    rate_percent: Decimal | None
    words: tuple[Words, ...]


def _not_made(total: int, why: Words, principal: int | None = None) -> CostCheck:
    return CostCheck(made=False, flagged=False, total_minor=total, principal_minor=principal,
                     start_on=None, end_on=None, days=0, rate_percent=None, words=(why,))


def line_dates(lines: AccountLines) -> list[date]:
    days: list[date] = []
    for c in lines.charges:
        days += [d for d in (c.charged_on, c.statement_on, c.period_from, c.period_to) if d]
    for p in lines.payments:
        days += [d for d in (p.paid_on, p.credited_on) if d]
    for d in lines.dues:
        days += [x for x in (d.due_on, d.statement_on) if x]
    return days


def check_cost(lines: AccountLines, jurisdiction: Jurisdiction,
               principal_minor: int | None) -> CostCheck:
    """`principal_minor`: the principal given, else the full balance of the due date concerned
    (the caller picks it), else None."""
    currency = lines.currency.value
    total = sum(c.amount_minor for c in lines.charges)
    if jurisdiction != Jurisdiction.CN:
        return _not_made(total, say(N_("The 24% a year check is a practice of Chinese courts; it "
                                       "is not made under a {jurisdiction} rulebook."),
                                    jurisdiction=jurisdiction.value))
    if principal_minor is None:
        return _not_made(total, say(N_("The annualised cost was not checked: no principal is "
                                       "known (give a due line with its full balance, or the "
                                       "principal).")))
    days_in = line_dates(lines)
    start, end = min(days_in), max(days_in)
    days = (end - start).days
    if days == 0:
        return _not_made(total, say(N_("The annualised cost was not checked: the lines cover "
                                       "less than a day.")), principal_minor)
    rate = annual_rate_percent(total, principal_minor, days)
    flagged = above_rate(total, principal_minor, days, CEILING_PERCENT)
    words = [say(N_("Annualised cost: all charges, {total}, on a principal of {principal} over "
                    "the {days} days from {start} to {end}: {total} ÷ {principal} × 365 ÷ {days} "
                    "= {rate} a year (rounded half up to 0.01%)."),
                 total=Money(total, currency), principal=Money(principal_minor, currency),
                 days=days, start=start, end=end, rate=Percent(rate))]
    if flagged:
        words.append(say(N_("Flag: above 24% a year. When the borrower asks, Chinese courts "
                            "reduce interest, compound interest, penalty interest, late charges "
                            "and other fees claimed together above 24% a year, and may reduce "
                            "excessive card charges ({source}). A flag for review, not a legal "
                            "conclusion."), source=Label(SOURCE)))
    else:
        words.append(say(N_("Not above 24% a year ({source})."), source=Label(SOURCE)))
    return CostCheck(made=True, flagged=flagged, total_minor=total,
                     principal_minor=principal_minor, start_on=start, end_on=end, days=days,
                     rate_percent=rate, words=tuple(words))
