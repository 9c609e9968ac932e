"""The ledger of erased accounts: one line per erasure (account id, time), appended and fsynced,
kept OUTSIDE the data directory (setting DISPUTE_ERASURE_LEDGER).

Why outside: a backup of the data taken before an erasure still holds the person's wrapped key,
evidence and rows. Every start (and so every restore) reads this ledger and erases again anyone it
lists, so a restored backup does not bring an erased person back. Backups carry a copy of the
ledger too, and a restore merges it in (union), so an erasure is never forgotten by a restore. The
ledger holds ids only: nothing in it identifies the person once their data is gone.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from uuid import UUID

from dispute.durable import fsync_path


def read(path: Path) -> dict[str, str]:
    """Account id → when it was erased (the first time), from the ledger (empty when absent)."""
    found: dict[str, str] = {}
    if not Path(path).exists():
        return found
    for line in Path(path).read_text(encoding="ascii").splitlines():
        parts = line.split("\t")
        if len(parts) == 2:
            try:
                found.setdefault(str(UUID(parts[0])), parts[1])
            except ValueError:
                continue  # a line cut short by a crash: the erasure is appended again
    return found


def append(path: Path, user_id: UUID, at: datetime) -> None:
    """Record an erasure durably, before it is carried out."""
    if str(user_id) in read(path):
        return
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(fd, f"{user_id}\t{at.isoformat()}\n".encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    fsync_path(path.parent)


def merge(path: Path, other: Path) -> int:
    """Add the erasures listed in `other` (a backup's copy) that `path` lacks; how many."""
    mine = read(path)
    added = 0
    for user_id, at in read(other).items():
        if user_id not in mine:
            append(path, UUID(user_id), datetime.fromisoformat(at))
            added += 1
    return added
