"""The content-addressed store on a real temp folder: hashes, dedupe, atomicity, clean-up."""

from __future__ import annotations

import hashlib
import io
import os
import stat
import time
from pathlib import Path

import pytest

from dispute.keys import Keyring
from evidence import names, sniff
from evidence.errors import EvidenceRefused
from evidence.store import EvidenceStore
from tests.conftest import pdf_bytes
from tests.test_evidence_sniff import ZH, ffmpeg_audio, wav_bytes

LIMIT = 4 << 20


@pytest.fixture
def store(tmp_path: Path) -> EvidenceStore:
    return EvidenceStore(tmp_path / "store", Keyring.generate())


def files_under(directory: Path) -> list[Path]:
    return [p for p in directory.rglob("*") if p.is_file()]


class BrokenUpload(io.RawIOBase):
    """Serves `data`, then fails as a dropped connection does."""

    def __init__(self, data: bytes) -> None:
        self.data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:
        n = self.data.readinto(buffer)
        if n == 0:
            raise ConnectionResetError("client went away")
        return n


class EndlessPdf(io.RawIOBase):
    """A PDF header, then zeros for ever; counts the bytes served and cannot seek."""

    def __init__(self) -> None:
        self.served = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:
        chunk = (b"%PDF-1.4\n" if self.served == 0 else b"").ljust(len(buffer), b"\0")
        buffer[:] = chunk[: len(buffer)]
        self.served += len(buffer)
        return len(buffer)


def test_stored_object_is_named_by_its_sha256(store: EvidenceStore) -> None:
    data = pdf_bytes("bank statement")
    with store.stage(io.BytesIO(data), "statement.pdf", LIMIT) as staged:
        assert staged.publish() is True
    digest = hashlib.sha256(data).hexdigest()
    assert (staged.sha256, staged.size, staged.media_type, staged.original_name) == (
        digest, len(data), "application/pdf", "statement.pdf")
    assert store.ciphertext_path(digest) == store.root / "objects" / digest[:2] / digest
    assert store.exists(digest) and store.verify(digest)
    with store.open(digest) as fh:
        assert fh.read() == data
    assert files_under(store.tmp_dir) == []


def test_files_are_owner_only(store: EvidenceStore) -> None:
    with store.stage(io.BytesIO(wav_bytes()), "call.wav", LIMIT) as staged:
        staged.publish()
    obj = store.ciphertext_path(staged.sha256)
    assert stat.S_IMODE(obj.stat().st_mode) == 0o600
    for directory in (store.root, store.objects_dir, store.tmp_dir, obj.parent):
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700


def test_same_bytes_twice_are_one_object(store: EvidenceStore) -> None:
    data = ZH.encode()
    first = store.stage(io.BytesIO(data), "notes.txt", LIMIT)
    second = store.stage(io.BytesIO(data), "copy of notes.txt", LIMIT)
    assert first.publish() is True
    assert second.publish() is False
    assert first.sha256 == second.sha256
    assert files_under(store.objects_dir) == [store.ciphertext_path(first.sha256)]
    assert files_under(store.tmp_dir) == []


def test_a_stream_that_fails_midway_leaves_no_temp_file(store: EvidenceStore) -> None:
    with pytest.raises(ConnectionResetError):
        store.stage(BrokenUpload(pdf_bytes() + bytes(3 << 20)), "statement.pdf", LIMIT)
    assert files_under(store.root) == []


def test_reads_at_most_one_byte_over_the_limit(store: EvidenceStore) -> None:
    endless = EndlessPdf()
    with pytest.raises(EvidenceRefused) as refused:
        store.stage(endless, "statement.pdf", 1 << 20, chunk_size=64 << 10)
    assert refused.value.code == "too_large"
    assert endless.served == (1 << 20) + 1
    assert files_under(store.root) == []


def test_too_large_message_gives_the_whole_size_of_a_seekable_upload(
        store: EvidenceStore) -> None:
    upload = io.BytesIO(b"%PDF-1.4\n" + bytes(3 << 20))
    with pytest.raises(EvidenceRefused) as refused:
        store.stage(upload, "scan.pdf", 1 << 20)
    assert str(refused.value) == "“scan.pdf” is 3.1 MB; the largest file accepted is 1 MB."
    assert upload.tell() == (1 << 20) + 1  # the position is left where reading stopped


def test_tiny_chunks_hash_and_sniff_the_same(store: EvidenceStore) -> None:
    data = wav_bytes(seconds=0.5)
    with store.stage(io.BytesIO(data), "call.wav", LIMIT, chunk_size=7) as staged:
        assert staged.sha256 == hashlib.sha256(data).hexdigest()
        assert staged.media_type == "audio/wav"


