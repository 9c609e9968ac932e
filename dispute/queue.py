"""The staff queue and the legal docket: filtered, searched, counted and paged in SQL.

Pages are keyset-paginated (the cursor is the last row's sort key), so the hundredth page costs
what the first does and nothing ever loads every row. The SQL is built in one place, so the
benchmark can time the same statements raw (dispute/storage/queue.py, bench/queue.py).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, TypeAdapter

from dispute import local_days
from dispute.access import CASE_ROLES, require_role
from dispute.context import Context
from dispute.models import Strict, User
from dispute.pagination import bounds
from dispute.storage import disputes, search_index, users
from dispute.storage import queue as queue_rows
from dispute.vocab import ErrorCategory, Product, Stage

SORTS = ("newest", "oldest", "activity", "deadline")


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
    open_only: bool = False            # not closed (the dashboard's age chart)
    due_on: date | None = None         # the nearest lender deadline falls on this day
    sort: Literal["newest", "oldest", "activity", "deadline"] = "newest"


class Cursor(Strict):
    """Where the next page starts: the last row's sort key and number."""

    key: Any
    number: str


class QueueRow(Strict):
    # Made from the page's rows, which also hold the ids and sort key the page needed: those
    # are left out here rather than copied out of every row first.
    model_config = ConfigDict(Strict.model_config, extra="ignore")

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


# A page's rows validated in one call (about half the time of 25 models made one by one).
_ROWS = TypeAdapter(list[QueueRow])


class QueuePage(Strict):
    rows: list[QueueRow]
    counts: dict[Stage, int]     # per stage, under every filter but the stage
    total: int                   # rows under every filter
    next_cursor: Cursor | None   # None on the last page


def _resolve(ctx: Context, actor: User, f: QueueFilter, tx=None) -> queue_rows.Resolved:
    """What the query needs from outside it: today and the filing dates in the organisation's
    zone, the borrowers named by a search (names are sealed: found whole, by their index) and
    the text index's terms for it (constants in the statements: dispute/storage/search_index.py).
    Given `tx`, the look-ups are read in it (the page's own transaction), else in one of their
    own."""
    start, end = local_days.days_between(f.filed_from, f.filed_to, ctx.settings.timezone)
    text = f.text.strip()
    named, index = [], None
    if text and not queue_rows.NUMBER.fullmatch(text.upper()):
        def look_up(tx):
            return users.borrower_ids_named(tx, text), search_index.lookup(tx, text)

        named, index = look_up(tx) if tx is not None else ctx.db.read(look_up)
    return queue_rows.Resolved(actor_id=actor.id, today=ctx.today(), filed_from=start,
                               filed_to=end, named=named, text_index=index)


def queue(ctx: Context, actor: User, f: QueueFilter, after: Cursor | None = None,
          size: int = 25) -> QueuePage:
    """One page of the queue under `f`, with the counts per stage: one read transaction, the
    search's look-ups included (a second transaction cost a search about 0.3 ms, as much as
    the page of a one-word search itself on PostgreSQL)."""
    require_role(actor, *CASE_ROLES)
    size = max(1, min(size, 100))

    def read(tx) -> QueuePage:
        resolved = _resolve(ctx, actor, f, tx)
        counts = {Stage(s): n for s, n in queue_rows.counts(tx, f, resolved).items()}
        selected = ({f.stage} if f.stage else set(f.stages)) or set(Stage)
        total = sum(n for s, n in counts.items() if s in selected)
        # Nothing matches: skip the page, which for a search would scan every description again.
        # The page's window is chosen by the matches in every stage: a common term in a small
        # stage (autopay in litigation) is found in a window of that stage's rows, not by
        # reading all the term's postings (PostgreSQL: 250 ms at a million disputes).
        rows = (queue_rows.page(tx, f, resolved, after, size, sum(counts.values()))
                if total else [])
        more = len(rows) > size
        rows = rows[:size]
        return QueuePage(
            rows=_ROWS.validate_python(rows),
            counts=counts, total=total,
            next_cursor=Cursor(key=rows[-1]["sort_key"], number=rows[-1]["number"])
            if more else None)

    return ctx.db.read(read)


def reindex(ctx: Context) -> int:
    """Build the search's text index again from every description (an operator's command,
    `python -m dispute search reindex`; migration 0027 did it once). The writes keep the index
    up to date, so this is for repair, in one transaction: searches see the old index or the
    new one, never half of it. Returns the disputes indexed."""
    return ctx.db.write(search_index.rebuild)


def institutions(ctx: Context, actor: User, limit: int = 200) -> list[str]:
    """The institutions named most often, for the filters' choices."""
    require_role(actor, *CASE_ROLES)
    return ctx.db.read(disputes.institutions, limit)


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


def docket(ctx: Context, actor: User, page: int = 1, size: int = 25
           ) -> tuple[list[DocketRow], int]:
    """Legal's list: open disputes in mediation or litigation, the next sitting first."""
    require_role(actor, *CASE_ROLES)
    rows, total = ctx.db.read(queue_rows.docket, ctx.today(), *bounds(page, min(size, 100)))
    return [DocketRow(**r) for r in rows], total
