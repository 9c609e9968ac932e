"""The staff queue and the legal docket: filtered, searched, counted and paged in SQL.

Pages are keyset-paginated (the cursor is the last row's sort key), so the hundredth page costs
what the first does and nothing ever loads every row. The SQL is built in one place, so the
benchmark can time the same statements raw (bench/queue.py).
"""

from __future__ import annotations

import re
import string
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal, Sequence
from uuid import UUID

from pydantic import Field

from dispute import events
from dispute.access import CASE_ROLES, require_role
from dispute.context import Context
from dispute.keys import Keyring
from dispute.models import Strict, User
from dispute.pii import name_index
from dispute.vocab import ErrorCategory, Product, Stage

SORTS = ("newest", "oldest", "activity", "deadline")

# sort → (key column, direction); the number breaks ties, in the same direction. Keys are bare
# columns, never expressions: DuckDB then pushes the top-N's running bound into the scan, which
# skips row groups by their min/max (coalesce(next_due_by, …) made the deadline sort 6× slower).
_ORDER = {
    "newest": ("d.filed_at", "DESC"),
    "oldest": ("d.filed_at", "ASC"),
    "activity": ("d.last_activity_at", "DESC"),
    "deadline": ("d.next_due_by", "ASC"),      # NULL (no deadline) sorts last
}
_NULLABLE = {"deadline"}


class QueueFilter(Strict):
    stage: Stage | None = None
    stages: list[Stage] = []           # the docket: several stages at once
    assigned: Literal["any", "me", "unassigned"] = "any"
    institution: Annotated[str, Field(max_length=200)] = ""
    product: Product | None = None
    error_category: ErrorCategory | None = None
    filed_from: date | None = None
    filed_to: date | None = None
    text: Annotated[str, Field(max_length=200)] = ""
    waiting: Literal["any", "waiting_on_borrower", "borrower_replied"] = "any"
    overdue: bool = False
    sort: Literal["newest", "oldest", "activity", "deadline"] = "newest"


class Cursor(Strict):
    """Where the next page starts: the last row's sort key and number."""

    key: Any
    number: str


class QueueRow(Strict):
    number: str
    institution: str
    product: Product
    error_category: ErrorCategory
    stage: Stage
    borrower_name: str
    handler_name: str | None
    filed_at: datetime
    last_activity_at: datetime | None
    waiting_on_borrower: bool
    borrower_replied: bool
    next_due_by: date | None


class QueuePage(Strict):
    rows: list[QueueRow]
    counts: dict[Stage, int]     # per stage, under every filter but the stage
    total: int                   # rows under every filter
    next_cursor: Cursor | None   # None on the last page


NUMBER = re.compile(r"DSP-\d{4}-\d{6,}")


def _contains_pattern(text: str) -> str:
    """An RE2 pattern matching `text` literally, ignoring case. RE2 finds a literal by memchr and
    a DFA straight on the UTF-8 bytes: ILIKE lowercases every non-ASCII (Chinese) row first and
    is about five times slower on the description column (bench/queue.py)."""
    return "(?i)" + "".join("\\" + c if c in string.punctuation else c for c in text)


def borrowers_sql(f: QueueFilter, keys: Keyring) -> tuple[str, list[Any]] | None:
    """The borrowers whose name the search matches, or None when there is no text to search.
    They are looked up first and passed in as a list: as a sub-select inside the search's OR they
    stopped DuckDB pushing the top-N's bound into the scan (page 270 ms of CPU instead of 6)."""
    text = f.text.strip()
    if not text or NUMBER.fullmatch(text.upper()):
        return None
    # Names are sealed (dispute/pii.py): a name is found by its blind index, whole and exact.
    return ("SELECT id FROM users WHERE role = 'borrower' AND name_idx = ?",
            [name_index(keys, text)])


