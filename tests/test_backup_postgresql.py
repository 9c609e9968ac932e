"""Backup and restore of a portal on PostgreSQL, as an operator runs them, on a real throwaway
cluster: `backup` (pg_dump of one snapshot plus the objects that snapshot names) while another
process keeps writing notes and evidence, `restore` (pg_restore) into an empty database with the
same checks as the embedded backup, and the refusals."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from dispute import audit
from dispute.config import load_settings
from dispute.context import open_context
from dispute.storage import evidence, transfer
from tests.conftest import REPO
from tests.test_cli import run

# Runs in a child: keeps writing (a note, then a new evidence file) on the first dispute as staff,
# printing "writing" once started, until it is killed.
WRITER = textwrap.dedent("""
    import io, itertools, os
    from dispute.context import open_context
    from dispute.exhibits import Upload, attach_evidence
    from dispute.notes import add_note
    from dispute.storage import users
    from dispute.accounts import get_user
    from tests.conftest import pdf_bytes

    ctx = open_context()
    staff_id = ctx.db.read(lambda tx: tx.execute(
        "SELECT id FROM users WHERE role = 'staff' ORDER BY created_at LIMIT 1").scalar())
    staff = get_user(ctx, staff_id)
    number = ctx.db.read(lambda tx: tx.execute(
        "SELECT number FROM disputes WHERE stage <> 'closed' ORDER BY number LIMIT 1").scalar())
    for i in itertools.count():
        add_note(ctx, staff, number, {"body": f"written during the backup {i}"})
        attach_evidence(ctx, staff, number, [Upload(f"s{i}.pdf", io.BytesIO(pdf_bytes(f"during {i}")),
                                                    "statement", "during the backup")])
        if i == 0:
            print("writing", flush=True)
""")


@pytest.fixture
def on_postgresql(tmp_path: Path, pg_url: str) -> tuple[Path, dict]:
    data = tmp_path / "data"
    env = {"DISPUTE_DATABASE_URL": pg_url}
    made = run(data, "demo", "--cases", "3", "--seed", "4", env=env)
    assert made.returncode == 0, made.stderr
    return data, env


def test_backup_while_writing_and_restore_into_an_empty_database(
        on_postgresql, tmp_path: Path, pg_empty_url: str) -> None:
    data, env = on_postgresql
    writer = subprocess.Popen([sys.executable, "-c", WRITER], cwd=REPO, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env={**os.environ, "DISPUTE_DATA_DIR": str(data),
                                   "PYTHONPATH": str(REPO), **env})
    try:
        assert writer.stdout.readline().strip() == "writing", writer.stderr.read()
        made = run(data, "backup", str(tmp_path / "backup"), "--with-keys", env=env)
        assert made.returncode == 0, made.stderr  # no "the portal is running" on PostgreSQL
    finally:
        writer.kill()
        writer.wait()
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["database"]["backend"] == "postgresql"
    assert (tmp_path / "backup" / "dispute.pgdump").read_bytes()[:5] == b"PGDMP"

    restored = tmp_path / "restored"
    target = {"DISPUTE_DATABASE_URL": pg_empty_url}
    done = run(restored, "restore", str(tmp_path / "backup"), env=target)
    assert done.returncode == 0, done.stderr
    assert "event chain intact" in done.stdout
    assert run(restored, "audit", "verify", env=target).returncode == 0
    ctx = open_context(load_settings({"DISPUTE_DATA_DIR": str(restored), **target}))
    try:
        count, problem = audit.verify_chain(ctx.db)
        assert problem is None and count == manifest["events"]  # exactly the snapshot's events
        shas = ctx.db.read(evidence.referenced_objects)
        assert len(shas) == manifest["objects"] and all(ctx.store.verify(s) for s in shas)
        assert set(ctx.store.object_ids()) == shas  # objects of later writes were not copied
        assert ctx.db.read(transfer.count, "users") > 0
    finally:
        ctx.db.close()


def test_restore_refuses_a_database_that_is_not_empty(on_postgresql, tmp_path: Path,
                                                      pg_url: str) -> None:
    data, env = on_postgresql
    assert run(data, "backup", str(tmp_path / "backup"), "--with-keys", env=env).returncode == 0
    again = run(tmp_path / "other", "restore", str(tmp_path / "backup"), env=env)
    assert again.returncode == 1
    assert "is not empty" in again.stderr and "createdb" in again.stderr


def test_restore_needs_a_database_url_and_refuses_a_damaged_dump(
        on_postgresql, tmp_path: Path, pg_empty_url: str) -> None:
    data, env = on_postgresql
    assert run(data, "backup", str(tmp_path / "backup"), "--with-keys", env=env).returncode == 0
    no_url = run(tmp_path / "other", "restore", str(tmp_path / "backup"))
    assert no_url.returncode == 1 and "DISPUTE_DATABASE_URL" in no_url.stderr
    dump = tmp_path / "backup" / "dispute.pgdump"
    dump.write_bytes(dump.read_bytes()[:-10] + b"0123456789")
    damaged = run(tmp_path / "other", "restore", str(tmp_path / "backup"),
                  env={"DISPUTE_DATABASE_URL": pg_empty_url})
    assert damaged.returncode == 1 and "damaged" in damaged.stderr
