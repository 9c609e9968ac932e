"""Each person's own data key, and the name index's key: small key files wrapped by the portal key.

A person's name, phone and account numbers are sealed under a key of their own (32 random bytes),
so erasing a person (PIPL art. 47) is destroying that one key: every sealed value of theirs, in
the database, in event rows and in old database pages alike, can no longer be opened, and no row
is rewritten. The keys live in files, not in the database, because a database keeps old values
in its free pages (DuckDB does), so a key "deleted" from a table could still be read from the
file; a key file is overwritten with zeros before it is unlinked.

The blind index of names has a key of its own too (`index`), made once and never rotated: a
rotation of the portal key only re-wraps it, so existing names are still found (finding 12).

Layout, under `<data dir>/sealing-keys/`: `people/<user id>.wrapped`, `people/<user id>.erased`
(a tombstone: the time of erasure, no personal data), `index.wrapped` and `erasures.stamp`
(replaced at every erasure: other portal processes sharing the folder then forget the keys
they hold, within `RECHECK_SECONDS`, and an erased person's key is looked up, and refused,
again). A key file holds
`wk1:` + base64url of: version (1) | portal key id (4) | nonce (12) | AES-GCM of the secret under
the portal key's "sealing-key/wrap/v1" subkey, with the header and the file's name authenticated
(a person's key copied to another person's file does not open).
"""

from __future__ import annotations

import base64
import os
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Final
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from dispute.durable import fsync_path
from dispute.errors import UserError
from dispute.i18n import N_
from dispute.keys import KEY_BYTES, KEY_ID_BYTES, DataKey, KeyProblem, Keyring

DIR_NAME: Final = "sealing-keys"
STAMP: Final = "erasures.stamp"
# How stale another process's erasure may be here: a process keeps the keys it has opened, and
# checks the stamp (one stat) at most this often before handing one out.
RECHECK_SECONDS: Final = 1.0
INDEX: Final = "index"
_PREFIX = "wk1:"
_VERSION = 1
_NONCE = 12
_PURPOSE = b"sealing-key/wrap/v1"


class PersonErased(UserError):
    """The person's key was destroyed on their request: their sealed data cannot be opened."""


