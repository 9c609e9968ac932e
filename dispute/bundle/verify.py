"""Offline check of a bundle ZIP: every file against manifest.json, and manifest.sig against a key.

Pure reading, no database: whoever received the ZIP can run it. With `trusted_key` the signer
must be that key. Without one the signature can only be checked against the key named inside the
manifest, which anyone can make: that proves the files are as signed, not by whom, so such a
bundle does not verify (an "untrusted" problem) unless the caller asks for integrity alone with
`allow_untrusted`.

The ZIP is hostile until proven otherwise, so a bundle is refused, never a traceback, when:
- an entry is not a plain file as an unzip tool would create it: a symlink or other special file
  (by its Unix mode), setuid, setgid, sticky or executable bits, a directory entry that carries
  data, an encrypted entry, a compression method other than stored or deflated, or flags a
  bundle never has;
- an entry's name is absolute (`/…`, `C:…`), has a `..` or `.` part, a backslash, a control
  character or an empty part (what unzip tools would write outside the target folder);
- manifest.json is over manifest.MAX_BYTES (checked before reading it: a compressed manifest can
  unpack to gigabytes), is not UTF-8 canonical JSON (the form the exporter writes; this also
  refuses duplicate keys, which other JSON readers resolve differently), is nested beyond what a
  parser can follow, or does not match manifest.SCHEMA (every field verify uses, of the right
  type and form), or lists a path twice;
- what a streaming extractor would read differs from what verify reads: verify (like zipfile)
  follows the central directory at the end of the ZIP, a streaming extractor the local header
  in front of each member. Each local header must repeat its central entry's name, flags,
  method, CRC and sizes, the first must start the file, and each member must follow the last
  with no gap up to the central directory, so no entry can hide between them.
"""

from __future__ import annotations

import hashlib
import json
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from jsonschema import Draft202012Validator

from dispute.bundle import checksums, manifest as mf
from dispute.bundle.signing import key_fingerprint, load_public_pem, signature_holds

ProblemKind = Literal["altered", "missing", "unexpected", "signature", "manifest", "unsafe",
                      "untrusted"]

MAX_SIGNATURE_BYTES = 1024       # an Ed25519 signature is 64 bytes
_ALLOWED_FLAGS = 0x0800 | 0x0006  # UTF-8 name; deflate's compression-level hint
_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflated"}
_DOS_DIRECTORY = 0x10
_LOCAL = struct.Struct("<4s2B4HL2L2H")   # a local file header (APPNOTE 4.3.7), 30 bytes
_LOCAL_SIGNATURE = b"PK\x03\x04"
_ZIP64_EXTRA = 0x0001
# What reading a damaged or hostile member raises (besides what it should).
_UNREADABLE = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError,
               RuntimeError, ValueError, struct.error)
_SCHEMA = Draft202012Validator(mf.SCHEMA)


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


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The member's bytes; reading stops at its declared size (zipfile checks the CRC there)."""
    with zf.open(info) as fh:
        return fh.read(info.file_size + 1)


def _trusted(trusted_key: Path | bytes | Ed25519PublicKey | None) -> Ed25519PublicKey | None:
    if trusted_key is None or isinstance(trusted_key, Ed25519PublicKey):
        return trusted_key
    pem = trusted_key if isinstance(trusted_key, bytes) else Path(trusted_key).read_bytes()
    key = load_public_pem(pem)
    if key is None:
        raise ValueError("the trusted key is not an Ed25519 key in PEM form")
    return key


def unsafe_name(name: str) -> str | None:
    """Why an unzip tool could write this entry outside its folder, or somewhere unexpected."""
    if not name:
        return "an empty name"
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in name):
        return "a control character in the name"
    if "\\" in name:
        return "a backslash in the name"
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return "an absolute name"
    parts = name[:-1].split("/") if name.endswith("/") else name.split("/")
    if any(part in ("..", ".") for part in parts):
        return "a name with a '..' or '.' part"
    if any(part == "" for part in parts):
        return "a name with an empty part"
    return None


