"""Just enough MP4 (ISO base media) parsing to tell an audio-only file from a video.

libmagic judges an MP4 by its brand alone, so a call recording branded isom or mp42 comes back as
video/mp4. The track handlers ("soun", "vide") say what the file really holds. Only box headers
are read, by seeking, so the moov box is found even at the end of a long recording.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator
from typing import BinaryIO

AUDIO_BRANDS = frozenset({b"M4A ", b"M4B ", b"M4P ", b"F4A ", b"F4B "})
_MAX_BOXES_PER_LEVEL = 1000  # a crafted file of tiny boxes must not make sniffing slow


def media_type(fp: BinaryIO, default: str) -> str:
    """audio/mp4 or video/mp4 from the tracks, else from the brand, else `default`."""
    brands, handlers = _brands_and_handlers(fp)
    if b"vide" in handlers:
        return "video/mp4"
    if b"soun" in handlers or brands & AUDIO_BRANDS:
        return "audio/mp4"
    return default


def _brands_and_handlers(fp: BinaryIO) -> tuple[set[bytes], set[bytes]]:
    """The ftyp brands and the handler type of every moov/trak/mdia/hdlr box."""
    end = fp.seek(0, io.SEEK_END)
    brands: set[bytes] = set()
    handlers: set[bytes] = set()
    for kind, start, stop in _boxes(fp, 0, end):
        if kind == b"ftyp":
            fp.seek(start)
            payload = fp.read(min(stop - start, 256))
            brands.update(payload[i:i + 4] for i in range(0, len(payload) - 3, 4) if i != 4)
        elif kind == b"moov":
            for trak in _children(fp, start, stop, b"trak"):
                for mdia in _children(fp, *trak, b"mdia"):
                    for hdlr in _children(fp, *mdia, b"hdlr"):
                        fp.seek(hdlr[0] + 8)  # skip version, flags, pre_defined
                        handlers.add(fp.read(4))
    return brands, handlers


def _children(fp: BinaryIO, start: int, stop: int, kind: bytes) -> Iterator[tuple[int, int]]:
    """(payload start, end) of each child box of type `kind` in the range."""
    return ((s, e) for k, s, e in _boxes(fp, start, stop) if k == kind)


def _boxes(fp: BinaryIO, start: int, stop: int) -> Iterator[tuple[bytes, int, int]]:
    """(type, payload start, end) of each box in [start, stop), up to the first damaged header."""
    pos = start
    for _ in range(_MAX_BOXES_PER_LEVEL):
        if pos + 8 > stop:
            return
        fp.seek(pos)
        header = fp.read(16)
        if len(header) < 8:
            return
        size, kind = struct.unpack(">I4s", header[:8])
        payload = pos + 8
        if size == 1:
            if len(header) < 16:
                return
            (size,) = struct.unpack(">Q", header[8:16])
            payload = pos + 16
        elif size == 0:
            size = stop - pos
        if size < payload - pos:
            return
        yield kind, payload, min(pos + size, stop)
        pos += size
