"""The content-addressed store on a real temp folder: hashes, dedupe, atomicity, clean-up."""

from __future__ import annotations

import hashlib
import io
import os
import stat
import time
from pathlib import Path

import pytest

from dispute.keys import KeyProblem, Keyring
from evidence import encryption, names, sniff
from evidence.errors import EvidenceRefused, StoredFileDamaged
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


# --- encryption at rest ----------------------------------------------------------------------

def stored(store: EvidenceStore, data: bytes, name: str = "notes.txt") -> str:
    with store.stage(io.BytesIO(data), name, LIMIT) as staged:
        staged.publish()
    return staged.sha256


def long_text(size: int) -> bytes:
    """Distinctive UTF-8 text of `size` bytes: any run of it found in a file would be a leak."""
    line = "第{:06d}行 借款人王芳的还款记录 account 6225880212345678\n"
    out = "".join(line.format(i) for i in range(size // 40 + 1)).encode()
    return out[:size].decode("utf-8", "ignore").encode().ljust(size, b".")  # exactly `size`


def test_the_object_file_holds_no_plaintext(store: EvidenceStore) -> None:
    data = long_text(300_000)  # several segments, the last one partial
    sha = stored(store, data)
    raw = store.ciphertext_path(sha).read_bytes()
    assert raw.startswith(encryption.MAGIC)
    assert b"6225880212345678" not in raw and "王芳".encode() not in raw
    assert all(data[i:i + 16] not in raw for i in range(0, len(data) - 16, 997))
    assert len(raw) == encryption.HEADER_BYTES + len(data) + 5 * encryption.TAG_BYTES
    with store.open(sha) as fh:
        assert fh.read() == data


@pytest.mark.parametrize("size", [7, encryption.SEGMENT_BYTES - 1, encryption.SEGMENT_BYTES,
                                  encryption.SEGMENT_BYTES + 1, 3 * encryption.SEGMENT_BYTES])
def test_sizes_around_segment_boundaries_round_trip(store: EvidenceStore, size: int) -> None:
    data = long_text(size)
    sha = stored(store, data)
    with store.open(sha) as fh:
        assert fh.read() == data
        fh.seek(len(data) // 2)
        assert fh.read(100) == data[len(data) // 2:len(data) // 2 + 100]
        assert fh.seek(0, io.SEEK_END) == len(data)
    assert store.verify(sha)


def test_same_bytes_twice_dedupe_although_each_encryption_differs(tmp_path: Path) -> None:
    keys = Keyring.generate()
    one, two = EvidenceStore(tmp_path / "a", keys), EvidenceStore(tmp_path / "b", keys)
    data = long_text(70_000)
    assert stored(one, data) == stored(two, data)
    sha = hashlib.sha256(data).hexdigest()
    assert one.ciphertext_path(sha).read_bytes() != two.ciphertext_path(sha).read_bytes()
    with one.stage(io.BytesIO(data), "again.txt", LIMIT) as again:
        assert again.publish() is False
    assert files_under(one.objects_dir) == [one.ciphertext_path(sha)]


@pytest.mark.parametrize("where", ["header", "key id", "first segment", "middle segment",
                                   "last tag"])
def test_a_flipped_byte_is_detected_on_read(store: EvidenceStore, where: str) -> None:
    data = long_text(200_000)
    sha = stored(store, data)
    obj = store.ciphertext_path(sha)
    raw = bytearray(obj.read_bytes())
    position = {"header": 30, "key id": 6, "first segment": encryption.HEADER_BYTES + 5,
                "middle segment": encryption.HEADER_BYTES + encryption.SEGMENT_BYTES + 100,
                "last tag": len(raw) - 1}[where]
    raw[position] ^= 0x40
    obj.write_bytes(bytes(raw))
    with pytest.raises((StoredFileDamaged, KeyProblem)):
        with store.open(sha) as fh:
            fh.read()
    if where == "key id":  # names a key nobody has: said so, rather than "damaged"
        with pytest.raises(KeyProblem):
            store.verify(sha)
    else:
        assert store.verify(sha) is False


def test_truncation_at_a_segment_boundary_is_detected(store: EvidenceStore) -> None:
    sha = stored(store, long_text(200_000))
    obj = store.ciphertext_path(sha)
    raw = obj.read_bytes()
    obj.write_bytes(raw[:encryption.HEADER_BYTES + 2 * (encryption.SEGMENT_BYTES
                                                        + encryption.TAG_BYTES)])
    with pytest.raises(StoredFileDamaged):
        store.open(sha)
    assert not store.verify(sha)


def test_swapped_segments_are_detected(store: EvidenceStore) -> None:
    sha = stored(store, long_text(200_000))
    obj = store.ciphertext_path(sha)
    raw = obj.read_bytes()
    h, s = encryption.HEADER_BYTES, encryption.SEGMENT_BYTES + encryption.TAG_BYTES
    obj.write_bytes(raw[:h] + raw[h + s:h + 2 * s] + raw[h:h + s] + raw[h + 2 * s:])
    with pytest.raises(StoredFileDamaged):
        with store.open(sha) as fh:
            fh.read()


def test_one_objects_file_in_place_of_another_does_not_open(store: EvidenceStore) -> None:
    a, b = stored(store, long_text(1000)), stored(store, long_text(2000))
    store.ciphertext_path(a).write_bytes(store.ciphertext_path(b).read_bytes())
    with pytest.raises(StoredFileDamaged, match=a):
        store.open(a)
    assert not store.verify(a) and store.verify(b)


def test_a_store_with_another_key_cannot_read(tmp_path: Path) -> None:
    sha = stored(EvidenceStore(tmp_path / "s", Keyring.generate()), long_text(1000))
    with pytest.raises(KeyProblem, match="key"):
        EvidenceStore(tmp_path / "s", Keyring.generate()).open(sha)


def test_objects_stored_in_clear_by_an_older_version_are_encrypted(store: EvidenceStore) -> None:
    data = long_text(100_000)
    sha = hashlib.sha256(data).hexdigest()
    legacy = store.ciphertext_path(sha)
    legacy.parent.mkdir()
    legacy.write_bytes(data)
    wrong = store.ciphertext_path("0" * 64)
    wrong.parent.mkdir()
    wrong.write_bytes(b"does not hash to its name")
    assert store.encrypt_legacy() == 1
    assert b"6225880212345678" not in legacy.read_bytes() and store.verify(sha)
    assert wrong.read_bytes() == b"does not hash to its name"  # left for verify to report
    assert store.encrypt_legacy() == 0
    assert files_under(store.tmp_dir) == []


def test_sweep_orphans_removes_only_unreferenced_objects(store: EvidenceStore) -> None:
    keep, orphan = stored(store, long_text(500)), stored(store, long_text(600))
    assert store.sweep_orphans({keep}) == [orphan]
    assert store.object_ids() == [keep]
