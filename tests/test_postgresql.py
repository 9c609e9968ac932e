"""The PostgreSQL backend on a real server (the session's throwaway cluster): several portals at
once, each with its own connection pool as a separate process has, keep the guarantees of one
(stale writes refused, one unbroken chain, gap-free numbers); start-up errors in one line; the
health check; and every migration twinned across the backends."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from dispute import audit, cases, workflow
from dispute.config import Settings
from dispute.context import open_context
from dispute.errors import DatabaseUnavailable, StaleWrite
from dispute.health import check
from dispute.notes import add_note, list_notes
from dispute.offers import list_offers, make_offer
from dispute.storage import history
from dispute.storage.migrate import available
from dispute.timeline import timeline
from dispute.vocab import Role
from tests.conftest import REPO, Clock, filing_form, make_user, raw
from tests.test_workflow import FORMS

PORTALS = 4


def _settings(tmp_path: Path, url: str | None) -> Settings:
    return Settings(data_dir=tmp_path / "data", max_upload_mb=2, timezone="Asia/Shanghai",
                    database_url=url)


@pytest.fixture
def portals(tmp_path, pg_url):
    """PORTALS contexts on one database, each with its own pool (what separate processes have;
    the multi-process tests run real ones)."""
    opened = []
    for _ in range(PORTALS):
        ctx = open_context(_settings(tmp_path, pg_url))
        ctx.clock = Clock()
        opened.append(ctx)
    yield opened
    for ctx in opened:
        ctx.db.close()


def _at_once(portals, work) -> list[object]:
    """`work(i, ctx)` on every portal at the same moment, in threads; what each returned or
    raised."""
    results: list[object] = [None] * len(portals)
    start = threading.Barrier(len(portals))

    def run(i, ctx):
        start.wait()
        try:
            results[i] = work(i, ctx)
        except Exception as exc:  # collected; the test says what it expects
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(portals)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    return results


def test_stale_writes_from_several_portals_are_refused_never_applied(portals):
    first = portals[0]
    borrower = make_user(first)
    handlers = [make_user(first, Role.STAFF, email=f"h{i}@example.com") for i in range(PORTALS)]
    number = cases.file_dispute(first, borrower, filing_form())
    workflow.move(first, handlers[0], number, "acknowledge", FORMS["acknowledge"])
    rounds = 6
    for r in range(rounds):
        seen = cases.get_dispute(first, handlers[0], number).version
        results = _at_once(portals, lambda i, ctx: make_offer(
            ctx, handlers[i], number, {"refund_minor": str(10 + r)}, expected_version=seen))
        applied = [x for x in results if not isinstance(x, StaleWrite)]
        assert len(applied) == 1 and not any(isinstance(x, Exception) for x in applied), results
        assert cases.get_dispute(first, handlers[0], number).version == seen + 1
    assert len(list_offers(first, handlers[0], number)) == rounds
    assert audit.verify_chain(first.db)[1] is None


def test_appends_from_several_portals_make_one_chain_and_lose_nothing(portals):
    first = portals[0]
    borrower = make_user(first)
    staff = [make_user(first, Role.STAFF, email=f"s{i}@example.com") for i in range(PORTALS)]
    number = cases.file_dispute(first, borrower, filing_form())
    workflow.move(first, staff[0], number, "acknowledge", FORMS["acknowledge"])
    other = cases.file_dispute(first, borrower, filing_form())
    before_version = cases.get_dispute(first, staff[0], number).version
    before_events = first.db.read(history.count)
    per_portal = 8

    def notes(i, ctx):
        for k in range(per_portal):  # half to the shared dispute, half to one of their own
            add_note(ctx, staff[i], number if k % 2 == 0 else other, {"body": f"{i}-{k}"})

    assert _at_once(portals, notes) == [None] * PORTALS
    on_shared = sorted(n.body for n in list_notes(first, staff[0], number))
    assert on_shared == sorted(f"{i}-{k}" for i in range(PORTALS) for k in range(0, per_portal, 2))
    assert cases.get_dispute(first, staff[0], number).version == before_version + PORTALS * 4
    assert [e.kind for e in timeline(first, staff[0], number)].count("NoteAdded") == PORTALS * 4
    assert first.db.read(history.count) == before_events + PORTALS * per_portal
    count, problem = audit.verify_chain(first.db)
    assert problem is None and count == before_events + PORTALS * per_portal
    seqs = raw(first.db, "SELECT seq FROM events ORDER BY seq").column()
    assert seqs == list(range(1, len(seqs) + 1))
    doubled = raw(first.db, "SELECT dispute_id, rule FROM deadlines GROUP BY dispute_id, rule "
                            "HAVING count(*) > 1").rows
    assert doubled == []  # each write's deadline refresh replaced the last one's rows


def test_numbers_from_several_portals_are_unique_and_gap_free(portals):
    borrowers = [make_user(portals[0], email=f"b{i}@example.com") for i in range(PORTALS)]

    def file(i, ctx):
        return [cases.file_dispute(ctx, borrowers[i], filing_form()) for _ in range(5)]

    results = _at_once(portals, file)
    numbers = [n for got in results for n in got]
    assert sorted(numbers) == [f"DSP-2026-{i:06d}" for i in range(1, PORTALS * 5 + 1)]
    assert audit.verify_chain(portals[0].db)[1] is None


def test_a_failed_filing_gives_its_number_back(portals):
    first = portals[0]
    borrower = make_user(first)
    cases.file_dispute(first, borrower, filing_form())

    def fail(uow):
        from dispute.storage import disputes

        disputes.next_number(uow, 2026)
        raise RuntimeError("the filing failed after taking its number")

    with pytest.raises(RuntimeError):
        first.db.write(fail)
    assert cases.file_dispute(portals[1], borrower, filing_form()) == "DSP-2026-000002"


# Start-up errors: one line, no traceback ------------------------------------------------------

def _cli(tmp_path, url, *args) -> subprocess.CompletedProcess:
    env = {**os.environ, "DISPUTE_DATA_DIR": str(tmp_path / "data"),
           "DISPUTE_DATABASE_URL": url, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "dispute", *args], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=120)


def _one_line(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 1, done
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


def test_an_unreachable_server_is_said_in_one_line(tmp_path):
    line = _one_line(_cli(tmp_path, "postgresql://portal@127.0.0.1:1/dispute", "init"))
    assert line.startswith("Cannot reach the PostgreSQL server (portal@127.0.0.1:1/dispute)")
    assert "refused" in line


def test_a_wrong_password_is_said_in_one_line(tmp_path, pg_cluster):
    pg_cluster.add_password_role("pw_user", "right-password")
    host = str(pg_cluster.socket_dir)
    line = _one_line(_cli(tmp_path, f"postgresql://pw_user:wrong@/postgres?host={host}", "init"))
    assert line.startswith("PostgreSQL at pw_user@") and "user name or password" in line
    assert "wrong" not in line  # the password is never printed


def test_a_missing_database_is_said_in_one_line(tmp_path, pg_cluster):
    line = _one_line(_cli(tmp_path, pg_cluster.url("no_such_db"), "init"))
    assert "does not exist" in line and "no_such_db" in line


def test_a_schema_newer_than_the_code_is_refused_in_one_line(tmp_path, pg_url):
    ctx = open_context(_settings(tmp_path, pg_url))
    raw(ctx.db, "INSERT INTO schema_migrations VALUES (9999, '9999_future.sql', ?)", (ctx.now(),))
    ctx.db.close()
    with pytest.raises(DatabaseUnavailable, match="schema version 9999"):
        open_context(_settings(tmp_path, pg_url))
    line = _one_line(_cli(tmp_path, pg_url, "init"))
    assert "schema version 9999, newer than this version of the portal knows" in line


def test_init_creates_then_upgrades_an_empty_database(tmp_path, pg_empty_url):
    done = _cli(tmp_path, pg_empty_url, "init")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("database ready: postgres@")
    assert _cli(tmp_path, pg_empty_url, "init").returncode == 0  # nothing left to apply
    ctx = open_context(_settings(tmp_path, pg_empty_url))
    try:
        applied = raw(ctx.db, "SELECT name FROM schema_migrations ORDER BY version").column()
        assert applied == [name for _, name, _ in available("postgresql")]
    finally:
        ctx.db.close()


# The health check ------------------------------------------------------------------------------

def test_health_reports_the_database_and_its_schema(tmp_path, pg_url, pg_empty_url):
    healthy = _cli(tmp_path, pg_url, "health")
    assert healthy.returncode == 0, healthy.stderr
    code = max(v for v, _, _ in available("postgresql"))
    assert healthy.stdout.splitlines()[0].startswith("database: postgresql postgres@")
    assert f"schema: version {code}, this code ships {code}" in healthy.stdout
    empty = check(_settings(tmp_path, pg_empty_url))
    assert not empty.ok and empty.schema_version is None and "init" in empty.problem
    down = check(_settings(tmp_path, "postgresql://portal@127.0.0.1:1/dispute"))
    assert not down.ok and down.problem.startswith("Cannot reach the PostgreSQL server")
    assert _cli(tmp_path, "postgresql://portal@127.0.0.1:1/dispute", "health").returncode == 1


def test_the_cli_runs_beside_a_running_portal(tmp_path, pg_url):
    """No 'the portal is running' refusal on PostgreSQL: a portal holds its pool open while a
    command writes and checks the chain."""
    portal = open_context(_settings(tmp_path, pg_url))
    try:
        make_user(portal)
        done = _cli(tmp_path, pg_url, "audit", "verify")
        assert done.returncode == 0, done.stderr
        assert "event chain intact" in done.stdout
    finally:
        portal.db.close()


# Every migration exists for both backends --------------------------------------------------------

def test_every_migration_has_a_twin_in_the_other_backend():
    duck = {v: name for v, name, _ in available("duckdb")}
    pg = {v: name for v, name, _ in available("postgresql")}
    missing_pg = sorted(set(duck.items()) - set(pg.items()))
    missing_duck = sorted(set(pg.items()) - set(duck.items()))
    assert not missing_pg, ("DuckDB migrations without a PostgreSQL twin of the same version "
                            f"and name (dispute/storage/postgresql/migrations/): {missing_pg}")
    assert not missing_duck, f"PostgreSQL migrations without a DuckDB twin: {missing_duck}"


def test_the_healthz_route_answers_for_postgresql(tmp_path, pg_url, monkeypatch):
    import asyncio
    import json

    from starlette.requests import Request

    from ui.healthz import healthz

    def ask(url: str):
        monkeypatch.setenv("DISPUTE_DATA_DIR", str(tmp_path / "data"))
        monkeypatch.setenv("DISPUTE_DATABASE_URL", url)
        response = asyncio.run(healthz(Request({"type": "http", "method": "GET"})))
        return response.status_code, json.loads(response.body)

    status, report = ask(pg_url)
    assert status == 200 and report["ok"] and report["backend"] == "postgresql"
    assert report["database"] == "ok" and report["schema_version"] == report["code_version"]
    status, report = ask("postgresql://portal@127.0.0.1:1/dispute")
    assert status == 503 and report["database"] == "unavailable"
    assert "127.0.0.1" not in json.dumps(report)  # where the database is stays private


def _machine(tmp_path: Path, url: str, name: str, first: Settings, **shared) -> Settings:
    """Another machine's settings: a data folder of its own with the data key copied into it
    (README, "From one process to several"), the same database and store, and whatever else
    `shared` names (the sealing keys folder)."""
    data = tmp_path / name
    data.mkdir(mode=0o700)
    key = first.data_dir / "dispute.key"
    (data / "dispute.key").write_bytes(key.read_bytes())
    os.chmod(data / "dispute.key", 0o600)
    return Settings(data_dir=data, max_upload_mb=2, timezone="Asia/Shanghai", database_url=url,
                    evidence_dir=first.store_dir, **shared)


def test_machines_sharing_the_sealing_folder_open_each_others_people(tmp_path, pg_url):
    """Two machines, each with its own data folder, one database, one store and one sealing
    keys folder (DISPUTE_SEALING_DIR): a person registered on either is opened, and found by
    name, on the other."""
    from dispute import accounts
    from dispute.storage import users

    first = _settings(tmp_path, pg_url)
    a = open_context(first)
    b = open_context(_machine(tmp_path, pg_url, "b", first,
                              sealing_dir_path=first.sealing_keys_dir))
    try:
        wang = make_user(a, name="王芳", email="wang@example.com")
        li = make_user(b, name="李雷", email="li@example.com")
        assert accounts.get_user(b, wang.id).name == "王芳"
        assert accounts.get_user(a, li.id).name == "李雷"
        assert a.db.read(users.borrower_ids_named, "李雷") == [li.id]
        assert b.db.read(users.borrower_ids_named, "王芳") == [wang.id]
    finally:
        a.db.close()
        b.db.close()


def test_a_machine_with_a_sealing_folder_of_its_own_is_refused_at_start(tmp_path, pg_url):
    """A second machine started without DISPUTE_SEALING_DIR (its own, empty sealing keys
    folder) would make keys of its own: it is refused at start, with what to set, and the
    database is left as it was."""
    from dispute.storage.sealing import WrongSealingFolder

    first = _settings(tmp_path, pg_url)
    a = open_context(first)
    try:
        make_user(a, name="王芳", email="wang@example.com")
        users_before = raw(a.db, "SELECT id, name, name_idx FROM users ORDER BY id").rows
    finally:
        a.db.close()
    with pytest.raises(WrongSealingFolder) as refused:
        open_context(_machine(tmp_path, pg_url, "b", first))
    assert "DISPUTE_SEALING_DIR" in str(refused.value)
    again = open_context(first)
    try:
        assert raw(again.db, "SELECT id, name, name_idx FROM users ORDER BY id").rows \
            == users_before
    finally:
        again.db.close()
