"""Numbered schema migrations (`migrations/NNNN_name.sql`), applied once each, in order."""

from __future__ import annotations

from datetime import datetime, timezone
from importlib import resources

from dispute.db import Database, UnitOfWork


def available() -> list[tuple[int, str, str]]:
    """(version, name, sql) for every migration file shipped with the package."""
    found = []
    for entry in resources.files("dispute.migrations").iterdir():
        if entry.name.endswith(".sql"):
            version = int(entry.name.split("_", 1)[0])
            found.append((version, entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def applied(db: Database) -> set[int]:
    db.query("CREATE TABLE IF NOT EXISTS schema_migrations "
             "(version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)")
    return {r["version"] for r in db.query("SELECT version FROM schema_migrations")}


def migrate(db: Database) -> list[str]:
    """Apply what is missing, each migration in its own transaction; returns the names applied."""
    done = applied(db)
    names = []
    for version, name, sql in available():
        if version in done:
            continue

        def apply(uow: UnitOfWork, version=version, name=name, sql=sql) -> None:
            code = "\n".join(l for l in sql.splitlines() if not l.lstrip().startswith("--"))
            for statement in (s.strip() for s in code.split(";")):
                if statement:
                    uow.execute(statement)
            uow.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)",
                        (version, name, datetime.now(timezone.utc).replace(tzinfo=None)))

        db.write(apply)
        names.append(name)
    return names
