"""`python -m dispute backup` and `restore` as an operator runs them: real processes, real folders.
After a restore the event chain verifies, every evidence file decrypts to its hash, and every row
is as it was."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dispute import keys
from dispute.bundle import signing
from dispute.config import load_settings
from dispute.context import open_context
from tests.conftest import raw, REPO, pdf_bytes
from tests.test_cli import run


@pytest.fixture(scope="module")
def demo_portal(tmp_path_factory) -> Path:
    """A data directory with demo disputes and one more evidence file added by the CLI, made once
    per module (about 9 s of real processes) and copied for each test by `portal`."""
    data = tmp_path_factory.mktemp("backup-demo") / "data"
    made = run(data, "demo", "--cases", "3", "--seed", "3")
    assert made.returncode == 0, made.stderr
    extra = data.parent / "statement.pdf"
    extra.write_bytes(pdf_bytes("added before the backup"))
    added = run(data, "evidence", "add", "DSP-2026-000001", str(extra), "--kind", "statement")
    assert added.returncode == 0, added.stderr
    return data


@pytest.fixture
def portal(demo_portal: Path, tmp_path: Path) -> Path:
    """This test's own copy of the demo portal (keys, database and store, modes kept)."""
    return Path(shutil.copytree(demo_portal, tmp_path / "data", symlinks=True))


