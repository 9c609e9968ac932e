"""Protected fields: short strings encrypted before they reach DuckDB, keyed hashes to find them.

`seal` encrypts with AES-256-GCM under a subkey of the current key of the keyring it is given
(the portal's, or one person's: dispute/person_keys.py). The table, the column and the row's id
are authenticated with it (associated data), so a ciphertext copied into another column, another
table or another row (two users' phone numbers swapped) does not open. Layout of a sealed value:

    version (1 byte, 2) | key id (4) | nonce (12, random) | ciphertext | GCM tag (16)

Version 1 (before issue 19) bound only the table and column; `unseal_v1` reads it for the one-time
re-seal on upgrade and nothing else.

Random 96-bit nonces are safe for far more values than this portal will ever hold under one key
(NIST's bound is 2^32 encryptions per key); rotation starts a new key long before that.

`blind_index` is an HMAC-SHA256 of the normalised value under another subkey: equal inputs give
equal tokens, so `WHERE national_id_idx = ?` finds a row without decrypting every one, while the
token reveals nothing without the key. It is scoped: tokens for different scopes never match. It
is given the index's own key, which never rotates (dispute/person_keys.py).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import unicodedata
from typing import Callable, Final

from cryptography.exceptions import InvalidTag

from dispute.errors import UserError
from dispute.i18n import N_
from dispute.keys import KEY_ID_BYTES, Keyring

VERSION: Final = 2
_V1: Final = 1
NONCE_BYTES: Final = 12
TAG_BYTES: Final = 16
_HEADER_BYTES = 1 + KEY_ID_BYTES
_FIELD_PURPOSE = b"field/aes-gcm/v1"
_INDEX_PURPOSE = b"field/blind-index/v1"
_SEPARATORS = frozenset(" \t\r\n-_./()\u3000")  # spacing people type inside ID and account numbers


class SealBroken(UserError):
    """A sealed value that does not open: altered, truncated, or moved from another column."""


def seal(keys: Keyring, value: str, *, table: str, column: str, row: str) -> bytes:
    """`value` encrypted for `table.column` of the row with id `row`, under the current key."""
    key = keys.current
    header = bytes([VERSION]) + key.id
    nonce = os.urandom(NONCE_BYTES)
    sealed = key.aead(_FIELD_PURPOSE).encrypt(
        nonce, value.encode("utf-8"), header + _place(table, column, row))
    return header + nonce + sealed


def unseal(keys: Keyring, blob: bytes, *, table: str, column: str, row: str) -> str:
    """The value sealed for `table.column` of row `row`; SealBroken if it was changed, belongs
    elsewhere, or was sealed with a key not in `keys`."""
    return _open(keys, blob, VERSION, table, column, _place(table, column, row), foreign=True)


def unseal_v1(keys: Keyring, blob: bytes, *, table: str, column: str) -> str:
    """A value sealed before row binding (version 1): only for the one-time re-seal."""
    return _open(keys, blob, _V1, table, column, _place(table, column), foreign=False)


def _open(keys: Keyring, blob: bytes, version: int, table: str, column: str, place: bytes,
          foreign: bool) -> str:
    blob = bytes(blob)
    if len(blob) < _HEADER_BYTES + NONCE_BYTES + TAG_BYTES or blob[0] != version:
        raise _broken(table, column)
    header = blob[:_HEADER_BYTES]
    key_id = header[1:]
    # One pass over the ring (a person's holds one key): a page of the queue opens ~45 names.
    key = next((k for k in keys.keys if hmac.compare_digest(k.id, key_id)), None)
    if key is None:
        if foreign:
            raise _broken(table, column)  # another person's key: it does not belong in this row
        key = keys.get(key_id)  # KeyProblem: names the key to add
    try:
        plain = key.aead(_FIELD_PURPOSE).decrypt(
            blob[_HEADER_BYTES:_HEADER_BYTES + NONCE_BYTES],
            blob[_HEADER_BYTES + NONCE_BYTES:], header + place)
    except InvalidTag:
        raise _broken(table, column) from None
    return plain.decode("utf-8")


def sealed_key_id(blob: bytes) -> str:
    """The id (hex) of the key a value was sealed with: to find what a rotation must rewrite."""
    return bytes(blob[1:_HEADER_BYTES]).hex()


def normalise(value: str) -> str:
    """The form compared by a blind index: NFKC (full-width digits become ASCII), upper case, no
    spaces or separators. "110101 1990-0101 123x" and "1101011990 0101123X" are the same ID."""
    folded = unicodedata.normalize("NFKC", value).upper()
    return "".join(c for c in folded if c not in _SEPARATORS)


def blind_index(keys: Keyring, value: str, *, scope: str,
                normalised: Callable[[str], str] = normalise) -> str:
    """Hex HMAC-SHA256 of the normalised value under the current key, for exact-match lookup.

    Use the same `scope` (e.g. "national_id") wherever values must match each other. Give it a key
    that does not rotate (the index key of dispute/person_keys.py): another key, other tokens."""
    key = keys.current.subkey(_INDEX_PURPOSE)
    message = scope.encode("utf-8") + b"\x00" + normalised(value).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


@functools.lru_cache(maxsize=64)  # a handful of sealed columns, each opened thousands of times
def _column_place(table: str, column: str) -> bytes:
    if not table or not column or "\x00" in table + column:
        raise ValueError("a sealed value needs a table and a column name")
    return table.encode("utf-8") + b"\x00" + column.encode("utf-8")


def _place(table: str, column: str, row: str | None = None) -> bytes:
    place = _column_place(table, column)
    if row is None:
        return place
    if not row or "\x00" in row:
        raise ValueError("a sealed value needs its row's id")
    return place + b"\x00" + row.encode("utf-8")


def _broken(table: str, column: str) -> SealBroken:
    return SealBroken(N_("A protected value in {place} could not be decrypted: it was altered "
                         "or does not belong there."), place=f"{table}.{column}")
