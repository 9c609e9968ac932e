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
from dispute.storage import Database, UnitOfWork, evidence, open_database
from dispute.storage.migrate import migrate
from dispute.storage.sealing import (check_sealing_folder, legacy_key_ids, reindex_names,
                                     reseal_all, seal_emails, upgrade_done)
from dispute.deadlines.calendar import calendar_for
from dispute.deadlines.recount import recount_on_calendar_change
from dispute.deadlines.store import Calendars, refresh_all, refresh_deadlines
from dispute.keys import Keyring, open_keyring
from dispute.export_area import sweep_export_areas
from dispute.notify import outbox
from dispute.person_keys import SealingKeys, wrapping_ids
from evidence.sharing import on_network_filesystem
from evidence.store import GRACE_SECONDS, EvidenceStore, key_ids_in


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

    # Set by the scheduler that sends mail (dispute/notify/scheduler.py): woken after a write
    # queued an email, so it goes out at once instead of at the next tick.
    mail_waker: Callable[[], None] | None = None

    def refresh_deadlines(self, uow: UnitOfWork) -> None:
        """Before a write commits: recompute the deadlines of the disputes it changed."""
        for dispute_id in uow.changed_disputes:
            refresh_deadlines(uow, dispute_id, self.now(), self.settings.timezone,
                              self.calendars)

    def before_commit(self, uow: UnitOfWork) -> None:
        """Inside every write that changed a dispute: its deadlines, then its notifications
        (the outbox: written in the same transaction as the events that cause them)."""
        self.refresh_deadlines(uow)
        outbox.on_commit(uow, self.settings, self.now())

    def wake_sender(self) -> None:
        if self.mail_waker is not None:
            self.mail_waker()

    def today(self) -> date:
        """Today where the organisation is (its time zone), for validating dates users enter."""
        return self.now().astimezone(ZoneInfo(self.settings.timezone)).date()


def open_context(settings: Settings | None = None, calendars: Calendars | None = None,
                 clock: Callable[[], datetime] | None = None) -> Context:
    """Open (and upgrade) the database, the keys and the store, and tidy what a crash left.

    Other processes may share the database and the store and be uploading right now, so only a
    crash's leftovers are removed: staged files of dead processes of this machine or older than an
    hour, and objects no row names, decided under the store's exclusive lock (and, on a network
    filesystem where that lock is weaker, older than an hour: evidence/sharing.py). Objects stored in clear by an older version are encrypted,
    and protected fields of an older version are re-sealed once, bound to their rows, under each
    person's own key, and emails still in clear sealed once (storage/sealing.py). Erasures recorded in the ledger outside the data
    directory are carried out again (a restored backup does not bring an erased person back),
    and held erasure requests whose hold has ended are carried out.
    When the holiday calendar differs from the one the stored deadlines were counted with (a
    newer `holidays` release), they are recounted and each moved due date is an event.
    `calendars` and `clock` replace the installed calendar and the system clock (tests, demo).
    """
    settings = settings or load_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    db = open_database(settings)
    try:
        applied = migrate(db)
        keys = open_keyring(db, settings.data_dir, settings.data_key,
                            in_use=lambda: key_ids_in_use(db, settings))
        sealing = SealingKeys(settings.sealing_keys_dir, keys)
        db.keys = sealing
        if settings.backend == "postgresql":  # other processes share the database: and the keys?
            check_sealing_folder(db, sealing)
        if not sealing.index_exists() and db.read(upgrade_done):
            sealing.index()  # the index key file was lost: a new one, and every name re-indexed
            reindex_names(db, sealing)
        reseal_all(db, sealing, _utc_now())
        seal_emails(db, sealing, _utc_now())
        store = EvidenceStore(settings.store_dir, keys)
        store.sweep_temp()  # dead processes' uploads; other processes may be uploading now
        store.sweep_orphans(lambda: db.read(evidence.referenced_objects),
                            GRACE_SECONDS if on_network_filesystem(store.root) else 0.0)
        store.encrypt_legacy()
        sweep_export_areas(settings.data_dir)  # other processes may be exporting now
    except BaseException:
        db.close()
        raise
    ctx = Context(db=db, store=store, settings=settings, keys=keys, sealing=sealing,
                  calendars=calendars or calendar_for, clock=clock or _utc_now)
    db.before_commit = ctx.before_commit
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
    return (wrapping_ids(settings.sealing_keys_dir)
            | key_ids_in(settings.store_dir / "objects") | db.read(legacy_key_ids))


