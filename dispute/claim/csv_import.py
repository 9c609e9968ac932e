"""Account lines from a CSV file, under English or Chinese headers; all or nothing.

Statements arrive as spreadsheets, so the layout is one row per line with a `line` column saying
what the row is (charge, payment, due). Amounts are read as decimal text ("50.00", "1,234.50")
into integer minor units, never through float, and refused when they have more decimals than the
currency. Every row is checked before anything is returned: a file with a bad row raises
`CsvRefused` naming each bad row's line number, and nothing is imported. Pure: text in, lines out
(`decode` turns the bytes of an upload into text).
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from dispute.claim.lines import AccountLines, Charge, ChargeKind, DueLine, LineKind, Payment
from dispute.claim.words import ClaimRefused
from dispute.errors import UserError
from dispute.i18n import N_, format_amount_input, to_minor
from dispute.vocab import Currency

MAX_ROWS = 10_000

# Column → the headers accepted for it (compared without case and surrounding spaces).
COLUMNS: dict[str, tuple[str, ...]] = {
    "line": ("line", "行", "行类型"),
    "date": ("date", "日期"),
    "kind": ("kind", "类型", "费用类型"),
    "amount": ("amount", "金额"),
    "currency": ("currency", "币种"),
    "credited_on": ("credited_on", "入账日期"),
    "minimum": ("minimum", "最低还款额"),
    "statement": ("statement", "账单日"),
    "period_from": ("period_from", "计息起日"),
    "period_to": ("period_to", "计息止日"),
    "on": ("on", "计息对象"),
    "ref": ("ref", "编号"),
    "description": ("description", "说明", "摘要"),
}
LINE_VALUES: dict[str, LineKind] = {
    "charge": LineKind.CHARGE, "费用": LineKind.CHARGE,
    "payment": LineKind.PAYMENT, "还款": LineKind.PAYMENT,
    "due": LineKind.DUE, "账单": LineKind.DUE,
}
KIND_VALUES: dict[str, ChargeKind] = {
    **{k.value: k for k in ChargeKind},
    "利息": ChargeKind.INTEREST,
    "罚息": ChargeKind.PENALTY_INTEREST,
    "复利": ChargeKind.COMPOUND_INTEREST,
    "违约金": ChargeKind.LATE_CHARGE, "滞纳金": ChargeKind.LATE_CHARGE,
    "超限费": ChargeKind.OVERLIMIT_FEE,
    "分期手续费": ChargeKind.INSTALMENT_FEE,
    "年费": ChargeKind.ANNUAL_FEE,
    "其他费用": ChargeKind.OTHER_FEE,
}
CURRENCY_VALUES: dict[str, Currency] = {
    **{c.value.lower(): c for c in Currency},
    "人民币": Currency.CNY, "美元": Currency.USD, "港币": Currency.HKD, "欧元": Currency.EUR,
}
# Which optional columns each kind of line may fill; a value elsewhere is refused, since it
# usually means the columns slipped.
ALLOWED: dict[LineKind, frozenset[str]] = {
    LineKind.CHARGE: frozenset({"kind", "amount", "currency", "statement", "period_from",
                                "period_to", "on"}),
    LineKind.PAYMENT: frozenset({"amount", "currency", "credited_on"}),
    LineKind.DUE: frozenset({"amount", "currency", "minimum", "statement"}),
}
ALWAYS = frozenset({"line", "date", "ref", "description"})
DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
AMOUNT = re.compile(r"^\d+(\.\d+)?$")


class CsvRefused(UserError):
    """The file was not imported. `problems` lists (line number, column or None, message); the
    column is named as the file's header names it."""

    def __init__(self, problems: list[tuple[int, str | None, UserError]]) -> None:
        self.problems = problems
        super().__init__(N_("The file was not imported; nothing was taken from it."))

    def render(self, translate) -> str:
        out = [translate(self.msgid)]
        for line, column, problem in self.problems:
            text = problem.render(translate)
            out.append(translate(N_("line {line}, {column}: {problem}")).format(
                line=line, column=column, problem=text) if column else
                translate(N_("line {line}: {problem}")).format(line=line, problem=text))
        return "\n".join(out)


class _Bad(Exception):
    def __init__(self, column: str | None, msgid: str, **params: Any) -> None:
        self.column, self.error = column, UserError(msgid, **params)


def decode(data: bytes) -> str:
    """UTF-8 (with or without the BOM Excel writes), else GB18030 (which covers GBK, what Excel
    on Chinese Windows saves CSV in)."""
    if b"\x00" in data:
        raise CsvRefused([(1, None, UserError(N_("This is not a text (CSV) file.")))])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise CsvRefused([(1, None, UserError(N_("The file is neither UTF-8 nor GBK text.")))])


