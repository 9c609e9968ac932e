"""The data-encryption key: where it comes from, how it is written, and how ciphertexts name it.

A key is 32 random bytes, written as base64url (43 characters, "=" padding optional). It comes
from `DISPUTE_KEY` when that is set, else from the key file `dispute.key` in the data directory,
which the first start creates (owner-only: file 0600, directory 0700) and never overwrites.

Both may hold several keys, the newest first (DISPUTE_KEY: separated by commas; the file: one per
line, "#" lines are comments). New ciphertexts use the first; the others stay readable. Every
ciphertext starts with the 4-byte id of its key (an HMAC of a constant under the key, so the id
reveals nothing of the key), which is what makes rotation possible: add a new key in front, keep
the old ones until everything has been rewritten (see notes/evidence-sec-security.md).

Separate purposes never share a key: each use derives its own subkey with HKDF-SHA256.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import os
import stat
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Final

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from dispute.durable import fsync_path
from dispute.storage import data_keys
from dispute.errors import UserError
from dispute.i18n import N_

_log = logging.getLogger(__name__)
KEY_BYTES: Final = 32
KEY_ID_BYTES: Final = 4
KEY_FILE_NAME: Final = "dispute.key"
ENV_VAR: Final = "DISPUTE_KEY"
_ID_LABEL = b"dispute key id v1"
_FILE_HEADER = (
    "# Data-encryption key(s) of this portal: base64url of 32 random bytes, newest first.\n"
    "# Without this file (or DISPUTE_KEY) the protected data and the evidence cannot be read.\n"
    "# Keep a copy apart from the backups of the data (see SECURITY.md).\n"
)


class KeyProblem(UserError):
    """The key material is missing, malformed or exposed; the portal must not start with it."""


@dataclass(frozen=True)
class DataKey:
    """One key and its public id; the secret never appears in a repr or a message."""

    secret: bytes = field(repr=False)
    id: bytes = field(init=False)
    # Subkeys derived for a purpose alone (no salt), kept with the key and gone with it: HKDF
    # costs about 0.1 ms, and a queue page opens some 45 sealed names (bench/queue.py).
    _derived: dict[bytes, bytes] = field(init=False, repr=False, compare=False,
                                         default_factory=dict)
    # The AES-GCM cipher of each such subkey, made once: making one schedules the key, a
    # third of the cost of opening a short sealed name.
    _ciphers: dict[bytes, AESGCM] = field(init=False, repr=False, compare=False,
                                          default_factory=dict)

    def __post_init__(self) -> None:
        if len(self.secret) != KEY_BYTES:
            raise ValueError(f"a data key is {KEY_BYTES} bytes")
        object.__setattr__(self, "id", key_id(self.secret))

    @property
    def id_hex(self) -> str:
        return self.id.hex()

    def subkey(self, purpose: bytes, salt: bytes | None = None) -> bytes:
        """A 32-byte key for one purpose (and, with `salt`, one object), derived with HKDF.
        Per-object (salted) subkeys are not kept: there is one for every stored file."""
        if salt is None and purpose in self._derived:
            return self._derived[purpose]
        derived = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt,
                       info=b"dispute/" + purpose).derive(self.secret)
        if salt is None:
            self._derived[purpose] = derived
        return derived

    def aead(self, purpose: bytes) -> AESGCM:
        """AES-GCM under the unsalted subkey for `purpose`, kept with the key like the subkey."""
        cipher = self._ciphers.get(purpose)
        if cipher is None:
            cipher = self._ciphers[purpose] = AESGCM(self.subkey(purpose))
        return cipher

    def encoded(self) -> str:
        return encode_key(self.secret)


@dataclass(frozen=True)
class Keyring:
    """The current key (for writing) and every key that may still be needed for reading."""

    keys: tuple[DataKey, ...]
    source: str  # "DISPUTE_KEY" or the key file's path: for messages, never the key itself

    def __post_init__(self) -> None:
        if not self.keys:
            raise ValueError("a keyring needs at least one key")
        if len({k.id for k in self.keys}) != len(self.keys):
            raise KeyProblem(N_("{source} lists the same key twice."), source=self.source)

    @property
    def current(self) -> DataKey:
        return self.keys[0]

    def get(self, key_id: bytes) -> DataKey:
        """The key with this id, or KeyProblem naming the id that is missing."""
        for key in self.keys:
            if hmac.compare_digest(key.id, key_id):
                return key
        raise KeyProblem(
            N_("This data was encrypted with key {key_id}, which is not in {source}. Add that "
               "key (after the current one) to read it."), key_id=key_id.hex(), source=self.source)

    @classmethod
    def generate(cls, source: str = "generated") -> Keyring:
        """A keyring with one fresh random key (tests, first start)."""
        return cls((DataKey(os.urandom(KEY_BYTES)),), source)


def key_id(secret: bytes) -> bytes:
    return hmac.new(secret, _ID_LABEL, hashlib.sha256).digest()[:KEY_ID_BYTES]


def encode_key(secret: bytes) -> str:
    """base64url without padding: the format of DISPUTE_KEY and of the key file."""
    return base64.urlsafe_b64encode(secret).rstrip(b"=").decode("ascii")


def new_key_text() -> str:
    """A fresh key, encoded, e.g. to put in DISPUTE_KEY (`python -m dispute keys new`)."""
    return encode_key(os.urandom(KEY_BYTES))


def parse_keys(text: str, source: str) -> Keyring:
    """Keys separated by commas or new lines ("#" lines ignored), newest first."""
    entries = [part.strip() for line in text.splitlines() if not line.lstrip().startswith("#")
               for part in line.split(",") if part.strip()]
    if not entries:
        raise KeyProblem(N_("{source} holds no key."), source=source)
    return Keyring(tuple(DataKey(_decode(entry, number, source))
                         for number, entry in enumerate(entries, start=1)), source)


def _decode(entry: str, number: int, source: str) -> bytes:
    problem = KeyProblem(
        N_("Key {number} in {source} is not valid: a key is 32 random bytes written as base64url "
           "(43 characters of A–Z, a–z, 0–9, - and _). Make one with `python -m dispute keys "
           "new`."), number=number, source=source)
    try:
        raw = base64.urlsafe_b64decode(entry + "=" * (-len(entry) % 4))
    except (binascii.Error, ValueError):
        raise problem from None
    if len(raw) != KEY_BYTES or encode_key(raw) != entry.rstrip("="):
        raise problem  # wrong length, or characters outside base64url that decoding skipped
    return raw


def key_file(data_dir: Path) -> Path:
    return Path(data_dir) / KEY_FILE_NAME


def open_keyring(db, data_dir: Path, env_value: str | None,
                 in_use: Callable[[], set[str]] = set) -> Keyring:
    """The keys from DISPUTE_KEY if set, else from the key file, checked against the key ids the
    database has recorded. The key file is created only while no data needs an older key, so a
    lost key file is reported instead of being replaced by a key that cannot read the data.

    A recorded key that is no longer offered is refused only while `in_use()` (the ids some
    stored ciphertext still names) holds it; otherwise nothing is sealed under it, so it is
    forgotten and the start goes on, with a warning: a key put first by mistake can be dropped."""
    recorded = db.read(data_keys.recorded)
    if env_value is not None and env_value.strip():
        keyring = parse_keys(env_value, ENV_VAR)
    else:
        path = key_file(data_dir)
        if not path.exists():
            if recorded:
                raise KeyProblem(
                    N_("The key file {path} is missing, but data here is encrypted with key "
                       "{ids}. Put the key file back, or set DISPUTE_KEY to that key; a new key "
                       "could not read the data."), path=str(path), ids=", ".join(recorded))
            try:
                create_key_file(path)
            except FileExistsError:  # another process made it a moment ago: use that one
                pass
        keyring = read_key_file(path)
    have = {k.id_hex for k in keyring.keys}
    missing = [i for i in recorded if i not in have]
    if missing:
        needed = in_use()
        for unused in [i for i in missing if i not in needed]:
            db.write(data_keys.forget, unused)
            _log.warning("Key %s is no longer offered and nothing is sealed under it: "
                         "forgotten.", unused)
        missing = [i for i in missing if i in needed]
    if missing:
        raise KeyProblem(
            N_("{source} does not hold key {ids}, which data here is encrypted with. Use the "
               "right key, or add the old one after the new one."),
            source=keyring.source, ids=", ".join(missing))
    if keyring.current.id_hex not in recorded:
        db.write(data_keys.record, keyring.current.id_hex, datetime.now(timezone.utc))
    return keyring


def read_key_file(path: Path) -> Keyring:
    """Refuses a key file that others may read: a key anyone can read protects nothing."""
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise KeyProblem(
            N_("The key file {path} can be read by other users (mode {mode}); make it "
               "owner-only with `chmod 600 {path}`."), path=str(path), mode=f"{mode:o}")
    return parse_keys(path.read_text(encoding="ascii"), str(path))


def create_key_file(path: Path, keyring: Keyring | None = None) -> Keyring:
    """Write a key file owner-only and durably; never replaces an existing file."""
    keyring = keyring or Keyring.generate(str(path))
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    text = _FILE_HEADER + "".join(k.encoded() + "\n" for k in keyring.keys)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # fails if it exists
    try:
        os.write(fd, text.encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    fsync_path(path.parent)
    return Keyring(keyring.keys, str(path))
