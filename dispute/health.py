"""The health check an operator (or a load balancer) asks of a portal process: can it reach its
database, and is the schema the one this code ships? `python -m dispute health` and the server's
`/healthz` both report this; neither migrates nor changes anything."""

from __future__ import annotations

from dataclasses import dataclass

from dispute.config import Settings
from dispute.errors import UserError
from dispute.storage import health as storage_health
from dispute.storage import open_database
from dispute.storage.migrate import available


@dataclass(frozen=True)
class Health:
    ok: bool
    backend: str
    database: str             # where: the DuckDB file, or user@host/dbname (no password)
    schema_version: int | None
    code_version: int         # the highest migration this code ships for the backend
    round_trip_ms: float | None
    problem: str | None = None

    def lines(self) -> list[str]:
        """What `health` prints, one fact a line."""
        head = f"database: {self.backend} {self.database}"
        if self.round_trip_ms is not None:
            head += f", answered in {self.round_trip_ms:.1f} ms"
        found = "none (never initialised)" if self.schema_version is None \
            else str(self.schema_version)
        out = [head, f"schema: version {found}, this code ships {self.code_version}"]
        return out + ([f"problem: {self.problem}"] if self.problem else ["ok"])


def check(settings: Settings, db=None) -> Health:
    """Probe the database of `settings` (or the open `db` of a running portal)."""
    backend = settings.backend
    code = max(v for v, _, _ in available(backend))
    place = str(settings.db_path)
    opened_here = db is None
    try:
        if db is None:
            db = open_database(settings)
        place = getattr(db, "where", place)
        found = db.read(storage_health.probe)
    except UserError as exc:
        return Health(False, backend, place, None, code, None, exc.render(lambda s: s))
    finally:
        if opened_here and db is not None:
            db.close()
    version = found["schema_version"]
    problem = None
    if version is None or version < code:
        problem = "the schema is behind this code: run `python -m dispute init`"
    elif version > code:
        problem = "the schema is newer than this code: run the newer code"
    return Health(problem is None, backend, place, version, code, found["round_trip_ms"], problem)
