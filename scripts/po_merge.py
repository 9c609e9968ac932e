"""Resolve a merge conflict in the catalogs: keep every translation from both sides.

Run during a conflicted `git merge`: reads our (:2:) and their (:3:) version of each catalog,
takes the union of their translations (ours wins on a clash), writes it, then re-extracts with
scripts/i18n.py so the catalog matches the merged code.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]


def side(stage: int, rel: str):
    data = subprocess.run(["git", "show", f":{stage}:{rel}"], cwd=ROOT, capture_output=True,
                          check=True).stdout
    return read_po(io.BytesIO(data))


def main() -> int:
    for lang in ("zh_CN", "en"):
        rel = f"dispute/locale/{lang}/LC_MESSAGES/messages.po"
        ours, theirs = side(2, rel), side(3, rel)
        for message in theirs:
            if message.id and message.string and not (ours.get(message.id) and
                                                      ours.get(message.id).string):
                ours.add(message.id, message.string)
        with (ROOT / rel).open("wb") as fh:
            write_po(fh, ours, width=100, omit_header=False, include_lineno=False)
    return subprocess.run([sys.executable, str(ROOT / "scripts/i18n.py")], cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main())
