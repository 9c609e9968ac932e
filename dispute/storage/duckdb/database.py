"""The DuckDB backend: the one object that owns the embedded database file.

DuckDB allows one writer process per file and one connection per process is enough: each thread
(every Streamlit session runs in its own) gets its own cursor. Writes go through `write(fn)`, which
runs `fn` in a unit of work that rolls back unless it completes, serialises writers in this process
(protects the single write connection), and retries DuckDB's write conflicts a bounded number of
times. Reads go through `read(fn)`. Either way `fn` receives a session (`execute`, `keys`) and
never a cursor.

Times cross this boundary in UTC: aware datetimes are stored as naive UTC `TIMESTAMP`s and come
back aware (tzinfo UTC), so nothing above the storage layer converts them.
"""

from __future__ import annotations

import logging
import os
import random
import re
import shutil
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Sequence, TypeVar

import duckdb

from dispute.errors import DatabaseLocked, WriteNotApplied
from dispute.i18n import N_
from dispute.storage import run_memo
from dispute.storage.conflict import WriteConflict
from dispute.storage.rows import Rows

T = TypeVar("T")
_log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
_TIMESTAMP = "TIMESTAMP"


def _param(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


def _params(params: Sequence[Any] | None) -> list[Any]:
    return [_param(p) for p in params or ()]


def _fetch(cur: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] | None) -> Rows:
    cur.execute(sql, _params(params))
    if cur.description is None:
        return Rows([], [])
    columns = [d[0] for d in cur.description]
    stamps = [i for i, d in enumerate(cur.description) if str(d[1]) == _TIMESTAMP]
    rows = cur.fetchall()
    if stamps and rows:
        utc = timezone.utc
        fixed = []
        for row in rows:
            row = list(row)
            for i in stamps:
                if row[i] is not None:
                    row[i] = row[i].replace(tzinfo=utc)
            fixed.append(tuple(row))
        rows = fixed
    return Rows(columns, rows)


class Session:
    """What a storage function is handed: statements run on this thread's cursor, and the keys
    that open sealed fields. A read session; `UnitOfWork` is the writing one."""

    backend = "duckdb"
    locks = False  # no row locks: one process writes, its writers take turns

    def __init__(self, cur: duckdb.DuckDBPyConnection, keys: Any) -> None:
        self._cur = cur
        self.keys = keys

    def for_update(self, *aliases: str) -> str:
        """Nothing: one process writes, and its writers take turns (see the PostgreSQL twin)."""
        return ""

    def execute(self, sql: str, params: Sequence[Any] | None = ()) -> Rows:
        return _fetch(self._cur, sql, params)

    def stream(self, sql: str, params: Sequence[Any] | None = (), batch: int = 10_000):
        """Rows as dicts, fetched `batch` at a time (the chain check reads every event)."""
        self._cur.execute(sql, _params(params))
        columns = [d[0] for d in self._cur.description]
        while chunk := self._cur.fetchmany(batch):
            for row in chunk:
                yield dict(zip(columns, row))


