"""A throwaway PostgreSQL cluster for the tests: `initdb` in a temp folder, the server listening
only on a Unix socket in that folder, trust authentication, started once per test session and
removed at its end. Each test gets its own database, copied from a migrated template (a copy is
far quicker than running the migrations again).

PostgreSQL refuses to run as root, so as root the server's programs run as the `postgres` user
(`runuser`) in a folder that user owns. Durability is switched off (fsync, synchronous commit):
the cluster dies with the session anyway.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

TEMPLATE = "dispute_template"


def server_bin() -> Path | None:
    """The newest installed PostgreSQL's bin folder (Debian: /usr/lib/postgresql/N/bin), 15+."""
    found = []
    for initdb in glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        version = Path(initdb).parents[1].name
        if version.isdigit() and int(version) >= 15:
            found.append((int(version), Path(initdb).parent))
    if not found and shutil.which("initdb"):
        found.append((0, Path(shutil.which("initdb")).parent))
    return max(found)[1] if found else None


def _as_server_user(argv: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


@dataclass
class Cluster:
    """A running cluster: `url(name)` connects to one of its databases as its superuser."""

    bin: Path
    root: Path
    user: str
    _names: itertools.count = field(default_factory=lambda: itertools.count(1))

    @property
    def socket_dir(self) -> Path:
        return self.root

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://{self.user}@/{dbname}?host={quote(str(self.root), safe='')}"

    def admin(self, sql: str, dbname: str = "postgres") -> None:
        """One statement as the superuser, outside a transaction (CREATE/DROP DATABASE)."""
        import psycopg

        with psycopg.connect(self.url(dbname), autocommit=True) as conn:
            conn.execute(sql)

    def new_database(self, template: str | None = TEMPLATE) -> str:
        """A fresh database (a copy of the migrated template, or empty with template=None);
        returns its URL."""
        name = f"t{os.getpid()}_{next(self._names)}"
        source = template or "template0"
        self.admin(f'CREATE DATABASE "{name}" TEMPLATE "{source}" STRATEGY FILE_COPY')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        name = url.rsplit("/", 1)[1].split("?", 1)[0]
        self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def add_password_role(self, role: str, password: str) -> None:
        """A login role that must give its password (the cluster trusts everyone else): for
        testing what a wrong password says."""
        self.admin(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'")
        hba = self.root / "data" / "pg_hba.conf"
        rules = hba.read_text()
        hba.write_text(f"local all {role} scram-sha-256\n"
                       f"host all {role} 127.0.0.1/32 scram-sha-256\n" + rules)
        self.admin("SELECT pg_reload_conf()")

    def stop(self) -> None:
        subprocess.run(_as_server_user([str(self.bin / "pg_ctl"), "-D", str(self.root / "data"),
                                        "-m", "immediate", "-w", "stop"]),
                       capture_output=True, check=False)
        shutil.rmtree(self.root, ignore_errors=True)


def start_cluster(extra_options: str = "") -> Cluster:
    """initdb, start, wait until it accepts connections, and build the migrated template.
    `extra_options` (`-c name=value …`) come last and so win (bench/queue.py gives the server
    more memory)."""
    bin_dir = server_bin()
    if bin_dir is None:
        raise FileNotFoundError("PostgreSQL 15+ is not installed (apt-get install postgresql)")
    root = Path(tempfile.mkdtemp(prefix="dispute-pg-"))
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(root, owner.pw_uid, owner.pw_gid)
        user = "postgres"
    else:
        user = pwd.getpwuid(os.geteuid()).pw_name
    root.chmod(0o700)
    data = root / "data"
    subprocess.run(_as_server_user([str(bin_dir / "initdb"), "-D", str(data), "-U", user,
                                    "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8",
                                    "--no-sync"]), check=True, capture_output=True)
    options = (f"-k {root} -c listen_addresses='' -c fsync=off -c synchronous_commit=off "
               "-c full_page_writes=off -c max_connections=300 -c shared_buffers=64MB "
               + extra_options)
    started = subprocess.run(_as_server_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-l",
                                              str(root / "server.log"), "-o", options, "-w",
                                              "-t", "60", "start"]), capture_output=True,
                             text=True)
    if started.returncode != 0:
        log = (root / "server.log").read_text(errors="replace") if (root / "server.log").exists() \
            else ""
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"PostgreSQL did not start: {started.stderr}\n{log}")
    cluster = Cluster(bin=bin_dir, root=root, user=user)
    try:
        _make_template(cluster)
    except BaseException:
        cluster.stop()
        raise
    return cluster


def _make_template(cluster: Cluster) -> None:
    from dispute.storage.migrate import migrate
    from dispute.storage.postgresql.database import Database

    cluster.admin(f'CREATE DATABASE "{TEMPLATE}" TEMPLATE template0')
    db = Database(cluster.url(TEMPLATE))
    try:
        migrate(db)
    finally:
        db.close()
