"""What a health check asks the database: that it answers, how fast, and its schema version."""

from __future__ import annotations

import time
from typing import Any


def probe(tx) -> dict[str, Any]:
    """The round trip of a trivial statement (ms) and the highest migration applied (None on a
    database never initialised). Works on either backend."""
    start = time.perf_counter()
    tx.execute("SELECT 1")
    elapsed_ms = (time.perf_counter() - start) * 1000
    has_table = tx.execute("SELECT count(*) FROM information_schema.tables "
                           "WHERE table_name = 'schema_migrations'").scalar()
    version = (tx.execute("SELECT max(version) FROM schema_migrations").scalar()
               if has_table else None)
    return {"round_trip_ms": elapsed_ms, "schema_version": version}