class UnitOfWork(Session):
    """One write transaction. A failed statement poisons it: DuckDB would silently roll back a
    later COMMIT, so `commit()` refuses instead of reporting a write that did not land."""

    def __init__(self, cur: duckdb.DuckDBPyConnection, keys: Any) -> None:
        super().__init__(cur, keys)
        self._failed: BaseException | None = None
        self._done = False
        self.changed_disputes: set = set()  # ids whose events this transaction appended
        self.appended: list = []  # those events (dispute.events.append), for the outbox

    def execute(self, sql: str, params: Sequence[Any] | None = ()) -> Rows:
        try:
            return _fetch(self._cur, sql, params)
        except BaseException as exc:
            self._failed = exc
            raise

    def executemany(self, sql: str, seq: list[Sequence[Any]]) -> None:
        try:
            self._cur.executemany(sql, [_params(p) for p in seq])
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

    backend = "duckdb"

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        log_left = _log_path(path).exists()
        self._conn = _connect(path)
        self._local = threading.local()
        self._write_lock = threading.Lock()
        self.keys: Any = None  # the keyring, once open (dispute/context.py)
        # Runs inside every write that changed a dispute, just before COMMIT (the context
        # recomputes those disputes' deadlines here, so no service can forget to).
        self.before_commit: Callable[[UnitOfWork], None] | None = None
        if log_left:
            try:
                self._fold_log_left()
            except BaseException:
                self._conn.close()
                raise

    def _fold_log_left(self) -> None:
        """The last process stopped without folding its write-ahead log into the file (it was
        killed, or crashed): fold it now, at start, not at some later write.

        DuckDB 2.0 replays the log's rows at once but an index's changes only when the index
        is first used. Replaying an index's deletes can fail for good ("Attempted to
        dereference shared_ptr that is NULL!", met once on a million-dispute book after a
        killed run): from then on every write to that table and every CHECKPOINT fails. The
        rows are intact and an index holds nothing its table does not, so the indexes are then
        built again from their tables, in one transaction, and the log folded."""
        try:
            self._conn.execute("CHECKPOINT")
            return
        except duckdb.Error as exc:
            _log.warning("Folding the write-ahead log of %s failed (%s); building its indexes "
                         "again from their tables.", self.path, str(exc).splitlines()[0])
        self._conn.close()  # the failed CHECKPOINT invalidated this database instance
        self._conn = _connect(self.path)
        rebuild_indexes(self._conn)
        self._conn.execute("CHECKPOINT")
        _log.warning("Indexes of %s built again; its write-ahead log is folded.", self.path)

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        cur = getattr(self._local, "cursor", None)
        if cur is None:
            cur = self._conn.cursor()
            self._local.cursor = cur
        return cur

    def raw_connection(self) -> duckdb.DuckDBPyConnection:
        """The DuckDB connection itself, for bulk tools that must speak DuckDB (the benchmarks'
        data generators); the portal's code never uses it."""
        return self._conn

    def read(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """`fn(session, *args, **kwargs)` on this thread's cursor, outside any transaction."""
        return fn(Session(self._cursor(), self.keys), *args, **kwargs)

    def write(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """See `_write`; whatever it did, the rows this thread's page run remembered are
        forgotten (dispute/storage/run_memo.py)."""
        try:
            return self._write(fn, *args, **kwargs)
        finally:
            run_memo.forget()

    def _write(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """`fn(uow, *args, **kwargs)` in a transaction: committed when it returns, rolled back
        when it raises."""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                with self._write_lock, UnitOfWork(self._cursor(), self.keys) as uow:
                    result = fn(uow, *args, **kwargs)
                    if uow.changed_disputes and self.before_commit is not None:
                        self.before_commit(uow)
                    uow.commit()
                    return result
            except (duckdb.TransactionException, WriteConflict):
                if attempt == MAX_ATTEMPTS:
                    raise
                time.sleep(random.uniform(0.005, 0.05) * attempt)
        raise AssertionError("unreachable")

    def copy_file_to(self, dest: Path) -> None:
        """A consistent copy of the database file (for backups). No write can run meanwhile: this
        process holds the write lock and DuckDB lets no other process open the file; CHECKPOINT
        first moves everything in the write-ahead log into the file."""
        with self._write_lock:
            self._cursor().execute("CHECKPOINT")
            with self.path.open("rb") as src, dest.open("xb") as out:
                shutil.copyfileobj(src, out, 1 << 20)
                out.flush()
                os.fsync(out.fileno())

    def close(self) -> None:
        """Fold the write-ahead log into the file, then close: the next start has no log to
        replay (see `_fold_log_left` for why a replayed log is worth avoiding)."""
        with self._write_lock:
            try:
                self._conn.execute("CHECKPOINT")
            except duckdb.Error as exc:  # the log stays; the next start folds it
                _log.warning("Could not fold the write-ahead log of %s at close: %s",
                             self.path, str(exc).splitlines()[0])
            self._conn.close()


def _log_path(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def _connect(path: Path) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(path))
    except duckdb.IOException as exc:
        match = _LOCK_HOLDER.search(str(exc))
        if match:
            raise DatabaseLocked(
                N_("The database {path} is in use by another program (PID {pid}), most "
                   "likely the running portal; stop it, or use the portal instead."),
                path=str(path), pid=match.group(2)) from None
        raise


def rebuild_indexes(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """Drop every index made by CREATE INDEX and create it again from its own statement, in
    one transaction; the names, in order. Dropping an index discards what DuckDB had yet to
    replay into it, and creating it reads the table."""
    found = conn.execute("SELECT index_name, sql FROM duckdb_indexes() "
                         "WHERE database_name = current_database() AND sql IS NOT NULL "
                         "ORDER BY table_name, index_name").fetchall()
    conn.execute("BEGIN TRANSACTION")
    try:
        for name, sql in found:
            conn.execute(f'DROP INDEX "{name}"')
            conn.execute(sql)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return [name for name, _ in found]
