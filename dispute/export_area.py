"""Where bundles are made before they are handed over, and the clean-up of what a killed
export left there. Several portal processes may share the data directory (PostgreSQL), so each
process has a folder of its own and the start-up clean-up leaves live processes' work alone."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from evidence.sharing import process_alive, this_machine

GRACE_SECONDS = 3600.0  # a folder this old is a leftover whoever made it


def export_area(data_dir: Path) -> Path:
    """Where this process makes bundles before they are handed over (owner-only). Each process
    has its own folder, `exports-tmp/<machine>@<pid>`, because several portal processes may share
    the data directory: the start-up clean-up (`sweep_export_areas`) removes only the folders of
    processes that are gone, or that are over an hour old."""
    area = data_dir / "exports-tmp" / f"{this_machine()}@{os.getpid()}"
    area.mkdir(mode=0o700, parents=True, exist_ok=True)
    return area


def sweep_export_areas(data_dir: Path, now: float | None = None) -> None:
    """Remove what killed exports left half-made: folders of dead processes of this machine,
    anything over an hour old, and files of the older single-folder layout."""
    root = data_dir / "exports-tmp"
    if not root.is_dir():
        return
    now = time.time() if now is None else now
    mine = this_machine() + "@"
    for entry in root.iterdir():
        owner, _, pid = entry.name.rpartition("@")
        dead = (entry.is_dir() and f"{owner}@" == mine and pid.isdigit()
                and not process_alive(int(pid)))
        try:
            old = now - entry.stat().st_mtime > GRACE_SECONDS
        except FileNotFoundError:
            continue
        if dead or old or not entry.is_dir():
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
