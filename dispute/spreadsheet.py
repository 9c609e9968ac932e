"""CSV for spreadsheets: every CSV the portal writes goes through `to_csv`, which neutralises text
cells a spreadsheet would run as a formula (CSV or formula injection).

A cell whose text starts with "=", "+", "-", "@", a tab or a carriage return is read as a formula
by Excel, LibreOffice and Google Sheets (`=HYPERLINK(…)`, `+cmd|' /C calc'!A0`, `@SUM(…)`). Such
text gets a leading single quote, as OWASP advises: the spreadsheet shows it as text and the
quote shows the reader it was changed. Also covered: the same characters after leading spaces,
and their full-width forms (＝＋－＠), which Chinese input methods type. Only text is changed:
numbers, dates and empty cells stay as they are, so -12 is still a number.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any, Final

FORMULA_STARTS: Final = frozenset("=+-@\t\r\n＝＋－＠")


def safe_cell(value: Any) -> Any:
    """`value`, or for text that a spreadsheet would evaluate, the text behind a single quote."""
    if isinstance(value, str) and value.lstrip(" ")[:1] in FORMULA_STARTS:
        return "'" + value
    return value


def to_csv(columns: Sequence[Any], rows: Iterable[Sequence[Any]]) -> str:
    """A header and the rows as CSV text, every text cell neutralised."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(c) for c in columns])
    writer.writerows([safe_cell(v) for v in row] for row in rows)
    return out.getvalue()