def entry_problem(info: zipfile.ZipInfo) -> str | None:
    """What makes this entry something other than a plain file (or an empty directory) as the
    exporter writes it; None when nothing does."""
    name = info.orig_filename
    why = unsafe_name(name)
    if why:
        return why
    if info.flag_bits & 0x1:
        return "an encrypted entry"
    if info.flag_bits & ~_ALLOWED_FLAGS:
        return f"general-purpose flags 0x{info.flag_bits:04x}, which a bundle never has"
    if info.compress_type not in _METHODS:
        return f"compression method {info.compress_type} (a bundle is stored or deflated)"
    mode = info.external_attr >> 16
    kind = stat.S_IFMT(mode)
    directory = name.endswith("/") or kind == stat.S_IFDIR or info.external_attr & _DOS_DIRECTORY
    if directory:
        if not name.endswith("/") or kind not in (0, stat.S_IFDIR):
            return f"an entry marked as a directory that is named like a file (mode 0o{mode:o})"
        if info.file_size or info.compress_size > 2:  # an empty deflate stream takes 2 bytes
            return f"a directory entry carrying {info.file_size} bytes of data"
        return None
    if kind not in (0, stat.S_IFREG):
        what = {stat.S_IFLNK: "a symbolic link", stat.S_IFCHR: "a character device",
                stat.S_IFBLK: "a block device", stat.S_IFIFO: "a named pipe",
                stat.S_IFSOCK: "a socket"}.get(kind, "a special file")
        return f"marked as {what} (mode 0o{mode:o})"
    if mode & 0o7111:
        return f"file mode 0o{stat.S_IMODE(mode):o} (setuid, setgid, sticky or executable)"
    return None


def parse_manifest(raw: bytes) -> tuple[dict[str, Any] | None, list[str]]:
    """The manifest and the problems that make it unusable (then None): not canonical UTF-8
    JSON, nested too deep, or not of the schema's form."""
    try:
        manifest = json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
    except RecursionError:
        return None, ["nested too deeply to be a manifest"]
    except (UnicodeDecodeError, ValueError) as exc:
        return None, [f"is not JSON ({exc})"]
    errors = sorted(_SCHEMA.iter_errors(manifest), key=lambda e: list(e.absolute_path))
    if errors:
        return None, [f"{'/'.join(map(str, e.absolute_path)) or 'the top'}: "
                      f"{_short(e.message)}" for e in errors[:5]]
    if mf.canonical_json(manifest) != raw:
        return None, ["is not in the canonical form the portal writes (sorted keys, no spaces, "
                      "each key once)"]
    paths = [f["path"] for f in manifest["files"]]
    twice = sorted({p for p in paths if paths.count(p) > 1})
    if twice:
        return None, [f"lists {p} more than once" for p in twice]
    return manifest, []


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


UNTRUSTED = ("no trusted key was given, so the signature was checked only against the key the "
             "manifest itself names, which anyone can make: give the portal's public key "
             "(--trusted-key portal.pem), or --allow-untrusted to check integrity alone")


