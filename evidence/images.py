"""Opening evidence images, with one pixel limit for every place that decodes them.

Decoding costs memory by the pixel, not by the byte: a 13000 × 13000 PNG of one colour is half a
megabyte on disk and over a gigabyte once decoded. Pillow's `Image.open` is lazy: it reads the
header, so an image's width and height are known before a single pixel is decoded. `open_image`
refuses, from that header, any image or frame over MAX_PIXELS, and everything that decodes an
image opens it through here: intake refuses such uploads (`check_upload`, from evidence/sniff.py),
previews show none (evidence/preview.py), and the bundle shows one stored before the limit existed
on a "too large to show" sheet (dispute/bundle/exhibits.py).
"""

from __future__ import annotations

import struct
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import BinaryIO, Final

import pillow_heif
from PIL import Image, UnidentifiedImageError

pillow_heif.register_heif_opener()

# 8192 × 8192: a 64-megapixel phone photo (9248 × 6936), an A4 page scanned at 600 dpi
# (4960 × 7016) and a long chat screenshot (1242 × 40000) fit; decoding one costs at most about
# 256 MB (four bytes a pixel), which the portal process can afford.
MAX_PIXELS: Final = 8192 * 8192
MAX_FRAMES: Final = 50  # TIFF pages (HEIF images) checked at intake and printed in the bundle

# Each image type is decoded only by its own Pillow plugin, whatever else the bytes resemble.
PILLOW_FORMATS: Final[Mapping[str, str]] = MappingProxyType({
    "image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP", "image/tiff": "TIFF",
    "image/heic": "HEIF", "image/heif": "HEIF",
})
# What Pillow and pillow-heif raise on damaged input. Pillow's own decompression-bomb error is
# among them: it is raised only far above MAX_PIXELS, by a plugin checking before our check can
# run, and such a file is never decoded either.
DAMAGED: Final = (OSError, ValueError, EOFError, SyntaxError, struct.error, RuntimeError,
                  KeyError, IndexError, ZeroDivisionError, Image.DecompressionBombError)


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
    of that type. Go through its frames with `frames`, which checks each one.

    This is `Image.open(source, formats=[…])` without Pillow's own guard (a warning from 89
    megapixels, an error from 179), which would stop before we learn the size: ours is lower,
    and is checked here before anything is decoded."""
    name = PILLOW_FORMATS[media_type]
    if name not in Image.OPEN:
        Image.init()
    factory, accept = Image.OPEN[name]
    source.seek(0)
    head = source.read(30)
    if accept is not None and accept(head[:16]) is not True:
        raise UnidentifiedImageError(f"not {name}")
    if name == "WEBP" and (size := webp_size(head)) and size[0] * size[1] > MAX_PIXELS:
        raise TooManyPixels(*size)  # before libwebp allocates the canvas
    source.seek(0)
    try:
        image = factory(source, "")
    except (SyntaxError, IndexError, TypeError, struct.error) as exc:
        raise UnidentifiedImageError(f"not a readable {name}: {exc}") from None
    check_frame(image)
    return image


def frames(image: Image.Image, limit: int = MAX_FRAMES) -> Iterator[Image.Image]:
    """The image at each of its first `limit` frames (TIFF pages, HEIF images) in turn, each
    checked against MAX_PIXELS after the seek, before anything of it is decoded."""
    for index in range(limit):
        try:
            image.seek(index)
        except EOFError:
            return
        except Image.DecompressionBombError:  # the JPEG (MPO) plugin checks a frame it seeks
            raise TooManyPixels(*image.size) from None
        check_frame(image)
        yield image


def webp_size(head: bytes) -> tuple[int, int] | None:
    """The canvas size in the first 30 bytes of a WebP file (lossy, lossless or extended
    format, RFC 9649), or None."""
    chunk = head[12:16]
    if chunk == b"VP8 " and len(head) >= 30 and head[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack_from("<HH", head, 26)
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L" and len(head) >= 25 and head[20] == 0x2F:
        bits = int.from_bytes(head[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X" and len(head) >= 30:
        return (int.from_bytes(head[24:27], "little") + 1,
                int.from_bytes(head[27:30], "little") + 1)
    return None


def check_upload(source: BinaryIO, media_type: str) -> None:
    """TooManyPixels when the image, or one of its first MAX_FRAMES frames, is over MAX_PIXELS,
    judged from the headers alone. An image whose header cannot be read passes: damaged files
    are kept as evidence, and nothing ever decodes them."""
    try:
        with open_image(source, media_type) as image:
            for _frame in frames(image):
                pass
    except DAMAGED:
        pass
    finally:
        source.seek(0)
