"""Sections of bundle.pdf that stay bounded, whatever was posted (pen test finding 6: a dispute
with 300 messages of 20,000 characters and 1,000 contact entries made a bundle that had not
finished after 760 s).

The chronology, the contact log and the internal notes print at most `ROWS_IN_PDF` entries, and
of each entry at most `TEXT_IN_PDF` characters of its text. Whatever is left out is not lost: the
whole section, every entry in full, goes into the ZIP as `attachments/<section>.txt` (listed and
hashed in the signed manifest), and the PDF says where it continues — after a cut text ("…
continued in attachments/chronology.txt, entry 17") and under a cut table ("Entries 201–1,000
continue in attachments/contacts.txt"). So each section is at most a few dozen pages, and the
time to lay the bundle out no longer grows with what a borrower posts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from dispute.i18n import N_

ROWS_IN_PDF = 100
TEXT_IN_PDF = 400
ATTACHMENTS_DIR = "attachments/"
SECTIONS = ("chronology", "contacts", "notes")

TEXT_CONTINUES = N_("… continued in {path}, entry {entry}")
ROWS_CONTINUE = N_("Entries {first}–{last} of {total} continue in {path}, with every entry in "
                   "full.")


def path_of(section: str) -> str:
    return f"{ATTACHMENTS_DIR}{section}.txt"


@dataclass
class Bounded:
    """A section's rows as the PDF prints them, and the note under its table (or "")."""

    rows: list[dict[str, Any]]
    note: str
    overflowed: bool


def bound(section: str, rows: list[dict[str, Any]], text_keys: tuple[str, ...],
          t: Callable[..., str]) -> Bounded:
    """Cut `rows` to what the PDF prints; `t(msgid, **params)` translates."""
    path = path_of(section)
    kept, overflowed = [], len(rows) > ROWS_IN_PDF
    for number, row in enumerate(rows[:ROWS_IN_PDF], start=1):
        row = dict(row)
        for key in text_keys:
            value = row.get(key) or ""
            if len(value) > TEXT_IN_PDF:
                row[key] = value[:TEXT_IN_PDF] + " " + t(TEXT_CONTINUES, path=path, entry=number)
                overflowed = True
        kept.append(row)
    note = t(ROWS_CONTINUE, first=f"{ROWS_IN_PDF + 1:,}", last=f"{len(rows):,}",
             total=f"{len(rows):,}", path=path) if len(rows) > ROWS_IN_PDF else ""
    return Bounded(kept, note, overflowed)


def section_text(title: str, rows: list[dict[str, Any]], head_keys: tuple[str, ...],
                 text_keys: tuple[str, ...]) -> str:
    """The whole section as plain text: a numbered heading line per entry, then its texts."""
    lines = [title, "=" * len(title), ""]
    for number, row in enumerate(rows, start=1):
        head = " · ".join(str(row[k]) for k in head_keys if row.get(k))
        lines.append(f"[{number}] {head}")
        for key in text_keys:
            if row.get(key):
                lines.append(str(row[key]))
        lines.append("")
    return "\n".join(lines)
