"""The storage layer: the only code that writes SQL or touches a connection.

Services call the functions of the modules here (one module per group of records: `users`,
`disputes`, `history`, `evidence`, `records`, `deadlines`, `queue`, `dashboard`, …), handing them
a session from `ctx.db.read(fn, …)` or `ctx.db.write(fn, …)`:

    row = ctx.db.read(disputes.by_number, number)
    ctx.db.write(lambda uow: notes.add(uow, ...))

Storage functions turn rows into plain values and records, open sealed fields (`sealing.py`) and
convert times to UTC, so the services cannot tell which database they got. A backend is one
folder: `duckdb/` (the embedded default) holds its connection, error mapping and numbered
migrations.
"""

from __future__ import annotations

from dispute.storage.duckdb.database import Database, Session, UnitOfWork
from dispute.storage.rows import Rows

__all__ = ["Database", "Rows", "Session", "UnitOfWork"]
