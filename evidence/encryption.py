"""Evidence bytes encrypted at rest: streaming AES-256-GCM in segments, after Tink's
AES-GCM-HKDF streaming AEAD, so no file is ever held in memory whole.

A stored object is a 36-byte header, then segments of SEGMENT_BYTES plaintext each (the last may be
shorter, never empty unless the file is), each followed by its 16-byte GCM tag:

    header = "DSEV" | version (1) | key id (4) | segment size (4, big-endian) | salt (16) |
             nonce prefix (7)

Each file gets its own key, HKDF(data key, salt) with a random salt, so nonces can never repeat
across files. The nonce of segment i is prefix | i (4 bytes, big-endian) | 1 if it is the last
segment else 0: moving, dropping or repeating a segment, or cutting the file at a segment boundary,
makes a tag fail. Every segment authenticates the header; the last one also authenticates the
SHA-256 of the whole plaintext, i.e. the object's name in the store, so one object's file put in
place of another's does not open either.
"""

from __future__ import annotations

import hashlib
import io
import os
import struct
from typing import BinaryIO, Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from dispute.keys import KEY_ID_BYTES, DataKey, Keyring
from evidence.errors import StoredFileDamaged

MAGIC: Final = b"DSEV"
VERSION: Final = 1
SEGMENT_BYTES: Final = 64 << 10
TAG_BYTES: Final = 16
_HEADER = struct.Struct(f">4sB{KEY_ID_BYTES}sI16s7s")
HEADER_BYTES: Final = _HEADER.size
_PURPOSE = b"evidence/aes-gcm-hkdf-stream/v1"


def is_encrypted(head: bytes) -> bool:
    """Whether bytes read from the start of an object file are in this format."""
    return head[:len(MAGIC)] == MAGIC


class SegmentWriter:
    """Encrypts a stream written in pieces of any size into `out`; `finish(sha256)` ends it."""

    def __init__(self, out: BinaryIO, key: DataKey, segment_bytes: int = SEGMENT_BYTES) -> None:
        salt, self._prefix = os.urandom(16), os.urandom(7)
        self._header = _HEADER.pack(MAGIC, VERSION, key.id, segment_bytes, salt, self._prefix)
        self._aead = AESGCM(key.subkey(_PURPOSE, salt=salt))
        self._segment = segment_bytes
        self._out = out
        self._pending = b""
        self._index = 0
        out.write(self._header)

    def write(self, data: bytes) -> None:
        """Encrypt every whole segment that is surely not the last; keep the rest for later."""
        buffer = memoryview(self._pending + bytes(data))
        pos = 0
        while len(buffer) - pos > self._segment:
            self._emit(buffer[pos:pos + self._segment], final=False)
            pos += self._segment
        self._pending = bytes(buffer[pos:])

    def finish(self, sha256: str) -> None:
        """Encrypt the last segment, authenticating the plaintext's SHA-256 (hex) with it."""
        self._emit(self._pending, final=True, sha256=bytes.fromhex(sha256))
        self._pending = b""

    def _emit(self, plain: bytes | memoryview, *, final: bool, sha256: bytes = b"") -> None:
        nonce = _nonce(self._prefix, self._index, final)
        self._out.write(self._aead.encrypt(nonce, plain, self._header + sha256))
        self._index += 1


class DecryptingReader(io.RawIOBase):
    """The plaintext of one object file, seekable, every segment checked before it is returned.

    Opening checks the header and the last segment (so the length and the name are authentic);
    each other segment is checked when it is first read. Any failure is StoredFileDamaged.
    """

    def __init__(self, raw: BinaryIO, keys: Keyring, sha256: str) -> None:
        super().__init__()
        self._raw = raw
        self._sha = sha256
        header = raw.read(HEADER_BYTES)
        if len(header) < HEADER_BYTES:
            raise self._damaged()
        magic, version, key_id, segment, salt, self._prefix = _HEADER.unpack(header)
        if magic != MAGIC or version != VERSION or segment < 1:
            raise self._damaged()
        self._header = header
        self._aead = AESGCM(keys.get(key_id).subkey(_PURPOSE, salt=salt))
        self._segment = segment
        body = raw.seek(0, io.SEEK_END) - HEADER_BYTES
        stride = segment + TAG_BYTES
        self._count = max(1, -(-body // stride))
        self._last_bytes = body - (self._count - 1) * stride
        if self._last_bytes < TAG_BYTES:
            raise self._damaged()
        self.size = body - self._count * TAG_BYTES
        self._pos = 0
        self._cached: tuple[int, bytes] = (-1, b"")
        self._plain_segment(self._count - 1)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self.size}[whence]
        if base + offset < 0:
            raise OSError("negative seek position")
        self._pos = base + offset
        return self._pos

    def readinto(self, buffer: memoryview) -> int:
        if self._pos >= self.size or not len(buffer):
            return 0
        index, offset = divmod(self._pos, self._segment)
        plain = self._plain_segment(index)
        n = min(len(buffer), len(plain) - offset)
        buffer[:n] = plain[offset:offset + n]
        self._pos += n
        return n

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()

    def _plain_segment(self, index: int) -> bytes:
        if self._cached[0] == index:
            return self._cached[1]
        final = index == self._count - 1
        self._raw.seek(HEADER_BYTES + index * (self._segment + TAG_BYTES))
        sealed = self._raw.read(self._last_bytes if final else self._segment + TAG_BYTES)
        aad = self._header + (bytes.fromhex(self._sha) if final else b"")
        try:
            plain = self._aead.decrypt(_nonce(self._prefix, index, final), sealed, aad)
        except InvalidTag:
            raise self._damaged() from None
        self._cached = (index, plain)
        return plain

    def _damaged(self) -> StoredFileDamaged:
        return StoredFileDamaged(self._sha)


def open_plaintext(raw: BinaryIO, keys: Keyring, sha256: str) -> BinaryIO:
    """A buffered, seekable reader of the plaintext; closing it closes `raw`."""
    try:
        reader = DecryptingReader(raw, keys, sha256)
    except BaseException:
        raw.close()
        raise
    return io.BufferedReader(reader, buffer_size=SEGMENT_BYTES)


def encrypt_file(source: BinaryIO, out: BinaryIO, key: DataKey) -> str:
    """Encrypt a whole plaintext stream into `out`; returns its SHA-256 (hex)."""
    writer = SegmentWriter(out, key)
    digest = hashlib.sha256()
    while chunk := source.read(1 << 20):
        digest.update(chunk)
        writer.write(chunk)
    writer.finish(digest.hexdigest())
    return digest.hexdigest()


def _nonce(prefix: bytes, index: int, final: bool) -> bytes:
    if index >= 1 << 32:
        raise OverflowError("too many segments for one object")
    return prefix + index.to_bytes(4, "big") + (b"\x01" if final else b"\x00")
