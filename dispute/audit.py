"""Checks the event chain stored in the database (`python -m dispute audit verify`)."""

from __future__ import annotations

from dispute import events
from dispute.db import Database


def verify_chain(db: Database) -> tuple[int, events.ChainProblem | None]:
    """(number of events checked, first problem or None). Reads in batches: the chain may be long."""
    head = db.query("SELECT seq, hash FROM chain_head WHERE id = 1").first()
    cur = db.cursor()
    cur.execute("SELECT seq, dispute_id, actor_id, occurred_at, kind, payload, prev_hash, hash "
                "FROM events ORDER BY seq")
    names = [d[0] for d in cur.description]
    count = 0

    def rows():
        nonlocal count
        while batch := cur.fetchmany(10_000):
            for r in batch:
                count += 1
                yield dict(zip(names, r))

    problem = events.verify(rows(), head)
    return count, problem
