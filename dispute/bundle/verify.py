"""Offline check of a bundle ZIP: every file against manifest.json, and manifest.sig against a key.

Pure reading, no database: whoever received the ZIP can run it. Without a trusted key the
signature is checked against the key named inside the manifest, which proves the files are as
signed but not by whom; with `trusted_key` the signer must be that key.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from dispute.bundle import manifest as mf
from dispute.bundle.signing import key_fingerprint, load_public_pem, signature_holds

ProblemKind = Literal["altered", "missing", "unexpected", "signature", "manifest"]


@dataclass(frozen=True)
class Problem:
    kind: ProblemKind
    path: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.path}: {self.detail}"


@dataclass
class VerifyResult:
    problems: list[Problem] = field(default_factory=list)
    checked: int = 0
    signer_fingerprint: str | None = None
    trusted: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


def _sha256_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with zf.open(info) as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _trusted(trusted_key: Path | bytes | Ed25519PublicKey | None) -> Ed25519PublicKey | None:
    if trusted_key is None or isinstance(trusted_key, Ed25519PublicKey):
        return trusted_key
    pem = trusted_key if isinstance(trusted_key, bytes) else Path(trusted_key).read_bytes()
    key = load_public_pem(pem)
    if key is None:
        raise ValueError("the trusted key is not an Ed25519 key in PEM form")
    return key


def verify_bundle(zip_path: Path,
                  trusted_key: Path | bytes | Ed25519PublicKey | None = None) -> VerifyResult:
    """Every problem found (altered, missing, unexpected files, bad signature); ok when none."""
    result = VerifyResult()
    trusted = _trusted(trusted_key)
    try:
        zf = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, OSError) as exc:
        result.problems.append(Problem("manifest", str(zip_path), f"not a readable ZIP ({exc})"))
        return result
    with zf:
        members: dict[str, list[zipfile.ZipInfo]] = {}
        for info in zf.infolist():
            if not info.is_dir():
                members.setdefault(info.filename, []).append(info)
        for name, infos in members.items():
            if len(infos) > 1:
                result.problems.append(Problem("unexpected", name, "appears more than once"))
        if mf.MANIFEST_NAME not in members:
            result.problems.append(Problem("missing", mf.MANIFEST_NAME, "no manifest"))
            return result
        raw = zf.read(members[mf.MANIFEST_NAME][-1])
        _check_signature(result, zf, members, raw, trusted)
        try:
            manifest = json.loads(raw)
            files = list(manifest["files"])
            listed = {f["path"]: f for f in files}
        except (ValueError, KeyError, TypeError) as exc:
            result.problems.append(Problem("manifest", mf.MANIFEST_NAME,
                                           f"cannot be read ({exc})"))
            return result
        if manifest.get("exhibits_fingerprint") != mf.exhibits_fingerprint(files):
            result.problems.append(Problem("manifest", mf.MANIFEST_NAME,
                                           "exhibits fingerprint does not match its entries"))
        for path, entry in listed.items():
            if path not in members:
                result.problems.append(Problem("missing", path, "listed in the manifest, "
                                                                "not in the ZIP"))
                continue
            digest, size = _sha256_member(zf, members[path][-1])
            result.checked += 1
            if digest != entry.get("sha256") or size != entry.get("size"):
                result.problems.append(Problem(
                    "altered", path, f"SHA-256 {digest} ({size} bytes), manifest says "
                                     f"{entry.get('sha256')} ({entry.get('size')} bytes)"))
        for name in members:
            if name not in listed and name not in (mf.MANIFEST_NAME, mf.SIGNATURE_NAME):
                result.problems.append(Problem("unexpected", name, "not in the manifest"))
    return result


def _check_signature(result: VerifyResult, zf: zipfile.ZipFile,
                     members: dict[str, list[zipfile.ZipInfo]], raw: bytes,
                     trusted: Ed25519PublicKey | None) -> None:
    if mf.SIGNATURE_NAME not in members:
        result.problems.append(Problem("missing", mf.SIGNATURE_NAME, "no signature"))
        return
    signature = zf.read(members[mf.SIGNATURE_NAME][-1])
    key = trusted
    if key is None:
        try:
            key = load_public_pem(json.loads(raw)["signer"]["public_key"].encode("ascii"))
        except (ValueError, KeyError, TypeError, AttributeError):
            key = None
        if key is None:
            result.problems.append(Problem("signature", mf.SIGNATURE_NAME,
                                           "the manifest names no usable signing key"))
            return
    result.signer_fingerprint = key_fingerprint(key)
    result.trusted = trusted is not None
    if not signature_holds(key, signature, raw):
        who = "the trusted key" if trusted is not None else "the key named in the manifest"
        result.problems.append(Problem("signature", mf.SIGNATURE_NAME,
                                       f"does not match manifest.json for {who} "
                                       f"(SHA-256 {result.signer_fingerprint[:16]}…)"))