def contents(data: Path, env: dict | None = None) -> dict:
    """Every row of every table, and every evidence file's plaintext hash."""
    ctx = open_context(load_settings({"DISPUTE_DATA_DIR": str(data), **(env or {})}))
    try:
        names = [r["table_name"] for r in raw(ctx.db, 
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'")]
        assert {"users", "disputes", "evidence", "events", "data_keys"} <= set(names)
        tables = {t: sorted(map(repr, raw(ctx.db, f'SELECT * FROM "{t}"').rows)) for t in names}
        hashes = {}
        for sha in ctx.store.object_ids():
            with ctx.store.open(sha) as fh:
                hashes[sha] = hashlib.file_digest(fh, "sha256").hexdigest()
    finally:
        ctx.db.close()
    return {"tables": tables, "objects": hashes}


def test_round_trip_with_keys(portal: Path, tmp_path: Path) -> None:
    before = contents(portal)
    assert len(before["objects"]) >= 4 and all(k == v for k, v in before["objects"].items())
    made = run(portal, "backup", str(tmp_path / "backup"), "--with-keys")
    assert made.returncode == 0, made.stderr
    assert "WARNING" in made.stdout and "includes the encryption keys" in made.stdout
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["keys_included"] and manifest["objects"] == len(before["objects"])
    assert not list(tmp_path.glob(".backup.partial-*"))

    restored = tmp_path / "restored"
    done = run(restored, "restore", str(tmp_path / "backup"))
    assert done.returncode == 0, done.stderr
    assert "event chain intact" in done.stdout
    assert run(restored, "audit", "verify").returncode == 0
    assert contents(restored) == before
    assert (restored / keys.KEY_FILE_NAME).read_text() == (portal / keys.KEY_FILE_NAME).read_text()
    for sha in before["objects"]:  # the same encrypted bytes, not a re-encryption
        relative = Path("evidence/objects") / sha[:2] / sha
        assert (restored / relative).read_bytes() == (portal / relative).read_bytes()
    signing_key = signing.key_path(portal)
    assert (restored / signing_key.name).read_bytes() == signing_key.read_bytes()


def test_with_keys_includes_a_signing_key_not_made_yet(portal: Path, tmp_path: Path) -> None:
    signing_key = signing.key_path(portal)
    signing_key.unlink(missing_ok=True)  # a portal that never ran `init` nor exported a bundle
    made = run(portal, "backup", str(tmp_path / "backup"), "--with-keys")
    assert made.returncode == 0, made.stderr
    assert signing_key.exists()
    kept = tmp_path / "backup" / "keys" / signing_key.name
    assert kept.read_bytes() == signing_key.read_bytes()


def test_without_keys_the_backup_needs_the_key_to_restore(portal: Path, tmp_path: Path) -> None:
    made = run(portal, "backup", str(tmp_path / "backup"))
    assert made.returncode == 0, made.stderr
    assert "WARNING" not in made.stdout and "keys are not in this backup" in made.stdout
    assert not any((tmp_path / "backup").rglob("*.key"))
    secret = keys.read_key_file(portal / keys.KEY_FILE_NAME).current.encoded()
    assert not any(secret.encode() in p.read_bytes()
                   for p in (tmp_path / "backup").rglob("*") if p.is_file())

    restored = tmp_path / "restored"
    refused = run(restored, "restore", str(tmp_path / "backup"))
    assert refused.returncode == 1 and "holds no keys" in refused.stderr
    assert not restored.exists() or not any(restored.iterdir())
    wrong = run(restored, "restore", str(tmp_path / "backup"),
                env={"DISPUTE_KEY": keys.new_key_text()})
    assert wrong.returncode == 1 and "DISPUTE_KEY does not hold key" in wrong.stderr

    done = run(restored, "restore", str(tmp_path / "backup"), env={"DISPUTE_KEY": secret})
    assert done.returncode == 0, done.stderr
    assert contents(restored, {"DISPUTE_KEY": secret}) == contents(portal)


def test_restore_refuses_a_data_directory_that_is_not_empty(portal: Path, tmp_path: Path) -> None:
    assert run(portal, "backup", str(tmp_path / "backup"), "--with-keys").returncode == 0
    target = tmp_path / "other"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    refused = run(target, "restore", str(tmp_path / "backup"))
    assert refused.returncode == 1 and "is not empty" in refused.stderr
    assert [p.name for p in target.iterdir()] == ["notes.txt"]
    assert not list(tmp_path.glob(".other.restoring-*"))


def test_backup_refuses_a_used_folder_and_the_data_directory(portal: Path, tmp_path: Path) -> None:
    used = tmp_path / "used"
    used.mkdir()
    (used / "x").write_text("x")
    refused = run(portal, "backup", str(used))
    assert refused.returncode == 1 and "not an empty folder" in refused.stderr
    inside = run(portal, "backup", str(portal / "backups"))
    assert inside.returncode == 1 and "outside the data directory" in inside.stderr


def test_not_a_backup_is_refused(tmp_path: Path) -> None:
    (tmp_path / "nothing").mkdir()
    refused = run(tmp_path / "data", "restore", str(tmp_path / "nothing"))
    assert refused.returncode == 1 and "not a complete backup" in refused.stderr


def test_a_damaged_database_copy_is_refused(portal: Path, tmp_path: Path) -> None:
    assert run(portal, "backup", str(tmp_path / "backup"), "--with-keys").returncode == 0
    with (tmp_path / "backup" / "dispute.duckdb").open("r+b") as fh:
        fh.seek(5000)
        fh.write(b"\xff")
    refused = run(tmp_path / "restored", "restore", str(tmp_path / "backup"))
    assert refused.returncode == 1 and "does not match its manifest" in refused.stderr


def test_both_refuse_while_the_portal_holds_the_database(portal: Path, tmp_path: Path) -> None:
    assert run(portal, "backup", str(tmp_path / "backup"), "--with-keys").returncode == 0
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
         "print('ready', flush=True); time.sleep(60)", str(portal / "dispute.duckdb")],
        stdout=subprocess.PIPE, text=True, cwd=REPO)
    try:
        assert holder.stdout.readline().strip() == "ready"
        made = run(portal, "backup", str(tmp_path / "second"))
        assert made.returncode == 3 and "in use by another program" in made.stderr
        assert not (tmp_path / "second").exists()
        restored = run(portal, "restore", str(tmp_path / "backup"))
        assert restored.returncode == 3 and "in use by another program" in restored.stderr
    finally:
        holder.kill()
        holder.wait()
    restored = run(portal, "restore", str(tmp_path / "backup"))
    assert restored.returncode == 1 and "is not empty" in restored.stderr


def _bundle_parts(zip_path: Path) -> dict:
    """A bundle without its timestamps: every exhibit's bytes, the manifest's exhibit entries,
    and the PDF's text with dates and times of day taken out."""
    import re
    import zipfile

    from pypdf import PdfReader

    with zipfile.ZipFile(zip_path) as z:
        manifest = json.loads(z.read("manifest.json"))
        exhibits = {n: hashlib.sha256(z.read(n)).hexdigest() for n in z.namelist()
                    if n.startswith("exhibits/")}
        reader = PdfReader(z.open("bundle.pdf"))
        text = "\n".join(page.extract_text() for page in reader.pages)
    timestamp = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日\s*\d{1,2}:\d{2}|\d{4}-\d{2}-\d{2}[ T]"
                           r"\d{2}:\d{2}(:\d{2})?|\b[A-Z][a-z]{2} \d{1,2}, \d{4},? \d{1,2}:\d{2}")
    entries = [e for e in manifest["files"] if e["path"] != "bundle.pdf"]
    return {"names": sorted(exhibits), "exhibits": exhibits, "entries": entries,
            "pages": len(reader.pages), "text": timestamp.sub("<time>", text)}


