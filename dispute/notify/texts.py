"""The words of each kind of notification, made when shown or mailed, in the reader's language.

Nothing here names a borrower or shows an account or identity number: a dispute is named by its
number (DSP-…), and message contents stay in the portal behind a login."""

from __future__ import annotations

from datetime import date
from typing import Any, Mapping

from dispute.i18n import N_, Translate, format_date
from dispute.vocab import Resolution, Stage, label


def _stage(value: str | None, _: Translate) -> str:
    try:
        return label(Stage(value), _)
    except ValueError:
        return value or ""


def _outcome(value: str | None, _: Translate) -> str:
    try:
        return label(Resolution(value), _)
    except ValueError:
        return value or ""


def _day(value: Any, lang: str) -> str:
    return format_date(date.fromisoformat(value) if isinstance(value, str) else value, lang)


DUE_SOON_SHOWN = 30  # a daily list longer than this names the rest by count

WHAT_NEXT = (
    N_("Ask the lender to re-examine its handling (复核), in writing, to its higher office."),
    N_("Complain to the financial regulator: the local office of the National Financial "
       "Regulatory Administration (hotline 12378)."),
    N_("Apply for mediation at a banking or financial dispute mediation centre."),
)


def title(kind: str, number: str | None, params: Mapping[str, Any], _: Translate,
          lang: str) -> str:
    """One line: what happened."""
    n = {"number": number or ""}
    if kind == "message":
        return _("New message on dispute {number}").format(**n)
    if kind == "request":
        return _("The handling team needs information on dispute {number}").format(**n)
    if kind == "offer":
        return _("An offer on dispute {number}").format(**n)
    if kind == "stage":
        if params.get("reopened"):
            return _("Dispute {number} was reopened").format(**n)
        return _("Dispute {number} moved to {stage}").format(
            stage=_stage(params.get("to"), _), **n)
    if kind == "closed":
        return _("Dispute {number} is closed: {outcome}").format(
            outcome=_outcome(params.get("resolution"), _), **n)
    if kind == "decision_overdue":
        return _("The lender's decision on dispute {number} is overdue").format(**n)
    if kind == "own_limit":
        return _("{deadline} on dispute {number}: by {date}").format(
            deadline=_(params.get("label", "")), date=_day(params.get("due_by"), lang), **n)
    if kind == "new_dispute":
        return _("New dispute {number} in the queue").format(**n)
    if kind == "reply":
        what = params.get("what")
        if what == "evidence":
            return _("The borrower uploaded evidence on dispute {number}").format(**n)
        if what == "offer":
            return (_("The borrower accepted the offer on dispute {number}")
                    if params.get("answer") == "accepted"
                    else _("The borrower rejected the offer on dispute {number}")).format(**n)
        if what == "withdrawn":
            return _("The borrower withdrew dispute {number}").format(**n)
        return _("The borrower replied on dispute {number}").format(**n)
    if kind == "assigned":
        return _("Dispute {number} was assigned to you").format(**n)
    if kind == "due_soon":
        return _("Deadlines due within 3 days or overdue: {count}").format(
            count=len(params.get("items", ())))
    if kind == "sitting_soon":
        what = (_("Hearing") if params.get("what") == "hearing" else _("Mediation session"))
        return _("{what} on dispute {number} on {date}").format(
            what=what, date=_day(params.get("held_on"), lang), **n)
    return kind


def lines(kind: str, number: str | None, params: Mapping[str, Any], _: Translate,
          lang: str) -> list[str]:
    """What to do about it, a few short paragraphs (the email's body; the inbox shows them
    under the title)."""
    if kind == "message":
        return [_("The handling team wrote to you. Read it and reply in the portal.")]
    if kind == "request":
        return [_("The handling team asked you for information or documents. Until you reply "
                  "or upload them, the dispute waits on you and the lender's deadlines that "
                  "pause for it are paused.")]
    if kind == "offer":
        return [_("The handling team made an offer. Read it and accept or reject it in the "
                  "portal.")]
    if kind == "stage":
        return [_("The dispute page says what happens next.")]
    if kind == "closed":
        return [_("If you disagree with the outcome you may ask for a re-examination, complain "
                  "to the regulator or apply for mediation; the dispute page shows your time "
                  "limits.")]
    if kind == "decision_overdue":
        return [_("The lender had to decide on your complaint by {date} and has not.").format(
                    date=_day(params.get("due_by"), lang)),
                _("What you can do next:"), *(f"• {_(step)}" for step in WHAT_NEXT),
                _("The Documents tab of your dispute makes the letter for each step.")]
    if kind == "own_limit":
        return [_("{days} days left. The dispute page explains how the date was counted.")
                .format(days=params.get("days_left", ""))]
    if kind == "due_soon":
        out = []
        items = list(params.get("items", ()))
        for item in items[:DUE_SOON_SHOWN]:
            line = _("{number}: {deadline}, due by {date}").format(
                number=item["number"], deadline=_(item["label"]),
                date=_day(item["due_by"], lang))
            if item.get("overdue"):
                line += " — " + _("overdue")
            out.append(f"• {line}")
        if len(items) > DUE_SOON_SHOWN:
            out.append(_("… and {count} more: the queue sorted by nearest deadline shows them "
                         "all.").format(count=len(items) - DUE_SOON_SHOWN))
        return out
    if kind == "sitting_soon":
        return [_("Check the dispute's record for the court or the mediator and prepare the "
                  "case bundle.")]
    if kind in ("new_dispute", "assigned", "reply"):
        return [_("Open the dispute in the portal to see it.")]
    return []
