"""The PostgreSQL backend: a pool of connections to one server, shared by several portal processes.

Same interface as `dispute.storage.duckdb.database`: `read(fn)` and `write(fn)` hand `fn` a session
(`execute`, `executemany`, `stream`, `keys`), the storage SQL keeps its `?` placeholders (turned
into psycopg's `%s` here), and times cross the boundary in UTC: aware datetimes are stored as naive
UTC `TIMESTAMP`s and come back aware (tzinfo UTC), exactly as from DuckDB.

Concurrency. Several processes write at once, so what DuckDB's single writer process gave for free
is made explicit. Writes run at READ COMMITTED with explicit row locks, chosen over SERIALIZABLE
because the writes that matter all meet on a few known rows and waiting for a lock is cheaper and
more predictable under load than failing and rerunning whole units of work:

- a dispute loaded for a write is locked (`SELECT … FOR UPDATE OF d`, `tx.for_update`), so two
  writes to one dispute run one after the other and the second sees the first's version: a stale
  write is refused by the service's version check (the reload message), never applied;
- the event chain's head row is locked the same way before an event is appended, so the chain
  stays one chain across processes (appends queue on that row until the holder commits);
- dispute numbers come from a per-year counter row updated in place (`INSERT … ON CONFLICT DO
  UPDATE … RETURNING`), which holds that row's lock to the commit: unique and gap-free, since a
  rolled-back filing rolls its number back;
- deadlocks and serialization failures (and `WriteConflict`, a version-guarded UPDATE that matched
  nothing) roll the unit of work back and run it again, at most MAX_ATTEMPTS times.

Reads run in a REPEATABLE READ transaction, so everything one `read(fn)` sees is one snapshot (the
chain check reads every event and the head together while portals keep writing). A `read` inside
a `write` on the same thread runs on the write's connection and sees its uncommitted rows, as the
DuckDB backend's per-thread cursor does.
"""

from __future__ import annotations

import itertools
import random
import threading
import time
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any, Callable, Iterator, Sequence, TypeVar

import psycopg
from psycopg import errors as pg_errors
from psycopg.conninfo import conninfo_to_dict
from psycopg.types.datetime import TimestampBinaryLoader, TimestampLoader
from psycopg_pool import ConnectionPool

from dispute.errors import DatabaseUnavailable, WriteNotApplied
from dispute.i18n import N_
from dispute.storage import run_memo
from dispute.storage.conflict import WriteConflict
from dispute.storage.rows import Rows

T = TypeVar("T")
MAX_ATTEMPTS = 8
MIN_SERVER_VERSION = 150000
RETRYABLE = (pg_errors.SerializationFailure, pg_errors.DeadlockDetected, WriteConflict)


class _UtcTimestamp(TimestampLoader):
    def load(self, data):
        return super().load(data).replace(tzinfo=timezone.utc)


class _UtcTimestampBinary(TimestampBinaryLoader):
    def load(self, data):
        return super().load(data).replace(tzinfo=timezone.utc)


@lru_cache(maxsize=4096)
def translate(sql: str) -> str:
    """The storage layer's `?` placeholders as psycopg's `%s`, and every literal `%` doubled
    (psycopg reads `%` anywhere in the text). A `?` inside a quoted string or name stays."""
    out, quote = [], None
    for ch in sql:
        if ch == "%":
            out.append("%%")
        elif quote:
            out.append(ch)
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
            out.append(ch)
        elif ch == "?":
            out.append("%s")
        else:
            out.append(ch)
    return "".join(out)


