"""A process killed (SIGKILL) in the middle of an evidence upload leaves nothing half done: the next
start finds no temp file, no row without its file, no file without its row, and needs no repair."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from dispute import audit, cases
from dispute.config import Settings
from dispute.context import Context, open_context
from dispute.storage import evidence
from dispute.vocab import Role
from tests.conftest import raw, REPO, filing_form, make_user, pdf_bytes, upload

# Runs in a child process: uploads a 24 MiB WAV through the service, slowly, so the parent can
# kill it while the encrypted temp file is being written.
SLOW_UPLOAD = textwrap.dedent("""
    import io, os, struct, sys, time
    from dispute.accounts import get_user
    from dispute.context import open_context
    from dispute.exhibits import Upload, attach_evidence

    class Slow(io.RawIOBase):
        def __init__(self, size):
            header = (b"RIFF" + struct.pack("<I", size - 8) + b"WAVEfmt "
                      + struct.pack("<IHHIIHH", 16, 1, 1, 8000, 16000, 2, 16)
                      + b"data" + struct.pack("<I", size - 44))
            self.data, self.pos, self.size = header, 0, size
        def readable(self):
            return True
        def readinto(self, buffer):
            if self.pos >= self.size:
                return 0
            n = min(len(buffer), self.size - self.pos, 1 << 20)
            chunk = (self.data[self.pos:] + os.urandom(n))[:n]
            buffer[:n] = chunk
            self.pos += n
            time.sleep(0.05)
            return n

    ctx = open_context()
    actor = get_user(ctx, sys.argv[2])
    print("uploading", flush=True)
    attach_evidence(ctx, actor, sys.argv[1], [Upload("call.wav", Slow(24 << 20),
                                                     "call_recording", "the call")])
    print("finished", flush=True)
""")

# Runs in a child process: publishes the object, then dies inside the open transaction, after the
# row is inserted and before the commit: the worst moment.
DIE_BEFORE_COMMIT = textwrap.dedent("""
    import os, signal, sys
    from dispute.accounts import get_user
    from dispute.context import open_context
    from dispute.case_rows import open_row_for_write
    from dispute.exhibits import Upload, insert_staged, stage_uploads, write_with_files
    from tests.conftest import pdf_bytes, upload

    ctx = open_context()
    actor = get_user(ctx, sys.argv[2])
    staged = stage_uploads(ctx, [upload("dies.pdf", pdf_bytes("dies before commit"))])

    def write(uow):
        row = open_row_for_write(uow, actor, sys.argv[1])
        insert_staged(ctx, uow, actor, row["id"], staged)
        print("published and inserted", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)

    write_with_files(ctx, staged, write)
