"""The working of a calculation as text in one language: rows, lines, HTML and JSON.

One renderer for every place the working goes (the CLI, the bundle's Calculation section, the
documents, the page), so a lender, a mediator and a judge read the same steps. `rows` gives
plain strings the caller escapes (Jinja autoescapes them in the bundle); `html` escapes them
itself. Pure: a `ClaimResult` and a language in, text out.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

from dispute.claim.calculator import ClaimResult, LineResult
from dispute.claim.facts import DECISION_LABELS
from dispute.claim.lines import KIND_LABELS
from dispute.claim.words import Label, Money, say
from dispute.i18n import N_, format_money, translator

HEADINGS = (N_("Line"), N_("Charged on"), N_("Kind"), N_("Amount"), N_("Decision"),
            N_("Refund"), N_("Reason"))


@dataclass(frozen=True)
class Row:
    """One charge, every cell already in the reader's language."""

    ref: str
    charged_on: str
    kind: str
    amount: str
    decision: str
    refund: str
    reason: str
    override: str   # "" unless a person overrode the calculator; then their reason and its own


def headings(lang: str) -> tuple[str, ...]:
    _ = translator(lang)
    return tuple(_(h) for h in HEADINGS)


def _override_text(line: LineResult, lang: str) -> str:
    if line.override is None:
        return ""
    _ = translator(lang)
    return say(N_("Overridden by a person: {reason}. The calculator said: {decision}, {refund}: "
                  "{rule_reason}."), reason=line.override.reason,
               decision=Label(DECISION_LABELS[line.rule_decision]),
               refund=Money(line.rule_refund_minor, line.charge.currency.value),
               rule_reason=line.rule_reason).render(lang)


def rows(result: ClaimResult, lang: str) -> list[Row]:
    _ = translator(lang)
    out = []
    for line in result.lines:
        c = line.charge
        out.append(Row(ref=c.ref, charged_on=c.charged_on.isoformat(),
                       kind=_(KIND_LABELS[c.kind]),
                       amount=format_money(c.amount_minor, result.currency, lang),
                       decision=_(DECISION_LABELS[line.decision]),
                       refund=format_money(line.refund_minor, result.currency, lang),
                       reason=line.reason.render(lang), override=_override_text(line, lang)))
    return out


def summary_lines(result: ClaimResult, lang: str) -> list[str]:
    """What comes after the lines: the sums, the rounding rule, the cost check."""
    sums = say(N_("Charges in the lines: {charges}; the error caused {refund} of them."),
               charges=Money(result.charges_minor, result.currency),
               refund=Money(result.refund_minor, result.currency))
    return [sums.render(lang), result.rounding.render(lang),
            *(w.render(lang) for w in result.cost.words)]


def total_line(result: ClaimResult, lang: str) -> str:
    return say(N_("Total to refund: {refund}"),
               refund=Money(result.refund_minor, result.currency)).render(lang)


def text(result: ClaimResult, lang: str) -> str:
    """The whole working as plain text, the total alone on the last line."""
    out = [w.render(lang) for w in result.facts]
    out.append("")
    for row in rows(result, lang):
        out.append(say(N_("Line {ref}: {kind} of {date}, {amount}: {decision}, {refund}."),
                       ref=row.ref, kind=row.kind, date=row.charged_on, amount=row.amount,
                       decision=row.decision, refund=row.refund).render(lang))
        out.append(f"    {row.reason}")
        if row.override:
            out.append(f"    {row.override}")
    out.append("")
    out += summary_lines(result, lang)
    out.append("")
    out.append(total_line(result, lang))
    return "\n".join(out)


def html(result: ClaimResult, lang: str) -> str:
    """The working as an HTML fragment (paragraphs and a table), every text escaped."""
    para = "".join(f"<p>{escape(w.render(lang))}</p>" for w in result.facts)
    head = "".join(f"<th>{escape(h)}</th>" for h in headings(lang))
    body = []
    for row in rows(result, lang):
        reason = escape(row.reason) + (f"<br><em>{escape(row.override)}</em>"
                                       if row.override else "")
        cells = [row.ref, row.charged_on, row.kind, row.amount, row.decision, row.refund]
        body.append("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in cells)
                    + f"<td>{reason}</td></tr>")
    after = "".join(f"<p>{escape(s)}</p>" for s in summary_lines(result, lang))
    total = f"<p><strong>{escape(total_line(result, lang))}</strong></p>"
    return (f'<div class="claim-working">{para}<table><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>{after}{total}</div>")


def as_json(result: ClaimResult, lang: str) -> dict[str, Any]:
    """One object: amounts in minor units, each line with its decision and reason."""
    cost = result.cost
    return {
        "category": result.category.value,
        "currency": result.currency,
        "refund_minor": result.refund_minor,
        "charges_minor": result.charges_minor,
        "lines": [{
            "ref": line.charge.ref,
            "source_line": line.charge.source_line,
            "charged_on": line.charge.charged_on.isoformat(),
            "kind": line.charge.kind.value,
            "amount_minor": line.charge.amount_minor,
            "decision": line.decision.value,
            "refund_minor": line.refund_minor,
            "reason": (line.override.reason if line.override else line.reason.render(lang)),
            "override": None if line.override is None else {
                "reason": line.override.reason,
                "calculated_decision": line.rule_decision.value,
                "calculated_refund_minor": line.rule_refund_minor,
                "calculated_reason": line.rule_reason.render(lang),
            },
        } for line in result.lines],
        "cost_check": {
            "made": cost.made,
            "flagged": cost.flagged,
            "total_minor": cost.total_minor,
            "principal_minor": cost.principal_minor,
            "from": cost.start_on.isoformat() if cost.start_on else None,
            "to": cost.end_on.isoformat() if cost.end_on else None,
            "days": cost.days,
            "rate_percent": None if cost.rate_percent is None else str(cost.rate_percent),
            "ceiling_percent": 24,
            "words": [w.render(lang) for w in cost.words],
        },
        "working": [w.render(lang) for w in result.facts] + summary_lines(result, lang),
        "rounding": result.rounding.render(lang),
    }
