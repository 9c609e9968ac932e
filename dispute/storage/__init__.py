"""The storage layer: the only code that writes SQL or touches a connection.

Services call the functions of the modules here (one module per group of records: `users`,
`disputes`, `history`, `evidence`, `records`, `deadlines`, `queue`, `dashboard`, …), handing them
a session from `ctx.db.read(fn, …)` or `ctx.db.write(fn, …)`:

    row = ctx.db.read(disputes.by_number, number)
    ctx.db.write(lambda uow: notes.add(uow, ...))

Storage functions turn rows into plain values and records, open sealed fields (`sealing.py`) and
convert times to UTC, so the services cannot tell which database they got. A backend is one
folder: `duckdb/` (the embedded default) and `postgresql/` (several portal processes over one
server) each hold their connection, error mapping and numbered migrations, under the same
version numbers. `open_database(settings)` picks one: PostgreSQL when DISPUTE_DATABASE_URL is
set. Where the SQL of the two must differ, storage asks `tx.backend`.
"""

from __future__ import annotations

from dispute.storage.duckdb.database import Database, Session, UnitOfWork
from dispute.storage.rows import Rows

__all__ = ["Database", "Rows", "Session", "UnitOfWork", "open_database"]


def open_database(settings):
    """The database the settings name: PostgreSQL at `database_url`, else the DuckDB file in the
    data directory. PostgreSQL's driver is imported only when it is used."""
    if settings.database_url:
        from dispute.storage.postgresql.database import Database as PostgresDatabase

        return PostgresDatabase(settings.database_url)
    return Database(settings.db_path)
