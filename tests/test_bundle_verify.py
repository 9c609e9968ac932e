"""`verify` passes on a fresh bundle and names every alteration: a changed byte in the PDF, an
exhibit or the manifest, a deleted or an added file, a wrong trusted key. Also through the CLI."""

from __future__ import annotations

import os
import shutil
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
from dispute.config import Settings
from dispute.context import open_context
from dispute.exhibits import attach_evidence
from tests import bundle_case as bc
from tests.conftest import REPO, Clock, pdf_bytes, png_bytes, upload

EXHIBIT = "exhibits/E01-statement.pdf"


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """One dispute and its bundle for the whole module: every test only reads the bundle (or
    writes an altered copy of it), so making one per test (26 exports) bought nothing."""
    root = tmp_path_factory.mktemp("verify")
    context = open_context(Settings(data_dir=root / "data", max_upload_mb=2,
                                    timezone="Asia/Shanghai"))
    context.clock = Clock()
    borrower, legal, _ = bc.people(context)
    number = bc.file_case(context, borrower)
    attach_evidence(context, borrower, number, [upload("statement.pdf", pdf_bytes()),
                                                upload("photo.png", png_bytes(), kind="photo")])
    path = export_bundle(context, legal, number, root / "b.zip").path
    yield context, path
    context.db.close()


@pytest.fixture
def ctx(made):
    """The module's context (its data directory holds the key that signed the bundle)."""
    return made[0]


@pytest.fixture
def bundle(made, tmp_path) -> Path:
    """A copy of the module's bundle of its own, so no test can alter another's."""
    return Path(shutil.copyfile(made[1], tmp_path / "b.zip"))


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


def test_a_fresh_bundle_verifies_with_the_trusted_key(ctx, bundle):
    trusted = verify_bundle(bundle, signing.public_pem(
        signing.load_key(ctx.settings.data_dir)).encode())
    assert trusted.ok and trusted.trusted and trusted.checked == 3


def test_without_a_trusted_key_a_bundle_does_not_verify_unless_untrusted_is_allowed(bundle):
    """Issue 19, finding 13: without a trusted key, verify said yes to a bundle signed by
    anyone. It now says no, unless told that integrity alone is wanted."""
    keyless = verify_bundle(bundle)
    assert not keyless.ok and kinds(keyless) == [("untrusted", "manifest.sig")]
    assert "--trusted-key" in str(keyless.problems[0])
    allowed = verify_bundle(bundle, allow_untrusted=True)
    assert allowed.ok and not allowed.trusted


@pytest.mark.parametrize("member", ["bundle.pdf", EXHIBIT, "manifest.json"])
def test_one_changed_byte_is_named(bundle, tmp_path, member):
    result = verify_bundle(rewrite(bundle, tmp_path / "x.zip", change=member),
                           allow_untrusted=True)
    assert not result.ok
    if member == "manifest.json":
        assert ("signature", "manifest.sig") in kinds(result)
    else:
        assert kinds(result) == [("altered", member)]


@pytest.mark.parametrize("member", ["bundle.pdf", EXHIBIT, "manifest.sig"])
def test_a_deleted_file_is_named(bundle, tmp_path, member):
    assert kinds(verify_bundle(rewrite(bundle, tmp_path / "x.zip", drop=member),
                               allow_untrusted=True)) == [("missing", member)]


def test_an_added_file_is_named(bundle, tmp_path):
    result = verify_bundle(rewrite(bundle, tmp_path / "x.zip", add="exhibits/E99-extra.pdf"),
                           allow_untrusted=True)
    assert kinds(result) == [("unexpected", "exhibits/E99-extra.pdf")]


def test_a_wrong_trusted_key_fails(bundle):
    other = signing.public_pem(Ed25519PrivateKey.generate()).encode()
    # manifest.sig, and the everyday checks' SHA256SUMS.sig and portal.pem, all name the key
    assert ("signature", "manifest.sig") in kinds(verify_bundle(bundle, other))


