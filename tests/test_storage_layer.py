"""The storage layer is the only code that writes SQL or touches a connection, and it opens
sealed fields itself: what a service gets back is the same from any database."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from dispute import cases
from dispute.storage import disputes, users
from tests.conftest import REPO, filing_form, make_user, raw

SOURCES = ["app.py", "dispute", "evidence", "ui", "pages", "scripts"]
STORAGE = REPO / "dispute" / "storage"
SQL = re.compile(r"\b(SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|"
                 r"CREATE\s+(TABLE|INDEX)|ALTER\s+TABLE|DROP\s+TABLE|ON\s+CONFLICT)\b", re.S)
CONNECTION = re.compile(r"^\s*(import|from)\s+(duckdb|psycopg|psycopg_pool|sqlite3)\b", re.M)


def python_files() -> list[Path]:
    found = []
    for name in SOURCES:
        path = REPO / name
        found += [path] if path.is_file() else sorted(path.rglob("*.py"))
    return [p for p in found if STORAGE not in p.parents]


def string_literals(path: Path) -> list[tuple[int, str]]:
    """Every string constant in the module, f-string parts included, with its line."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)]


def test_no_sql_outside_the_storage_package():
    offenders = [f"{p.relative_to(REPO)}:{line}: {text[:60]!r}"
                 for p in python_files() for line, text in string_literals(p)
                 if SQL.search(text)]
    assert offenders == [], "SQL outside dispute/storage/:\n" + "\n".join(offenders)


def test_no_database_driver_outside_the_storage_package():
    offenders = [str(p.relative_to(REPO)) for p in python_files()
                 if CONNECTION.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_the_scan_finds_sql_where_there_is_some():
    """The two scans above would pass on an empty list: they must see SQL where it is."""
    storage_hits = [p for p in sorted(STORAGE.rglob("*.py"))
                    if any(SQL.search(t) for _, t in string_literals(p))]
    assert len(storage_hits) >= 10
    assert SQL.search("SELECT d.* FROM disputes d") and SQL.search("UPDATE users SET x = ?")
    assert not SQL.search("Select the stage to move to")


@pytest.fixture
def filed(ctx):
    borrower = make_user(ctx, name="李  明")
    return borrower, cases.file_dispute(ctx, borrower, filing_form())


def test_sealed_fields_are_opened_in_python_after_the_fetch(ctx, filed):
    borrower, number = filed
    stored = raw(ctx.db, "SELECT d.account_ref, u.name FROM disputes d JOIN users u "
                         "ON u.id = d.borrower_id").first()
    assert stored["account_ref"].startswith("s2:") and stored["name"].startswith("s2:")
    row = ctx.db.read(disputes.by_number, number)
    assert row["account_ref"] == filing_form()["account_ref"].replace(" ", "")
    assert row["borrower_name"] == "李  明"
    assert ctx.db.read(users.by_id, borrower.id)["phone"] == "+86 138 0013 8000"
    assert ctx.db.read(users.borrower_ids_named, "李 明") == [borrower.id]


def test_times_come_back_in_utc_and_aware(ctx, filed):
    _, number = filed
    row = ctx.db.read(disputes.by_number, number)
    assert row["filed_at"] == ctx.now() and row["filed_at"].utcoffset().total_seconds() == 0


def test_a_number_is_cleaned_the_same_way_by_every_reader(ctx, filed):
    borrower, number = filed
    sloppy = f"  {number.lower()} "
    from dispute import contacts, exhibits, messages, offers, proceedings, timeline
    from dispute.deadlines import service as deadlines
    for read in (cases.get_dispute, contacts.list_contacts, exhibits.list_evidence,
                 messages.list_messages, offers.list_offers, proceedings.get_proceedings,
                 timeline.timeline, deadlines.list_deadlines):
        read(ctx, borrower, sloppy)  # none raises NotFound


def module_imports(path: Path, package: str) -> set[str]:
    """The `package.*` modules a module imports, at the top or inside a function (an import
    moved into a function to dodge a cycle is still the cycle)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == package:
                found |= {f"{package}.{a.name}" for a in node.names}
            elif node.module.startswith(package + "."):
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith(package + ".")}
    return found


def test_the_ui_modules_import_each_other_without_a_cycle():
    graph = {f"ui.{p.stem}": module_imports(p, "ui") for p in (REPO / "ui").glob("*.py")}

    def visit(node: str, path: tuple[str, ...]) -> None:
        if node in path:
            pytest.fail("import cycle: " + " → ".join(path[path.index(node):] + (node,)))
        for nxt in graph.get(node, ()):
            visit(nxt, path + (node,))

    for start in graph:
        visit(start, ())
