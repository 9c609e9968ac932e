"""`python -m dispute claim LINES.csv --category …`: the calculator on a CSV file alone.

No database and no data directory: the file, the error's dates and a rulebook's jurisdiction
are all it needs, so a mediator can check a lender's figures on any machine. The working is
printed, then the total on its own line; `--json` prints one object instead. Errors go to stderr
in the chosen language, with exit status 1 (2 for a malformed command line, from argparse).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from pydantic import ValidationError

from dispute.claim import working
from dispute.claim.calculator import calculate
from dispute.claim.csv_import import CsvRefused, decode, parse_csv
from dispute.claim.facts import ChargeMatch, Decision, ErrorFacts, Override
from dispute.claim.lines import ChargeKind
from dispute.deadlines.rulebook import load_rulebook
from dispute.errors import UserError
from dispute.i18n import LANGUAGES, N_, to_minor, translator
from dispute.vocab import ErrorCategory


class _Usage(UserError):
    """A flag's value that cannot be read."""


def add_parser(sub) -> None:
    p = sub.add_parser("claim", help="what the error cost: decide each charge of a CSV of "
                                     "account lines, with the working")
    p.add_argument("lines", metavar="LINES.csv", help="charges, payments and due dates (see "
                                                      "README, What the error cost)")
    p.add_argument("--category", required=True, choices=[c.value for c in ErrorCategory])
    p.add_argument("--due", help="the due date concerned, YYYY-MM-DD")
    p.add_argument("--paid", help="the payment date: the payment mishandled, the failed "
                                  "deduction, or the payment made as an agent said")
    p.add_argument("--credited", help="when the payment was credited or put right")
    p.add_argument("--promised", help="the date the payment was deferred to, or the date an "
                                      "agent gave")
    p.add_argument("--charged", action="append", default=[], metavar="DATE[:KIND]",
                   help="fee_in_error: a charge made in error (repeatable)")
    p.add_argument("--principal", help="the principal for the 24%% check, e.g. 5000.00 "
                                       "(default: the due date's full balance)")
    p.add_argument("--override", action="append", default=[], metavar="REF=DECISION:REASON",
                   help="replace the decision on one charge: REF=refund:REASON, REF=keep:REASON "
                        "or REF=part:AMOUNT:REASON (repeatable)")
    p.add_argument("--rulebook", default="cn-banking", help="whose rules (its jurisdiction "
                                                            "decides the 24%% check)")
    p.add_argument("--lang", choices=list(LANGUAGES), help="language of the working")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(fn=run)


def run(args: argparse.Namespace) -> int:
    lang = args.lang or ("zh_CN" if os.environ.get("LANG", "").startswith("zh") else "en")
    _ = translator(lang)
    path = Path(args.lines)
    try:
        data = path.read_bytes()
    except OSError as exc:
        print(f"{args.lines}: {_(N_('cannot read the file'))} ({exc.strerror})", file=sys.stderr)
        return 1
    try:
        lines = parse_csv(decode(data))
        facts, overrides = _facts(args, lines.currency.value)
        result = calculate(lines, facts, load_rulebook(args.rulebook).jurisdiction, overrides)
    except CsvRefused as exc:
        print(f"{args.lines}: {exc.render(_)}", file=sys.stderr)
        return 1
    except UserError as exc:
        print(exc.render(_), file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(working.as_json(result, lang), ensure_ascii=False, indent=1))
    else:
        print(working.text(result, lang))
    return 0


def _date(flag: str, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _Usage(N_("{flag} {value}: enter a date as YYYY-MM-DD."), flag=flag,
                     value=value) from None


def _amount(flag: str, value: str, currency: str) -> int:
    try:
        minor = to_minor(Decimal(value.replace(",", "")), currency)
    except (InvalidOperation, ValueError):
        minor = -1
    if minor < 0:
        raise _Usage(N_("{flag} {value}: enter an amount such as 50.00."), flag=flag, value=value)
    return minor


def _charged(value: str) -> ChargeMatch:
    day, _, kind = value.partition(":")
    if kind and kind not in {k.value for k in ChargeKind}:
        raise _Usage(N_("--charged {value}: the kind is one of {kinds}."), value=value,
                     kinds=", ".join(k.value for k in ChargeKind))
    return ChargeMatch(charged_on=_date("--charged", day), kind=kind or None)


def _override(value: str, currency: str) -> Override:
    ref, _, rest = value.partition("=")
    decision, _, reason = rest.partition(":")
    amount = None
    if decision == Decision.PART.value:
        text, _, reason = reason.partition(":")
        amount = _amount("--override", text, currency)
    if not ref.strip() or decision not in {d.value for d in Decision} or not reason.strip():
        raise _Usage(N_("--override {value}: write REF=refund:REASON, REF=keep:REASON or "
                        "REF=part:AMOUNT:REASON."), value=value)
    try:
        return Override(ref=ref, decision=decision, reason=reason, refund_minor=amount)
    except ValidationError:
        raise _Usage(N_("--override {value}: write REF=refund:REASON, REF=keep:REASON or "
                        "REF=part:AMOUNT:REASON."), value=value) from None


def _facts(args: argparse.Namespace, currency: str) -> tuple[ErrorFacts, list[Override]]:
    principal = None if args.principal is None else _amount("--principal", args.principal,
                                                             currency)
    if principal == 0:
        raise _Usage(N_("{flag} {value}: enter an amount such as 50.00."), flag="--principal",
                     value=args.principal)
    facts = ErrorFacts(category=args.category, due_on=_date("--due", args.due),
                       paid_on=_date("--paid", args.paid),
                       credited_on=_date("--credited", args.credited),
                       promised_on=_date("--promised", args.promised),
                       charged=tuple(_charged(v) for v in args.charged),
                       principal_minor=principal)
    return facts, [_override(v, currency) for v in args.override]