def verify_bundle(zip_path: Path,
                  trusted_key: Path | bytes | Ed25519PublicKey | None = None, *,
                  allow_untrusted: bool = False) -> VerifyResult:
    """Every problem found (unsafe entries, altered, missing, unexpected files, a bad or unusable
    manifest, a bad signature, no trusted key unless `allow_untrusted`); ok when none. Hostile
    input gives problems, never an exception; only an unreadable `trusted_key` raises (OSError,
    ValueError)."""
    result = VerifyResult()
    trusted = _trusted(trusted_key)
    if trusted is None and not allow_untrusted:
        result.problems.append(Problem("untrusted", mf.SIGNATURE_NAME, UNTRUSTED))
    try:
        zf = zipfile.ZipFile(zip_path)
    except (*_UNREADABLE, KeyError, IndexError, OverflowError) as exc:
        result.problems.append(Problem("manifest", str(zip_path), f"not a readable ZIP ({exc})"))
        return result
    with zf:
        members = _members(result, zf)
        _check_layout(result, zf, Path(zip_path))
        if mf.MANIFEST_NAME not in members:
            result.problems.append(Problem("missing", mf.MANIFEST_NAME, "no manifest"))
            return result
        info = members[mf.MANIFEST_NAME][-1]
        if info.file_size > mf.MAX_BYTES:
            result.problems.append(Problem(
                "manifest", mf.MANIFEST_NAME, f"is {info.file_size} bytes unpacked; a manifest "
                                              f"is at most {mf.MAX_BYTES}, so it was not read"))
            return result
        try:
            raw = _read_member(zf, info)
        except _UNREADABLE as exc:
            result.problems.append(Problem("manifest", mf.MANIFEST_NAME,
                                           f"cannot be read ({exc})"))
            return result
        manifest, errors = parse_manifest(raw)
        result.problems += [Problem("manifest", mf.MANIFEST_NAME, e) for e in errors]
        key = _check_signature(result, zf, members, raw, manifest, trusted)
        if manifest is None:
            return result
        _check_files(result, zf, members, manifest)
        _check_everyday(result, zf, members, key)
    # A file the manifest and SHA256SUMS both find altered is one problem, said once.
    seen: set[tuple[str, str]] = set()
    result.problems = [p for p in result.problems
                       if (p.kind, p.path) not in seen and not seen.add((p.kind, p.path))]
    return result


def _members(result: VerifyResult, zf: zipfile.ZipFile) -> dict[str, list[zipfile.ZipInfo]]:
    """The plain files by name; every unsafe entry and every name used twice is a problem."""
    members: dict[str, list[zipfile.ZipInfo]] = {}
    for info in zf.infolist():
        why = entry_problem(info)
        if why:
            result.problems.append(Problem("unsafe", info.orig_filename, why))
        elif not info.is_dir():
            members.setdefault(info.filename, []).append(info)
    for name, infos in members.items():
        if len(infos) > 1:
            result.problems.append(Problem("unexpected", name, "appears more than once"))
    return members


def _check_layout(result: VerifyResult, zf: zipfile.ZipFile, zip_path: Path) -> None:
    """Every local header agrees with its central entry, and the members fill the file from its
    first byte to the central directory, one after the other."""
    try:
        with zip_path.open("rb") as raw:
            expected_at = 0
            for info in sorted(zf.infolist(), key=lambda i: i.header_offset):
                if info.header_offset != expected_at:
                    where = ("before the first entry" if expected_at == 0 else
                             "between entries" if info.header_offset > expected_at else
                             "overlapping the entry before it")
                    result.problems.append(Problem(
                        "unsafe", info.orig_filename,
                        f"{abs(info.header_offset - expected_at)} bytes {where} (at byte "
                        f"{min(info.header_offset, expected_at)}), which a streaming "
                        f"extractor would read as more entries"))
                    return
                why, expected_at = _local_header(raw, info)
                if why:
                    result.problems.append(Problem(
                        "unsafe", info.orig_filename,
                        f"{why}: extractors that read the local headers would not unpack what "
                        f"was verified"))
                    return
    except OSError as exc:
        result.problems.append(Problem("manifest", str(zip_path), f"cannot be read ({exc})"))
        return
    if expected_at != zf.start_dir:  # where zipfile found the central directory
        result.problems.append(Problem(
            "unsafe", str(zip_path), f"{zf.start_dir - expected_at} bytes between the last "
                                     f"entry and the central directory"))


