"""Intake against files made by other tools and cameras (../shared/fixtures): every one is stored
with the right SHA-256 or refused with a readable reason, never another exception."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from dispute.keys import Keyring
from evidence.errors import EvidenceRefused
from evidence.store import EvidenceStore
from tests.conftest import NO_FIXTURES, SHARED_FIXTURES

if not SHARED_FIXTURES.is_dir():
    pytest.skip(NO_FIXTURES, allow_module_level=True)

LIMIT = 16 << 20
FILES = sorted(p.relative_to(SHARED_FIXTURES).as_posix()
               for p in SHARED_FIXTURES.rglob("*") if p.is_file())

EXPECTED = {
    "images/IMG_5195.HEIC": "image/heic",
    "images/samplefilehub.heif": "image/heic",  # libmagic names the HEVC-coded HEIF brand heic
    "images/Arbitro.tiff": "image/tiff",
    "pdf/smile.tiff": "image/tiff",
    # Its damage does not stop a decoder (Pillow renders it), so it is kept as the JPEG it is.
    "images/corrupted.jpg": "image/jpeg",
    "images/image01137.jpg": "image/jpeg",
    "images/image02206.jpg": "image/jpeg",
    "images/landscape_6.jpg": "image/jpeg",
    "audio/call_silence.amr": "audio/amr",
    "audio/call_zh.m4a": "audio/mp4",
    "audio/call_en.mp3": "audio/mpeg",
    "audio/drum-perc-01.mp3": "audio/mpeg",
    "audio/snare.wav": "audio/wav",
    # Encrypted and damaged PDFs are kept; the bundle deals with them.
    "pdf/libreoffice-writer-password.pdf": "application/pdf",
    "pdf/unreadablemetadata.pdf": "application/pdf",
}


def ingest(tmp_path: Path, relative: str) -> tuple[str, str, bytes]:
    """(media type, sha256, stored bytes) of a fixture put through a fresh store."""
    store = EvidenceStore(tmp_path / "store", Keyring.generate())
    with (SHARED_FIXTURES / relative).open("rb") as fh, store.stage(fh, relative, LIMIT) as staged:
        staged.publish()
    with store.open(staged.sha256) as fh:
        return staged.media_type, staged.sha256, fh.read()


@pytest.mark.parametrize("relative", FILES)
def test_fixture_is_stored_exactly_or_refused_clearly(tmp_path: Path, relative: str) -> None:
    data = (SHARED_FIXTURES / relative).read_bytes()
    try:
        media_type, sha256, stored = ingest(tmp_path, relative)
    except EvidenceRefused as refused:
        assert refused.code and relative.rsplit("/", 1)[-1] in str(refused)
        assert not any(p.is_file() for p in (tmp_path / "store").rglob("*"))
        return
    assert sha256 == hashlib.sha256(data).hexdigest()
    assert stored == data
    if relative.endswith(".pdf"):
        assert media_type == "application/pdf"


@pytest.mark.parametrize(("relative", "media_type"), sorted(EXPECTED.items()))
def test_notable_fixture_gets_the_expected_type(tmp_path: Path, relative: str,
                                                media_type: str) -> None:
    assert ingest(tmp_path, relative)[0] == media_type
