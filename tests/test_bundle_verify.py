"""`verify` passes on a fresh bundle and names every alteration: a changed byte in the PDF, an
exhibit or the manifest, a deleted or an added file, a wrong trusted key. Also through the CLI."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from dispute.bundle import signing
from dispute.bundle.export import export_bundle
from dispute.bundle.verify import verify_bundle
from dispute.exhibits import attach_evidence
from tests import bundle_case as bc
from tests.conftest import REPO, pdf_bytes, png_bytes, upload

EXHIBIT = "exhibits/E01-statement.pdf"


@pytest.fixture
def bundle(ctx, tmp_path) -> Path:
    borrower, legal, _ = bc.people(ctx)
    number = bc.file_case(ctx, borrower)
    attach_evidence(ctx, borrower, number, [upload("statement.pdf", pdf_bytes()),
                                            upload("photo.png", png_bytes(), kind="photo")])
    return export_bundle(ctx, legal, number, tmp_path / "b.zip").path


def rewrite(source: Path, target: Path, change=None, drop=None, add=None) -> Path:
    """A copy of the ZIP with one member's bytes changed, one left out, or one added."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            if info.filename == drop:
                continue
            data = zin.read(info)
            if info.filename == change:
                data = data[:len(data) // 2] + bytes([data[len(data) // 2] ^ 1]) + \
                    data[len(data) // 2 + 1:]
            zout.writestr(info, data)
        if add:
            zout.writestr(add, b"not part of the bundle")
    return target


def kinds(result) -> list[tuple[str, str]]:
    return [(p.kind, p.path) for p in result.problems]


def test_a_fresh_bundle_verifies_with_and_without_the_trusted_key(ctx, bundle):
    assert verify_bundle(bundle).ok
    trusted = verify_bundle(bundle, signing.public_pem(
        signing.load_key(ctx.settings.data_dir)).encode())
    assert trusted.ok and trusted.trusted and trusted.checked == 3


@pytest.mark.parametrize("member", ["bundle.pdf", EXHIBIT, "manifest.json"])
def test_one_changed_byte_is_named(bundle, tmp_path, member):
    result = verify_bundle(rewrite(bundle, tmp_path / "x.zip", change=member))
    assert not result.ok
    if member == "manifest.json":
        assert ("signature", "manifest.sig") in kinds(result)
    else:
        assert kinds(result) == [("altered", member)]


@pytest.mark.parametrize("member", ["bundle.pdf", EXHIBIT, "manifest.sig"])
def test_a_deleted_file_is_named(bundle, tmp_path, member):
    assert kinds(verify_bundle(rewrite(bundle, tmp_path / "x.zip", drop=member))) == \
        [("missing", member)]


def test_an_added_file_is_named(bundle, tmp_path):
    result = verify_bundle(rewrite(bundle, tmp_path / "x.zip", add="exhibits/E99-extra.pdf"))
    assert kinds(result) == [("unexpected", "exhibits/E99-extra.pdf")]


def test_a_wrong_trusted_key_fails(bundle):
    other = signing.public_pem(Ed25519PrivateKey.generate()).encode()
    assert kinds(verify_bundle(bundle, other)) == [("signature", "manifest.sig")]


def test_a_manifest_re_signed_with_another_key_fails_against_the_portal_key(ctx, bundle,
                                                                            tmp_path):
    """Someone who swaps an exhibit and re-signs with their own key passes only the keyless
    check, which is why courts should pass --trusted-key."""
    import hashlib
    import json

    with zipfile.ZipFile(bundle) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    forged = b"%PDF-1.4 forged"
    manifest = json.loads(members["manifest.json"])
    for f in manifest["files"]:
        if f["path"] == EXHIBIT:
            f.update(sha256=hashlib.sha256(forged).hexdigest(), size=len(forged))
    from dispute.bundle import manifest as mf

    manifest["exhibits_fingerprint"] = mf.exhibits_fingerprint(manifest["files"])
    key = Ed25519PrivateKey.generate()
    manifest["signer"]["public_key"] = signing.public_pem(key)
    raw = mf.canonical_json(manifest)
    members.update({EXHIBIT: forged, "manifest.json": raw, "manifest.sig": key.sign(raw)})
    target = tmp_path / "forged.zip"
    with zipfile.ZipFile(target, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    assert verify_bundle(target).ok
    portal = signing.public_pem(signing.load_key(ctx.settings.data_dir)).encode()
    assert kinds(verify_bundle(target, portal)) == [("signature", "manifest.sig")]


def run(data_dir: Path, *args: str, env: dict | None = None):
    return subprocess.run([sys.executable, "-m", "dispute", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "DISPUTE_DATA_DIR": str(data_dir), "LANG": "C",
                               **(env or {})})


def test_cli_init_key_export_export_and_verify(tmp_path):
    data = tmp_path / "data"
    assert run(data, "init").returncode == 0
    key_file = data / "signing.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    again = run(data, "init")
    assert again.returncode == 0 and "signing key created" not in again.stdout
    public = run(data, "key", "export")
    assert public.returncode == 0 and public.stdout.startswith("-----BEGIN PUBLIC KEY-----")
    (tmp_path / "portal.pem").write_text(public.stdout)

    assert run(data, "demo", "--cases", "2", "--seed", "3").returncode == 0
    out = tmp_path / "bundle.zip"
    as_staff = run(data, "export", "DSP-2026-000001", "--out", str(out),
                   env={"DISPUTE_CLI_USER": "staff@demo.example"})
    assert as_staff.returncode == 1 and "must be a legal account" in as_staff.stderr
    no_reason = run(data, "export", "DSP-2026-000001", "--out", str(out), "--unmasked",
                    env={"DISPUTE_CLI_USER": "legal@demo.example"})
    assert no_reason.returncode == 1 and "reason" in no_reason.stderr and not out.exists()
    made = run(data, "export", "DSP-2026-000001", "--out", str(out), "--notes", "--lang", "en",
               env={"DISPUTE_CLI_USER": "legal@demo.example"})
    assert made.returncode == 0, made.stderr
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith((".bundle", "bundle"))] \
        == ["bundle.zip"]

    ok = run(data, "verify", str(out), "--trusted-key", str(tmp_path / "portal.pem"))
    assert ok.returncode == 0 and "verified" in ok.stdout, ok.stderr
    other = tmp_path / "other.pem"
    other.write_text(signing.public_pem(Ed25519PrivateKey.generate()))
    bad_key = run(data, "verify", str(out), "--trusted-key", str(other))
    assert bad_key.returncode == 1 and "signature: manifest.sig" in bad_key.stderr
    broken = rewrite(out, tmp_path / "broken.zip", change="bundle.pdf", drop="manifest.sig",
                     add="extra.txt")
    bad = run(data, "verify", str(broken))
    assert bad.returncode == 1
    for line in ("altered: bundle.pdf", "missing: manifest.sig", "unexpected: extra.txt"):
        assert line in bad.stderr
