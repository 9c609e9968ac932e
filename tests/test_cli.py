"""`python -m dispute …` as a user runs it: a real process, a real data directory."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, pdf_bytes, png_bytes


def run(data_dir: Path, *args: str, stdin: str = "", env: dict | None = None):
    return subprocess.run([sys.executable, "-m", "dispute", *args], cwd=REPO, input=stdin,
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "DISPUTE_DATA_DIR": str(data_dir), "LANG": "C",
                               **(env or {})})


@pytest.fixture
def data(tmp_path):
    return tmp_path / "data"


def test_init_is_idempotent(data):
    assert run(data, "init").returncode == 0
    second = run(data, "init")
    assert second.returncode == 0 and "database ready" in second.stdout
    assert (data / "dispute.duckdb").exists()


def test_user_add_reads_the_password_from_stdin(data):
    ok = run(data, "user", "add", "--email", "Staff@Example.com", "--role", "staff",
             stdin="long staff password\n")
    assert ok.returncode == 0, ok.stderr
    assert "created staff account staff@example.com" in ok.stdout
    short = run(data, "user", "add", "--email", "x@example.com", "--role", "legal",
                stdin="short\n")
    assert short.returncode == 1 and "password: At least 10 characters." in short.stderr


def test_demo_then_evidence_add_prints_hashes_and_refuses_bad_files(data, tmp_path):
    demo = run(data, "demo", "--cases", "3", "--seed", "7")
    assert demo.returncode == 0, demo.stderr
    for role in ("admin", "staff", "legal", "borrower"):
        assert f"{role}@demo.example" in demo.stdout
    again = run(data, "demo", "--cases", "1")
    assert again.returncode == 1 and "no disputes" in again.stderr

    good = tmp_path / "statement.pdf"
    good.write_bytes(pdf_bytes("cli"))
    photo = tmp_path / "photo.png"
    photo.write_bytes(png_bytes())
    fake = tmp_path / "invoice.pdf"
    fake.write_bytes(Path("/bin/ls").read_bytes())  # a real program, renamed
    result = run(data, "evidence", "add", "DSP-2026-000001", str(good), str(fake), str(photo),
                 "--kind", "statement")
    assert result.returncode == 1
    import hashlib

    assert hashlib.sha256(good.read_bytes()).hexdigest() in result.stdout
    assert hashlib.sha256(photo.read_bytes()).hexdigest() in result.stdout
    assert "invoice.pdf" in result.stderr and "disguised" in result.stderr
    assert run(data, "audit", "verify").returncode == 0


def test_a_command_says_plainly_when_the_portal_holds_the_database(data):
    assert run(data, "init").returncode == 0
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
         "print('ready', flush=True); time.sleep(60)", str(data / "dispute.duckdb")],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        result = run(data, "init")
        assert result.returncode == 3
        assert result.stderr.count("\n") == 1 and "in use by another program" in result.stderr
    finally:
        holder.kill()
        holder.wait()


def test_unknown_dispute_is_an_error_on_stderr(data, tmp_path):
    run(data, "user", "add", "--email", "s@example.com", "--role", "staff",
        stdin="long staff password\n")
    f = tmp_path / "a.png"
    f.write_bytes(png_bytes())
    result = run(data, "evidence", "add", "DSP-2026-999999", str(f), "--kind", "photo")
    assert result.returncode == 1 and "No dispute DSP-2026-999999 was found." in result.stderr


def test_search_reindex_rebuilds_the_text_index(data):
    import duckdb

    assert run(data, "demo", "--cases", "3", "--seed", "7").returncode == 0
    db = data / "dispute.duckdb"
    with duckdb.connect(str(db)) as conn:
        kept = conn.execute("SELECT dispute_id, term FROM search_terms ORDER BY 1, 2").fetchall()
        assert kept
        conn.execute("DELETE FROM search_terms")
    done = run(data, "search", "reindex")
    assert done.returncode == 0, done.stderr
    assert "search index rebuilt: 3 disputes" in done.stdout
    with duckdb.connect(str(db)) as conn:
        assert conn.execute("SELECT dispute_id, term FROM search_terms ORDER BY 1, 2"
                            ).fetchall() == kept
