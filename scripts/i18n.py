"""Extract every `_()` / `N_()` msgid from the code and merge it into both catalogs.

English entries get their source text as translation; new zh_CN entries are left empty, and
tests/test_i18n.py fails until someone translates them. Unused entries are kept as obsolete.
"""

from __future__ import annotations

import ast
import sys
import tomllib
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from dispute.i18n import LANGUAGES, LOCALE_DIR  # noqa: E402

SOURCES = ["app.py", "portal.py", "pages", "ui", "dispute", "evidence"]
RULEBOOKS = "rulebooks"  # each rule's `label` is a msgid too
MARKERS = {"_", "N_"}
PLURAL_MARKERS = {"ngettext"}  # ngettext("{n} dispute", "{n} disputes", n): both are msgids


def python_files() -> list[Path]:
    files = []
    for source in SOURCES:
        path = ROOT / source
        files += [path] if path.is_file() else sorted(path.rglob("*.py"))
    return files


def extract() -> dict[str, list[tuple[str, int]]]:
    """msgid → where it is used. Walks the syntax tree, so calls inside f-strings count too
    (Babel's tokenizer misses those on Python 3.11)."""
    found: dict[str, list[tuple[str, int]]] = {}
    for path in python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in MARKERS and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                where = (str(path.relative_to(ROOT)), node.lineno)
                found.setdefault(node.args[0].value, []).append(where)
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in PLURAL_MARKERS and len(node.args) >= 2):
                for arg in node.args[:2]:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        found.setdefault(arg.value, []).append(
                            (str(path.relative_to(ROOT)), node.lineno))
    for path in sorted((ROOT / RULEBOOKS).glob("*.toml")):
        for rule in tomllib.loads(path.read_text(encoding="utf-8")).get("rules", []):
            if isinstance(rule.get("label"), str):
                found.setdefault(rule["label"], []).append((str(path.relative_to(ROOT)), 0))
    return found


def merge(found: dict[str, list[tuple[str, int]]]) -> None:
    for lang in LANGUAGES:
        path = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
        old: dict[str, str] = {}
        created = None
        if path.exists():
            with path.open("rb") as fh:
                previous = read_po(fh)
            # Translations of msgids no longer used are kept as obsolete (#~) entries, so a string
            # that comes back (say, after a refactor) gets its translation back.
            old = {m.id: m.string for m in [*previous, *previous.obsolete.values()]
                   if m.id and m.string}
            created = previous.creation_date  # unchanged, so a rerun leaves the file as it was
        catalog = Catalog(locale=lang, project="dispute-portal", charset="utf-8",
                          creation_date=created)
        for msgid, locations in sorted(found.items()):
            string = old.get(msgid) or (msgid if lang == "en" else "")
            catalog.add(msgid, string, locations=locations)
        for msgid in sorted(set(old) - set(found)):
            catalog.obsolete[msgid] = Message(msgid, old[msgid])
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:
            write_po(fh, catalog, width=100, omit_header=False, include_lineno=False)
        missing = sum(1 for m in catalog if m.id and not m.string)
        print(f"{lang}: {len(found)} messages, {missing} untranslated")


if __name__ == "__main__":
    merge(extract())