def test_a_manifest_re_signed_with_another_key_fails_against_the_portal_key(ctx, bundle,
                                                                            tmp_path):
    """Someone who swaps an exhibit and re-signs with their own key passes only the keyless
    check, which is why verify wants --trusted-key (or an explicit --allow-untrusted)."""
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
    # SHA256SUMS (left as the portal signed it) still names the swapped exhibit, even keyless
    assert ("altered", EXHIBIT) in kinds(verify_bundle(target, allow_untrusted=True))
    assert not verify_bundle(target).ok
    portal = signing.public_pem(signing.load_key(ctx.settings.data_dir)).encode()
    assert ("signature", "manifest.sig") in kinds(verify_bundle(target, portal))


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
    keyless = run(data, "verify", str(out))
    assert keyless.returncode == 1 and "NOT verified" in keyless.stderr
    assert "untrusted: manifest.sig" in keyless.stderr and "--allow-untrusted" in keyless.stderr
    integrity = run(data, "verify", str(out), "--allow-untrusted")
    assert integrity.returncode == 0 and "origin NOT checked" in integrity.stdout
    other = tmp_path / "other.pem"
    other.write_text(signing.public_pem(Ed25519PrivateKey.generate()))
    bad_key = run(data, "verify", str(out), "--trusted-key", str(other))
    assert bad_key.returncode == 1 and "signature: manifest.sig" in bad_key.stderr
    broken = rewrite(out, tmp_path / "broken.zip", change="bundle.pdf", drop="manifest.sig",
                     add="extra.txt")
    bad = run(data, "verify", str(broken), "--allow-untrusted")
    assert bad.returncode == 1
    for line in ("altered: bundle.pdf", "missing: manifest.sig", "unexpected: extra.txt"):
        assert line in bad.stderr


# --- issue 19, finding 9: ZIP metadata and hostile manifests -----------------------------------

def forge(bundle: Path, target: Path, edit=None, raw: bytes | None = None,
          extra: dict[str, bytes] | None = None) -> Path:
    """The bundle with `edit(manifest)` applied (or the manifest replaced by `raw`), files from
    `extra` added, and the manifest signed again by someone else's key: what an attacker can
    make, which passes only a check without the portal's key."""
    import json

    from dispute.bundle import manifest as mf

    with zipfile.ZipFile(bundle) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    members.update(extra or {})
    key = Ed25519PrivateKey.generate()
    if raw is None:
        manifest = json.loads(members["manifest.json"])
        manifest["signer"].update(public_key=signing.public_pem(key),
                                  key_sha256=signing.key_fingerprint(key))
        if edit:
            edit(manifest)
        raw = mf.canonical_json(manifest)
    members.update({"manifest.json": raw, "manifest.sig": key.sign(raw)})
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return target


def portal_key(ctx) -> bytes:
    return signing.public_pem(signing.load_key(ctx.settings.data_dir)).encode()


def with_entry(bundle: Path, target: Path, info: zipfile.ZipInfo, data: bytes) -> Path:
    """The bundle's own members, plus one entry written with `info` as given."""
    with zipfile.ZipFile(bundle) as zin, zipfile.ZipFile(target, "w") as zout:
        for old in zin.infolist():
            zout.writestr(old, zin.read(old))
        zout.writestr(info, data)
    return target


