"""Disputes per (stage, handler, institution), kept beside the `disputes` table so the queue's
counts per stage need not count a million rows on every request.

Why: every queue page shows how many disputes each stage holds under the current filter. Counted
in SQL that is a pass over the whole table (or a whole index) per request: on PostgreSQL at a
million disputes 90–120 ms with an index, over a second without (bench/README-queue.md). The
common views are the whole queue, one stage (the counts leave the stage filter out, so they are
the whole queue's), "assigned to me", "unassigned" and one institution (the dashboard's bars
open it, and the largest lender holds a fifth of the book), alone or together: keyed by
(stage, handler, institution) this table answers each of them by summing at most a few
thousand rows, however large the book (its size is the combinations in use, not the disputes).
Filters on anything else fall back to the SQL count, which the indexes of migration 0019 make
quick on PostgreSQL.

Kept exact by the only writes that add a dispute or change its stage, handler or institution
(`disputes.insert`, `disputes.touch`, `disputes.set_flags` call `shift`), in the same
transaction, so a rolled-back write leaves the counts as they were. Disputes are never deleted
(erasure keeps the dispute rows). An unassigned dispute is keyed by the nil UUID: a primary key
column cannot hold NULL. Bulk loaders that write `disputes` directly (the benchmarks) call
`recount` afterwards; migration 0019 filled the table the same way from the rows it found.

On PostgreSQL the updates are row-locked increments (`n = n + ?`) taken in key order, so two
writers moving disputes cannot deadlock on them, and READ COMMITTED writers never lose one.
"""

from __future__ import annotations

from typing import Any, Iterable
from uuid import UUID

UNASSIGNED = UUID(int=0)
Key = tuple[str, UUID, str]   # stage, handler (UNASSIGNED for none), institution
COLUMNS = ("stage", "handler_id", "institution")  # the dispute columns it is keyed by

_NIL = "CAST('00000000-0000-0000-0000-000000000000' AS UUID)"
_UPSERT = ("INSERT INTO queue_counts (stage, handler_id, institution, n) VALUES (?, ?, ?, ?) "
           "ON CONFLICT (stage, handler_id, institution) DO UPDATE SET n = queue_counts.n + "
           "excluded.n")
RECOUNT = ("INSERT INTO queue_counts (stage, handler_id, institution, n) "
           f"SELECT stage, coalesce(handler_id, {_NIL}), institution, count(*) FROM disputes "
           f"GROUP BY stage, coalesce(handler_id, {_NIL}), institution")


def key(stage: Any, handler_id: UUID | str | None, institution: str) -> Key:
    """The table's key for a dispute in `stage` (a Stage or its value) held by `handler_id`."""
    return getattr(stage, "value", stage), _handler(handler_id), institution


def _handler(handler_id: UUID | str | None) -> UUID:
    if handler_id is None:
        return UNASSIGNED
    return handler_id if isinstance(handler_id, UUID) else UUID(str(handler_id))


def shift(tx, before: Key | None, after: Key | None) -> None:
    """One dispute moved from `before` to `after` (None: it did not exist / no longer does)."""
    if before == after:
        return
    deltas: dict[Key, int] = {}
    if before is not None:
        deltas[before] = deltas.get(before, 0) - 1
    if after is not None:
        deltas[after] = deltas.get(after, 0) + 1
    _apply(tx, deltas.items())


def _apply(tx, deltas: Iterable[tuple[Key, int]]) -> None:
    for (stage, handler, institution), n in sorted(deltas, key=lambda d: (d[0][0], str(d[0][1]),
                                                                            d[0][2])):
        if n:
            tx.execute(_UPSERT, (stage, handler, institution, n))


def recount(tx) -> None:
    """Rebuild the table from `disputes` (after a bulk load that bypassed `shift`)."""
    tx.execute("DELETE FROM queue_counts")
    tx.execute(RECOUNT)


ANY = "any"


def per_stage_sql(handler: UUID | None | str = ANY,
                  institution: str | None = None) -> tuple[str, list[Any]]:
    """Disputes per stage (columns `stage`, `n`), of every handler (ANY), of one handler, or
    unassigned (None), of every institution (None) or one; stages with none are left out, as a
    `GROUP BY` over the disputes leaves them out."""
    where, params = ["TRUE"], []
    if handler != ANY:
        where.append("handler_id = ?")
        params.append(_handler(handler))
    if institution is not None:
        where.append("institution = ?")
        params.append(institution)
    return ("SELECT stage, CAST(sum(n) AS BIGINT) AS n FROM queue_counts WHERE "
            + " AND ".join(where) + " GROUP BY stage HAVING sum(n) <> 0", params)


def per_stage(tx, handler: UUID | None | str = ANY,
              institution: str | None = None) -> dict[str, int]:
    return {r["stage"]: r["n"] for r in tx.execute(*per_stage_sql(handler, institution)).dicts()}


def grouped(tx) -> dict[Key, int]:
    """Every non-zero count by key: what the tests compare with a GROUP BY over the disputes."""
    return {(r["stage"], r["handler_id"], r["institution"]): r["n"] for r in tx.execute(
        "SELECT stage, handler_id, institution, n FROM queue_counts WHERE n <> 0").dicts()}
