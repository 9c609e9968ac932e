"""One evidence store shared by several processes (evidence/sharing.py), with real processes:
simultaneous uploads of the same and of different files, a clean-up started while another process
is between staging, publishing and committing, and a process SIGKILLed in the middle of writing."""

from __future__ import annotations

import hashlib
import io
import multiprocessing as mp
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from dispute.keys import Keyring, parse_keys
from evidence.sharing import StoreBusy, on_network_filesystem
from evidence.store import EvidenceStore
from tests.conftest import REPO, pdf_bytes

LIMIT = 8 << 20
SPAWN = mp.get_context("spawn")


def _open(root: str, key: str) -> EvidenceStore:
    return EvidenceStore(Path(root), parse_keys(key, "test"))


def _upload_at_once(root: str, key: str, payloads: list[bytes], barrier, results) -> None:
    """In a child process: stage every payload, wait for the other process, publish them all."""
    store = _open(root, key)
    staged = [store.stage(io.BytesIO(data), f"f{i}.pdf", LIMIT) for i, data in enumerate(payloads)]
    barrier.wait(timeout=60)
    with store.publishing():
        results.put([(item.sha256, item.publish()) for item in staged])


@pytest.fixture
def key() -> str:
    return Keyring.generate().current.encoded()


def test_two_processes_uploading_the_same_and_different_files_store_each_once(
        tmp_path: Path, key: str) -> None:
    root = str(tmp_path / "store")
    common = [pdf_bytes(f"shared exhibit {i}") for i in range(10)]
    own = [[pdf_bytes(f"only process {p}, exhibit {i}") for i in range(5)] for p in (0, 1)]
    barrier, results = SPAWN.Barrier(2), SPAWN.Queue()
    procs = [SPAWN.Process(target=_upload_at_once,
                           args=(root, key, common + own[p], barrier, results)) for p in (0, 1)]
    for proc in procs:
        proc.start()
    outcomes = [results.get(timeout=120) for _ in procs]
    for proc in procs:
        proc.join(timeout=60)
        assert proc.exitcode == 0
    store = _open(root, key)
    created: dict[str, int] = {}
    for outcome in outcomes:
        for sha, was_created in outcome:
            created[sha] = created.get(sha, 0) + was_created
    shared = {hashlib.sha256(d).hexdigest() for d in common}
    assert all(created[sha] == 1 for sha in shared)  # exactly one process created each shared one
    expected = shared | {hashlib.sha256(d).hexdigest() for d in own[0] + own[1]}
    assert set(store.object_ids()) == expected and len(expected) == 20
    assert all(store.verify(sha) for sha in expected)
    assert list(store.tmp_dir.iterdir()) == []


# Runs in a child: stages one file (left staged), publishes another and holds the store's lock
# as a write does until its row commits; "commit" on stdin writes the row and lets go.
HOLDER = textwrap.dedent("""
    import io, sys
    from pathlib import Path
    from dispute.keys import parse_keys
    from evidence.store import EvidenceStore
    from tests.conftest import pdf_bytes

    store = EvidenceStore(Path(sys.argv[1]), parse_keys(sys.argv[2], "test"))
    waiting = store.stage(io.BytesIO(pdf_bytes("staged, not yet published")), "w.pdf", 1 << 22)
    publishing = store.stage(io.BytesIO(pdf_bytes("published, row not committed")), "p.pdf",
                             1 << 22)
    with store.publishing():
        publishing.publish()
        print(waiting.temp_path.name, publishing.sha256, flush=True)
        assert sys.stdin.readline().strip() == "commit"
        Path(sys.argv[3]).write_text(publishing.sha256)  # the row, as the database would have it
    print("committed", flush=True)
    sys.stdin.readline()
""")


