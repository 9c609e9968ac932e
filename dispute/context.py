"""What every service call needs: the database, the evidence store, the settings and a clock.

The clock is injected so tests and demo data can fix `now`; nothing below reads the time itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Callable
from zoneinfo import ZoneInfo

from dispute.config import Settings, load_settings
from dispute.db import Database, UnitOfWork
from dispute.deadlines.store import refresh_all, refresh_deadlines
from dispute.migrate import migrate
from evidence.store import EvidenceStore


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Context:
    db: Database
    store: EvidenceStore
    settings: Settings
    clock: Callable[[], datetime] = field(default=_utc_now)

    def now(self) -> datetime:
        return self.clock()

    def refresh_deadlines(self, uow: UnitOfWork) -> None:
        """Before a write commits: recompute the deadlines of the disputes it changed."""
        for dispute_id in uow.changed_disputes:
            refresh_deadlines(uow, dispute_id, self.now(), self.settings.timezone)

    def today(self) -> date:
        """Today where the organisation is (its time zone), for validating dates users enter."""
        return self.now().astimezone(ZoneInfo(self.settings.timezone)).date()


def open_context(settings: Settings | None = None) -> Context:
    """Open (and upgrade) the database and the store; clean temp files a crash left behind."""
    settings = settings or load_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    db = Database(settings.db_path)
    applied = migrate(db)
    store = EvidenceStore(settings.store_dir)
    store.sweep_temp(older_than_seconds=0)  # we hold the database: no upload is under way
    ctx = Context(db=db, store=store, settings=settings)
    db.before_commit = ctx.refresh_deadlines
    if "0003_deadlines.sql" in applied:  # an upgrade: give existing disputes their deadlines
        refresh_all(db, ctx.now(), settings.timezone)
    return ctx