def _param(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


def _params(params: Sequence[Any] | None) -> list[Any]:
    return [_param(p) for p in params or ()]


_cursor_names = itertools.count(1)


class Session:
    """What a storage function is handed in `read`: statements on this call's connection, inside
    one REPEATABLE READ transaction, and the keys that open sealed fields."""

    backend = "postgresql"
    locks = False  # True in a write: rows read for a change are locked (`for_update`)

    def __init__(self, conn: psycopg.Connection, keys: Any) -> None:
        self._conn = conn
        self.keys = keys

    def for_update(self, *aliases: str) -> str:
        """` FOR UPDATE OF …` inside a write (the rows stay locked to the commit), nothing in a
        read: what storage appends to a SELECT of rows a write is about to change."""
        return f" FOR UPDATE OF {', '.join(aliases)}" if self.locks else ""

    def execute(self, sql: str, params: Sequence[Any] | None = ()) -> Rows:
        cur = self._conn.execute(translate(sql), _params(params))
        if cur.description is None:
            return Rows([], [])
        return Rows([d.name for d in cur.description], cur.fetchall())

    def stream(self, sql: str, params: Sequence[Any] | None = (),
               batch: int = 10_000) -> Iterator[dict[str, Any]]:
        """Rows as dicts, fetched `batch` at a time through a server-side cursor (the chain check
        reads every event); other statements may run between batches."""
        with self._conn.cursor(name=f"dispute_stream_{next(_cursor_names)}") as cur:
            cur.execute(translate(sql), _params(params))
            columns = [d.name for d in cur.description]
            while chunk := cur.fetchmany(batch):
                for row in chunk:
                    yield dict(zip(columns, row))


class UnitOfWork(Session):
    """One write transaction (READ COMMITTED, rows locked where storage asks). A failed statement
    poisons it: `commit()` then refuses instead of reporting a write that did not land."""

    locks = True

    def __init__(self, conn: psycopg.Connection, keys: Any) -> None:
        super().__init__(conn, keys)
        self._failed: BaseException | None = None
        self.changed_disputes: set = set()
        self.appended: list = []  # those events (dispute.events.append), for the outbox

    def execute(self, sql: str, params: Sequence[Any] | None = ()) -> Rows:
        try:
            return super().execute(sql, params)
        except BaseException as exc:
            self._failed = exc
            raise

    def executemany(self, sql: str, seq: list[Sequence[Any]]) -> None:
        try:
            with self._conn.cursor() as cur:
                cur.executemany(translate(sql), [_params(p) for p in seq])
        except BaseException as exc:
            self._failed = exc
            raise

    def commit(self) -> None:
        if self._failed is not None:
            raise WriteNotApplied(N_("The change was not saved because a step of it failed; "
                                     "nothing was written."))
        self._conn.execute("COMMIT")


def where(url: str) -> str:
    """The server and database of a URL, without the password (for messages and `health`)."""
    try:
        info = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "(an unreadable DISPUTE_DATABASE_URL)"
    host = info.get("host") or "localhost"
    port = info.get("port") or "5432"
    place = host if host.startswith("/") else f"{host}:{port}"
    return f"{info.get('user') or '(default user)'}@{place}/{info.get('dbname') or '(default)'}"


def unavailable(url: str, exc: BaseException) -> DatabaseUnavailable:
    """The one-line reason a connection failed, for a person starting the portal."""
    text = str(exc).strip()
    reason = text.splitlines()[-1] if text else type(exc).__name__
    for line in text.splitlines():  # libpq reports each address it tried; the last is a summary
        if "FATAL" in line or "failed" in line:
            reason = line
    place = where(url)
    lower = text.lower()
    if "password authentication failed" in lower or "no password supplied" in lower \
            or ("role" in lower and "does not exist" in lower):
        return DatabaseUnavailable(
            N_("PostgreSQL at {place} refused the user name or password in "
               "DISPUTE_DATABASE_URL."), place=place)
    if "database" in lower and "does not exist" in lower:
        return DatabaseUnavailable(
            N_("The database of DISPUTE_DATABASE_URL does not exist on the PostgreSQL server "
               "({place}); create it first (README: Running on PostgreSQL)."), place=place)
    if isinstance(exc, psycopg.ProgrammingError):
        return DatabaseUnavailable(N_("DISPUTE_DATABASE_URL cannot be read: {reason}"),
                                   reason=reason)
    return DatabaseUnavailable(
        N_("Cannot reach the PostgreSQL server ({place}): {reason}"),
        place=place, reason=reason.removeprefix("connection failed: "))


def _configure(conn: psycopg.Connection) -> None:
    conn.adapters.register_loader("timestamp", _UtcTimestamp)
    conn.adapters.register_loader("timestamp", _UtcTimestampBinary)
    conn.execute("SET TIME ZONE 'UTC'")


def _rollback(conn: psycopg.Connection) -> None:
    if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE and not conn.closed:
        conn.execute("ROLLBACK")


class Database:
    """A connection pool; each `read`/`write` borrows one connection for its whole call."""

    backend = "postgresql"

    def __init__(self, url: str, *, max_connections: int = 10,
                 connect_timeout: float = 10) -> None:
        self.url = url
        self.where = where(url)
        try:
            with psycopg.connect(url, connect_timeout=int(connect_timeout)) as probe:
                version = probe.info.server_version
        except (psycopg.OperationalError, psycopg.ProgrammingError) as exc:
            raise unavailable(url, exc) from None
        if version < MIN_SERVER_VERSION:
            raise DatabaseUnavailable(
                N_("The PostgreSQL server ({place}) is version {version}; the portal needs 15 "
                   "or newer."), place=self.where, version=f"{version // 10000}")
        self.server_version = version
        self._pool = ConnectionPool(url, min_size=1, max_size=max_connections, open=False,
                                    kwargs={"autocommit": True}, configure=_configure,
                                    check=ConnectionPool.check_connection,
                                    name="dispute", timeout=60)
        self._pool.open(wait=True, timeout=connect_timeout)
        self._local = threading.local()
        self.keys: Any = None  # the keyring, once open (dispute/context.py)
        self.before_commit: Callable[[UnitOfWork], None] | None = None

    def read(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """`fn(session, *args, **kwargs)` in one snapshot (or inside this thread's write)."""
        current = getattr(self._local, "conn", None)
        if current is not None:
            return fn(Session(current, self.keys), *args, **kwargs)
        with self._pool.connection() as conn:
            self._local.conn = conn
            try:
                conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
                result = fn(Session(conn, self.keys), *args, **kwargs)
                conn.execute("COMMIT")
                return result
            except BaseException:
                _rollback(conn)
                raise
            finally:
                self._local.conn = None

    def write(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """See `_write`; whatever it did, the rows this thread's page run remembered are
        forgotten (dispute/storage/run_memo.py)."""
        try:
            return self._write(fn, *args, **kwargs)
        finally:
            run_memo.forget()

    def _write(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """`fn(uow, *args, **kwargs)` in a transaction: committed when it returns, rolled back
        when it raises; rerun after a deadlock or a lost race (see the module's docstring)."""
        if getattr(self._local, "writing", False):
            raise RuntimeError("a write cannot start inside another write")
        outer = getattr(self._local, "conn", None)  # a write started inside a read: its own
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                with self._pool.connection() as conn:
                    self._local.conn, self._local.writing = conn, True
                    try:
                        conn.execute("BEGIN ISOLATION LEVEL READ COMMITTED")
                        uow = UnitOfWork(conn, self.keys)
                        result = fn(uow, *args, **kwargs)
                        if uow.changed_disputes and self.before_commit is not None:
                            self.before_commit(uow)
                        uow.commit()
                        return result
                    except BaseException:
                        _rollback(conn)
                        raise
                    finally:
                        self._local.conn, self._local.writing = outer, False
            except RETRYABLE:
                if attempt == MAX_ATTEMPTS:
                    raise
                time.sleep(random.uniform(0.005, 0.05) * attempt)
        raise AssertionError("unreachable")

    def raw_connection(self) -> psycopg.Connection:
        """A new connection of its own (autocommit), for bulk tools that must speak PostgreSQL
        (the benchmarks' data generators); the caller closes it. The portal never uses it."""
        conn = psycopg.connect(self.url, autocommit=True)
        _configure(conn)
        return conn

    def close(self) -> None:
        self._pool.close()
