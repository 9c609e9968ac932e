"""The repository documents itself (issue 16 item 15): nothing tracked points at the product
contract outside the repository, and every `docs/product.md §N` citation names a section that
docs/product.md has. Tests that need ../shared/fixtures only say so in their skip reason."""

from __future__ import annotations

import re
import subprocess

from tests.conftest import REPO

OUTSIDE = ("../shared/" + "design.md", "shared/" + "design", "design " + "§")
CITATION = re.compile(r"docs/product\.md §(\d+)(?:[–-](\d+))?")


def tracked_text_files():
    names = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True,
                           check=True).stdout.decode().split("\0")
    for name in filter(None, names):
        path = REPO / name
        if not path.is_file():
            continue
        try:
            yield name, path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # binary: .mo catalogues, images


def test_no_tracked_file_points_at_the_shared_design():
    found = [f"{name}: {word}" for name, text in tracked_text_files() for word in OUTSIDE
             if word in text]
    assert not found, found


def test_every_citation_names_a_section_of_the_product_page():
    sections = {int(n) for n in re.findall(r"^## (\d+)\. ", (REPO / "docs/product.md")
                                           .read_text(encoding="utf-8"), re.M)}
    assert sections >= set(range(1, 9))
    cited = 0
    for name, text in tracked_text_files():
        for first, last in CITATION.findall(text):
            cited += 1
            for n in range(int(first), int(last or first) + 1):
                assert n in sections, f"{name} cites docs/product.md §{n}"
    assert cited >= 20


def test_the_cli_help_cites_the_product_page():
    out = subprocess.run([str(REPO / ".venv/bin/python"), "-m", "dispute", "--help"], cwd=REPO,
                         capture_output=True, text=True, timeout=60).stdout
    assert "docs/product.md" in " ".join(out.split())