def _local_header(raw, info: zipfile.ZipInfo) -> tuple[str | None, int]:
    """What differs between the member's local header and its central entry (None when nothing
    does), and where the next member must start."""
    raw.seek(info.header_offset)
    head = raw.read(_LOCAL.size)
    if len(head) < _LOCAL.size:
        return "its local header is cut off by the end of the file", 0
    (signature, _version, _system, flags, method, _time, _date, crc, compressed, size,
     name_length, extra_length) = _LOCAL.unpack(head)
    name = raw.read(name_length)
    extra = raw.read(extra_length)
    if signature != _LOCAL_SIGNATURE:
        return "no local header where the central directory says it starts", 0
    if compressed == 0xFFFFFFFF or size == 0xFFFFFFFF:
        size, compressed = _zip64_sizes(extra, size, compressed)
    encoding = "utf-8" if info.flag_bits & 0x800 else "cp437"
    try:
        central_name = info.orig_filename.encode(encoding)
    except UnicodeEncodeError:
        central_name = b""
    for what, local, central in (
            ("name", name, central_name), ("flags", flags, info.flag_bits),
            ("compression method", method, info.compress_type), ("CRC", crc, info.CRC),
            ("compressed size", compressed, info.compress_size),
            ("size", size, info.file_size)):
        if local != central:
            return (f"the local header gives {what} {_shown(local)}, the central directory "
                    f"{_shown(central)}"), 0
    return None, info.header_offset + _LOCAL.size + name_length + extra_length + compressed


def _zip64_sizes(extra: bytes, size: int, compressed: int) -> tuple[int, int]:
    """A ZIP64 local header's sizes from its extra field (both are there, APPNOTE 4.5.3)."""
    at = 0
    while at + 4 <= len(extra):
        kind, length = struct.unpack_from("<HH", extra, at)
        if kind == _ZIP64_EXTRA and length >= 16:
            return struct.unpack_from("<QQ", extra, at + 4)
        at += 4 + length
    return size, compressed


def _shown(value: int | bytes) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _check_files(result: VerifyResult, zf: zipfile.ZipFile,
                 members: dict[str, list[zipfile.ZipInfo]], manifest: dict[str, Any]) -> None:
    files = manifest["files"]
    listed = {f["path"]: f for f in files}
    if manifest["exhibits_fingerprint"] != mf.exhibits_fingerprint(files):
        result.problems.append(Problem("manifest", mf.MANIFEST_NAME,
                                       "exhibits fingerprint does not match its entries"))
    for path, entry in listed.items():
        if path not in members:
            result.problems.append(Problem("missing", path, "listed in the manifest, "
                                                            "not in the ZIP"))
            continue
        info = members[path][-1]
        result.checked += 1
        if info.file_size != entry["size"]:
            result.problems.append(Problem(
                "altered", path, f"{info.file_size} bytes, manifest says {entry['size']} bytes"))
            continue
        try:
            digest, size = _sha256_member(zf, info)
        except _UNREADABLE as exc:
            result.problems.append(Problem("altered", path, f"cannot be read ({exc})"))
            continue
        if digest != entry["sha256"] or size != entry["size"]:
            result.problems.append(Problem(
                "altered", path, f"SHA-256 {digest} ({size} bytes), manifest says "
                                 f"{entry['sha256']} ({entry['size']} bytes)"))
    for name in members:
        if name not in listed and name not in (mf.MANIFEST_NAME, mf.SIGNATURE_NAME,
                                               *_EVERYDAY):
            result.problems.append(Problem("unexpected", name, "not in the manifest"))


# The files that let a bundle be checked with sha256sum and OpenSSL (dispute.bundle.checksums).
_EVERYDAY = (checksums.SUMS_NAME, checksums.SUMS_SIGNATURE_NAME, checksums.PUBLIC_KEY_NAME)