def test_a_member_marked_as_a_symlink_does_not_verify(ctx, bundle, tmp_path):
    """Its bytes still match the signed manifest; an unzip tool would make a link."""
    def as_link(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
        info.create_system = 3
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        return info

    target = tmp_path / "link.zip"
    with zipfile.ZipFile(bundle) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(as_link(info) if info.filename == EXHIBIT else info, data)
    result = verify_bundle(target, portal_key(ctx))
    assert ("unsafe", EXHIBIT) in kinds(result) and "symbolic link" in str(result.problems)


@pytest.mark.parametrize(("name", "words"), [
    ("../../evil/", "'..'"), ("exhibits/", "directory entry carrying 7 bytes")])
def test_a_directory_entry_carrying_data_does_not_verify(ctx, bundle, tmp_path, name, words):
    result = verify_bundle(with_entry(bundle, tmp_path / "dir.zip", zipfile.ZipInfo(name),
                                      b"payload"), portal_key(ctx))
    assert kinds(result) == [("unsafe", name)] and words in str(result.problems[0])


@pytest.mark.parametrize("mode", [stat.S_IFREG | 0o755, stat.S_IFREG | 0o4644,
                                  stat.S_IFCHR | 0o644, stat.S_IFDIR | 0o755])
def test_odd_modes_do_not_verify(ctx, bundle, tmp_path, mode):
    info = zipfile.ZipInfo("exhibits/E09-odd.pdf")
    info.create_system, info.external_attr = 3, mode << 16
    result = verify_bundle(with_entry(bundle, tmp_path / "odd.zip", info, b"x"), portal_key(ctx))
    assert ("unsafe", "exhibits/E09-odd.pdf") in kinds(result)


@pytest.mark.parametrize("name", ["/tmp/evil.pdf", "../evil.pdf", "exhibits/../../evil.pdf",
                                  "C:/evil.pdf", "exhibits\\..\\evil.pdf",
                                  "exhibits//E01-x.pdf", "exhibits/E01-\x1b[31m.pdf"])
def test_absolute_and_dotdot_names_do_not_verify_even_when_signed(bundle, tmp_path, name):
    """Listed in a manifest that their maker signed, so the signature holds."""
    def rename(manifest):
        entry = next(f for f in manifest["files"] if f["path"] == EXHIBIT)
        entry["path"] = name
        from dispute.bundle import manifest as mf
        manifest["exhibits_fingerprint"] = mf.exhibits_fingerprint(manifest["files"])

    with zipfile.ZipFile(bundle) as zf:
        data = zf.read(EXHIBIT)
    forged = forge(bundle, tmp_path / "named.zip", rename, extra={name: data})
    result = verify_bundle(forged, allow_untrusted=True)
    assert not result.ok and ("unsafe", name) in kinds(result)


@pytest.mark.parametrize("edit", [
    lambda m: m["files"][1].pop("size"),
    lambda m: m["files"][0].pop("sha256"),
    lambda m: m.pop("files"),
    lambda m: m.pop("signer"),
    lambda m: m.update(files="bundle.pdf"),
    lambda m: m["files"].append("exhibits/E09-x.pdf"),
    lambda m: m["files"][1].update(size="12"),
    lambda m: m["files"][1].update(path=["exhibits", "E01.pdf"]),
    lambda m: m.update(exhibits_fingerprint=None),
    lambda m: m["files"].append(dict(m["files"][1])),
], ids=["no size", "no sha256", "no files", "no signer", "files a string", "entry a string",
        "size a string", "path a list", "fingerprint null", "path twice"])
def test_a_manifest_missing_or_misusing_a_field_is_a_problem_not_a_traceback(bundle, tmp_path,
                                                                             edit):
    result = verify_bundle(forge(bundle, tmp_path / "f.zip", edit), allow_untrusted=True)
    assert not result.ok and ("manifest", "manifest.json") in kinds(result)


def test_a_deeply_nested_manifest_is_a_problem_not_a_recursion_error(bundle, tmp_path):
    raw = b"[" * 100_000 + b"]" * 100_000
    result = verify_bundle(forge(bundle, tmp_path / "deep.zip", raw=raw),
                           allow_untrusted=True)
    assert ("manifest", "manifest.json") in kinds(result)
    assert "nested too deeply" in str(result.problems)


def test_a_manifest_that_unpacks_beyond_the_cap_is_not_read(bundle, tmp_path):
    """A valid manifest padded with 64 MiB of spaces (64 KiB compressed): JSON readers accept
    it, and the same trick at 3 GiB used 3.2 GB of memory."""
    import json

    from dispute.bundle import manifest as mf

    with zipfile.ZipFile(bundle) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    padded = mf.canonical_json(manifest) + b" " * (64 << 20)
    forged = forge(bundle, tmp_path / "bomb.zip", raw=padded)
    assert forged.stat().st_size < 1 << 20
    result = verify_bundle(forged, allow_untrusted=True)
    assert kinds(result)[0] == ("manifest", "manifest.json")
    assert f"at most {mf.MAX_BYTES}" in str(result.problems[0])


def test_a_manifest_with_spaces_or_a_duplicate_key_is_not_canonical(bundle, tmp_path):
    import json

    with zipfile.ZipFile(bundle) as zf:
        raw = zf.read("manifest.json")
    spaced = json.dumps(json.loads(raw), indent=1, sort_keys=True).encode()
    for made in (spaced, raw[:-1] + b',"format":"dispute-bundle/1"}'):
        result = verify_bundle(forge(bundle, tmp_path / "c.zip", raw=made),
                               allow_untrusted=True)
        assert ("manifest", "manifest.json") in kinds(result), made[-60:]


def test_the_cli_prints_problems_of_a_hostile_bundle_without_a_traceback(bundle, tmp_path):
    deep = forge(bundle, tmp_path / "deep.zip", raw=b"[" * 100_000 + b"]" * 100_000)
    done = run(tmp_path / "nodata", "verify", str(deep), "--allow-untrusted")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "manifest: manifest.json: nested too deeply" in done.stderr


# --- issue 19, finding 10: what a streaming extractor reads must be what verify reads ----------

def patched(bundle: Path, target: Path, member: str, offset: int, value: bytes) -> Path:
    """The bundle with `value` written into `member`'s local file header at `offset` (the
    central directory, which zipfile and verify read, is left as it was)."""
    with zipfile.ZipFile(bundle) as zf:
        start = zf.getinfo(member).header_offset
    data = bytearray(bundle.read_bytes())
    data[start + offset:start + offset + len(value)] = value
    target.write_bytes(bytes(data))
    return target


@pytest.mark.parametrize(("offset", "value", "words"), [
    (14, b"\x00\x00\x00\x00", "CRC"),
    (18, b"\x10\x00\x00\x00", "compressed size"),
    (22, b"\x10\x00\x00\x00", "size"),
    (8, b"\x08\x00", "compression method"),
    (6, b"\x08\x00", "flags"),
    (30 + len(EXHIBIT) - 5, b"X", "name"),
], ids=["crc", "compressed size", "size", "method", "flags", "name"])
def test_a_local_header_that_differs_from_the_central_directory_does_not_verify(
        ctx, bundle, tmp_path, offset, value, words):
    """A streaming extractor reads the local headers, verify the central directory: a bundle
    whose two disagree could unpack to something other than what was verified."""
    result = verify_bundle(patched(bundle, tmp_path / "local.zip", EXHIBIT, offset, value),
                           portal_key(ctx))
    assert ("unsafe", EXHIBIT) in kinds(result) and words in str(result.problems)


def test_an_entry_hidden_before_the_first_does_not_verify(ctx, bundle, tmp_path):
    """A local entry prepended to the ZIP: readers of the central directory skip it (zipfile
    treats it like a self-extractor's stub), a streaming extractor unpacks it."""
    import io

    evil = io.BytesIO()
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr(EXHIBIT, b"%PDF-1.4 a different statement")
        hidden_end = zf.infolist()[-1].header_offset + 30 + len(EXHIBIT) + 30
    hidden = evil.getvalue()[:hidden_end]
    target = tmp_path / "hidden.zip"
    target.write_bytes(hidden + bundle.read_bytes())
    result = verify_bundle(target, portal_key(ctx))
    assert not result.ok and "before the first entry" in str(result.problems)
