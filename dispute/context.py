"""What every service call needs: the database, the evidence store, the settings and a clock.

The clock is injected so tests and demo data can fix `now`; nothing below reads the time itself.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Callable
from zoneinfo import ZoneInfo

from dispute.config import Settings, load_settings
from dispute.storage import Database, UnitOfWork, evidence
from dispute.storage.migrate import migrate
from dispute.storage.sealing import legacy_key_ids, reindex_names, reseal_all, upgrade_done
from dispute.deadlines.calendar import calendar_for
from dispute.deadlines.recount import recount_on_calendar_change
from dispute.deadlines.store import Calendars, refresh_all, refresh_deadlines
from dispute.keys import Keyring, open_keyring
from dispute.person_keys import SealingKeys, sealing_dir, wrapping_ids
from evidence.store import EvidenceStore, key_ids_in


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Context:
    db: Database
    store: EvidenceStore
    settings: Settings
    keys: Keyring  # the portal's keys (evidence, wrapping); people's keys are in `sealing`
    sealing: SealingKeys
    clock: Callable[[], datetime] = field(default=_utc_now)
    calendars: Calendars = field(default=calendar_for)  # the installed `holidays` release
    erased_at_start: list = field(default_factory=list)  # accounts erased by this start

    def now(self) -> datetime:
        return self.clock()

    def refresh_deadlines(self, uow: UnitOfWork) -> None:
        """Before a write commits: recompute the deadlines of the disputes it changed."""
        for dispute_id in uow.changed_disputes:
            refresh_deadlines(uow, dispute_id, self.now(), self.settings.timezone,
                              self.calendars)

    def today(self) -> date:
        """Today where the organisation is (its time zone), for validating dates users enter."""
        return self.now().astimezone(ZoneInfo(self.settings.timezone)).date()


def open_context(settings: Settings | None = None, calendars: Calendars | None = None,
                 clock: Callable[[], datetime] | None = None) -> Context:
    """Open (and upgrade) the database, the keys and the store, and tidy what a crash left.

    Holding the database means no other process is uploading, so every staged temp file and every
    object without an evidence row is a crash's leftover: both are removed (the upload had not
    been confirmed to anyone). Objects stored in clear by an older version are encrypted, and
    protected fields of an older version are re-sealed once, bound to their rows, under each
    person's own key (storage/sealing.py). Erasures recorded in the ledger outside the data
    directory are carried out again (a restored backup does not bring an erased person back),
    and held erasure requests whose hold has ended are carried out.
    When the holiday calendar differs from the one the stored deadlines were counted with (a
    newer `holidays` release), they are recounted and each moved due date is an event.
    `calendars` and `clock` replace the installed calendar and the system clock (tests, demo).
    """
    settings = settings or load_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    db = Database(settings.db_path)
    try:
        applied = migrate(db)
        keys = open_keyring(db, settings.data_dir, settings.data_key,
                            in_use=lambda: key_ids_in_use(db, settings))
        sealing = SealingKeys(sealing_dir(settings.data_dir), keys)
        db.keys = sealing
        if not sealing.index_exists() and db.read(upgrade_done):
            sealing.index()  # the index key file was lost: a new one, and every name re-indexed
            reindex_names(db, sealing)
        reseal_all(db, sealing, _utc_now())
        store = EvidenceStore(settings.store_dir, keys)
        store.sweep_temp(older_than_seconds=0)  # we hold the database: no upload is under way
        store.sweep_orphans(db.read(evidence.referenced_objects))
        store.encrypt_legacy()
        _empty_export_area(settings.data_dir)
    except BaseException:
        db.close()
        raise
    ctx = Context(db=db, store=store, settings=settings, keys=keys, sealing=sealing,
                  calendars=calendars or calendar_for, clock=clock or _utc_now)
    db.before_commit = ctx.refresh_deadlines
    try:
        if "0003_deadlines.sql" in applied:  # an upgrade: give existing disputes their deadlines
            refresh_all(db, ctx.now(), settings.timezone, ctx.calendars)
        recount_on_calendar_change(db, ctx.now(), settings.timezone, ctx.calendars)
        from dispute import erasure  # it builds on this module
        ctx.erased_at_start = erasure.run_due(ctx)
    except BaseException:
        db.close()
        raise
    return ctx


def key_ids_in_use(db: Database, settings: Settings) -> set[str]:
    """Ids of the portal keys some stored ciphertext names: key files, evidence, old fields."""
    return (wrapping_ids(sealing_dir(settings.data_dir))
            | key_ids_in(settings.store_dir / "objects") | db.read(legacy_key_ids))


def _empty_export_area(data_dir) -> None:
    """Bundles a killed export left half-made (we hold the database: no export is running)."""
    area = data_dir / "exports-tmp"
    if area.is_dir():
        shutil.rmtree(area)

