"""A content-addressed store for evidence bytes: one file per SHA-256, written once, atomically,
encrypted at rest.

An upload is streamed into tmp/ while it is hashed, measured and encrypted (evidence/encryption.py),
checked, and only then published into objects/<sha[:2]>/<sha> with a hard link, which never
overwrites: the same bytes uploaded twice are one object. Names are the SHA-256 of the plaintext,
so deduplication, bundles and `verify` do not depend on the key. A crash leaves at most a stray
file in tmp/, never a half-written object; `open` is the only way to read an object, and it checks
every byte it returns.

Several processes, on one machine or several, may share the store (evidence/sharing.py): staged
files are named after the process that writes them, so the clean-up removes only those of dead
processes of this machine or old ones, and objects are deleted only under the store's exclusive
lock, never while another process is between publishing an object and committing its row.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import socket
import tempfile
import time
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, Callable, Iterable

from dispute.durable import fsync_path
from dispute.keys import Keyring
from evidence import encryption, names, sniff
from evidence.errors import StoredFileDamaged
from evidence.sharing import StoreLock, process_alive, this_machine

_SHA256 = re.compile(r"[0-9a-f]{64}")
_DIR_MODE = 0o700
_TEMP_PREFIX = "stage-"
GRACE_SECONDS = 3600.0  # staged files and unreferenced objects younger than this are never swept
_STAGED_BY = re.compile(r"stage-(\d+)@([^@]+)@")


_machine = this_machine  # (kept short: used in staged names)
_alive = process_alive


@dataclass(eq=False)
class StagedFile:
    """An accepted upload waiting in tmp/: publish it or discard it (leaving `with` discards)."""

    sha256: str
    size: int
    media_type: str
    original_name: str
    temp_path: Path
    _store: EvidenceStore = field(repr=False)
    _settled: bool = field(default=False, init=False, repr=False)

    def publish(self) -> bool:
        """Move the bytes into the store durably; False when the object was already there."""
        if self._settled:
            raise RuntimeError(f"staged file {self.sha256} was already published or discarded")
        created = self._store._publish(self.temp_path, self.sha256)
        self._settled = True
        return created

    def discard(self) -> None:
        """Delete the staged bytes; doing so twice, or after publish, does nothing."""
        if not self._settled:
            self.temp_path.unlink(missing_ok=True)
            self._settled = True

    def __enter__(self) -> StagedFile:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.discard()


class EvidenceStore:
    """Evidence under `root`: objects/ (immutable, named by SHA-256), tmp/ (uploads under way)."""

    def __init__(self, root: Path, keys: Keyring) -> None:
        self.root = Path(root)
        self._keys = keys
        self.objects_dir = self.root / "objects"
        self.tmp_dir = self.root / "tmp"
        self.root.mkdir(mode=_DIR_MODE, parents=True, exist_ok=True)
        self.objects_dir.mkdir(mode=_DIR_MODE, exist_ok=True)
        self.tmp_dir.mkdir(mode=_DIR_MODE, exist_ok=True)
        self.lock = StoreLock(self.root)
        self._machine = _machine()

    def _temp_prefix(self) -> str:
        return f"{_TEMP_PREFIX}{os.getpid()}@{self._machine}@"

    def publishing(self) -> AbstractContextManager[None]:
        """Hold this around publishing objects and the database write that names them: no other
        process deletes an object meanwhile (evidence/sharing.py)."""
        return self.lock.shared()

    def stage(self, stream: BinaryIO, filename: str, max_bytes: int,
              chunk_size: int = 1 << 20, *, generated: str | None = None) -> StagedFile:
        """Stream an upload into tmp/, hashing and checking it; EvidenceRefused if not accepted.

        Reads at most max_bytes + 1 bytes. On any refusal or error the temp file is gone before
        the exception propagates. `filename` is used only for display and its extension.
        `generated`: the media type of a file the portal wrote itself (a document it made): not
        sniffed, since uploads refuse Word files and these are ours.
        """
        fd, temp_name = tempfile.mkstemp(prefix=self._temp_prefix(), dir=self.tmp_dir)  # 0o600
        temp_path = Path(temp_name)
        try:
            with os.fdopen(fd, "w+b") as out:
                sealed = encryption.SegmentWriter(out, self._keys.current)
                digest = hashlib.sha256()
                head = bytearray()
                size = 0
                while chunk := stream.read(min(chunk_size, max_bytes + 1 - size)):
                    size += len(chunk)
                    if size > max_bytes:  # refuse now, without reading the rest
                        sniff.check_size(filename, _total_size(stream, size), max_bytes)
                    sealed.write(chunk)
                    digest.update(chunk)
                    if len(head) < sniff.HEAD_SIZE:
                        head += chunk[: sniff.HEAD_SIZE - len(head)]
                sealed.finish(digest.hexdigest())
            if generated is not None:
                media_type = generated
            else:
                with self._open_file(temp_path, digest.hexdigest()) as plain:
                    media_type = sniff.check(bytes(head), filename, size, max_bytes,
                                             source=plain)
        except BaseException:
            temp_path.unlink(missing_ok=True)
            raise
        return StagedFile(digest.hexdigest(), size, media_type, names.display_name(filename),
                          temp_path, self)

    def ciphertext_path(self, sha256: str) -> Path:
        """Where the object's encrypted file lives (whether or not it exists): for backups and
        checks only. Its bytes are ciphertext; read the evidence with `open`."""
        if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
            raise ValueError("a SHA-256 must be 64 lower-case hex digits")
        return self.objects_dir / sha256[:2] / sha256

    def open(self, sha256: str) -> BinaryIO:
        """The object's plaintext as a seekable binary file (use `with`); FileNotFoundError when
        it is not stored, StoredFileDamaged as soon as a byte fails authentication."""
        return self._open_file(self.ciphertext_path(sha256), sha256)

    def read_bytes(self, sha256: str) -> bytes:
        """The whole plaintext in memory: only for a download the web server sends at once."""
        with self.open(sha256) as fh:
            return fh.read()

    def exists(self, sha256: str) -> bool:
        """Whether the object is in the store."""
        return self.ciphertext_path(sha256).is_file()

    def object_ids(self) -> list[str]:
        """The SHA-256 of every stored object."""
        return sorted(p.name for p in self.objects_dir.glob("??/*")
                      if p.is_file() and _SHA256.fullmatch(p.name) and p.parent.name == p.name[:2])

    def remove(self, sha256: str) -> None:
        """Delete an object. Only to roll back one that this same call published before its database
        write failed; withdrawn evidence keeps its bytes for the chain of custody."""
        target = self.ciphertext_path(sha256)
        try:
            target.unlink()
        except FileNotFoundError:
            return
        fsync_path(target.parent)

    def verify(self, sha256: str) -> bool:
        """True when the object exists, decrypts intact, and its plaintext hashes to its name."""
        digest = hashlib.sha256()
        try:
            with self.open(sha256) as fh:
                while chunk := fh.read(1 << 20):
                    digest.update(chunk)
        except (FileNotFoundError, StoredFileDamaged):
            return False
        return digest.hexdigest() == sha256

    def sweep_orphans(self, referenced: Callable[[], Iterable[str]] | Iterable[str],
                      older_than_seconds: float = 0.0, timeout: float = 60.0) -> list[str]:
        """Delete objects no row refers to, which only a crash between publishing an upload and
        committing its row leaves behind; returns their names.

        Runs under the store's exclusive lock, so no process is between publishing and committing;
        pass `referenced` as a function that reads the database so it is read inside the lock.
        Objects published (or found already stored) less than `older_than_seconds` ago are kept:
        the guard where the lock cannot reach, another machine over NFS. StoreBusy when the lock
        is not had within `timeout` seconds."""
        cutoff = time.time() - older_than_seconds
        with self.lock.exclusive(timeout):
            named = set(referenced() if callable(referenced) else referenced)
            orphans = [sha for sha in self.object_ids()
                       if sha not in named and self._settled_before(sha, cutoff)]
            for sha in orphans:
                self.remove(sha)
        return orphans

    def roll_back(self, created: Iterable[str], referenced: Callable[[str], bool]) -> list[str]:
        """Remove objects this call published for a write that did not commit, unless a row (another
        process's upload of the same bytes) names one by now; returns the removed ones."""
        removed = []
        with self.lock.exclusive():
            for sha in created:
                if not referenced(sha):
                    self.remove(sha)
                    removed.append(sha)
        return removed

    def _settled_before(self, sha256: str, cutoff: float) -> bool:
        """Whether the object was last published or re-found before `cutoff` (a link changes
        ctime; a dedupe touches mtime)."""
        try:
            st = self.ciphertext_path(sha256).stat()
        except FileNotFoundError:
            return False
        return max(st.st_mtime, st.st_ctime) <= cutoff

    def encrypt_legacy(self) -> int:
        """Encrypt objects stored in clear before encryption at rest existed; returns how many.

        An object is replaced only when its plaintext still hashes to its name; one that does not
        is left as it is, for `verify` to report."""
        done = 0
        for sha in self.object_ids():
            target = self.ciphertext_path(sha)
            with target.open("rb") as plain:
                if encryption.is_encrypted(plain.read(len(encryption.MAGIC))):
                    continue
                plain.seek(0)
                fd, temp_name = tempfile.mkstemp(prefix=self._temp_prefix(), dir=self.tmp_dir)
                try:
                    with os.fdopen(fd, "wb") as out:
                        digest = encryption.encrypt_file(plain, out, self._keys.current)
                        out.flush()
                        os.fsync(out.fileno())
                    if digest != sha:
                        Path(temp_name).unlink()
                        continue
                    os.replace(temp_name, target)
                except BaseException:
                    Path(temp_name).unlink(missing_ok=True)
                    raise
            fsync_path(target.parent)
            done += 1
        return done

    def key_ids(self) -> set[str]:
        """Ids (hex) of the keys the stored objects are encrypted with: keys still needed."""
        return key_ids_in(self.objects_dir)

    def reencrypt_old(self) -> int:
        """Re-encrypt under the current key every object encrypted with an older one (after a
        rotation, `keys rewrap`); returns how many. Each is replaced atomically, only after its
        new ciphertext decrypts to the same SHA-256."""
        current = self._keys.current
        done = 0
        for sha in self.object_ids():
            target = self.ciphertext_path(sha)
            if _object_key_id(target) in (None, current.id_hex):
                continue
            fd, temp_name = tempfile.mkstemp(prefix=_TEMP_PREFIX, dir=self.tmp_dir)
            try:
                with os.fdopen(fd, "wb") as out, self.open(sha) as plain:
                    digest = encryption.encrypt_file(plain, out, current)
                    out.flush()
                    os.fsync(out.fileno())
                if digest != sha or not self._check_file(Path(temp_name), sha):
                    raise StoredFileDamaged(sha)
                os.replace(temp_name, target)
            except BaseException:
                Path(temp_name).unlink(missing_ok=True)
                raise
            fsync_path(target.parent)
            done += 1
        return done

    def _check_file(self, path: Path, sha256: str) -> bool:
        digest = hashlib.sha256()
        with self._open_file(path, sha256) as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
        return digest.hexdigest() == sha256

    def _open_file(self, path: Path, sha256: str) -> BinaryIO:
        return encryption.open_plaintext(path.open("rb"), self._keys, sha256)

    def sweep_temp(self, older_than_seconds: float = GRACE_SECONDS) -> int:
        """Delete uploads a crash left in tmp/; returns how many: those a process of this machine
        that has died was staging, and any older than `older_than_seconds` (another machine's, or
        written before staged files were named after their process). A live process's upload,
        or a recent one from elsewhere, is never touched."""
        cutoff = time.time() - older_than_seconds
        removed = 0
        for entry in self.tmp_dir.glob(_TEMP_PREFIX + "*"):
            try:
                st = entry.stat()
            except FileNotFoundError:
                continue  # published or discarded meanwhile
            if not entry.is_file():
                continue
            if st.st_mtime <= cutoff or self._orphaned_here(entry.name):
                entry.unlink(missing_ok=True)
                removed += 1
        return removed

    def _orphaned_here(self, name: str) -> bool:
        """A staged file of a process of this machine that is no longer running."""
        m = _STAGED_BY.match(name)
        if m is None or m.group(2) != self._machine:
            return False
        pid = int(m.group(1))
        return pid != os.getpid() and not _alive(pid)

    def _publish(self, temp_path: Path, sha256: str) -> bool:
        """fsync, link into objects/ (a link never overwrites), drop the temp name.

        False when the object already existed: the same bytes were stored before."""
        fsync_path(temp_path)
        final = self.ciphertext_path(sha256)
        try:
            final.parent.mkdir(mode=_DIR_MODE)
        except FileExistsError:
            pass
        else:
            fsync_path(self.objects_dir)
        try:
            os.link(temp_path, final)
        except FileExistsError:
            created = False
            try:
                os.utime(final)  # found again: young for the clean-up's grace period
            except OSError:
                pass
        else:
            created = True
            fsync_path(final.parent)
        temp_path.unlink()
        return created


def key_ids_in(objects_dir: Path) -> set[str]:
    """Ids (hex) of the keys that the object files under `objects_dir` are encrypted with, read
    from their headers (nothing is decrypted)."""
    found = set()
    for path in Path(objects_dir).glob("??/*"):
        key = _object_key_id(path)
        if key is not None:
            found.add(key)
    return found


def _object_key_id(path: Path) -> str | None:
    with path.open("rb") as fh:
        head = fh.read(len(encryption.MAGIC) + 1 + 4)
    if not encryption.is_encrypted(head) or len(head) < len(encryption.MAGIC) + 5:
        return None
    return head[len(encryption.MAGIC) + 1:].hex()


def _total_size(stream: BinaryIO, consumed: int) -> int:
    """The full size of an oversized upload, for the message: what was read plus what is left when
    the stream can seek, else just what was read."""
    try:
        here = stream.tell()
        end = stream.seek(0, io.SEEK_END)
        stream.seek(here)
    except (AttributeError, OSError):
        return consumed
    return consumed + max(end - here, 0)

