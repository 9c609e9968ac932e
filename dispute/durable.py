"""Making writes survive a power cut: flush a file's bytes, or a directory's entries, to the disk."""

from __future__ import annotations

import os
from pathlib import Path


def fsync_path(path: Path) -> None:
    """fsync a file (its bytes) or a directory (a new name, a rename, an unlink in it)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
