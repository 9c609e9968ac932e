"""The one object that owns the DuckDB connection.

DuckDB allows one writer process per file and one connection per process is enough: each thread
(every Streamlit session runs in its own) gets its own cursor. Writes go through `write(fn)`, which
runs `fn` in a unit of work that rolls back unless it completes, serialises writers in this process
(protects the single write connection), and retries DuckDB's write conflicts a bounded number of
times.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterator, TypeVar

import duckdb

from dispute.errors import DatabaseLocked, WriteNotApplied
from dispute.i18n import N_

T = TypeVar("T")
MAX_ATTEMPTS = 8


class Rows:
    """A fetched result with names, so callers never hold a cursor."""

    def __init__(self, columns: list[str], rows: list[tuple]) -> None:
        self.columns = columns
        self.rows = rows

    def dicts(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, r)) for r in self.rows]

    def first(self) -> dict[str, Any] | None:
        return dict(zip(self.columns, self.rows[0])) if self.rows else None

    def scalar(self) -> Any:
        return self.rows[0][0] if self.rows else None

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.dicts())

    def __len__(self) -> int:
        return len(self.rows)


def _fetch(cur: duckdb.DuckDBPyConnection, sql: str, params: Any) -> Rows:
    cur.execute(sql, params)
    if cur.description is None:
        return Rows([], [])
    return Rows([d[0] for d in cur.description], cur.fetchall())


class UnitOfWork:
    """One write transaction. A failed statement poisons it: DuckDB would silently roll back a
    later COMMIT, so `commit()` refuses instead of reporting a write that did not land."""

    def __init__(self, cur: duckdb.DuckDBPyConnection) -> None:
        self._cur = cur
        self._failed: BaseException | None = None
        self._done = False
        self.changed_disputes: set = set()  # ids whose events this transaction appended

    def execute(self, sql: str, params: Any = ()) -> Rows:
        try:
            return _fetch(self._cur, sql, params)
        except BaseException as exc:
            self._failed = exc
            raise

    def executemany(self, sql: str, seq: list[tuple]) -> None:
        try:
            self._cur.executemany(sql, seq)
        except BaseException as exc:
            self._failed = exc
            raise

    def __enter__(self) -> "UnitOfWork":
        self._cur.execute("BEGIN TRANSACTION")
        return self

    def commit(self) -> None:
        if self._failed is not None:
            raise WriteNotApplied(N_("The change was not saved because a step of it failed; "
                                     "nothing was written."))
        self._cur.execute("COMMIT")
        self._done = True

    def __exit__(self, exc_type, exc, tb) -> None:
        if not self._done:
            self._cur.execute("ROLLBACK")


_LOCK_HOLDER = re.compile(r"Conflicting lock is held in (.+?) \(PID (\d+)\)")


class Database:
    """Owns the connection; hands each thread its own cursor."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        try:
            self._conn = duckdb.connect(str(path))
        except duckdb.IOException as exc:
            match = _LOCK_HOLDER.search(str(exc))
            if match:
                raise DatabaseLocked(
                    N_("The database {path} is in use by another program (PID {pid}), most "
                       "likely the running portal; stop it, or use the portal instead."),
                    path=str(path), pid=match.group(2)) from None
            raise
        self._local = threading.local()
        self._write_lock = threading.Lock()
        # Runs inside every write that changed a dispute, just before COMMIT (the context
        # recomputes those disputes' deadlines here, so no service can forget to).
        self.before_commit: Callable[[UnitOfWork], None] | None = None

    def cursor(self) -> duckdb.DuckDBPyConnection:
        cur = getattr(self._local, "cursor", None)
        if cur is None:
            cur = self._conn.cursor()
            self._local.cursor = cur
        return cur

    def query(self, sql: str, params: Any = ()) -> Rows:
        """A read on this thread's cursor."""
        return _fetch(self.cursor(), sql, params)

    def write(self, fn: Callable[[UnitOfWork], T]) -> T:
        """Run `fn` in a transaction; commit when it returns, roll back when it raises."""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                with self._write_lock, UnitOfWork(self.cursor()) as uow:
                    result = fn(uow)
                    if uow.changed_disputes and self.before_commit is not None:
                        self.before_commit(uow)
                    uow.commit()
                    return result
            except duckdb.TransactionException:
                if attempt == MAX_ATTEMPTS:
                    raise
                time.sleep(random.uniform(0.005, 0.05) * attempt)
        raise AssertionError("unreachable")

    def copy_file_to(self, dest: Path) -> None:
        """A consistent copy of the database file (for backups). No write can run meanwhile: this
        process holds the write lock and DuckDB lets no other process open the file; CHECKPOINT
        first moves everything in the write-ahead log into the file."""
        with self._write_lock:
            self.cursor().execute("CHECKPOINT")
            with self.path.open("rb") as src, dest.open("xb") as out:
                shutil.copyfileobj(src, out, 1 << 20)
                out.flush()
                os.fsync(out.fileno())

    def register_function(self, name: str, fn: Callable[[Any], Any]) -> None:
        """A scalar VARCHAR → VARCHAR function for every cursor of this database (the sealed
        fields' reveal functions, dispute/pii.py)."""
        self._conn.create_function(name, fn, ["VARCHAR"], "VARCHAR", side_effects=False)

    def close(self) -> None:
        self._conn.close()
