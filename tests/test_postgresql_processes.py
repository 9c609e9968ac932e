"""Several real portal processes on one PostgreSQL database (the session's throwaway cluster) and
one shared evidence store: 4 processes × 50 writes at once, to one dispute and to different ones
(each write applied or refused with the reload message; versions and event counts add up; the
chain verifies); a process SIGKILLed inside a write leaves the database and the store consistent
for the others; tampering made straight in PostgreSQL with psql is caught by `audit verify`."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from dispute import audit, cases, workflow
from dispute.config import Settings
from dispute.context import open_context
from dispute.storage import evidence, history
from dispute.vocab import Role
from tests.conftest import REPO, filing_form, make_user, raw
from tests.test_cli import run
from tests.test_workflow import FORMS

PROCESSES = 4
WRITES = 50

# One portal process: waits for "go" on stdin, then makes WRITES writes as its staff account to
# its dispute(s): every other one an offer made against the version it has just read (refused
# when another process wrote in between), the others notes; prints what happened as JSON.
WRITER = textwrap.dedent("""
    import json, sys
    from dispute.accounts import get_user
    from dispute.cases import get_dispute
    from dispute.context import open_context
    from dispute.errors import StaleWrite
    from dispute.notes import add_note
    from dispute.offers import make_offer
    from dispute import posting_limits

    # this measures concurrency, not the posting limits (tests/test_posting_limits.py does)
    posting_limits.LIMITS = {k: posting_limits.Limit(10_000, 10_000, 10_000, v.event_kinds)
                             for k, v in posting_limits.LIMITS.items()}
    ctx = open_context()
    staff = get_user(ctx, sys.argv[1])
    number, writes = sys.argv[2], int(sys.argv[3])
    print("ready", flush=True)
    assert sys.stdin.readline().strip() == "go"
    done = {"notes": 0, "offers": 0, "refused": 0, "messages": []}
    for k in range(writes):
        if k % 2:
            seen = get_dispute(ctx, staff, number).version
            try:
                make_offer(ctx, staff, number, {"refund_minor": str(100 + k)},
                           expected_version=seen)
                done["offers"] += 1
            except StaleWrite as exc:
                done["refused"] += 1
                done["messages"].append(exc.render(lambda s: s))
        else:
            add_note(ctx, staff, number, {"body": f"{sys.argv[1]} note {k}"})
            done["notes"] += 1
    print(json.dumps(done), flush=True)
""")


def _settings(tmp_path: Path, url: str) -> Settings:
    return Settings(data_dir=tmp_path / "data", max_upload_mb=2, timezone="Asia/Shanghai",
                    database_url=url)


def _env(settings: Settings) -> dict[str, str]:
    return {**os.environ, "DISPUTE_DATA_DIR": str(settings.data_dir),
            "DISPUTE_DATABASE_URL": settings.database_url, "DISPUTE_MAX_UPLOAD_MB": "2",
            "PYTHONPATH": str(REPO)}


def _start(settings: Settings, script: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", script, *args], cwd=REPO, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=_env(settings))


@pytest.fixture
def case(tmp_path: Path, pg_url: str):
    """Staff accounts, one acknowledged dispute per process and one they share."""
    settings = _settings(tmp_path, pg_url)
    ctx = open_context(settings)
    borrower = make_user(ctx)
    staff = [make_user(ctx, Role.STAFF, email=f"p{i}@example.com") for i in range(PROCESSES)]
    numbers = []
    for _ in range(PROCESSES + 1):
        number = cases.file_dispute(ctx, borrower, filing_form())
        workflow.move(ctx, staff[0], number, "acknowledge", FORMS["acknowledge"])
        numbers.append(number)
    yield settings, ctx, staff, numbers
    ctx.db.close()


def _all_at_once(settings: Settings, staff, numbers: list[str]) -> list[dict]:
    procs = [_start(settings, WRITER, str(staff[i].id), numbers[i], str(WRITES))
             for i in range(PROCESSES)]
    try:
        for proc in procs:
            assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
        for proc in procs:  # all of them are waiting: let them go together
            proc.stdin.write("go\n")
            proc.stdin.flush()
        results = []
        for proc in procs:
            out, err = proc.communicate(timeout=600)
            assert proc.returncode == 0, err
            results.append(json.loads(out.strip().splitlines()[-1]))
        return results
    finally:
        for proc in procs:
            proc.kill()
            proc.wait()


def test_four_processes_writing_to_one_dispute(case) -> None:
    settings, ctx, staff, numbers = case
    shared = numbers[-1]
    version = cases.get_dispute(ctx, staff[0], shared).version
    events_before = ctx.db.read(history.count)
    results = _all_at_once(settings, staff, [shared] * PROCESSES)
    notes = sum(r["notes"] for r in results)
    offers = sum(r["offers"] for r in results)
    refused = sum(r["refused"] for r in results)
    assert notes + offers + refused == PROCESSES * WRITES  # every write applied or refused
    assert notes == PROCESSES * WRITES // 2
    assert refused > 0  # 4 writers on one dispute: some offers were made on a stale page
    assert all(m == "This dispute was changed by someone else — reload."
               for r in results for m in r["messages"])
    assert cases.get_dispute(ctx, staff[0], shared).version == version + notes + offers
    assert ctx.db.read(history.count) == events_before + notes + offers
    assert raw(ctx.db, "SELECT count(*) FROM offers WHERE dispute_id = "
                       "(SELECT id FROM disputes WHERE number = ?)", (shared,)).scalar() == offers
    count, problem = audit.verify_chain(ctx.db)
    assert problem is None and count == events_before + notes + offers
    assert raw(ctx.db, "SELECT seq FROM events ORDER BY seq").column() == list(range(1, count + 1))


def test_four_processes_writing_to_their_own_disputes(case) -> None:
    settings, ctx, staff, numbers = case
    versions = [cases.get_dispute(ctx, staff[0], n).version for n in numbers[:PROCESSES]]
    events_before = ctx.db.read(history.count)
    results = _all_at_once(settings, staff, numbers[:PROCESSES])
    assert all(r["refused"] == 0 and r["notes"] + r["offers"] == WRITES for r in results)
    for number, version in zip(numbers, versions):
        assert cases.get_dispute(ctx, staff[0], number).version == version + WRITES
    count, problem = audit.verify_chain(ctx.db)
    assert problem is None and count == events_before + PROCESSES * WRITES


# Attaches evidence in a loop; with "die", kills itself inside the write of its third upload,
# after the file is published and the row inserted, before the commit.
UPLOADER = textwrap.dedent("""
    import io, os, signal, sys
    from dispute.accounts import get_user
    from dispute.context import open_context
    from dispute.case_rows import open_row_for_write
    from dispute.exhibits import insert_staged, stage_uploads, write_with_files
    from tests.conftest import pdf_bytes, upload

    ctx = open_context()
    staff = get_user(ctx, sys.argv[1])
    number, die = sys.argv[2], sys.argv[3] == "die"
    print("ready", flush=True)
    assert sys.stdin.readline().strip() == "go"
    for k in range(6):
        staged = stage_uploads(ctx, [upload(f"{k}.pdf", pdf_bytes(f"{sys.argv[1]} {k}"))])

        def write(uow, k=k):
            row = open_row_for_write(uow, staff, number)
            insert_staged(ctx, uow, staff, row["id"], staged)
            if die and k == 2:
                print("dying", flush=True)
                os.kill(os.getpid(), signal.SIGKILL)

        write_with_files(ctx, staged, write)
        print("stored", k, flush=True)
