"""manifest.json: every file of the ZIP with its SHA-256, size, media type, exhibit and pages.

The manifest is canonical JSON (sorted keys, UTF-8), so its bytes, and so its signature, depend
only on its content. The cover of bundle.pdf cannot print the hash of a manifest that lists the
hash of bundle.pdf itself; it prints the *exhibits fingerprint* instead: the SHA-256 of the
exhibit entries below (exhibit, path, sha256, size, media_type), which the manifest repeats and
`verify` recomputes.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from typing import Any

from evidence.names import display_name, extension
from evidence.types import ACCEPTED

FORMAT = "dispute-bundle/1"
PDF_NAME = "bundle.pdf"
MANIFEST_NAME = "manifest.json"
SIGNATURE_NAME = "manifest.sig"
EXHIBITS_DIR = "exhibits/"
FINGERPRINT_KEYS = ("exhibit", "path", "sha256", "size", "media_type")

_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]+')
_MAX_STEM = 80


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      indent=None).encode("utf-8")


def exhibit_path(exhibit: str, original_name: str, media_type: str) -> str:
    """`exhibits/E01-<safe name>.<ext>`: the extension of the type the bytes really are, a stem
    without path, control or Windows-reserved characters, so the ZIP unpacks safely anywhere."""
    name = display_name(original_name)
    stem = name.rsplit(".", 1)[0] if extension(name) else name
    stem = _UNSAFE.sub("_", unicodedata.normalize("NFC", stem)).strip(" ._")[:_MAX_STEM]
    ext = ACCEPTED[media_type].extensions[0] if media_type in ACCEPTED else "bin"
    return f"{EXHIBITS_DIR}{exhibit}-{stem or 'file'}.{ext}"


def exhibit_entry(exhibit: str, path: str, sha256: str, size: int, media_type: str) -> dict:
    return {"exhibit": exhibit, "path": path, "sha256": sha256, "size": size,
            "media_type": media_type}


def exhibits_fingerprint(files: list[dict[str, Any]]) -> str:
    """SHA-256 of the canonical JSON list of the exhibit entries' FINGERPRINT_KEYS, in order."""
    entries = [{k: f[k] for k in FINGERPRINT_KEYS} for f in files if f.get("exhibit")]
    return hashlib.sha256(canonical_json(entries)).hexdigest()


def build(*, number: str, created_at: str, language: str, options: dict[str, Any],
          signer: dict[str, str], files: list[dict[str, Any]]) -> dict[str, Any]:
    return {"format": FORMAT, "dispute": number, "created_at": created_at,
            "language": language, "options": options, "signer": signer,
            "exhibits_fingerprint": exhibits_fingerprint(files), "files": files}
