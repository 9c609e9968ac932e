"""Numbered schema migrations (`<backend>/migrations/NNNN_name.sql`), applied once each, in
order. Each backend ships its own files under the same version numbers."""

from __future__ import annotations

from datetime import datetime, timezone
from importlib import resources

from dispute.errors import DatabaseUnavailable
from dispute.i18n import N_
from dispute.storage import search_index

# Steps a migration takes in Python after its SQL, in the same transaction: filling what the new
# tables index from the rows already there (the text index from the descriptions filed before it).
# 0018 made the text index and 0027 changed its terms: one build, after 0027, serves a database
# coming from before either (the build writes 0027's table too).
AFTER = {27: search_index.rebuild_in_migration}


def available(backend: str) -> list[tuple[int, str, str]]:
    """(version, name, sql) for every migration file the backend ships."""
    found = []
    for entry in resources.files(f"dispute.storage.{backend}.migrations").iterdir():
        if entry.name.endswith(".sql"):
            version = int(entry.name.split("_", 1)[0])
            found.append((version, entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def _statements(sql: str) -> list[str]:
    code = "\n".join(l for l in sql.splitlines() if not l.lstrip().startswith("--"))
    return [s.strip() for s in code.split(";") if s.strip()]


def _one_at_a_time(uow) -> None:
    """Several portal processes may start at once on one PostgreSQL database: each migration step
    takes a transaction-level lock, and re-checks what is applied under it."""
    if uow.backend == "postgresql":
        uow.execute("SELECT pg_advisory_xact_lock(7263524)")


def applied(db) -> set[int]:
    def read(uow) -> set[int]:
        _one_at_a_time(uow)
        uow.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                    "name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)")
        return set(uow.execute("SELECT version FROM schema_migrations").column())

    return db.write(read)


def migrate(db) -> list[str]:
    """Apply what is missing, each migration in its own transaction; returns the names applied.
    A database migrated by newer code (a version this code does not ship) is refused: this code
    would misread its tables."""
    done = applied(db)
    shipped = available(db.backend)
    unknown = sorted(done - {version for version, _, _ in shipped})
    if unknown:
        raise DatabaseUnavailable(
            N_("The database has schema version {version}, newer than this version of the portal "
               "knows (up to {known}); run the newer code, or restore a backup made with this "
               "one."), version=unknown[-1], known=max((v for v, _, _ in shipped), default=0))
    names = []
    for version, name, sql in shipped:
        if version in done:
            continue

        def apply(uow, version=version, name=name, sql=sql) -> bool:
            _one_at_a_time(uow)
            if uow.execute("SELECT 1 FROM schema_migrations WHERE version = ?",
                           (version,)).first():
                return False  # another process applied it meanwhile
            for statement in _statements(sql):
                uow.execute(statement)
            if version in AFTER:
                AFTER[version](uow)
            uow.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)",
                        (version, name, datetime.now(timezone.utc)))
            return True

        if db.write(apply):
            names.append(name)
    return names


def schema_version(tx) -> int | None:
    return tx.execute("SELECT max(version) FROM schema_migrations").scalar()