def _child(script: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", script, *args], cwd=REPO, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(REPO)})


def test_a_clean_up_started_during_another_process_upload_leaves_it_intact(
        tmp_path: Path, key: str) -> None:
    root, rows = tmp_path / "store", tmp_path / "rows"
    store = _open(str(root), key)
    stale = store.stage(io.BytesIO(pdf_bytes("a crash's leftover")), "old.pdf", LIMIT)
    stale.publish()  # an object no row names, as a crash before the commit leaves
    proc = _child(HOLDER, str(root), key, str(rows))
    try:
        line = proc.stdout.readline().split()
        assert len(line) == 2, proc.stderr.read()
        staged_name, published = line
        # Another process starts: its clean-up keeps the live process's staged file …
        assert store.sweep_temp() == 0
        assert (store.tmp_dir / staged_name).is_file()
        # … and cannot delete objects while that process is between publishing and committing.
        with pytest.raises(StoreBusy):
            store.sweep_orphans(lambda: set(), timeout=0.3)
        assert store.exists(published) and store.exists(stale.sha256)
        proc.stdin.write("commit\n")
        proc.stdin.flush()
        assert proc.stdout.readline().strip() == "committed"
        swept = store.sweep_orphans(lambda: {rows.read_text()})
        assert swept == [stale.sha256]
        assert store.exists(published) and store.verify(published)
        assert (store.tmp_dir / staged_name).is_file()  # still staged by a live process
    finally:
        proc.kill()
        proc.wait()
    # Once that process is dead (killed here), its staged file is a leftover.
    assert store.sweep_temp() == 1
    assert list(store.tmp_dir.iterdir()) == []


def test_a_roll_back_keeps_an_object_another_process_committed_meanwhile(
        tmp_path: Path, key: str) -> None:
    store = _open(str(tmp_path / "store"), key)
    with store.stage(io.BytesIO(pdf_bytes("both uploaded this")), "a.pdf", LIMIT) as staged:
        staged.publish()
    assert store.roll_back([staged.sha256], lambda sha: True) == []
    assert store.exists(staged.sha256)
    assert store.roll_back([staged.sha256], lambda sha: False) == [staged.sha256]
    assert not store.exists(staged.sha256)


# Runs in a child: stores 2 MiB files one after the other, for ever, printing each published one.
WRITER = textwrap.dedent("""
    import io, os, sys
    from pathlib import Path
    from dispute.keys import parse_keys
    from evidence.store import EvidenceStore

    store = EvidenceStore(Path(sys.argv[1]), parse_keys(sys.argv[2], "test"))
    n = 0
    while True:
        data = os.urandom(1 << 21)
        with store.stage(io.BytesIO(data), "w.bin", 8 << 20, chunk_size=1 << 16,
                         generated="application/octet-stream") as staged:
            with store.publishing():
                staged.publish()
        n += 1
        print(staged.sha256, flush=True)
""")


def test_a_process_killed_mid_write_leaves_the_store_consistent(tmp_path: Path, key: str) -> None:
    root = tmp_path / "store"
    store = _open(str(root), key)
    proc = _child(WRITER, str(root), key)
    published = []
    try:
        while len(published) < 3:
            line = proc.stdout.readline().strip()
            assert line, proc.stderr.read()
            published.append(line)
        # kill it while it is writing the next file into tmp/
        deadline = time.monotonic() + 60
        while not any(p.stat().st_size > 0 for p in store.tmp_dir.glob("stage-*")):
            assert time.monotonic() < deadline and proc.poll() is None
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL
    finally:
        proc.kill()
        proc.wait()
    published += [line.strip() for line in proc.stdout if line.strip()]
    objects = store.object_ids()
    assert set(published) <= set(objects)
    assert all(store.verify(sha) for sha in objects)  # no object is partial
    assert store.sweep_temp() >= 1  # a dead process's staged file goes at once …
    assert list(store.tmp_dir.iterdir()) == []
    # … and the lock it held while publishing died with it: the clean-up is not kept waiting
    assert store.sweep_orphans(lambda: set(objects), timeout=5) == []


def test_network_filesystems_are_recognised(tmp_path: Path) -> None:
    mounts = tmp_path / "mounts"
    mounts.write_text("/dev/sda1 / ext4 rw 0 0\n"
                      "server:/export /srv/evidence nfs4 rw 0 0\n")
    assert on_network_filesystem(Path("/srv/evidence/objects"), mounts)
    assert not on_network_filesystem(Path("/srv/evidencex"), mounts)
    assert not on_network_filesystem(Path("/var/lib"), mounts)
    assert on_network_filesystem(Path("/x"), tmp_path / "missing")


def test_on_a_network_filesystem_young_orphans_are_kept(tmp_path: Path, key: str) -> None:
    store = _open(str(tmp_path / "store"), key)
    with store.stage(io.BytesIO(pdf_bytes("just published elsewhere")), "a.pdf", LIMIT) as young:
        young.publish()
    assert store.sweep_orphans(set(), older_than_seconds=3600) == []
    hour_ago = time.time() - 7200
    os.utime(store.ciphertext_path(young.sha256), (hour_ago, hour_ago))  # ctime stays recent
    assert store.sweep_orphans(set(), older_than_seconds=3600) == []
    assert store.sweep_orphans(set(), older_than_seconds=0) == [young.sha256]
