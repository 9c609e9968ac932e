"""A write that lost a race to another writer and must run again from the start.

The backends raise their own driver errors for this (DuckDB's write conflicts, PostgreSQL's
serialization failures and deadlocks); storage code raises `WriteConflict` where it notices a
lost race itself (an UPDATE guarded by a version that matched no row). Both `Database.write`s
retry it a bounded number of times; the rerun reads the new state, so a stale write is then
refused by the service's own version check, never applied.
"""

from __future__ import annotations


class WriteConflict(Exception):
    """Rerun the unit of work: another writer changed what it read."""
