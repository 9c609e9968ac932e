"""manifest.json: every file of the ZIP with its SHA-256, size, media type, exhibit and pages.

The manifest is canonical JSON (sorted keys, UTF-8), so its bytes, and so its signature, depend
only on its content. The cover of bundle.pdf cannot print the hash of a manifest that lists the
hash of bundle.pdf itself; it prints the *exhibits fingerprint* instead: the SHA-256 of the
exhibit entries below (exhibit, path, sha256, size, media_type), which the manifest repeats and
`verify` recomputes.

SCHEMA is the manifest's form as a JSON Schema (draft 2020-12): `verify` checks a manifest against
it before using any of its values, and it is closed (no other keys), so a hostile manifest can
neither lack what verify reads nor smuggle in what it does not.
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
MAX_BYTES = 4 << 20       # a manifest is a few hundred bytes per exhibit
MAX_FILES = 10_004        # bundle.pdf, up to 10 000 exhibits and 3 continued sections

_SHA256 = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
_PAGE = {"type": "integer", "minimum": 1}
_SIZE = {"type": "integer", "minimum": 0}
_PDF_ENTRY = {
    "type": "object", "additionalProperties": False,
    "required": ["path", "sha256", "size", "media_type", "pages"],
    "properties": {"path": {"const": PDF_NAME}, "sha256": _SHA256, "size": _SIZE,
                   "media_type": {"const": "application/pdf"}, "pages": _PAGE},
}
_EXHIBIT_ENTRY = {
    "type": "object", "additionalProperties": False,
    "required": [*FINGERPRINT_KEYS, "pages", "shown_as", "original_name"],
    "properties": {
        "exhibit": {"type": "string", "pattern": "^[ED][0-9]{2,5}$"},  # D: kept documents
        # exhibit_path's form: no path, control or Windows-reserved characters in the name
        "path": {"type": "string", "maxLength": 200,
                 "pattern": '^exhibits/[ED][0-9]{2,5}-[^<>:"/\\\\|?*\\x00-\\x1f]+$'},
        "sha256": _SHA256, "size": _SIZE,
        "media_type": {"type": "string", "maxLength": 100},
        "pages": {"type": "array", "prefixItems": [_PAGE, _PAGE], "items": False,
                  "minItems": 2},
        "shown_as": {"enum": ["pdf", "image", "audio", "text", "none"]},
        "original_name": {"type": "string", "maxLength": 1000},
    },
}
# A section of bundle.pdf continued in full as text (dispute/bundle/bounded.py).
_CONTINUATION_ENTRY = {
    "type": "object", "additionalProperties": False,
    "required": ["path", "sha256", "size", "media_type", "continues"],
    "properties": {
        "path": {"enum": ["attachments/chronology.txt", "attachments/contacts.txt",
                          "attachments/notes.txt"]},
        "sha256": _SHA256, "size": _SIZE,
        "media_type": {"const": "text/plain; charset=utf-8"},
        "continues": {"enum": ["chronology", "contacts", "notes"]},
    },
}
SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object", "additionalProperties": False,
    "required": ["format", "dispute", "created_at", "language", "options", "signer",
                 "exhibits_fingerprint", "files"],
    "properties": {
        "format": {"const": FORMAT},
        "dispute": {"type": "string", "pattern": "^DSP-[0-9]{4}-[0-9]{6,}$"},
        "created_at": {"type": "string", "maxLength": 40},
        "language": {"type": "string", "maxLength": 20},
        "options": {
            "type": "object", "additionalProperties": False,
            "required": ["include_notes", "unmasked", "reason"],
            "properties": {"include_notes": {"type": "boolean"},
                           "unmasked": {"type": "boolean"},
                           "reason": {"type": "string", "maxLength": 10_000}},
        },
        "signer": {
            "type": "object", "additionalProperties": False,
            "required": ["algorithm", "public_key", "key_sha256"],
            "properties": {"algorithm": {"const": "Ed25519"},
                           "public_key": {"type": "string", "maxLength": 1000},
                           "key_sha256": _SHA256},
        },
        "exhibits_fingerprint": _SHA256,
        "files": {"type": "array", "minItems": 1, "maxItems": MAX_FILES,
                  "prefixItems": [_PDF_ENTRY],
                  "items": {"oneOf": [_EXHIBIT_ENTRY, _CONTINUATION_ENTRY]}},
    },
}


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
