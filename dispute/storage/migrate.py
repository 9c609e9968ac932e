"""Numbered schema migrations (`<backend>/migrations/NNNN_name.sql`), applied once each, in
order. Each backend ships its own files under the same version numbers."""

from __future__ import annotations

from datetime import datetime, timezone
from importlib import resources


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


def applied(db) -> set[int]:
    def read(uow) -> set[int]:
        uow.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                    "name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)")
        return set(uow.execute("SELECT version FROM schema_migrations").column())

    return db.write(read)


def migrate(db) -> list[str]:
    """Apply what is missing, each migration in its own transaction; returns the names applied."""
    done = applied(db)
    names = []
    for version, name, sql in available(db.backend):
        if version in done:
            continue

        def apply(uow, version=version, name=name, sql=sql) -> None:
            for statement in _statements(sql):
                uow.execute(statement)
            uow.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)",
                        (version, name, datetime.now(timezone.utc)))

        db.write(apply)
        names.append(name)
    return names


def schema_version(tx) -> int | None:
    return tx.execute("SELECT max(version) FROM schema_migrations").scalar()
