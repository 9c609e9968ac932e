"""Duration of an AMR recording by counting its frames, because mutagen does not read AMR.

Android call recorders write AMR-NB or AMR-WB in the RFC 4867 storage format: a magic line, then
frames of 20 ms, each a TOC byte whose frame type gives the frame's length.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

FRAME_SECONDS = 0.02
# Frame length in bytes, TOC byte included, by frame type (as in FFmpeg's AMR demuxer).
_NB_FRAME_BYTES = (13, 14, 16, 18, 20, 21, 27, 32, 6, 1, 1, 1, 1, 1, 1, 1)
_WB_FRAME_BYTES = (18, 24, 33, 37, 41, 47, 51, 59, 61, 6, 1, 1, 1, 1, 1, 1)
_MAGIC = ((b"#!AMR\n", _NB_FRAME_BYTES), (b"#!AMR-WB\n", _WB_FRAME_BYTES))
_TOC_MUST_BE_ZERO = 0x83  # the F bit and the two padding bits


def duration_seconds(source: Path | BinaryIO) -> float | None:
    """Seconds of audio up to the first damaged frame; None when it is not single-channel AMR.

    `source` is a path or a seekable binary file (the bundle reads evidence through the store)."""
    if not hasattr(source, "read"):
        with open(source, "rb") as fh:
            return duration_seconds(fh)
    source.seek(0)
    start = source.read(9)
    frames = next((_count_frames(source, len(magic), frame_bytes)
                   for magic, frame_bytes in _MAGIC if start.startswith(magic)), 0)
    return frames * FRAME_SECONDS if frames else None


def _count_frames(fh: BinaryIO, pos: int, frame_bytes: tuple[int, ...]) -> int:
    """Whole, well-formed frames from `pos` on."""
    end = fh.seek(0, os.SEEK_END)
    frames = 0
    while pos < end:
        fh.seek(pos)
        toc = fh.read(1)[0]
        if toc & _TOC_MUST_BE_ZERO:
            break
        pos += frame_bytes[(toc >> 3) & 0x0F]
        if pos > end:
            break
        frames += 1
    return frames
