"""Several portal processes (or machines) share one evidence store: who may delete what, when.

Objects are only ever added by publishing (a hard link, which never overwrites) and removed in two
cases: a write that published an object and then failed rolls it back, and the clean-up at start
removes objects that no row names. Both are unsafe while another process has published (or found
already present) the same object and not yet committed the row naming it. So:

- a publisher holds the store's lock SHARED from before it links its objects until its database
  write has committed or failed (`StoreLock.shared`);
- a remover holds it EXCLUSIVE (`StoreLock.exclusive`) while it reads which objects the database
  names and deletes the others: no publisher is then between its link and its commit.

The lock is `flock` on `<store>/.lock`, one open file per holder, so threads of one process exclude
each other as processes do. On NFS, Linux maps `flock` to POSIX locks held per process: there the
grace periods of the clean-up (objects and staged files younger than an hour are never swept) are
what protects another machine's upload.
"""

from __future__ import annotations

import fcntl
import os
import socket
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


class StoreBusy(RuntimeError):
    """The exclusive lock could not be had in time: another process kept publishing."""


class StoreLock:
    """The store-wide readers/writer lock described above."""

    def __init__(self, root: Path) -> None:
        self.path = Path(root) / ".lock"

    def _open(self) -> int:
        return os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)

    @contextmanager
    def shared(self) -> Iterator[None]:
        """Held by a write from publishing its objects until its row is committed or not."""
        fd = self._open()
        try:
            fcntl.flock(fd, fcntl.LOCK_SH)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    @contextmanager
    def exclusive(self, timeout: float = 60.0) -> Iterator[None]:
        """Held while deciding that an object is unreferenced and deleting it. Waits for the
        publishers under way (each holds the lock for one database write); StoreBusy after
        `timeout` seconds, so a stuck process cannot hang a start-up for ever."""
        fd = self._open()
        try:
            deadline = time.monotonic() + timeout
            delay = 0.005
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise StoreBusy(f"the evidence store {self.path.parent} stayed busy for "
                                        f"{timeout:.0f} s") from None
                    time.sleep(delay)  # polling a lock another process holds: no event to wait on
                    delay = min(delay * 2, 0.2)
            yield
        finally:
            os.close(fd)


_NETWORK_FS = ("nfs", "nfs4", "cifs", "smb3", "smbfs", "ceph", "glusterfs", "lustre", "9p",
               "afs", "gpfs", "fuse.sshfs", "fuse.glusterfs", "fuse.cephfs")


def on_network_filesystem(path: Path, mounts: Path = Path("/proc/mounts")) -> bool:
    """Whether `path` is on a filesystem other machines may mount too, where `flock` does not
    exclude another machine's threads reliably: the clean-up then relies on its grace period.
    Unknown (no /proc/mounts) counts as shared, the cautious answer."""
    try:
        lines = mounts.read_text().splitlines()
    except OSError:
        return True
    target = str(Path(path).resolve())
    best, fstype = "", ""
    for line in lines:
        fields = line.split()
        if len(fields) < 3:
            continue
        point = fields[1].replace("\\040", " ")
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, fstype = point, fields[2]
    return fstype in _NETWORK_FS or fstype.startswith("nfs")


def this_machine() -> str:
    """This machine (and pid namespace, for containers sharing a host name), for names of files
    a process owns in a folder several processes share."""
    try:
        namespace = os.stat("/proc/self/ns/pid").st_ino
    except OSError:
        namespace = 0
    return f"{socket.gethostname().replace('@', '_')}.{namespace}"


def process_alive(pid: int) -> bool:
    """Whether a process of this machine still runs (its files are then left alone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