def where(f: QueueFilter, actor: User, today: date, named: Sequence[UUID] = (), *,
          with_stage: bool = True) -> tuple[str, list[Any]]:
    """The WHERE clause of a filter (parameters bound, never spliced); `named` are the borrowers
    whose name matches the search (borrowers_sql)."""
    parts, params = ["TRUE"], []
    if with_stage and f.stage:
        parts.append("d.stage = ?")
        params.append(f.stage.value)
    if with_stage and f.stages:
        parts.append("list_contains(?, d.stage)")
        params.append([s.value for s in f.stages])
    if f.assigned == "me":
        parts.append("d.handler_id = ?")
        params.append(actor.id)
    elif f.assigned == "unassigned":
        parts.append("d.handler_id IS NULL")
    for column, value in (("institution", f.institution.strip()),
                          ("product", f.product.value if f.product else ""),
                          ("error_category", f.error_category.value if f.error_category
                           else "")):
        if value:
            parts.append(f"d.{column} = ?")
            params.append(value)
    if f.filed_from:
        parts.append("d.filed_at >= ?")
        params.append(datetime.combine(f.filed_from, datetime.min.time()))
    if f.filed_to:
        parts.append("d.filed_at < ?")
        params.append(datetime.combine(f.filed_to + timedelta(days=1), datetime.min.time()))
    if f.waiting == "waiting_on_borrower":
        parts.append("d.waiting_on_borrower")
    elif f.waiting == "borrower_replied":
        parts.append("d.borrower_replied")
    if f.overdue:
        parts.append("d.next_due_by < ? AND d.stage <> 'closed'")
        params.append(today)
    text = f.text.strip()
    if NUMBER.fullmatch(text.upper()):
        # A whole dispute number names one dispute: an index lookup, not a scan of every text.
        parts.append("d.number = ?")
        params.append(text.upper())
    elif text:
        named_clause = " OR list_contains(?, d.borrower_id)" if named else ""
        parts.append(f"(d.number = ? OR regexp_matches(d.description, ?){named_clause})")
        params += [text.upper(), _contains_pattern(text)] + ([list(named)] if named else [])
    return " AND ".join(parts), params


def page_sql(f: QueueFilter, actor: User, today: date, after: Cursor | None, size: int,
             named: Sequence[UUID] = ()) -> tuple[str, list[Any]]:
    """One page of rows, keyset-paged on (sort key, number), NULL keys last."""
    clause, params = where(f, actor, today, named)
    key, direction = _ORDER[f.sort]
    if after is not None:
        cmp = "<" if direction == "DESC" else ">"
        if after.key is None:       # inside the NULL tail: only the numbers still to come
            clause += f" AND {key} IS NULL AND d.number {cmp} ?"
            params += [after.number]
        else:
            tail = f" OR {key} IS NULL" if f.sort in _NULLABLE else ""
            clause += f" AND ({key} {cmp} ?{tail} OR ({key} = ? AND d.number {cmp} ?))"
            params += [after.key, after.key, after.number]
    sql = (f"SELECT p.*, reveal_name(b.name) AS borrower_name, "
           f"reveal_name(h.name) AS handler_name FROM ("
           f"SELECT d.number, d.institution, d.product, d.error_category, d.stage, "
           f"d.borrower_id, d.handler_id, d.filed_at, d.last_activity_at, "
           f"d.waiting_on_borrower, d.borrower_replied, d.next_due_by, {key} AS sort_key "
           f"FROM disputes d WHERE {clause} ORDER BY {key} {direction} NULLS LAST, "
           f"d.number {direction} "
           f"LIMIT ?) p JOIN users b ON b.id = p.borrower_id "
           f"LEFT JOIN users h ON h.id = p.handler_id "
           f"ORDER BY p.sort_key {direction} NULLS LAST, p.number {direction}")
    return sql, params + [size + 1]


def counts_sql(f: QueueFilter, actor: User, today: date, named: Sequence[UUID] = ()
               ) -> tuple[str, list[Any]]:
    clause, params = where(f, actor, today, named, with_stage=False)
    return f"SELECT d.stage, count(*) AS n FROM disputes d WHERE {clause} GROUP BY d.stage", params


