"""`keys rewrap`: finish a rotation of the portal key, so the old key can be removed.

After a new key is put first, new data is sealed with it, but three kinds of stored ciphertext
still name the old one: the per-person and name-index key files (dispute/person_keys.py, which
wrap every sealed field), the evidence objects, and — before the row-bound upgrade — version-1
fields. Rewrapping re-wraps the key files (a few hundred bytes each; the fields sealed under
them are not touched and the name index keeps its key, so search is unaffected), re-encrypts
every evidence object under the current key, and then forgets the ids no ciphertext names, so
the next start accepts a keyring without them.
"""

from __future__ import annotations

from dataclasses import dataclass

from dispute.context import Context, key_ids_in_use
from dispute.storage import data_keys


@dataclass(frozen=True)
class Rewrapped:
    key_files: int
    objects: int
    removable: tuple[str, ...]  # old key ids nothing needs any more: take them out of the keyring


def rewrap(ctx: Context) -> Rewrapped:
    """Everything under the current key; the old key ids that can now be dropped."""
    files = ctx.sealing.rewrap()
    objects = ctx.store.reencrypt_old()
    needed = key_ids_in_use(ctx.db, ctx.settings)
    current = ctx.keys.current.id_hex
    removable = []
    for old in ctx.db.read(data_keys.recorded):
        if old != current and old not in needed:
            ctx.db.write(data_keys.forget, old)
            removable.append(old)
    return Rewrapped(files, objects, tuple(removable))