def parse_csv(text: str) -> AccountLines:
    """The lines of a CSV text; CsvRefused (listing every bad row) when any row is bad."""
    text = text.lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text))
    problems: list[tuple[int, str | None, UserError]] = []
    header: dict[str, int] | None = None
    width = 0
    names: dict[str, str] = {}
    built: list[tuple[int, Charge | Payment | DueLine]] = []
    previous_end = 0
    for row in reader:
        start, previous_end = previous_end + 1, reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header, width = _header(row, start, problems), len(row)
            names = {column: row[i].strip().lstrip("\ufeff") for column, i in header.items()}
            if problems:  # rows cannot be read against a header that is wrong
                raise CsvRefused(problems)
            continue
        if len(built) + len(problems) >= MAX_ROWS:
            problems.append((start, None, UserError(N_("More than {count} lines; split the file."),
                                                    count=MAX_ROWS)))
            break
        try:
            built.append((start, _row(row, header, width, start)))
        except _Bad as bad:
            problems.append((start, names.get(bad.column, bad.column), bad.error))
    if header is None:
        raise CsvRefused([(1, None, UserError(N_("The file is empty: it needs a header row and "
                                                 "at least one line.")))])
    problems += [(n, names.get(c, c) if c else None, e) for n, c, e in _whole_file(built)]
    if problems:
        raise CsvRefused(sorted(problems, key=lambda p: p[0]))
    if not built:
        raise CsvRefused([(1, None, UserError(N_("The file has a header row but no lines.")))])
    lines = [line for _, line in built]
    try:
        return AccountLines(charges=tuple(x for x in lines if isinstance(x, Charge)),
                            payments=tuple(x for x in lines if isinstance(x, Payment)),
                            dues=tuple(x for x in lines if isinstance(x, DueLine)))
    except ClaimRefused as exc:  # a circle of `on` refs: name the first line in it
        line = next((n for n, x in built if x.ref == exc.params.get("ref")), 1)
        raise CsvRefused([(line, "on", exc)]) from None


def _header(row: list[str], line: int, problems: list) -> dict[str, int]:
    known = {alias.lower(): column for column, aliases in COLUMNS.items() for alias in aliases}
    header: dict[str, int] = {}
    for i, cell in enumerate(row):
        name = cell.strip().lstrip("\ufeff")
        column = known.get(name.lower())
        if column is None:
            problems.append((line, None, UserError(
                N_("Unknown column “{name}”; the columns are: {columns}."), name=name,
                columns=", ".join(COLUMNS))))
        elif column in header:
            problems.append((line, None, UserError(N_("Column “{name}” is given twice."),
                                                   name=name)))
        else:
            header[column] = i
    for needed in ("line", "date"):
        if needed not in header:
            problems.append((line, None, UserError(N_("The header has no “{name}” column."),
                                                   name=needed)))
    return header


def _row(row: list[str], header: dict[str, int], width: int,
         line: int) -> Charge | Payment | DueLine:
    if len(row) > width and any(c.strip() for c in row[width:]):
        raise _Bad(None, N_("This row has more cells than the header has columns."))
    cells = {col: (row[i].strip() if i < len(row) else "") for col, i in header.items()}
    kind = _pick(cells.get("line", ""), LINE_VALUES, "line",
                 N_("Write charge, payment or due (费用, 还款, 账单)."))
    for column, value in cells.items():
        if value and column not in ALWAYS and column not in ALLOWED[kind]:
            raise _Bad(column, N_("A {line} line has no {name}."), line=kind.value,
                       name=column)
    currency = (_pick(cells["currency"], CURRENCY_VALUES, "currency",
                      N_("Write CNY, USD, HKD or EUR."))
                if cells.get("currency") else Currency.CNY)
    common = dict(ref=cells.get("ref") or str(line), currency=currency,
                  description=cells.get("description", ""), source_line=line)
    on = _date(cells.get("date", ""), "date", required=True)
    try:
        if kind == LineKind.CHARGE:
            return Charge(charged_on=on,
                          kind=_pick(cells.get("kind", ""), KIND_VALUES, "kind",
                                     N_("Write one of: {kinds}."),
                                     kinds=", ".join(k.value for k in ChargeKind)),
                          amount_minor=_amount(cells.get("amount", ""), currency, "amount",
                                               positive=True),
                          statement_on=_date(cells.get("statement", ""), "statement"),
                          period_from=_date(cells.get("period_from", ""), "period_from"),
                          period_to=_date(cells.get("period_to", ""), "period_to"),
                          on_ref=cells.get("on") or None, **common)
        if kind == LineKind.PAYMENT:
            return Payment(paid_on=on,
                           amount_minor=_amount(cells.get("amount", ""), currency, "amount",
                                                positive=True),
                           credited_on=_date(cells.get("credited_on", ""), "credited_on"),
                           **common)
        return DueLine(due_on=on,
                       balance_minor=_amount(cells.get("amount", ""), currency, "amount"),
                       minimum_minor=_amount(cells.get("minimum", ""), currency, "minimum"),
                       statement_on=_date(cells.get("statement", ""), "statement"), **common)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        column = str(err["loc"][0]) if err["loc"] else None
        if err["type"] == "value_error" and "period" in err["msg"]:
            raise _Bad("period_to", N_("Give both period_from and period_to, the first not "
                                       "after the second.")) from None
        if err["type"] == "string_too_long":
            raise _Bad(column, N_("At most {max_length} characters."),
                       max_length=(err.get("ctx") or {}).get("max_length")) from None
        raise _Bad(column, N_("Enter a valid value.")) from None


