"""What the error cost: account lines, the pure claim calculator and its working (issue 14).

- `lines`: the account's charges, payments and due dates (pydantic, integer minor units);
- `csv_import`: `parse_csv(text)` / `decode(bytes)`, all or nothing, English or Chinese headers;
- `facts`: the error and its dates (`ErrorFacts`), overrides, decisions;
- `lateness`: per category, the days the error made the account late;
- `calculator`: `calculate(lines, facts, jurisdiction, overrides) -> ClaimResult`;
- `cost`: the annualised cost check against 24% a year;
- `working`: the working as rows, text, HTML and JSON in either language;
- `command`: `python -m dispute claim`.

Nothing here reads a clock or a database; storage and pages call these functions.
"""

from dispute.claim.calculator import ClaimResult, LineResult, calculate
from dispute.claim.csv_import import CsvRefused, decode, parse_csv
from dispute.claim.facts import MONEY_CATEGORIES, ChargeMatch, Decision, ErrorFacts, Override
from dispute.claim.lines import AccountLines, Charge, ChargeKind, DueLine, Payment
from dispute.claim.words import ClaimRefused

__all__ = ["AccountLines", "Charge", "ChargeKind", "ChargeMatch", "ClaimRefused", "ClaimResult",
           "CsvRefused", "Decision", "DueLine", "ErrorFacts", "LineResult", "MONEY_CATEGORIES",
           "Override", "Payment", "calculate", "decode", "parse_csv"]
