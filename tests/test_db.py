import subprocess
import sys
import textwrap

import duckdb
import pytest

from dispute.storage import Database
from dispute.errors import DatabaseLocked, WriteNotApplied
from dispute.storage.migrate import available, migrate
from tests.conftest import raw


@pytest.fixture
def db(tmp_path):
    database = Database(tmp_path / "t.duckdb")
    raw(database, "CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER)")
    raw(database, "INSERT INTO t VALUES (1, 0)")
    yield database
    database.close()


def test_unit_of_work_rolls_back_when_the_function_raises(db):
    def fail(uow):
        uow.execute("UPDATE t SET n = 5")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        db.write(fail)
    assert raw(db, "SELECT n FROM t").scalar() == 0


def test_a_failed_statement_is_never_reported_as_a_saved_write(db):
    """DuckDB silently rolls back a COMMIT after a failed statement; we refuse to commit."""

    def swallow(uow):
        uow.execute("UPDATE t SET n = 5")
        try:
            uow.execute("INSERT INTO t VALUES (1, 1)")  # duplicate key
        except duckdb.ConstraintException:
            pass

    with pytest.raises(WriteNotApplied):
        db.write(swallow)
    assert raw(db, "SELECT n FROM t").scalar() == 0


def test_write_conflicts_are_retried(db):
    calls = []

    def conflicting(uow):
        calls.append(1)
        if len(calls) < 3:
            raise duckdb.TransactionException("Conflict on update!")
        uow.execute("UPDATE t SET n = n + 1")

    db.write(conflicting)
    assert len(calls) == 3
    assert raw(db, "SELECT n FROM t").scalar() == 1


def test_another_process_holding_the_file_is_reported_in_one_sentence(tmp_path, db):
    code = textwrap.dedent(f"""
        from pathlib import Path
        from dispute.storage import Database
        from dispute.errors import DatabaseLocked
        try:
            Database(Path({str(db.path)!r}))
        except DatabaseLocked as exc:
            print(exc)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60).stdout
    assert "in use by another program" in out and str(db.path) in out


def test_migrations_apply_once_and_in_order(tmp_path):
    database = Database(tmp_path / "m.duckdb")
    assert migrate(database) == [name for _, name, _ in available("duckdb")]
    assert migrate(database) == []
    assert raw(database, "SELECT count(*) FROM chain_head").scalar() == 1
    database.close()
