"""How fast evidence intake streams a large upload, and proof that it streams.

Makes a WAV file of random samples (200 MB by default) in a temp folder, ingests it with
EvidenceStore.stage(...).publish() (hash, sniff, encrypt with AES-GCM, write, fsync), reads it back
decrypted with `store.verify`, and times `sha256sum` on the same file for comparison. The
process's peak RSS must stay far below the file size: the upload is never held in memory.

    .venv/bin/python bench/ingest.py [--mb 200]     (or: make bench)
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from dispute.keys import Keyring
from evidence.store import EvidenceStore

MIB = 1 << 20


def write_wav(path: Path, data_bytes: int) -> None:
    """A 16-bit mono 44.1 kHz WAV header, then random samples, written a MiB at a time."""
    header = b"RIFF" + struct.pack("<I", 36 + data_bytes) + b"WAVE"
    header += b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, 44100, 88200, 2, 16)
    header += b"data" + struct.pack("<I", data_bytes)
    with path.open("wb") as fh:
        fh.write(header)
        left = data_bytes
        while left:
            n = min(MIB, left)
            fh.write(os.urandom(n))
            left -= n


def peak_rss_mib() -> float:
    """This process's peak resident set size (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=200, help="size of the test file in MiB")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="ingest-bench-") as tmp:
        source = Path(tmp) / "recording.wav"
        write_wav(source, args.mb * MIB - 44)
        size = source.stat().st_size
        rss_before = peak_rss_mib()
        store = EvidenceStore(Path(tmp) / "store", Keyring.generate())

        started = time.perf_counter()
        with source.open("rb") as fh, store.stage(fh, source.name, size) as staged:
            staged_at = time.perf_counter()
            staged.publish()
        ingest_seconds = time.perf_counter() - started
        publish_seconds = time.perf_counter() - staged_at

        started = time.perf_counter()
        assert store.verify(staged.sha256), "the stored object does not verify"
        verify_seconds = time.perf_counter() - started

        started = time.perf_counter()
        done = subprocess.run(["sha256sum", str(source)], capture_output=True, text=True,
                              check=True)
        sha256sum_seconds = time.perf_counter() - started
        sha256sum_digest = done.stdout.split()[0]

        started = time.perf_counter()
        with source.open("rb") as fh:
            hashlib_digest = hashlib.file_digest(fh, "sha256").hexdigest()
        hashlib_seconds = time.perf_counter() - started

    assert staged.sha256 == sha256sum_digest == hashlib_digest, "digests differ"
    rss = peak_rss_mib()
    mib = size / MIB
    rows = [
        ("stage + publish (hash, sniff, encrypt, fsync)", ingest_seconds),
        ("  of which publish (fsync + link)", publish_seconds),
        ("verify (read, decrypt, hash)", verify_seconds),
        ("sha256sum (read + hash only)", sha256sum_seconds),
        ("hashlib.file_digest (read + hash only)", hashlib_seconds),
    ]
    print(f"file: {mib:.0f} MiB WAV, media type {staged.media_type}, sha256 {staged.sha256[:16]}…")
    print(f"{'step':<46}{'seconds':>9}{'MiB/s':>9}")
    for label, seconds in rows:
        print(f"{label:<46}{seconds:>9.2f}{mib / seconds:>9.0f}")
    print(f"{'peak RSS of this process':<46}{rss:>9.0f} MiB  (before ingest {rss_before:.0f} MiB;"
          f" file {mib:.0f} MiB)")


if __name__ == "__main__":
    main()