""")


def test_a_process_killed_inside_a_write_leaves_database_and_store_consistent(case) -> None:
    settings, ctx, staff, numbers = case
    shared = numbers[-1]
    events_before = ctx.db.read(history.count)
    doomed = _start(settings, UPLOADER, str(staff[0].id), shared, "die")
    survivor = _start(settings, UPLOADER, str(staff[1].id), shared, "live")
    try:
        # Both started (each start sweeps orphans) before either uploads: a start after the
        # death would already remove the dead write's file that this test looks for.
        for proc in (doomed, survivor):
            assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
        for proc in (doomed, survivor):
            proc.stdin.write("go\n")
            proc.stdin.flush()
        out, err = doomed.communicate(timeout=300)
        assert doomed.returncode == -signal.SIGKILL, err
        assert "dying" in out
        out, err = survivor.communicate(timeout=300)  # the dead one's locks did not hold it up
        assert survivor.returncode == 0, err
        assert out.count("stored") == 6
    finally:
        for proc in (doomed, survivor):
            proc.kill()
            proc.wait()
    # The dead process's last write never committed: 2 of its uploads and all 6 of the other's.
    assert ctx.db.read(history.count) == events_before + 8
    count, problem = audit.verify_chain(ctx.db)
    assert problem is None
    referenced = ctx.db.read(evidence.referenced_objects)
    assert all(ctx.store.verify(sha) for sha in referenced)
    orphan = set(ctx.store.object_ids()) - referenced
    assert len(orphan) == 1  # the dead write's published file: no row names it …
    again = open_context(settings)  # … and the next start of any process removes it
    try:
        assert set(again.store.object_ids()) == again.db.read(evidence.referenced_objects)
        assert list(again.store.tmp_dir.iterdir()) == []
    finally:
        again.db.close()


def _psql(pg_cluster, url: str, sql: str) -> None:
    done = subprocess.run(
        ["runuser", "-u", "postgres", "--", str(pg_cluster.bin / "psql"), "-v", "ON_ERROR_STOP=1",
         "-q", "-d", url, "-c", sql] if os.geteuid() == 0 else
        [str(pg_cluster.bin / "psql"), "-v", "ON_ERROR_STOP=1", "-q", "-d", url, "-c", sql],
        capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("tamper", [
    "UPDATE events SET occurred_at = occurred_at - interval '1 day' WHERE seq = 4",
    "UPDATE events SET actor_id = NULL WHERE seq = (SELECT max(seq) FROM events)",
    "DELETE FROM events WHERE seq = 3",
    "DELETE FROM events WHERE seq = (SELECT max(seq) FROM events)",
])
def test_tampering_straight_in_postgresql_is_caught(case, pg_cluster, tamper: str) -> None:
    settings, ctx, staff, numbers = case
    from dispute.notes import add_note
    add_note(ctx, staff[0], numbers[0], {"body": "a note to change"})
    data = settings.data_dir
    env = {"DISPUTE_DATABASE_URL": settings.database_url}
    assert run(data, "audit", "verify", env=env).returncode == 0
    _psql(pg_cluster, settings.database_url, tamper)
    verified = run(data, "audit", "verify", env=env)
    assert verified.returncode == 1 and "event chain broken" in verified.stderr


def test_kept_documents_list_on_postgresql(case) -> None:
    """The workspace lists a dispute's kept documents on every page load (it used DuckDB's rowid,
    which failed every dispute page on PostgreSQL)."""
    from dispute.documents.kept import list_documents

    settings, ctx, staff, numbers = case
    assert list_documents(ctx, staff[0], numbers[0]) == []
