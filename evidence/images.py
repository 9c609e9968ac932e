"""Opening evidence images, with one pixel limit for every place that decodes them.

Decoding costs memory by the pixel, not by the byte: a 13000 × 13000 PNG of one colour is half a
megabyte on disk and over a gigabyte once decoded. Pillow's `Image.open` is lazy: it reads the
header, so an image's width and height are known before a single pixel is decoded. `open_image`
refuses, from that header, any image or frame over MAX_PIXELS; the bundle shows such an image on
a "too large to show" sheet (dispute/bundle/exhibits.py).
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from types import MappingProxyType
from typing import BinaryIO, Final

import pillow_heif
from PIL import Image, UnidentifiedImageError

pillow_heif.register_heif_opener()

# 8192 × 8192: a 64-megapixel phone photo (9248 × 6936), an A4 page scanned at 600 dpi
# (4960 × 7016) and a long chat screenshot (1242 × 40000) fit; decoding one costs at most about
# 256 MB (four bytes a pixel), which the portal process can afford.
MAX_PIXELS: Final = 8192 * 8192

# Each image type is decoded only by its own Pillow plugin, whatever else the bytes resemble.
PILLOW_FORMATS: Final[Mapping[str, str]] = MappingProxyType({
    "image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP", "image/tiff": "TIFF",
    "image/heic": "HEIF", "image/heif": "HEIF",
})
# What Pillow and pillow-heif raise on damaged input.
DAMAGED: Final = (OSError, ValueError, EOFError, SyntaxError, struct.error, RuntimeError,
                  KeyError, IndexError, ZeroDivisionError)


class TooManyPixels(Exception):
    """An image (or one frame of it) over MAX_PIXELS; width and height as its header says."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        super().__init__(f"{width} × {height} pixels, over the limit of {MAX_PIXELS}")


def megapixels(pixels: int) -> str:
    """Pixels in millions, for messages ("67", "169")."""
    return f"{pixels / 1_000_000:.0f}"


def check_frame(image: Image.Image) -> None:
    """TooManyPixels when the current frame is over MAX_PIXELS (read from the header)."""
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise TooManyPixels(width, height)


def open_image(source: BinaryIO, media_type: str) -> Image.Image:
    """The image opened by its own plugin with only its header read: TooManyPixels when its
    first frame is over MAX_PIXELS, UnidentifiedImageError (an OSError) when it is not an image
    of that type. Check every further frame with `check_frame` after seeking to it, before
    decoding it.

    This is `Image.open(source, formats=[…])` without Pillow's own guard (a warning from 89
    megapixels, an error from 179), which would stop before we learn the size: ours is lower,
    and is checked here before anything is decoded."""
    name = PILLOW_FORMATS[media_type]
    if name not in Image.OPEN:
        Image.init()
    factory, accept = Image.OPEN[name]
    source.seek(0)
    if accept is not None and accept(source.read(16)) is not True:
        raise UnidentifiedImageError(f"not {name}")
    source.seek(0)
    try:
        image = factory(source, "")
    except (SyntaxError, IndexError, TypeError, struct.error) as exc:
        raise UnidentifiedImageError(f"not a readable {name}: {exc}") from None
    try:
        check_frame(image)
    except TooManyPixels:
        image.close()
        raise
    return image
