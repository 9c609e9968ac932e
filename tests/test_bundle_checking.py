"""A bundle anyone can check with everyday tools, in the bundle's language (issue 16 item 9):
the page stamps in the bundle's language, `SHA256SUMS` that `sha256sum -c` and
`shasum -a 256 -c` accept, and the OpenSSL commands printed on the cover, run as written, verify
the real bundle."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from dispute.bundle import checksums, signing
from dispute.bundle.verify import verify_bundle
from dispute.vocab import Role
from tests.conftest import each_tab, make_user
from tests.test_pages import portal  # noqa: F401  (a fixture)
from tests.test_workflow_pages import open_page, texts

from tests.test_bundle import case  # noqa: F401  (a fixture: a dispute with two exhibits)


def pages_text(zip_path: Path) -> list[str]:
    with zipfile.ZipFile(zip_path) as zf:
        reader = PdfReader(io.BytesIO(zf.read("bundle.pdf")))
        return [page.extract_text() for page in reader.pages]


def export(case, tmp_path: Path, lang: str) -> Path:
    from dispute.bundle.content import BundleOptions
    from dispute.bundle.export import export_bundle

    ctx, number, _borrower, legal, _staff = case
    out = tmp_path / f"bundle-{lang}.zip"
    export_bundle(ctx, legal, number, out, BundleOptions(lang=lang))
    return out


def unpack(zip_path: Path, folder: Path) -> Path:
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(folder)
    return folder


def run(command: str, folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-c", command], cwd=folder, capture_output=True, text=True,
                          timeout=60)


@pytest.mark.parametrize("lang, words", [("zh_CN", "第 {page} 页 共 {total} 页"),
                                         ("en", "page {page} of {total}")])
def test_every_page_is_stamped_in_the_bundles_language(case, tmp_path, lang, words):
    number = case[1]
    texts_ = pages_text(export(case, tmp_path, lang))
    total = len(texts_)
    for index, text in enumerate(texts_, start=1):
        flat = " ".join(text.split())
        assert f"{number}-{index:04d}" in flat
        assert words.format(page=index, total=total) in flat, (index, flat[-120:])
        if lang == "zh_CN":
            assert f"page {index} of" not in flat


@pytest.mark.skipif(shutil.which("sha256sum") is None or shutil.which("openssl") is None,
                    reason="sha256sum or openssl is not installed")
@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_the_cover_commands_run_as_written_check_a_real_bundle(case, tmp_path, lang):
    ctx = case[0]
    zip_path = export(case, tmp_path, lang)
    folder = unpack(zip_path, tmp_path / "unpacked")
    cover = " ".join(pages_text(zip_path)[0].split())
    key = signing.load_key(ctx.settings.data_dir)
    fingerprint = signing.public_der_sha256(key)
    assert fingerprint in cover.replace(" ", "")

    commands = [checksums.SUMS_COMMAND, checksums.SUMS_COMMAND_MAC, checksums.KEY_COMMAND,
                checksums.signature_command("SHA256SUMS", "SHA256SUMS.sig"),
                checksums.signature_command("manifest.json", "manifest.sig")]
    for command in commands:  # printed on the cover, word for word
        assert command.replace(" ", "") in cover.replace(" ", ""), command
    sums = run(checksums.SUMS_COMMAND, folder)
    assert sums.returncode == 0, sums.stdout + sums.stderr
    listed = sums.stdout.splitlines()
    assert all(line.endswith(": OK") for line in listed)
    assert {line.rsplit(":", 1)[0] for line in listed} >= {
        "bundle.pdf", "manifest.json", "manifest.sig", "portal.pem", "exhibits/E01-statement.pdf"}
    if shutil.which("shasum"):
        mac = run(checksums.SUMS_COMMAND_MAC, folder)
        assert mac.returncode == 0, mac.stdout + mac.stderr
    printed = run(checksums.KEY_COMMAND, folder)
    assert printed.returncode == 0 and printed.stdout.strip().endswith(fingerprint)
    for data, sig in (("SHA256SUMS", "SHA256SUMS.sig"), ("manifest.json", "manifest.sig")):
        checked = run(checksums.signature_command(data, sig), folder)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert "Signature Verified Successfully" in checked.stdout
    pem = signing.public_pem(key).encode()
    assert verify_bundle(zip_path, pem).ok

    # A changed exhibit fails sha256sum; a changed manifest fails OpenSSL.
    exhibit = next((folder / "exhibits").iterdir())
    exhibit.write_bytes(exhibit.read_bytes() + b"x")
    assert run(checksums.SUMS_COMMAND, folder).returncode != 0
    manifest = folder / "manifest.json"
    manifest.write_bytes(manifest.read_bytes().replace(b'"en"', b'"fr"').replace(
        b'"zh_CN"', b'"fr_FR"'))
    assert run(checksums.signature_command("manifest.json", "manifest.sig"),
               folder).returncode != 0


def test_verify_refuses_a_bundle_whose_sha256sums_was_changed(case, tmp_path):
    ctx = case[0]
    zip_path = export(case, tmp_path, "en")
    pem = signing.public_pem(signing.load_key(ctx.settings.data_dir)).encode()
    with zipfile.ZipFile(zip_path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    sums = members["SHA256SUMS"].decode()
    first = sums.split()[0]
    members["SHA256SUMS"] = sums.replace(first, "0" * 64, 1).encode()
    forged = tmp_path / "forged.zip"
    with zipfile.ZipFile(forged, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    result = verify_bundle(forged, pem)
    assert not result.ok
    assert {p.path for p in result.problems} >= {"SHA256SUMS.sig"}


# --- through the pages ------------------------------------------------------------------------

def test_the_export_tab_and_the_upload_label_say_it_in_chinese(portal, tmp_path):
    from dispute import cases
    from tests.conftest import filing_form

    borrower = make_user(portal)
    legal = make_user(portal, Role.LEGAL, email="legal@example.com", name="陈律师")
    number = cases.file_dispute(portal, borrower, filing_form())
    at = open_page(legal, "pages/workspace.py", number, lang="zh_CN", tab="Export")
    assert not at.exception
    assert "sha256sum" in texts(at) and "python -m dispute verify" not in texts(at)
    at.button(key=f"FormSubmitter:export_panel_{number}_form-生成案件材料汇编").click().run()
    assert not at.exception
    name, data = at.session_state[f"export_panel_{number}"]
    path = tmp_path / name
    path.write_bytes(data)
    cover = " ".join(pages_text(path)[0].split())
    assert "如何核验本案件材料汇编" in cover and "sha256sum -c SHA256SUMS" in cover
    assert "第 1 页 共" in cover

    at = open_page(borrower, "pages/dispute.py", number, lang="zh_CN", tab="Evidence")
    labels = [u.proto.label for u in at.get("file_uploader")]
    mb = portal.settings.max_upload_mb
    assert labels and all(f"不超过 {mb} MB" in label for label in labels), labels


def test_our_multiselects_say_choose_in_the_users_language(portal):
    """Streamlit's own placeholder is English ("Choose options"); ours is translated."""
    from dispute import cases
    from tests.conftest import filing_form

    borrower = make_user(portal)
    number = cases.file_dispute(portal, borrower, filing_form())
    at = open_page(borrower, "pages/dispute.py", number, lang="zh_CN")
    assert not at.exception
    placeholders = [m.proto.placeholder for shown in each_tab(at, "pages/dispute.py")
                    for m in shown.multiselect]
    assert placeholders and all(p and "Choose" not in p for p in placeholders), placeholders