""")


@pytest.fixture
def filed(settings: Settings) -> tuple[str, str, int]:
    """A dispute with one exhibit, in a data directory no process holds any more."""
    ctx = open_context(settings)
    try:
        borrower = make_user(ctx)
        make_user(ctx, Role.STAFF, email="staff@example.com")
        number = cases.file_dispute(ctx, borrower, filing_form(), [upload("a.pdf", pdf_bytes())])
        events = raw(ctx.db, "SELECT count(*) FROM events").scalar()
    finally:
        ctx.db.close()
    return number, str(borrower.id), events


def child(settings: Settings, script: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", script, *args], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "DISPUTE_DATA_DIR": str(settings.data_dir),
                                 "DISPUTE_MAX_UPLOAD_MB": "64", "PYTHONPATH": str(REPO)})


def assert_whole(ctx: Context, events: int) -> None:
    """No leftovers, no half rows, every object has its row and verifies, the chain is intact."""
    assert list(ctx.store.tmp_dir.iterdir()) == []
    assert raw(ctx.db, "SELECT count(*) FROM evidence").scalar() == 1
    assert raw(ctx.db, "SELECT count(*) FROM events").scalar() == events
    assert set(ctx.store.object_ids()) == ctx.db.read(evidence.referenced_objects)
    assert all(ctx.store.verify(sha) for sha in ctx.store.object_ids())
    count, problem = audit.verify_chain(ctx.db)
    assert problem is None and count == events


def test_killed_while_the_upload_is_being_written(settings: Settings, filed) -> None:
    number, borrower_id, events = filed
    proc = child(settings, SLOW_UPLOAD, number, borrower_id)
    try:
        assert proc.stdout.readline().strip() == "uploading", proc.stderr.read()
        tmp = settings.store_dir / "tmp"
        deadline = time.monotonic() + 30
        while not any(p.stat().st_size > (4 << 20) for p in tmp.glob("stage-*")):
            assert time.monotonic() < deadline and proc.poll() is None, "the upload never began"
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL
    finally:
        proc.kill()
        proc.wait()
    assert len(list(tmp.glob("stage-*"))) == 1  # the crash did leave its temp file …
    ctx = open_context(settings)  # … and the next start, unaided, removes it
    try:
        assert_whole(ctx, events)
    finally:
        ctx.db.close()


def test_killed_between_publishing_the_file_and_committing_its_row(settings: Settings,
                                                                  filed) -> None:
    number, borrower_id, events = filed
    proc = child(settings, DIE_BEFORE_COMMIT, number, borrower_id)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == -signal.SIGKILL, err
    assert "published and inserted" in out
    objects = list((settings.store_dir / "objects").glob("??/*"))
    assert len(objects) == 2  # the crash left an object that no committed row names …
    ctx = open_context(settings)  # … and the next start removes it
    try:
        assert_whole(ctx, events)
    finally:
        ctx.db.close()


# Exports as legal and kills itself while the exhibits are being written into the ZIP.
DIE_MID_EXPORT = textwrap.dedent("""
    import os, signal, sys
    from dispute.accounts import get_user
    from dispute.bundle.export import export_bundle
    from dispute.context import open_context

    ctx = open_context()
    actor = get_user(ctx, sys.argv[2])

    def progress(step):
        if step.phase == "stamping":
            print("stamping", flush=True)
            os.kill(os.getpid(), signal.SIGKILL)

    export_bundle(ctx, actor, sys.argv[1], sys.argv[3], progress=progress)
""")


def test_killed_in_the_middle_of_an_export(settings: Settings, filed, tmp_path) -> None:
    number, _, events = filed
    ctx = open_context(settings)
    try:
        legal = make_user(ctx, Role.LEGAL, email="legal@example.com")
        events = raw(ctx.db, "SELECT count(*) FROM events").scalar()
    finally:
        ctx.db.close()
    out = tmp_path / "out" / "bundle.zip"
    proc = child(settings, DIE_MID_EXPORT, number, str(legal.id), str(out))
    try:
        assert proc.stdout.readline().strip() == "stamping", proc.stderr.read()
        assert proc.wait(timeout=60) == -signal.SIGKILL
    finally:
        proc.kill()
        proc.wait()
    assert not out.exists() and list(out.parent.iterdir()) == []  # no ZIP, nothing beside it
    assert list((settings.data_dir / "exports-tmp").iterdir())  # the half-made one …
    ctx = open_context(settings)  # … is gone after the next start, unaided
    try:
        assert not any((settings.data_dir / "exports-tmp").iterdir())
        assert_whole(ctx, events)
    finally:
        ctx.db.close()


def test_the_start_up_clean_up_leaves_a_live_process_export_alone(tmp_path) -> None:
    """Several portal processes may share the data directory: only dead processes' half-made
    bundles (and anything over an hour old) are removed at start."""
    from dispute.export_area import GRACE_SECONDS, export_area, sweep_export_areas
    from evidence.sharing import this_machine

    mine = export_area(tmp_path) / "bundle.zip.part"
    mine.write_bytes(b"in progress")
    dead_proc = subprocess.Popen([sys.executable, "-c", "pass"])
    dead_proc.wait()
    dead = tmp_path / "exports-tmp" / f"{this_machine()}@{dead_proc.pid}"
    dead.mkdir()
    (dead / "half.zip.part").write_bytes(b"left by a killed export")
    elsewhere = tmp_path / "exports-tmp" / "other-host.1@4242"  # another machine: by age only
    elsewhere.mkdir()
    sweep_export_areas(tmp_path)
    assert mine.exists() and elsewhere.exists() and not dead.exists()
    sweep_export_areas(tmp_path, now=time.time() + GRACE_SECONDS + 1)
    assert not elsewhere.exists()