class SealingKeys:
    """The portal keyring plus the per-person keys and the index key it wraps."""

    def __init__(self, root: Path, portal: Keyring) -> None:
        self.root = Path(root)
        self.portal = portal
        self.people_dir = self.root / "people"
        self.people_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(self.root, 0o700)
        self._cache: dict[str, DataKey] = {}
        self._rings: dict[str, Keyring] = {}  # the keyring of each key in _cache, made once
        self._lock = threading.Lock()
        self.recheck_every = RECHECK_SECONDS
        self._stamp = self._read_stamp()
        self._checked = time.monotonic()

    # -- a person's key -------------------------------------------------------------------
    def person(self, owner: UUID | str, *, create: bool = False) -> Keyring:
        """The keyring (one key) that seals `owner`'s data; made on first use when `create`.
        PersonErased when it was destroyed; KeyProblem when it is missing."""
        name = str(owner) if isinstance(owner, UUID) else str(UUID(str(owner)))
        self._forget_if_erased_elsewhere()
        ring = self._rings.get(name)  # a page opens dozens of values: no new keyring for each
        if ring is None:
            with self._lock:  # made under the lock, so `destroy` cannot leave one behind
                ring = self._rings[name] = Keyring((self._load_or_make(name, create),),
                                                   f"the key of person {name}")
        return ring

    def is_erased(self, owner: UUID | str) -> bool:
        return self._tombstone(str(owner)).exists()

    def erased_ids(self) -> set[str]:
        return {p.stem for p in self.people_dir.glob("*.erased")}

    def destroy(self, owner: UUID | str, at: datetime) -> bool:
        """Destroy `owner`'s key for good (zeros written over it, then unlinked) and leave a
        tombstone; False when it was already gone."""
        name = str(UUID(str(owner)))
        path = self._person_file(name)
        with self._lock:
            self._cache.pop(name, None)
            self._rings.pop(name, None)
            tomb = self._tombstone(name)
            if not tomb.exists():
                _write_atomic(tomb, at.isoformat() + "\n")
            if not path.exists():
                self._tell_other_processes()  # a crash may have come between unlink and stamp
                return False
            size = path.stat().st_size
            with path.open("r+b") as fh:
                fh.write(b"\0" * size)
                fh.flush()
                os.fsync(fh.fileno())
            path.unlink()
            fsync_path(path.parent)
            self._tell_other_processes()
        return True

    # -- several processes ----------------------------------------------------------------
    def _tell_other_processes(self) -> None:
        """A new stamp file (a new inode: replaced, never edited) after a key is destroyed. This
        process sees the new stamp too and drops its keys at its next look: had it adopted the
        stamp as seen, another process's erasure stamped just before would go unnoticed here."""
        _write_atomic(self.root / STAMP, f"{time.time_ns()} {os.getpid()}\n", replace=True)

    def _read_stamp(self) -> tuple[int, int] | None:
        try:
            found = os.stat(self.root / STAMP)
        except FileNotFoundError:
            return None
        return found.st_ino, found.st_mtime_ns

    def _forget_if_erased_elsewhere(self) -> None:
        """Every held key dropped (the index's kept) when another process sharing this folder
        destroyed a key since the last look: the erased person's is then refused here too, the
        others are read again from their files as they are needed. Looked at most every
        `recheck_every` seconds."""
        now = time.monotonic()
        if now - self._checked < self.recheck_every:
            return
        self._checked = now
        stamp = self._read_stamp()
        if stamp == self._stamp:
            return
        with self._lock:
            index = self._cache.get(INDEX)
            self._cache.clear()
            self._rings.clear()
            if index is not None:
                self._cache[INDEX] = index
            self._stamp = stamp

    # -- the name index's key -------------------------------------------------------------
    def index(self) -> Keyring:
        """The keyring of the blind index: its own key, made once, only re-wrapped on rotation."""
        key = self._cache.get(INDEX)
        if key is None:
            with self._lock:
                key = self._load_or_make(INDEX, True)
        return Keyring((key,), "the name index key")

    def index_exists(self) -> bool:
        return (self.root / f"{INDEX}.wrapped").exists()

    # -- rotation ---------------------------------------------------------------------------
    def wrapping_ids(self) -> set[str]:
        """Ids (hex) of the portal keys that wrap some key file: a portal key still needed."""
        return wrapping_ids(self.root)

    def rewrap(self) -> int:
        """Wrap every key file under the current portal key (after a rotation); how many."""
        done = 0
        current = self.portal.current.id_hex
        with self._lock:
            for path in self._key_files():
                text = path.read_text(encoding="ascii")
                if _wrapped_id(text) == current:
                    continue
                secret = self._unwrap(path.stem, text, path)
                _write_atomic(path, self._wrap(path.stem, secret), replace=True)
                done += 1
        return done

    # -- inside -----------------------------------------------------------------------------
    def _key_files(self) -> list[Path]:
        return _key_files(self.root)

    def _person_file(self, name: str) -> Path:
        return self.people_dir / f"{name}.wrapped"

    def _tombstone(self, name: str) -> Path:
        return self.people_dir / f"{name}.erased"

    def _load_or_make(self, name: str, create: bool) -> DataKey:
        if name in self._cache:
            return self._cache[name]
        if name != INDEX and self._tombstone(name).exists():
            raise PersonErased(N_("This person's data was erased at their request."))
        path = self.root / f"{INDEX}.wrapped" if name == INDEX else self._person_file(name)
        if path.exists():
            key = DataKey(self._unwrap(name, path.read_text(encoding="ascii"), path))
        elif create:
            secret = os.urandom(KEY_BYTES)
            try:
                _write_atomic(path, self._wrap(name, secret))
            except FileExistsError:
                secret = self._unwrap(name, path.read_text(encoding="ascii"), path)
            key = DataKey(secret)
        else:
            raise KeyProblem(N_("The key file {path} is missing: the protected data sealed with "
                                "it cannot be read. Restore it from a backup."), path=str(path))
        self._cache[name] = key
        return key

    def _wrap(self, name: str, secret: bytes) -> str:
        portal = self.portal.current
        header = bytes([_VERSION]) + portal.id
        nonce = os.urandom(_NONCE)
        sealed = AESGCM(portal.subkey(_PURPOSE)).encrypt(nonce, secret, header + name.encode())
        return _PREFIX + base64.urlsafe_b64encode(header + nonce + sealed).decode("ascii") + "\n"

    def _unwrap(self, name: str, text: str, path: Path) -> bytes:
        broken = KeyProblem(N_("The key file {path} is damaged or belongs elsewhere."),
                            path=str(path))
        try:
            blob = base64.urlsafe_b64decode(text.strip()[len(_PREFIX):])
        except ValueError:
            raise broken from None
        if not text.startswith(_PREFIX) or len(blob) < 1 + KEY_ID_BYTES + _NONCE + 16 \
                or blob[0] != _VERSION:
            raise broken
        header = blob[:1 + KEY_ID_BYTES]
        portal = self.portal.get(header[1:])
        try:
            secret = AESGCM(portal.subkey(_PURPOSE)).decrypt(
                blob[len(header):len(header) + _NONCE], blob[len(header) + _NONCE:],
                header + name.encode())
        except InvalidTag:
            raise broken from None
        if len(secret) != KEY_BYTES:
            raise broken
        return secret


def _key_files(root: Path) -> list[Path]:
    found = sorted((root / "people").glob("*.wrapped"))
    index = root / f"{INDEX}.wrapped"
    return found + ([index] if index.exists() else [])


def wrapping_ids(root: Path) -> set[str]:
    """Ids (hex) of the portal keys that wrap the key files under `root` (none are opened)."""
    return {_wrapped_id(p.read_text(encoding="ascii")) for p in _key_files(Path(root))}


def _wrapped_id(text: str) -> str:
    blob = base64.urlsafe_b64decode(text.strip()[len(_PREFIX):])
    return blob[1:1 + KEY_ID_BYTES].hex()


def _write_atomic(path: Path, text: str, *, replace: bool = False) -> None:
    """A temp file written, fsynced and then linked (new) or renamed (replace) into place, so a
    crash never leaves a half-written key file; owner-only."""
    fd, temp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, text.encode("ascii"))
        os.fsync(fd)
        os.close(fd)
        fd = -1
        if replace:
            os.replace(temp, path)
        else:
            os.link(temp, path)  # FileExistsError when another writer was first
            os.unlink(temp)
    finally:
        if fd >= 0:
            os.close(fd)
        if os.path.exists(temp):
            os.unlink(temp)
    fsync_path(path.parent)


def sealing_dir(data_dir: Path) -> Path:
    return Path(data_dir) / DIR_NAME
