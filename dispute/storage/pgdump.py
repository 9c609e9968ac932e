"""PostgreSQL's own dump and restore (`pg_dump -Fc`, `pg_restore`) for backups of a portal on
PostgreSQL, taken while portal processes keep writing.

A backup must hold the database and the evidence objects its rows name as of one instant. The
backup's read transaction (REPEATABLE READ) exports its snapshot, `pg_dump --snapshot` dumps
exactly that snapshot, and the list of objects to copy is read in the same transaction: a row
committed a moment later is in neither. Objects are immutable and never deleted while named, so
copying them after the dump is consistent.

A password in the URL is handed to the tools in PGPASSWORD, never on their command line (which
every user of the machine can read in the process list).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from pathlib import Path

from psycopg.conninfo import conninfo_to_dict, make_conninfo

from dispute.errors import UserError
from dispute.i18n import N_


class ToolFailed(UserError):
    """pg_dump or pg_restore was missing or failed; its own words are in the message."""


def tool(name: str) -> str:
    """The newest installed pg_dump/pg_restore (Debian keeps each version's under
    /usr/lib/postgresql/N/bin; a dump needs a pg_dump at least as new as the server)."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                   key=lambda p: int(Path(p).parents[1].name)
                   if Path(p).parents[1].name.isdigit() else 0)
    if found:
        return found[-1]
    on_path = shutil.which(name)
    if on_path is None:
        raise ToolFailed(N_("{tool} is not installed (apt-get install postgresql-client)."),
                         tool=name)
    return on_path


def _conninfo_and_env(url: str) -> tuple[str, dict[str, str]]:
    params = conninfo_to_dict(url)
    env = dict(os.environ)
    password = params.pop("password", None)
    if password is not None:
        env["PGPASSWORD"] = str(password)
    return make_conninfo(**params), env


def export_snapshot(tx) -> str:
    """The id of this read transaction's snapshot, for `pg_dump --snapshot` while it stays open."""
    return tx.execute("SELECT pg_export_snapshot()").scalar()


def table_names(tx) -> list[str]:
    """Every table of the current schema (a restore needs a database with none)."""
    return tx.execute("SELECT table_name FROM information_schema.tables "
                      "WHERE table_schema = current_schema()").column()


def dump(url: str, out: Path, snapshot: str | None = None) -> None:
    """`pg_dump` in custom format into `out` (of `snapshot` when given)."""
    conninfo, env = _conninfo_and_env(url)
    argv = [tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
            f"--file={out}", f"--dbname={conninfo}"]
    if snapshot:
        argv.append(f"--snapshot={snapshot}")
    _run(argv, env, "pg_dump")


def restore(url: str, dump_file: Path) -> None:
    """`pg_restore` of a custom-format dump into the (empty) database at `url`, all or nothing."""
    conninfo, env = _conninfo_and_env(url)
    _run([tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
          "--single-transaction", f"--dbname={conninfo}", str(dump_file)], env, "pg_restore")


def _run(argv: list[str], env: dict[str, str], name: str) -> None:
    done = subprocess.run(argv, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        words = (done.stderr or done.stdout).strip().splitlines()
        raise ToolFailed(N_("{tool} failed: {reason}"), tool=name,
                         reason=words[-1] if words else f"exit {done.returncode}")
