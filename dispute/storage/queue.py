"""The staff queue and the legal docket: filtered, searched, counted and keyset-paged in SQL.

The statements are built here in one place (the benchmark times the same statements raw,
bench/queue.py). `f` is the service's `QueueFilter` (dispute/queue.py); what needs the clock,
the time zone or the keys is resolved by the service and passed in as plain values.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, Sequence
from uuid import UUID

from dispute.search_text import caseless
from dispute.storage import queue_counts, search_index
from dispute.storage.search_index import IndexQuery
from dispute.storage.sealing import USER_NAME, opened, opened_rows

# sort → (key column, direction); the number breaks ties, in the same direction. Keys are bare
# columns, never expressions: DuckDB then pushes the top-N's running bound into the scan, which
# skips row groups by their min/max (coalesce(next_due_by, …) made the deadline sort 6× slower).
ORDER = {
    "newest": ("d.filed_at", "DESC"),
    "oldest": ("d.filed_at", "ASC"),
    "activity": ("d.last_activity_at", "DESC"),
    "deadline": ("d.next_due_by", "ASC"),      # NULL (no deadline) sorts last
}
_NULLABLE = {"deadline"}
_NOT_NULL = {"newest", "oldest"}                # filed_at: NOT NULL
NUMBER = re.compile(r"DSP-\d{4}-\d{6,}")


@dataclass(frozen=True)
class Resolved:
    """What the service works out before the query: the acting user, today in the
    organisation's zone, the filing-date filter as UTC instants, the borrowers whose whole
    name the search matches, and the text index's answer for the search (None: scan every
    description; dispute/storage/search_index.py `lookup`)."""

    actor_id: UUID
    today: date
    filed_from: datetime | None = None
    filed_to: datetime | None = None
    named: Sequence[UUID] = ()
    text_index: IndexQuery | None = None


def _contains_pattern(text: str) -> str:
    """An RE2 pattern matching `text` literally, ignoring case. RE2 finds a literal by memchr and
    a DFA straight on the UTF-8 bytes: ILIKE lowercases every non-ASCII (Chinese) row first and
    is about five times slower on the description column (bench/queue.py)."""
    return "(?i)" + "".join("\\" + c if c in string.punctuation else c for c in text)


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" for _ in values)


# A description containing the search text, by the pattern above: DuckDB's RE2, PostgreSQL's
# regular expressions (which read the same `(?i)` and backslashed punctuation).
CONTAINS = {"duckdb": "regexp_matches(d.description, ?)", "postgresql": "d.description ~ ?"}


_POSTINGS = "SELECT dispute_id FROM search_terms WHERE term IN ({})"
# The literal check on the candidates only: the disputes holding a term of the rarest group and,
# for each other group (rarer first), a term of it for the same dispute. The checked text names
# the posting (an empty piece of its term), so that neither database moves the check down into
# its scan of every description, where it would run on all of them (DuckDB did: phrases took
# 3 s; it folds a CASE on the posting's NOT NULL term away).
_CHECKED = ("SELECT c.id FROM search_terms t JOIN disputes c ON c.id = t.dispute_id "
            "WHERE t.term IN ({}){also} AND {check}")
_ALSO = " AND t.dispute_id IN (SELECT dispute_id FROM search_terms WHERE term IN ({}))"
_CHECK = {"duckdb": "regexp_matches(c.description || substr(t.term, 1, 0), ?)",
          "postgresql": "(c.description || substr(t.term, 1, 0)) ~ ?"}
# The same check for a text with no letter that has another case (Chinese, digits, punctuation):
# a plain search for the bytes. PostgreSQL's regular expressions cost about 25 µs per Chinese
# description (README's performance section), a substring search a fraction of it.
_CHECK_CASELESS = {"duckdb": "contains(c.description || substr(t.term, 1, 0), ?)",
                   "postgresql": "strpos(c.description || substr(t.term, 1, 0), ?) > 0"}
# The scan's test for such a text (`caseless`).
CONTAINS_CASELESS = {"duckdb": "contains(d.description, ?)",
                     "postgresql": "strpos(d.description, ?) > 0"}


def scan_clause(text: str, named: Sequence[UUID], backend: str) -> tuple[str, list[Any]]:
    """What a search means, read row by row: the dispute's number is the text, its description
    contains it (ignoring case), or its borrower is named by it. The index's answer
    (`text_clause`) gives the same disputes; a window of the queue (`page_sql`) and a search the
    index cannot narrow down (punctuation alone) are filtered by this."""
    named_clause = f" OR d.borrower_id IN ({_marks(named)})" if named else ""
    if caseless(text):  # the same test as the pattern, a substring search (`_CHECK_CASELESS`)
        return (f"(d.number = ? OR {CONTAINS_CASELESS[backend]}{named_clause})",
                [text.upper(), text, *named])
    return (f"(d.number = ? OR {CONTAINS[backend]}{named_clause})",
            [text.upper(), _contains_pattern(text), *named])


def text_clause(r: Resolved, text: str, backend: str) -> tuple[str, list[Any]]:
    """A search's part of the WHERE clause. With the index's answer, one sub-select of the
    disputes it can be (the number, the postings answering exactly, the candidates passing the
    literal check, the named borrowers' disputes) joined to the queue by key: each database then
    reads those few rows by their key. The same as an OR of those conditions, but an OR of
    sub-selects is tested row by row on every dispute (PostgreSQL read the million disputes for
    a borrower's name: 478 ms at p50, bench/queue.py). Without an answer, `scan_clause`."""
    q = r.text_index
    if q is None:
        return scan_clause(text, r.named, backend)
    arms, params = ["SELECT id FROM disputes WHERE number = ?"], [text.upper()]
    if q.exact:
        arms.append(_POSTINGS.format(_marks(q.exact)))
        params += q.exact
    if q.checked:
        also = "".join(_ALSO.format(_marks(g)) for g in q.checked[1:])
        plain = caseless(text)
        check = (_CHECK_CASELESS if plain else _CHECK)[backend]
        arms.append(_CHECKED.format(_marks(q.checked[0]), also=also, check=check))
        params += [t for g in q.checked for t in g] + [text if plain else _contains_pattern(text)]
    if r.named:
        arms.append(f"SELECT id FROM disputes WHERE borrower_id IN ({_marks(r.named)})")
        params += r.named
    return f"d.id IN ({' UNION ALL '.join(arms)})", params


def where(f, r: Resolved, *, with_stage: bool = True,
          backend: str = "duckdb") -> tuple[str, list[Any]]:
    """The WHERE clause of a filter (parameters bound, never spliced)."""
    parts, params = ["TRUE"], []
    if with_stage and f.stage:
        parts.append("d.stage = ?")
        params.append(f.stage.value)
    if with_stage and f.stages:
        parts.append(f"d.stage IN ({_marks(f.stages)})")
        params += [s.value for s in f.stages]
    if f.assigned == "me":
        parts.append("d.handler_id = ?")
        params.append(r.actor_id)
    elif f.assigned == "unassigned":
        parts.append("d.handler_id IS NULL")
    for column, value in (("institution", f.institution.strip()),
                          ("product", f.product.value if f.product else ""),
                          ("error_category", f.error_category.value if f.error_category
                           else "")):
        if value:
            parts.append(f"d.{column} = ?")
            params.append(value)
    if r.filed_from:
        parts.append("d.filed_at >= ?")
        params.append(r.filed_from)
    if r.filed_to:
        parts.append("d.filed_at < ?")
        params.append(r.filed_to)
    if f.waiting == "waiting_on_borrower":
        parts.append("d.waiting_on_borrower")
    elif f.waiting == "borrower_replied":
        parts.append("d.borrower_replied AND d.stage <> 'closed'")  # nothing to answer when closed
    if f.overdue:
        parts.append("d.next_due_by < ? AND d.stage <> 'closed'")
        params.append(r.today)
    if getattr(f, "open_only", False):
        parts.append("d.stage <> 'closed'")
    if getattr(f, "due_on", None):
        parts.append("d.next_due_by = ? AND d.stage <> 'closed'")
        params.append(f.due_on)
    text = f.text.strip()
    if NUMBER.fullmatch(text.upper()):
        # A whole dispute number names one dispute: an index lookup, not a scan of every text.
        parts.append("d.number = ?")
        params.append(text.upper())
    elif text:
        clause, more = text_clause(r, text, backend)
        parts.append(clause)
        params += more
    return " AND ".join(parts), params


def one_term(f, r: Resolved) -> str | None:
    """The index term that alone decides a search with no filter but the stage (one or two CJK
    characters, or one ASCII word found in a single vocabulary word), else None. Its counts per
    stage are kept (search_term_stages) and its postings are joined to a window of the queue."""
    q = r.text_index
    if q is None or q.checked or len(q.exact) != 1 or r.named:
        return None
    return q.exact[0]


def _only_text(f, r: Resolved) -> bool:
    return where(f.model_copy(update={"text": ""}), r, with_stage=False)[0] == "TRUE"


# A page of a search matching many disputes reads the queue in order, a window of this many
# rows per row of the page, and keeps those matching: no join of a common term's postings (for
# 征信 in every other description, hundreds of thousands) with the million disputes, and no
# literal check of a common phrase on every candidate. When the window holds too few, the page
# is read again the whole way (page()).
WINDOW_PER_ROW = 8
WINDOW_FROM = 2_000  # matches from which a window is tried first


def page_sql(f, r: Resolved, after, size: int,
             backend: str = "duckdb", window: int | None = None) -> tuple[str, list[Any]]:
    """One page of rows, keyset-paged on (sort key, number), NULL keys last; `after` is the
    previous page's cursor (sort key and number) or None. With `window` (a search, see
    `page_window`), only the first `window` rows of the queue under the other filters are
    searched: joined with the term's postings for a one-term search (`one_term`), else checked
    as the scan checks (`scan_clause`)."""
    term = one_term(f, r) if window else None
    clause, params = where(f.model_copy(update={"text": ""}) if window else f, r,
                           backend=backend)
    key, direction = ORDER[f.sort]
    if after is not None:
        cmp = "<" if direction == "DESC" else ">"
        if after.key is None:       # inside the NULL tail: only the numbers still to come
            clause += f" AND {key} IS NULL AND d.number {cmp} ?"
            params += [after.number]
        else:
            tail = f" OR {key} IS NULL" if f.sort in _NULLABLE else ""
            clause += f" AND ({key} {cmp} ?{tail} OR ({key} = ? AND d.number {cmp} ?))"
            params += [after.key, after.key, after.number]
            if not tail:  # implied by the line above, but a range an index can start from
                clause += f" AND {key} {cmp}= ?"
                params += [after.key]
    # NULLS LAST only where a key can be NULL: said of filed_at (NOT NULL) it would change no
    # row's place but would stop PostgreSQL walking one (filed_at, number) index backwards for
    # "newest" and forwards for "oldest" (it does not know the column holds no NULLs).
    nulls = "" if f.sort in _NOT_NULL else " NULLS LAST"
    order = f"ORDER BY {key} {direction}{nulls}, d.number {direction}"
    columns = ("d.number, d.institution, d.product, d.error_category, d.stage, d.borrower_id, "
               "d.handler_id, d.filed_at, d.last_activity_at, d.waiting_on_borrower, "
               "d.borrower_replied, d.next_due_by")
    source = f"disputes d WHERE {clause}"
    if term:  # the window's rows joined with the term's postings, the window the smaller side
        source = (f"(SELECT d.id, {columns} FROM disputes d WHERE {clause} {order} LIMIT ?) d "
                  f"JOIN search_terms t ON t.dispute_id = d.id WHERE t.term = ?")
        params += [window, term]
    elif window:  # the window's rows checked as the scan would: a few hundred descriptions
        scan, more = scan_clause(f.text.strip(), r.named, backend)
        source = (f"(SELECT d.id, d.description, {columns} FROM disputes d WHERE {clause} "
                  f"{order} LIMIT ?) d WHERE {scan}")
        params += [window, *more]
    sql = (f"SELECT p.*, b.name AS borrower_name, h.name AS handler_name FROM ("
           f"SELECT {columns}, {key} AS sort_key FROM {source} {order} "
           f"LIMIT ?) p JOIN users b ON b.id = p.borrower_id "
           f"LEFT JOIN users h ON h.id = p.handler_id "
           f"ORDER BY p.sort_key {direction}{nulls}, p.number {direction}")
    return sql, params + [size + 1]


def counts_sql(f, r: Resolved, backend: str = "duckdb") -> tuple[str, list[Any]]:
    clause, params = where(f, r, with_stage=False, backend=backend)
    return f"SELECT d.stage, count(*) AS n FROM disputes d WHERE {clause} GROUP BY d.stage", params


def kept_count_key(f, r: Resolved) -> tuple[Any, str | None] | None:
    """What `queue_counts.per_stage` answers the counts with: (handler: ANY, the actor's id or
    None for unassigned; institution or None for every one), or None when the filter narrows
    by anything that table is not keyed by (the stage does not count: the counts leave it out)."""
    if (f.product or f.error_category or r.filed_from or r.filed_to or f.waiting != "any"
            or f.overdue or getattr(f, "open_only", False) or getattr(f, "due_on", None)
            or f.text.strip()):
        return None
    handler = {"any": queue_counts.ANY, "me": r.actor_id, "unassigned": None}[f.assigned]
    return handler, f.institution.strip() or None


def count_statement(f, r: Resolved, backend: str = "duckdb") -> tuple[str, list[Any]]:
    """The statement `counts` runs: the kept counts when the filter is at most an assignment
    and an institution (the common views), else `counts_sql` (indexed on PostgreSQL; a common
    search's read of every description)."""
    kept = kept_count_key(f, r)
    if kept is not None:
        return queue_counts.per_stage_sql(*kept)
    if r.text_index is not None and r.text_index.common:
        # Its candidates are a large share of the book: one pass over every description costs
        # less than finding and checking each (PostgreSQL, 征信报告 in 30% of a million
        # descriptions: 2.3 s through its candidates, 0.4 s read whole; bench/queue.py). The
        # same disputes either way: `scan_clause` is what a search means.
        r = replace(r, text_index=None)
    return counts_sql(f, r, backend)


def counts(tx, f, r: Resolved) -> dict[str, int]:
    """Rows per stage under every filter but the stage: for a one-term search and no other
    filter, the counts the writes keep for the term; for the common views (at most an
    assignment and an institution), the kept counts per stage (queue_counts)."""
    term = one_term(f, r)
    if term is not None and _only_text(f, r):
        return search_index.stage_counts(tx, term)
    return {row["stage"]: row["n"] for row in tx.execute(*count_statement(f, r, tx.backend))}


_NAMES = {"borrower_name": (USER_NAME, "borrower_id"),
          "handler_name": (USER_NAME, "handler_id")}


def page_window(f, r: Resolved, size: int, matches: int) -> int | None:
    """The window to try first for a page of a search matching `matches` disputes under every
    filter but the stage (None: read the whole way): for any search matching many disputes.
    A wasted window (the term is rare in the selected stage) costs one read of a few hundred
    rows by index before the whole way. The window decides the page as the whole way would
    (the first rows of the queue in its order, under the same filters, that match), so a phrase
    common in the book is checked literally on a few hundred descriptions, not on every
    candidate."""
    text = f.text.strip()
    if matches >= WINDOW_FROM and text and not NUMBER.fullmatch(text.upper()):
        return (size + 1) * WINDOW_PER_ROW
    return None


def next_window(window: int, found: int, size: int) -> int | None:
    """A second, wider window from how many rows the first held (their share of the queue), or
    None when it held none (the term is too rare there: read the whole way)."""
    return window * (size + 1) * 3 // (2 * found) if found else None


def page(tx, f, r: Resolved, after, size: int, matches: int = 0) -> list[dict[str, Any]]:
    """Up to `size + 1` rows (one more tells that a next page exists), names opened. `matches`
    (the rows the counts found in every stage) decides whether a window of the queue is
    searched first; when it holds too few, one wider window as the first's share suggests,
    then the whole way."""
    window, rows = page_window(f, r, size, matches), []
    for attempt in range(2):
        if window is None:
            break
        rows = tx.execute(*page_sql(f, r, after, size, tx.backend, window)).dicts()
        if len(rows) > size:
            break
        window = next_window(window, len(rows), size) if attempt == 0 else None
    if len(rows) <= size:  # no window, or none held enough: the whole way
        rows = tx.execute(*page_sql(f, r, after, size, tx.backend)).dicts()
    return opened_rows(tx.keys, rows, _NAMES)


DOCKET_STAGES = "d.stage IN ('mediation', 'litigation')"
# The docket's size, from the kept counts per stage (queue_counts.py): no pass over the disputes.
DOCKET_COUNT_SQL = ("SELECT CAST(coalesce(sum(n), 0) AS BIGINT) FROM queue_counts "
                    "WHERE stage IN ('mediation', 'litigation')")


def docket_sql(today: date, limit: int, offset: int,
               backend: str = "duckdb") -> tuple[str, list[Any]]:
    """One page of the docket: the disputes with a sitting to come first, by its date, then those
    with none, by number (its count is DOCKET_COUNT_SQL). The same rows in the same order on
    both backends, by the statement each runs quicker."""
    build = _docket_two_parts if backend == "postgresql" else _docket_one_pass
    return build(today, limit, offset)


def _docket_one_pass(today: date, limit: int, offset: int) -> tuple[str, list[Any]]:
    """DuckDB's docket page: one ORDER BY over the docket. The next sittings are aggregated once
    and the names joined after the LIMIT: a correlated sub-select per dispute and names for every
    row cost twice as much on a large docket (bench/queue.py). DuckDB's hash joins over the
    whole docket are quicker than `_docket_two_parts` there (45 against 64 ms at 90,000)."""
    return (
        "SELECT p.number, p.stage, p.institution, p.mediation_body, p.mediation_reference, "
        "p.court, p.case_number, p.next_sitting_on, p.borrower_id, b.name AS borrower_name FROM ("
        "SELECT d.number, d.stage, d.institution, d.borrower_id, m.body AS mediation_body, "
        "m.reference AS mediation_reference, l.court, l.case_number, n.next_sitting_on "
        "FROM disputes d "
        "LEFT JOIN mediation m ON m.dispute_id = d.id "
        "LEFT JOIN litigation l ON l.dispute_id = d.id "
        "LEFT JOIN (SELECT dispute_id, min(held_on) AS next_sitting_on FROM ("
        " SELECT dispute_id, held_on FROM mediation_sessions UNION ALL "
        " SELECT dispute_id, held_on FROM hearings) s WHERE held_on >= ? GROUP BY dispute_id) n "
        "ON n.dispute_id = d.id "
        f"WHERE {DOCKET_STAGES} "
        "ORDER BY n.next_sitting_on NULLS LAST, d.number LIMIT ? OFFSET ?) p "
        "JOIN users b ON b.id = p.borrower_id ORDER BY p.next_sitting_on NULLS LAST, p.number",
        [today, limit, offset])


def _docket_two_parts(today: date, limit: int, offset: int) -> tuple[str, list[Any]]:
    """PostgreSQL's docket page, built from its two parts, each ordered and cut to the
    page's end on its own: the disputes with a sitting to come (few: the upcoming sittings are
    aggregated and joined to their disputes), and those without (the docket's index walked by
    number, each checked for a sitting by its dispute index, stopping at the page's end). The
    records and names are joined to the page's rows only. One ORDER BY over the whole docket
    instead joins and sorts every dispute in it: 0.65 s on PostgreSQL at a million disputes
    (bench/queue.py)."""
    end = offset + limit
    upcoming = ("SELECT dispute_id, held_on FROM mediation_sessions WHERE held_on >= ? "
                "UNION ALL SELECT dispute_id, held_on FROM hearings WHERE held_on >= ?")
    return (
        "SELECT q.number, q.stage, q.institution, m.body AS mediation_body, "
        "m.reference AS mediation_reference, l.court, l.case_number, q.next_sitting_on, "
        "q.borrower_id, b.name AS borrower_name FROM ("
        "SELECT * FROM ("
        "(SELECT d.id, d.number, d.stage, d.institution, d.borrower_id, n.next_sitting_on "
        f"FROM (SELECT dispute_id, min(held_on) AS next_sitting_on FROM ({upcoming}) s "
        "GROUP BY dispute_id) n JOIN disputes d ON d.id = n.dispute_id "
        f"WHERE {DOCKET_STAGES} ORDER BY n.next_sitting_on, d.number LIMIT ?) "
        "UNION ALL "
        "(SELECT d.id, d.number, d.stage, d.institution, d.borrower_id, "
        "CAST(NULL AS DATE) AS next_sitting_on FROM disputes d "
        f"WHERE {DOCKET_STAGES} AND NOT EXISTS (SELECT 1 FROM mediation_sessions s "
        "WHERE s.dispute_id = d.id AND s.held_on >= ?) AND NOT EXISTS (SELECT 1 FROM "
        "hearings h WHERE h.dispute_id = d.id AND h.held_on >= ?) ORDER BY d.number LIMIT ?)"
        ") p ORDER BY p.next_sitting_on NULLS LAST, p.number LIMIT ? OFFSET ?) q "
        "LEFT JOIN mediation m ON m.dispute_id = q.id "
        "LEFT JOIN litigation l ON l.dispute_id = q.id "
        "JOIN users b ON b.id = q.borrower_id ORDER BY q.next_sitting_on NULLS LAST, q.number",
        [today, today, end, today, today, end, limit, offset])


def docket(tx, today: date, limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
    rows = [opened(tx.keys, row, {"borrower_name": (USER_NAME, "borrower_id")},
                   drop=("borrower_id",))
            for row in tx.execute(*docket_sql(today, limit, offset, tx.backend))]
    return rows, tx.execute(DOCKET_COUNT_SQL).scalar()