def test_long_mp4_recording_is_judged_by_tracks_past_the_sniffed_head(
        store: EvidenceStore, tmp_path: Path) -> None:
    # ffmpeg writes the moov box (the track list) after the audio, here beyond sniff.HEAD_SIZE.
    data = ffmpeg_audio(tmp_path, "long.mp4", "-c:a", "aac", "-b:a", "320k", "-f", "mp4",
                        seconds=90)
    assert len(data) > sniff.HEAD_SIZE
    assert sniff.detect(data[: sniff.HEAD_SIZE]) == "video/mp4"  # the brand alone says video
    with store.stage(io.BytesIO(data), "recording.mp4", 8 << 20) as staged:
        assert staged.media_type == "audio/mp4"


def test_discard_and_leaving_the_block_delete_the_staged_file(store: EvidenceStore) -> None:
    staged = store.stage(io.BytesIO(pdf_bytes()), "a.pdf", LIMIT)
    assert staged.temp_path.parent == store.tmp_dir and staged.temp_path.is_file()
    staged.discard()
    staged.discard()
    with store.stage(io.BytesIO(pdf_bytes("other")), "b.pdf", LIMIT):
        pass
    assert files_under(store.root) == []
    with pytest.raises(RuntimeError):
        staged.publish()


def test_publish_twice_is_an_error(store: EvidenceStore) -> None:
    with store.stage(io.BytesIO(pdf_bytes()), "a.pdf", LIMIT) as staged:
        staged.publish()
        with pytest.raises(RuntimeError):
            staged.publish()
    assert store.exists(staged.sha256)


def test_temp_names_never_come_from_the_upload(store: EvidenceStore) -> None:
    with store.stage(io.BytesIO(pdf_bytes()), "../../objects/evil.pdf", LIMIT) as staged:
        assert staged.temp_path.parent == store.tmp_dir
        assert "evil" not in staged.temp_path.name
        assert staged.original_name == "evil.pdf"


def test_sweep_removes_old_leftovers_and_keeps_uploads_under_way(store: EvidenceStore) -> None:
    old = store.tmp_dir / "stage-crashed"
    fresh = store.tmp_dir / "stage-in-progress"
    for leftover in (old, fresh):
        leftover.write_bytes(b"partial")
    two_hours_ago = time.time() - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))
    assert store.sweep_temp() == 1
    assert not old.exists() and fresh.exists()
    assert store.sweep_temp(older_than_seconds=0) == 1
    assert files_under(store.tmp_dir) == []


def test_remove_rolls_back_an_object(store: EvidenceStore) -> None:
    with store.stage(io.BytesIO(pdf_bytes()), "a.pdf", LIMIT) as staged:
        staged.publish()
    store.remove(staged.sha256)
    assert not store.exists(staged.sha256)
    store.remove(staged.sha256)  # already gone: nothing to do


def test_verify_notices_changed_bytes(store: EvidenceStore) -> None:
    with store.stage(io.BytesIO(pdf_bytes()), "a.pdf", LIMIT) as staged:
        staged.publish()
    obj = store.ciphertext_path(staged.sha256)
    with obj.open("ab") as fh:
        fh.write(b"tampered")
    assert store.verify(staged.sha256) is False
    obj.unlink()
    assert store.verify(staged.sha256) is False


@pytest.mark.parametrize("bad", ["", "../" * 20 + "etc/passwd", "A" * 64, "a" * 63, "a" * 65,
                                 "g" * 64, "a" * 64 + "\n", "../" + "a" * 61])
def test_a_malformed_sha256_is_refused_before_any_path_is_built(store: EvidenceStore,
                                                                 bad: str) -> None:
    for call in (store.ciphertext_path, store.open, store.exists, store.remove, store.verify):
        with pytest.raises(ValueError, match="SHA-256"):
            call(bad)


@pytest.mark.parametrize(("given", "shown", "extension"), [
    ("statement.pdf", "statement.pdf", "pdf"),
    ("C:\\Users\\wang\\Desktop\\对账单.PDF", "对账单.PDF", "pdf"),
    ("/etc/../home/x/call.m4a", "call.m4a", "m4a"),
    ("invoice\u202efdp.exe", "invoicefdp.exe", "exe"),
    ("bad\x00name\r\n.jpg", "badname.jpg", "jpg"),
    ("report.pdf. ", "report.pdf.", "pdf"),
    ("noextension", "noextension", ""),
    ("../", "", ""),
])
def test_names_are_shown_without_paths_or_control_characters(given: str, shown: str,
                                                            extension: str) -> None:
    assert names.display_name(given) == shown
    assert names.extension(given) == extension


def test_long_names_are_cut_to_200_characters_keeping_the_extension() -> None:
    shown = names.display_name("通话录音" * 100 + ".m4a")
    assert len(shown) == 200
    assert shown.endswith("通话录音.m4a")