def _check_everyday(result: VerifyResult, zf: zipfile.ZipFile,
                    members: dict[str, list[zipfile.ZipInfo]], key: Ed25519PublicKey | None
                    ) -> None:
    """SHA256SUMS, its signature and portal.pem, when present (bundles made before issue 16
    have none): each listed file has the listed SHA-256, the list is signed by the manifest's
    key, and portal.pem is that key. A court checking with sha256sum and OpenSSL then checks
    the same bundle that `verify` passes."""
    if checksums.SUMS_NAME not in members:
        return
    try:
        info = members[checksums.SUMS_NAME][-1]
        if info.file_size > mf.MAX_BYTES:
            raise ValueError(f"{info.file_size} bytes")
        raw = _read_member(zf, info)
    except _UNREADABLE as exc:
        result.problems.append(Problem("altered", checksums.SUMS_NAME, f"cannot be read ({exc})"))
        return
    listed, bad = checksums.parse(raw)
    result.problems += [Problem("altered", checksums.SUMS_NAME, b) for b in bad]
    for path, digest in listed.items():
        if path not in members:
            result.problems.append(Problem("missing", path, "listed in SHA256SUMS, not in the ZIP"))
            continue
        try:
            actual, _size = _sha256_member(zf, members[path][-1])
        except _UNREADABLE as exc:
            result.problems.append(Problem("altered", path, f"cannot be read ({exc})"))
            continue
        if actual != digest:
            result.problems.append(Problem("altered", path, f"SHA-256 {actual}, SHA256SUMS "
                                                            f"says {digest}"))
    if key is None:
        return
    try:
        info = members[checksums.SUMS_SIGNATURE_NAME][-1]
        if info.file_size > MAX_SIGNATURE_BYTES:
            raise ValueError(f"{info.file_size} bytes, not a signature")
        signature = _read_member(zf, info)
    except KeyError:
        result.problems.append(Problem("missing", checksums.SUMS_SIGNATURE_NAME, "no signature"))
        signature = None
    except _UNREADABLE as exc:
        result.problems.append(Problem("signature", checksums.SUMS_SIGNATURE_NAME,
                                       f"cannot be read ({exc})"))
        signature = None
    if signature is not None and not signature_holds(key, signature, raw):
        result.problems.append(Problem("signature", checksums.SUMS_SIGNATURE_NAME,
                                       "does not match SHA256SUMS"))
    if checksums.PUBLIC_KEY_NAME in members:
        try:
            pem = _read_member(zf, members[checksums.PUBLIC_KEY_NAME][-1])[:8192]
        except _UNREADABLE:
            pem = b""
        named = load_public_pem(pem)
        if named is None or key_fingerprint(named) != key_fingerprint(key):
            result.problems.append(Problem("signature", checksums.PUBLIC_KEY_NAME,
                                           "is not the key that signed the bundle"))


def _check_signature(result: VerifyResult, zf: zipfile.ZipFile,
                     members: dict[str, list[zipfile.ZipInfo]], raw: bytes,
                     manifest: dict[str, Any] | None, trusted: Ed25519PublicKey | None
                     ) -> Ed25519PublicKey | None:
    """Check manifest.sig; the key it was checked with (None when it could not be)."""
    if mf.SIGNATURE_NAME not in members:
        result.problems.append(Problem("missing", mf.SIGNATURE_NAME, "no signature"))
        return None
    info = members[mf.SIGNATURE_NAME][-1]
    try:
        if info.file_size > MAX_SIGNATURE_BYTES:
            raise ValueError(f"{info.file_size} bytes, not a signature")
        signature = _read_member(zf, info)
    except _UNREADABLE as exc:
        result.problems.append(Problem("signature", mf.SIGNATURE_NAME, f"cannot be read ({exc})"))
        return None
    key = trusted
    if key is None:
        named = manifest["signer"]["public_key"] if manifest is not None else None
        key = load_public_pem(named.encode("ascii", "replace")) if named else None
        if key is None:
            result.problems.append(Problem("signature", mf.SIGNATURE_NAME,
                                           "the manifest names no usable signing key"))
            return None
    result.signer_fingerprint = key_fingerprint(key)
    result.trusted = trusted is not None
    if not signature_holds(key, signature, raw):
        who = "the trusted key" if trusted is not None else "the key named in the manifest"
        result.problems.append(Problem("signature", mf.SIGNATURE_NAME,
                                       f"does not match manifest.json for {who} "
                                       f"(SHA-256 {result.signer_fingerprint[:16]}…)"))
    return key