def queue(ctx: Context, actor: User, f: QueueFilter, after: Cursor | None = None,
          size: int = 25) -> QueuePage:
    """One page of the queue under `f`, with the counts per stage."""
    require_role(actor, *CASE_ROLES)
    size = max(1, min(size, 100))
    today = ctx.today()
    lookup = borrowers_sql(f, ctx.keys)
    named = [r["id"] for r in ctx.db.query(*lookup)] if lookup else []
    counts = {Stage(r["stage"]): r["n"]
              for r in ctx.db.query(*counts_sql(f, actor, today, named))}
    selected = ({f.stage} if f.stage else set(f.stages)) or set(Stage)
    total = sum(n for s, n in counts.items() if s in selected)
    # Nothing matches: skip the page, which for a search would scan every description again.
    rows = list(ctx.db.query(*page_sql(f, actor, today, after, size, named))) if total else []
    more = len(rows) > size
    rows = rows[:size]
    return QueuePage(
        rows=[_row(r) for r in rows], counts=counts, total=total,
        next_cursor=Cursor(key=rows[-1]["sort_key"], number=rows[-1]["number"])
        if more else None)


def _row(r: dict[str, Any]) -> QueueRow:
    return QueueRow(**{k: v for k, v in r.items() if k in QueueRow.model_fields}
                    | {"filed_at": events.as_utc(r["filed_at"]),
                       "last_activity_at": events.as_utc(r["last_activity_at"])})


def institutions(ctx: Context, actor: User, limit: int = 200) -> list[str]:
    """The institutions named most often, for the filter's choices."""
    require_role(actor, *CASE_ROLES)
    return [r["institution"] for r in ctx.db.query(
        "SELECT institution, count(*) AS n FROM disputes GROUP BY institution "
        "ORDER BY n DESC, institution LIMIT ?", (limit,))]


class DocketRow(Strict):
    """A dispute before a mediation body or a court, with its record."""

    number: str
    stage: Stage
    institution: str
    borrower_name: str
    mediation_body: str | None
    mediation_reference: str | None
    court: str | None
    case_number: str | None
    next_sitting_on: date | None


DOCKET_STAGES = "d.stage IN ('mediation', 'litigation')"
DOCKET_COUNT_SQL = f"SELECT count(*) FROM disputes d WHERE {DOCKET_STAGES}"


def docket_sql(today: date, page: int, size: int) -> tuple[str, list[Any]]:
    """One page of the docket, the next sitting first (its count is DOCKET_COUNT_SQL). The next
    sittings are aggregated once and the names joined after the LIMIT: a correlated sub-select per
    dispute and names for every row cost twice as much on a large docket (bench/queue.py)."""
    return (
        "SELECT p.* EXCLUDE (borrower_id), reveal_name(b.name) AS borrower_name FROM ("
        "SELECT d.number, d.stage, d.institution, d.borrower_id, m.body AS mediation_body, "
        "m.reference AS mediation_reference, l.court, l.case_number, n.next_sitting_on "
        "FROM disputes d "
        "LEFT JOIN mediation m ON m.dispute_id = d.id "
        "LEFT JOIN litigation l ON l.dispute_id = d.id "
        "LEFT JOIN (SELECT dispute_id, min(held_on) AS next_sitting_on FROM ("
        " SELECT dispute_id, held_on FROM mediation_sessions UNION ALL "
        " SELECT dispute_id, held_on FROM hearings) WHERE held_on >= ? GROUP BY dispute_id) n "
        "ON n.dispute_id = d.id "
        f"WHERE {DOCKET_STAGES} "
        "ORDER BY n.next_sitting_on NULLS LAST, d.number LIMIT ? OFFSET ?) p "
        "JOIN users b ON b.id = p.borrower_id ORDER BY p.next_sitting_on NULLS LAST, p.number",
        [today, size, (max(page, 1) - 1) * size])


def docket(ctx: Context, actor: User, page: int = 1, size: int = 25
           ) -> tuple[list[DocketRow], int]:
    """Legal's list: open disputes in mediation or litigation, the next sitting first."""
    require_role(actor, *CASE_ROLES)
    size = max(1, min(size, 100))
    total = ctx.db.query(DOCKET_COUNT_SQL).scalar()
    rows = ctx.db.query(*docket_sql(ctx.today(), page, size))
    return [DocketRow(**r) for r in rows], total