def test_a_bundle_from_the_restored_data_matches_one_from_before(portal: Path,
                                                                  tmp_path: Path) -> None:
    assert run(portal, "backup", str(tmp_path / "backup"), "--with-keys").returncode == 0
    legal = {"DISPUTE_CLI_USER": "legal@demo.example"}
    before = tmp_path / "before.zip"
    made = run(portal, "export", "DSP-2026-000001", "--out", str(before), env=legal)
    assert made.returncode == 0, made.stderr
    restored = tmp_path / "restored"
    assert run(restored, "restore", str(tmp_path / "backup")).returncode == 0
    after = tmp_path / "after.zip"
    made = run(restored, "export", "DSP-2026-000001", "--out", str(after), env=legal)
    assert made.returncode == 0, made.stderr
    assert before.read_bytes() != after.read_bytes()  # the timestamps differ …
    assert _bundle_parts(before) == _bundle_parts(after)  # … and nothing else
    for data_dir, zip_path in ((portal, before), (restored, after)):
        pem = tmp_path / f"{data_dir.name}.pem"  # the public key of the portal that signed it
        pem.write_text(run(data_dir, "key", "export").stdout)
        assert run(restored, "verify", str(zip_path), "--trusted-key",
                   str(pem)).returncode == 0


def test_round_trip_with_the_evidence_store_outside_the_data_directory(tmp_path: Path) -> None:
    """DISPUTE_EVIDENCE_DIR set: the restore puts the objects in the store the settings name (not
    in the data directory), and the restored portal opens an exhibit from there."""
    data, store = tmp_path / "data", tmp_path / "store"
    env = {"DISPUTE_EVIDENCE_DIR": str(store)}
    made = run(data, "demo", "--cases", "2", "--seed", "5", env=env)
    assert made.returncode == 0, made.stderr
    extra = tmp_path / "statement.pdf"
    extra.write_bytes(pdf_bytes("the statement the restored portal must open"))
    added = run(data, "evidence", "add", "DSP-2026-000001", str(extra), "--kind", "statement",
                env=env)
    assert added.returncode == 0, added.stderr
    assert not (data / "evidence" / "objects").exists() or \
        not any((data / "evidence" / "objects").rglob("*"))
    before = contents(data, env)
    assert len(before["objects"]) >= 3
    assert run(data, "backup", str(tmp_path / "backup"), "--with-keys",
               env=env).returncode == 0

    restored, restored_store = tmp_path / "restored", tmp_path / "restored-store"
    restored_env = {"DISPUTE_EVIDENCE_DIR": str(restored_store)}
    done = run(restored, "restore", str(tmp_path / "backup"), env=restored_env)
    assert done.returncode == 0, done.stderr
    for sha in before["objects"]:  # the same encrypted bytes, in the configured store only
        relative = Path("objects") / sha[:2] / sha
        assert (restored_store / relative).read_bytes() == (store / relative).read_bytes()
        assert not (restored / "evidence" / relative).exists()
    assert contents(restored, restored_env) == before
    assert run(restored, "audit", "verify", env=restored_env).returncode == 0

    from dispute import accounts
    from dispute.exhibits import open_evidence

    ctx = open_context(load_settings({"DISPUTE_DATA_DIR": str(restored), **restored_env}))
    try:
        row = raw(ctx.db, "SELECT e.id, e.sha256, d.number FROM evidence e JOIN disputes d "
                          "ON d.id = e.dispute_id ORDER BY e.uploaded_at DESC LIMIT 1").dicts()[0]
        staff_id = raw(ctx.db, "SELECT id FROM users WHERE role = 'staff' LIMIT 1").scalar()
        staff = accounts.get_user(ctx, staff_id)
        with open_evidence(ctx, staff, row["number"], row["id"]) as fh:
            opened = fh.read()
        assert opened.startswith(b"%PDF") and hashlib.sha256(opened).hexdigest() == row["sha256"]
        assert before["objects"][row["sha256"]] == row["sha256"]  # the file added before
    finally:
        ctx.db.close()
