"""The DuckDB file's write-ahead log: folded into the file when the portal closes the database,
folded at the next start when a process was killed with a log left, and the repair used when
DuckDB cannot replay an index's part of that log (dispute/storage/duckdb/database.py)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb

from dispute.storage import Database
from dispute.storage.duckdb.database import rebuild_indexes
from tests.conftest import REPO, raw

# Runs in a child process: writes, then dies without closing (as a killed portal does).
WRITE_AND_DIE = textwrap.dedent("""
    import os, sys
    from pathlib import Path
    from dispute.storage import Database
    db = Database(Path(sys.argv[1]))
    db.write(lambda uow: uow.execute("INSERT INTO deadline_calendar_probe VALUES (1, '征信')"))
    db.write(lambda uow: uow.execute("DELETE FROM deadline_calendar_probe WHERE n = 1"))
    db.write(lambda uow: uow.execute("INSERT INTO deadline_calendar_probe VALUES (2, '逾期')"))
    os._exit(0)
""")


def _log(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def _probe_table(path: Path) -> None:
    db = Database(path)
    db.write(lambda uow: uow.execute(
        "CREATE TABLE deadline_calendar_probe (n INTEGER, word VARCHAR)"))
    db.write(lambda uow: uow.execute("CREATE INDEX probe_n ON deadline_calendar_probe (n)"))
    db.close()


def test_closing_folds_the_log_into_the_file(tmp_path) -> None:
    path = tmp_path / "dispute.duckdb"
    _probe_table(path)
    db = Database(path)
    db.write(lambda uow: uow.execute("INSERT INTO deadline_calendar_probe VALUES (1, 'a')"))
    assert _log(path).exists()
    db.close()
    assert not _log(path).exists()


def test_a_log_left_by_a_killed_process_is_folded_at_the_next_start(tmp_path) -> None:
    path = tmp_path / "dispute.duckdb"
    _probe_table(path)
    done = subprocess.run([sys.executable, "-c", WRITE_AND_DIE, str(path)], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert _log(path).stat().st_size > 0, "the killed process left its log"
    db = Database(path)
    try:
        assert not _log(path).exists(), "the log was folded at start"
        assert raw(db, "SELECT n, word FROM deadline_calendar_probe").dicts() == [
            {"n": 2, "word": "逾期"}]
        db.write(lambda uow: uow.execute("DELETE FROM deadline_calendar_probe WHERE n = 2"))
    finally:
        db.close()


def test_indexes_are_built_again_with_their_own_definitions(duckdb_template, tmp_path) -> None:
    """The repair for a log whose index part DuckDB cannot replay: every CREATE INDEX index is
    dropped and made again from its statement, and lookups through it find the same rows."""
    path = tmp_path / "dispute.duckdb"
    shutil.copyfile(duckdb_template, path)
    conn = duckdb.connect(str(path))
    try:
        listed = "SELECT index_name, table_name, sql FROM duckdb_indexes() ORDER BY 1"
        before = conn.execute(listed).fetchall()
        assert len(before) >= 10 and "deadlines_dispute" in [name for name, _, _ in before]
        conn.execute("CREATE TEMP TABLE one AS SELECT uuid() AS id")
        conn.execute("INSERT INTO deadlines SELECT id, 'r', 'lender', 'l', DATE '2026-12-01', "
                     "DATE '2026-12-15', NULL, false, 0, 0, 0, false, NULL, now() FROM one")
        rebuilt = rebuild_indexes(conn)
        assert sorted(rebuilt) == sorted(name for name, _, _ in before)
        assert conn.execute(listed).fetchall() == before
        assert conn.execute("SELECT count(*) FROM deadlines WHERE dispute_id = "
                            "(SELECT id FROM one)").fetchone() == (1,)
        conn.execute("DELETE FROM deadlines WHERE dispute_id = (SELECT id FROM one)")
        conn.execute("CHECKPOINT")
    finally:
        conn.close()