def _pick(value: str, table: dict, column: str, msgid: str, **params: Any):
    found = table.get(value.strip().lower()) if value.strip() else None
    if found is None:
        if not value.strip():
            raise _Bad(column, N_("This field is required."))
        raise _Bad(column, N_("“{value}” is not known here. {hint}"), value=value,
                   hint=UserError(msgid, **params))
    return found


def _date(value: str, column: str, required: bool = False) -> date | None:
    if not value:
        if required:
            raise _Bad(column, N_("This field is required."))
        return None
    m = DATE.match(value)
    try:
        if m is None:
            raise ValueError
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        raise _Bad(column, N_("“{value}” is not a date such as 2026-03-05."), value=value) from None


def _amount(value: str, currency: Currency, column: str, positive: bool = False) -> int | None:
    if not value:
        if positive:
            raise _Bad(column, N_("This field is required."))
        return None
    cleaned = value.replace(",", "").replace("，", "").replace(" ", "")
    if cleaned.startswith("-"):
        raise _Bad(column, N_("“{value}” is negative: give charges and payments as positive "
                              "amounts, and leave out what the lender has already reversed."),
                   value=value)
    if not AMOUNT.match(cleaned):
        raise _Bad(column, N_("“{value}” is not an amount such as 50.00."), value=value)
    try:
        minor = to_minor(Decimal(cleaned), currency.value)
    except ValueError:
        raise _Bad(column, N_("“{value}” has more decimal places than {currency} has."),
                   value=value, currency=currency.value) from None
    if positive and minor == 0:
        raise _Bad(column, N_("The amount must be more than 0."))
    if minor > 10**13:
        raise _Bad(column, N_("“{value}” is too large."), value=value)
    return minor


def _whole_file(built: list[tuple[int, Charge | Payment | DueLine]]) -> list:
    """What a row cannot know alone: one currency, unique refs, `on` naming a charge."""
    problems: list[tuple[int, str | None, UserError]] = []
    if not built:
        return problems
    first_line, first = built[0]
    refs: dict[str, int] = {}
    charges = {x.ref for _, x in built if isinstance(x, Charge)}
    for line, x in built:
        if x.currency != first.currency:
            problems.append((line, "currency", UserError(
                N_("{currency} differs from line {first_line}'s {first}: one calculation is in "
                   "one currency."), currency=x.currency.value, first_line=first_line,
                first=first.currency.value)))
        if x.ref in refs:
            problems.append((line, "ref", UserError(
                N_("Ref {ref} is already used by line {other}."), ref=x.ref, other=refs[x.ref])))
        refs.setdefault(x.ref, line)
        if isinstance(x, Charge) and x.on_ref is not None and (x.on_ref not in charges
                                                                or x.on_ref == x.ref):
            problems.append((line, "on", UserError(
                N_("No other charge has the ref {ref}."), ref=x.on_ref)))
    return problems



HEADER = ("line", "date", "kind", "amount", "currency", "credited_on", "minimum", "statement",
          "period_from", "period_to", "on", "ref", "description")


def to_csv(lines: AccountLines) -> str:
    """The lines as CSV text in the layout `parse_csv` reads (English headers, every line with
    its ref), so saved lines can be edited on the page and read back unchanged."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)

    def iso(value: date | None) -> str:
        return value.isoformat() if value else ""

    def amount(minor: int | None, currency: Currency) -> str:
        return "" if minor is None else format_amount_input(minor, currency.value)

    rows = []
    for c in lines.charges:
        rows.append((c.source_line, ["charge", iso(c.charged_on), c.kind.value,
                                     amount(c.amount_minor, c.currency), c.currency.value, "",
                                     "", iso(c.statement_on), iso(c.period_from),
                                     iso(c.period_to), c.on_ref or "", c.ref, c.description]))
    for p in lines.payments:
        rows.append((p.source_line, ["payment", iso(p.paid_on), "",
                                     amount(p.amount_minor, p.currency), p.currency.value,
                                     iso(p.credited_on), "", "", "", "", "", p.ref,
                                     p.description]))
    for d in lines.dues:
        rows.append((d.source_line, ["due", iso(d.due_on), "", amount(d.balance_minor, d.currency),
                                     d.currency.value, "", amount(d.minimum_minor, d.currency),
                                     iso(d.statement_on), "", "", "", d.ref, d.description]))
    for _, row in sorted(rows, key=lambda r: (r[0] is None, r[0] or 0)):
        writer.writerow(row)
    return out.getvalue()
