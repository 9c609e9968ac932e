"""Moving an embedded portal (DuckDB) onto PostgreSQL: `python -m dispute migrate-to URL`.

Every table is copied as it is — sealed fields stay sealed under the same keys, the event chain
keeps its hashes and its head — into a database that this code has migrated and that holds no
portal data yet (anything else is refused: copying over someone's data would mix two portals).
The copy is one transaction, so a failure leaves the target as it was. Then it is proven: the
same number of rows in every table, the event chain verifies on PostgreSQL, and every evidence
object a row names decrypts to its hash in the store. The store and the keys do not move: the
portal processes are pointed at them (DISPUTE_EVIDENCE_DIR, DISPUTE_KEY or the key file).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

from dispute import audit
from dispute.config import Settings
from dispute.context import open_context
from dispute.errors import UserError
from dispute.i18n import N_
from dispute.storage import evidence, open_database, transfer
from dispute.storage.migrate import migrate

BATCH = 1000
SEEDED = frozenset({"chain_head"})  # rows the migrations themselves insert


class MoveProblem(UserError):
    """The move cannot be made, or did not prove whole; the source is untouched."""


@dataclass(frozen=True)
class MoveReport:
    counts: dict[str, int]
    events: int
    objects: int
    store_dir: str
    data_dir: str


def migrate_to(settings: Settings, url: str,
               progress: Callable[[str], None] = lambda line: None) -> MoveReport:
    """Copy the portal of `settings` (embedded) into the PostgreSQL database at `url`."""
    if settings.database_url:
        raise MoveProblem(N_("DISPUTE_DATABASE_URL is set: this portal is already on "
                             "PostgreSQL. migrate-to moves an embedded (DuckDB) portal."))
    if not url.startswith(("postgresql://", "postgres://")):
        raise MoveProblem(N_("The target must be a postgresql://… URL."))
    if not settings.db_path.exists():
        raise MoveProblem(N_("There is no embedded database at {path} to move."),
                          path=str(settings.db_path))
    source = open_context(settings)  # DatabaseLocked while the portal runs on it
    try:
        target = open_database(replace(settings, database_url=url))
        try:
            target.keys = source.keys
            progress(f"migrating {target.where}")
            migrate(target)
            _refuse_unless_blank(target)
            names = source.db.read(transfer.tables)
            missing = sorted(set(names) - set(target.read(transfer.tables)))
            if missing:
                raise MoveProblem(N_("The target has no table {tables}: its schema is older than "
                                     "this portal's."), tables=", ".join(missing))
            order = target.read(transfer.dependency_order, names)
            target.write(_copy, source.db, order, progress)
            return _prove(source, target, names, progress)
        finally:
            target.close()
    finally:
        source.db.close()


def _refuse_unless_blank(target) -> None:
    counts = target.read(transfer.counts)
    used = sorted(t for t, n in counts.items() if n and t not in SEEDED)
    if used or target.read(transfer.count, "events"):
        raise MoveProblem(N_("The target database already holds portal data (table {table}); "
                             "migrate-to copies only into an empty database. Create a new one "
                             "(createdb) and run migrate-to again."), table=used[0])


def _copy(uow, source_db, order: list[str], progress: Callable[[str], None]) -> None:
    """Inside the target's one transaction: clear the migrations' seed rows, then every table."""
    for table in reversed(order):
        if table in SEEDED:
            transfer.clear(uow, table)
    for table in order:
        names = source_db.read(transfer.columns, table)

        def copy_table(tx, table=table, names=names) -> int:
            batch, done = [], 0
            for row in transfer.rows(tx, table, names):
                batch.append(row)
                if len(batch) == BATCH:
                    transfer.insert(uow, table, names, batch)
                    done += len(batch)
                    batch = []
            if batch:
                transfer.insert(uow, table, names, batch)
                done += len(batch)
            return done

        progress(f"  {table}: {source_db.read(copy_table)} rows")
    transfer.reset_sequences(uow)


def _prove(source, target, names: list[str], progress: Callable[[str], None]) -> MoveReport:
    before = source.db.read(transfer.counts)
    after = target.read(transfer.counts)
    wrong = [t for t in names if before[t] != after.get(t)]
    if wrong:
        t = wrong[0]
        raise MoveProblem(N_("Table {table} has {target} rows in PostgreSQL but {source} in the "
                             "embedded database."), table=t, target=after.get(t), source=before[t])
    progress(f"row counts match in all {len(names)} tables")
    count, problem = audit.verify_chain(target)
    if problem:
        raise MoveProblem(N_("The copied event history is broken at event {seq}: {reason}"),
                          seq=problem.seq, reason=problem.reason)
    progress(f"event chain intact on PostgreSQL: {count} events")
    shas = sorted(target.read(evidence.referenced_objects))
    bad = [sha for sha in shas if not source.store.verify(sha)]
    if bad:
        raise MoveProblem(N_("{count} evidence files the rows name are missing or fail their "
                             "check in {store}, e.g. {sha256}."), count=len(bad),
                          store=str(source.store.root), sha256=bad[0])
    progress(f"all {len(shas)} evidence objects verify")
    return MoveReport(counts=after, events=count, objects=len(shas),
                      store_dir=str(source.store.root),
                      data_dir=str(source.settings.data_dir))
