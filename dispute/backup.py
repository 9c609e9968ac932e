"""Backups and restores of a whole portal: the database, the evidence store, and the keys if asked.

A backup is taken while this process holds the database, which DuckDB lets only one process open:
the portal must be stopped, so nothing can change between the database copy and the store copy.
Store objects are immutable and named by their SHA-256, so copying every object a row refers to
gives a store that matches the database exactly; each copy is decrypted and hashed before the
backup counts as written. Everything goes into a hidden folder beside DIR that is renamed to DIR
only when complete, so a backup interrupted half-way never looks like a backup.

The evidence stays encrypted in the backup. Keys are written only with `with_keys`: a backup with
its key is a readable copy of every ID number and recording in it, and must be kept like one.

Each person's key and the name index's key (sealing-keys/, dispute/person_keys.py) are always in
the backup: they are wrapped by the portal key, so without it they are as unreadable as the rest.

The ledger of erased accounts (kept outside the data directory) is copied in as erasures.log and
merged back by a restore; the restored portal's first start erases those people again, so an
older backup never brings an erased person back (dispute/erasure.py).

Layout of DIR: manifest.json, dispute.duckdb, evidence/objects/<sha[:2]>/<sha>, sealing-keys/,
erasures.log, and with keys
keys/dispute.key (all keys of the keyring) plus any other *.key file of the data directory (the
bundle signing key).

On PostgreSQL the portal keeps running: the database is `dispute.pgdump` (`pg_dump` custom format)
of one snapshot, and the objects copied are those the rows of that same snapshot name
(dispute/storage/pgdump.py). A restore (`pg_restore`) goes into an empty database — one with no
tables at all — named by DISPUTE_DATABASE_URL; the objects are added to the store (a shared store
may already hold some: each is verified either way) and the keys to the data directory.

Either restore puts the objects where the restored portal's settings look for them: in the data
directory's evidence/ by default, or in DISPUTE_EVIDENCE_DIR when that is set (a store outside the
data directory, e.g. on a shared mount).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from dispute import audit, erasure_ledger, keys, person_keys
from dispute.bundle import signing
from dispute.config import Settings
from dispute.context import Context, open_context
from dispute.storage import Database, data_keys, evidence, history, open_database, pgdump
from dispute.storage.migrate import schema_version
from dispute.durable import fsync_path
from dispute.errors import UserError
from dispute.i18n import N_
from evidence.store import EvidenceStore

FORMAT: Final = 1
MANIFEST: Final = "manifest.json"
DB_FILE: Final = "dispute.duckdb"
PG_DUMP_FILE: Final = "dispute.pgdump"
OBJECTS: Final = Path("evidence") / "objects"
KEYS_DIR: Final = "keys"
LEDGER: Final = "erasures.log"


class BackupProblem(UserError):
    """A backup or restore that cannot be done as asked; nothing was changed."""


@dataclass(frozen=True)
class Summary:
    path: Path
    objects: int
    object_bytes: int
    events: int
    keys_included: bool


def backup(ctx: Context, target: Path, *, with_keys: bool = False) -> Summary:
    """Write a snapshot of the portal to `target`, a folder that must not exist yet or be empty."""
    target = Path(target).resolve()
    data_dir = ctx.settings.data_dir.resolve()
    if target == data_dir or data_dir in target.parents or target in data_dir.parents:
        raise BackupProblem(N_("A backup must be written outside the data directory {data_dir}."),
                            data_dir=str(data_dir))
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupProblem(N_("{path} already exists and is not an empty folder; choose a new "
                               "folder for the backup."), path=str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-", dir=target.parent))
    try:
        manifest = _write_snapshot(ctx, staging, with_keys)
        _fsync_tree(staging)
        if target.exists():
            target.rmdir()
        staging.rename(target)
        fsync_path(target.parent)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Summary(target, manifest["objects"], manifest["object_bytes"], manifest["events"],
                   with_keys)


def _write_snapshot(ctx: Context, out: Path, with_keys: bool) -> dict[str, Any]:
    if ctx.db.backend == "postgresql":
        db_file = PG_DUMP_FILE

        def dump(tx) -> tuple[list[str], int, list[str], int | None]:
            """pg_dump of this transaction's snapshot, and what that snapshot names."""
            pgdump.dump(ctx.db.url, out / PG_DUMP_FILE, pgdump.export_snapshot(tx))
            return (sorted(evidence.referenced_objects(tx)), history.count(tx),
                    sorted(data_keys.recorded(tx)), schema_version(tx))

        shas, events, key_ids, schema = ctx.db.read(dump)
    else:
        db_file = DB_FILE
        ctx.db.copy_file_to(out / DB_FILE)
        shas = sorted(ctx.db.read(evidence.referenced_objects))
        events, key_ids = ctx.db.read(history.count), sorted(ctx.db.read(data_keys.recorded))
        schema = ctx.db.read(schema_version)
    copy = EvidenceStore(out / "evidence", ctx.keys)
    total = 0
    for sha in shas:
        source, dest = ctx.store.ciphertext_path(sha), copy.ciphertext_path(sha)
        dest.parent.mkdir(mode=0o700, exist_ok=True)
        shutil.copyfile(source, dest)
        os.chmod(dest, 0o600)
        if not copy.verify(sha):
            raise BackupProblem(N_("Evidence file {sha256} fails its check and was not backed "
                                   "up; run the backup again, or restore that file first."),
                                sha256=sha)
        total += dest.stat().st_size
    if ctx.settings.erasure_ledger.exists():
        shutil.copyfile(ctx.settings.erasure_ledger, out / LEDGER)
    sealing = ctx.settings.sealing_keys_dir
    if sealing.is_dir():
        shutil.copytree(sealing, out / person_keys.DIR_NAME,
                        ignore=shutil.ignore_patterns(".tmp-*"))
    if with_keys:
        keys.create_key_file(out / KEYS_DIR / keys.KEY_FILE_NAME, ctx.keys)
        # The bundle signing key is made by `init`; a portal that never ran it (or exported a
        # bundle) has none yet: make it now, so the backup holds every key it will ever need.
        signing.ensure_key(ctx.settings.data_dir)
        for other in sorted(ctx.settings.data_dir.glob("*.key")):
            if other.name != keys.KEY_FILE_NAME:
                shutil.copyfile(other, out / KEYS_DIR / other.name)
                os.chmod(out / KEYS_DIR / other.name, 0o600)
    manifest = {
        "format": FORMAT,
        "created_at": ctx.now().isoformat(),
        "database": {"file": db_file, "sha256": _file_sha256(out / db_file),
                     "schema": schema, "backend": ctx.db.backend},
        "objects": len(shas),
        "object_bytes": total,
        "events": events,
        "key_ids": key_ids,
        "keys_included": with_keys,
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def restore(settings: Settings, source: Path) -> Summary:
    """Bring a backup back into an empty (or absent) data directory — or, for a backup of a portal
    on PostgreSQL, into the empty database of DISPUTE_DATABASE_URL — then check all of it."""
    source = Path(source).resolve()
    manifest = read_manifest(source)
    backend = manifest["database"].get("backend", "duckdb")
    if backend == "postgresql":
        return _restore_postgresql(settings, source, manifest)
    if settings.database_url:
        raise BackupProblem(N_("This is a backup of an embedded (DuckDB) portal: restore it "
                               "without DISPUTE_DATABASE_URL, then move it with migrate-to."))
    data_dir = settings.data_dir
    if settings.db_path.exists():
        Database(settings.db_path).close()  # DatabaseLocked while the portal holds it
    if data_dir.exists() and any(data_dir.iterdir()):
        raise BackupProblem(
            N_("The data directory {data_dir} is not empty; restore only into an empty one "
               "(move the current data away first)."), data_dir=str(data_dir))
    backup_keys = source / KEYS_DIR / keys.KEY_FILE_NAME
    _check_keys(settings, manifest)
    if _file_sha256(source / DB_FILE) != manifest["database"]["sha256"]:
        raise BackupProblem(N_("The database in the backup {path} does not match its manifest; "
                               "the backup is damaged."), path=str(source))
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{data_dir.name}.restoring-", dir=data_dir.parent))
    try:
        shutil.copyfile(source / DB_FILE, staging / DB_FILE)
        store_dir = settings.store_dir.resolve()
        if store_dir.is_relative_to(data_dir.resolve()):  # the store lives in the data directory
            inside = store_dir.relative_to(data_dir.resolve())
            shutil.copytree(source / OBJECTS, staging / inside / "objects")
        else:  # DISPUTE_EVIDENCE_DIR elsewhere: the objects go where the portal will look
            _add_objects(source, store_dir)
        if (source / person_keys.DIR_NAME).is_dir():
            shutil.copytree(source / person_keys.DIR_NAME, staging / person_keys.DIR_NAME)
        if manifest["keys_included"]:
            for key_file in sorted((source / KEYS_DIR).glob("*.key")):
                shutil.copyfile(key_file, staging / key_file.name)
                os.chmod(staging / key_file.name, 0o600)
            keys.read_key_file(staging / keys.KEY_FILE_NAME)  # refuse a damaged key file now
        os.chmod(staging, 0o700)
        _fsync_tree(staging)
        if (source / LEDGER).exists():  # erasures this backup knows of are never forgotten
            erasure_ledger.merge(settings.erasure_ledger, source / LEDGER)
        _move_into(staging, data_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return check_restored(settings, manifest, backup_keys.exists())


def _check_keys(settings: Settings, manifest: dict[str, Any]) -> None:
    """The backup's data can be opened: its keys are in it, or DISPUTE_KEY holds them all."""
    if not manifest["keys_included"] and not settings.data_key:
        raise BackupProblem(
            N_("This backup holds no keys (it was made without --with-keys). Set DISPUTE_KEY to "
               "key {ids}, or restore from a backup made with --with-keys."),
            ids=", ".join(manifest["key_ids"]) or "-")
    if settings.data_key:
        given = {k.id_hex for k in keys.parse_keys(settings.data_key, keys.ENV_VAR).keys}
        missing = [i for i in manifest["key_ids"] if i not in given]
        if missing:
            raise BackupProblem(N_("DISPUTE_KEY does not hold key {ids}, which the data in this "
                                   "backup is encrypted with."), ids=", ".join(missing))


def _restore_postgresql(settings: Settings, source: Path, manifest: dict[str, Any]) -> Summary:
    """pg_restore into the empty database of DISPUTE_DATABASE_URL, the objects into the store,
    the keys into the data directory; then the same checks as an embedded restore."""
    if not settings.database_url:
        raise BackupProblem(N_("This is a backup of a portal on PostgreSQL: set "
                               "DISPUTE_DATABASE_URL to an empty database (createdb) to restore "
                               "it into."))
    _check_keys(settings, manifest)
    dump_file = source / manifest["database"]["file"]
    if _file_sha256(dump_file) != manifest["database"]["sha256"]:
        raise BackupProblem(N_("The database in the backup {path} does not match its manifest; "
                               "the backup is damaged."), path=str(source))
    target = open_database(settings)
    try:
        existing = target.read(pgdump.table_names)
    finally:
        target.close()
    if existing:
        raise BackupProblem(N_("The database {place} is not empty (it has {count} tables, e.g. "
                               "{table}); restore only into a new, empty database (createdb, and "
                               "do not run init on it first)."),
                            place=getattr(target, "where", "-"), count=len(existing),
                            table=sorted(existing)[0])
    if manifest["keys_included"]:
        settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        for key_file in sorted((source / KEYS_DIR).glob("*.key")):
            dest = settings.data_dir / key_file.name
            if dest.exists():
                if dest.read_bytes() != key_file.read_bytes():
                    raise BackupProblem(N_("{path} already exists and differs from the key in the "
                                           "backup; move it away first."), path=str(dest))
                continue
            shutil.copyfile(key_file, dest)
            os.chmod(dest, 0o600)
    sealing_source = source / person_keys.DIR_NAME
    if sealing_source.is_dir():  # each person's key and the name index's, wrapped
        sealing = settings.sealing_keys_dir
        sealing.mkdir(parents=True, exist_ok=True, mode=0o700)
        for key_file in sorted(p for p in sealing_source.rglob("*") if p.is_file()):
            dest = sealing / key_file.relative_to(sealing_source)
            if not dest.exists():
                dest.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                shutil.copyfile(key_file, dest)
                os.chmod(dest, 0o600)
    if (source / LEDGER).exists():  # erasures this backup knows of are never forgotten
        erasure_ledger.merge(settings.erasure_ledger, source / LEDGER)
    pgdump.restore(settings.database_url, dump_file)
    _add_objects(source, settings.store_dir)
    return check_restored(settings, manifest, manifest["keys_included"])


def _add_objects(source: Path, store_dir: Path) -> None:
    """The backup's objects added to the store at `store_dir` (DISPUTE_EVIDENCE_DIR, which may be
    shared and hold some already: those are kept, and every object is verified afterwards by
    check_restored). Each arrives by a hard link from the store's tmp/, never half-written."""
    store = EvidenceStore(store_dir, keys.Keyring.generate())  # bytes copied, not read
    for copied in sorted((source / OBJECTS).glob("??/*")):
        dest = store.ciphertext_path(copied.name)
        if dest.exists():
            continue  # a shared store may hold it already: verified below like the rest
        dest.parent.mkdir(mode=0o700, exist_ok=True)
        temp = store.tmp_dir / f".restore-{copied.name}"
        shutil.copyfile(copied, temp)
        os.chmod(temp, 0o600)
        fsync_path(temp)
        try:
            os.link(temp, dest)  # never over an object another process stored meanwhile
        except FileExistsError:
            pass
        temp.unlink()
        fsync_path(dest.parent)


def check_restored(settings: Settings, manifest: dict[str, Any], keys_included: bool) -> Summary:
    """Open the restored portal and prove it whole: the event chain and every evidence file."""
    ctx = open_context(settings)
    try:
        count, problem = audit.verify_chain(ctx.db)
        if problem:
            raise BackupProblem(N_("The restored event history is broken at event {seq}: "
                                   "{reason}"), seq=problem.seq, reason=problem.reason)
        shas = sorted(ctx.db.read(evidence.referenced_objects))
        bad = [sha for sha in shas if not ctx.store.verify(sha)]
        # erasures recorded in the ledger were carried out again: their files are gone
        if bad or (len(shas) != manifest["objects"] and not ctx.erased_at_start):
            raise BackupProblem(N_("{count} restored evidence files are missing or fail their "
                                   "check, e.g. {sha256}."), count=len(bad) or "some",
                                sha256=(bad or ["-"])[0])
        total = sum(ctx.store.ciphertext_path(sha).stat().st_size for sha in shas)
    finally:
        ctx.db.close()
    return Summary(settings.data_dir, len(shas), total, count, keys_included)


def read_manifest(source: Path) -> dict[str, Any]:
    """The backup's manifest, or BackupProblem saying why DIR is not a usable backup."""
    path = Path(source) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise BackupProblem(N_("{path} is not a complete backup (no readable manifest.json)."),
                            path=str(source)) from None
    if manifest.get("format") != FORMAT:
        raise BackupProblem(N_("{path} is a backup in a format this version cannot read."),
                            path=str(source))
    return manifest


def _move_into(staging: Path, data_dir: Path) -> None:
    """Rename the restored tree into place: in one step when the data directory does not exist."""
    if not data_dir.exists():
        staging.rename(data_dir)
    else:
        for entry in staging.iterdir():
            entry.rename(data_dir / entry.name)
        staging.rmdir()
        os.chmod(data_dir, 0o700)
    fsync_path(data_dir.parent)


def _file_sha256(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _fsync_tree(root: Path) -> None:
    """Every file and folder under `root`, deepest first, then `root` itself."""
    for path in sorted(root.rglob("*"), reverse=True):
        fsync_path(path)
    fsync_path(root)
