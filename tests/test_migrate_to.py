"""`python -m dispute migrate-to postgresql://…` as an operator runs it, on demo data: every table
copied as it is into an empty PostgreSQL database of a real throwaway cluster, checked, and the
portal then works on PostgreSQL with the same store and keys; a database holding data is
refused."""

from __future__ import annotations

import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest

from dispute import audit, cases
from dispute.accounts import get_user
from dispute.config import load_settings
from dispute.context import open_context
from dispute.storage import transfer
from dispute.vocab import Role
from tests.test_cli import run


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory) -> Path:
    """An embedded portal with demo data, made once per module by the CLI (about 9 s)."""
    data = tmp_path_factory.mktemp("migrate-demo") / "data"
    made = run(data, "demo", "--cases", "4", "--seed", "5")
    assert made.returncode == 0, made.stderr
    return data


@pytest.fixture
def embedded(demo_data: Path, tmp_path: Path) -> Path:
    """This test's own copy of the demo portal (keys, database and store, modes kept)."""
    return Path(shutil.copytree(demo_data, tmp_path / "data", symlinks=True))


def _rows(db, table: str) -> list[tuple]:
    """Every row; times as UTC-aware (DuckDB hands back naive UTC, the PostgreSQL backend aware)."""
    names = db.read(transfer.columns, table)
    return [tuple(_utc(v) for v in row)
            for row in db.read(lambda tx: list(transfer.rows(tx, table, names)))]


def _utc(value):
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value


def test_an_embedded_portal_moves_whole_into_postgresql(embedded: Path, pg_empty_url: str
                                                        ) -> None:
    moved = run(embedded, "migrate-to", pg_empty_url)
    assert moved.returncode == 0, moved.stderr
    assert "event chain intact on PostgreSQL" in moved.stdout
    assert f"DISPUTE_DATABASE_URL={pg_empty_url}" in moved.stdout
    assert f"DISPUTE_EVIDENCE_DIR={embedded / 'evidence'}" in moved.stdout

    duck = open_context(load_settings({"DISPUTE_DATA_DIR": str(embedded)}))
    pg = open_context(load_settings({"DISPUTE_DATA_DIR": str(embedded),
                                     "DISPUTE_DATABASE_URL": pg_empty_url}))
    try:
        tables = duck.db.read(transfer.tables)
        assert {"users", "disputes", "evidence", "events", "chain_head", "data_keys"} <= set(tables)
        for table in tables:  # every row as it was: sealed bytes, hashes, times
            if table == "calendar_years":
                continue  # each start records the calendar it counted with; compared by count
            assert _rows(pg.db, table) == _rows(duck.db, table), table
        assert pg.db.read(transfer.counts) == duck.db.read(transfer.counts)
        count, problem = audit.verify_chain(pg.db)
        assert problem is None and count > 0
        # The portal works on PostgreSQL: the same disputes, evidence readable, new writes chain on.
        staff = get_user(pg, next(u for u in _rows(pg.db, "users")
                                  if u[pg.db.read(transfer.columns, "users").index("role")]
                                  == Role.STAFF.value)[0])
        number = sorted(r[0] for r in pg.db.read(
            lambda tx: tx.execute("SELECT number FROM disputes").rows))[0]
        item = cases.get_dispute(pg, staff, number)
        from dispute.notes import add_note
        add_note(pg, staff, item.number, {"body": "written after the move"})
        count_after, problem = audit.verify_chain(pg.db)
        assert problem is None and count_after == count + 1
    finally:
        duck.db.close()
        pg.db.close()
    assert run(embedded, "audit", "verify", env={"DISPUTE_DATABASE_URL": pg_empty_url}
               ).returncode == 0


def test_a_database_holding_data_is_refused(embedded: Path, pg_empty_url: str) -> None:
    assert run(embedded, "migrate-to", pg_empty_url).returncode == 0
    again = run(embedded, "migrate-to", pg_empty_url)
    assert again.returncode == 1
    assert "already holds portal data" in again.stderr


def test_refused_while_the_portal_is_already_on_postgresql(embedded: Path, pg_url: str) -> None:
    done = run(embedded, "migrate-to", pg_url, env={"DISPUTE_DATABASE_URL": pg_url})
    assert done.returncode == 1 and "already on PostgreSQL" in done.stderr
