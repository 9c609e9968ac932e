"""The `calendar_years` table: the working-day calendar the stored deadlines were counted with,
one row per jurisdiction and year (dispute/deadlines/recount.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable


def recorded(tx) -> list[dict[str, Any]]:
    return tx.execute("SELECT jurisdiction, year, published, digest FROM calendar_years").dicts()


def replace(tx, rows: Iterable[tuple[str, int, bool, str]], version: str,
            now: datetime) -> None:
    """Record the calendar in use: (jurisdiction, year, published, digest) per year."""
    tx.execute("DELETE FROM calendar_years")
    tx.executemany("INSERT INTO calendar_years (jurisdiction, year, published, digest, "
                   "holidays_version, recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
                   [(*row, version, now) for row in rows])
