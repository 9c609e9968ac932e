"""Each exhibit made printable: how it appears in bundle.pdf and how many pages it takes.

PDFs are merged as they are (checked here, merged by `assemble`), images become upright pages
fitted to A4, recordings and text get a sheet of their own. A file that cannot be shown
(encrypted, damaged, undecodable) is not an error: it gets a sheet that says why, and its
original bytes still go into the ZIP.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any, Literal

from PIL import Image, ImageOps
from pypdf import PdfReader, PdfWriter
from pypdf.generic import RectangleObject

from dispute.bundle import phrases
from dispute.bundle.content import ExhibitRecord
from evidence import images, preview, types
from evidence.images import PILLOW_FORMATS

Way = Literal["pdf", "image", "audio", "text", "none"]

MM = 72 / 25.4
IMAGE_BOX = (190 * MM, 262 * MM)       # where a portrait image is fitted (A4 less margins)
IMAGE_MARGIN = 10 * MM
IMAGE_MARGIN_BOTTOM = 16 * MM          # room for the stamp under the image
IMAGE_MAX_SIDE = 2400                  # pixels kept: about 300 dpi over the page's long side
IMAGE_QUALITY = 88
MAX_FRAMES = images.MAX_FRAMES
MAX_TEXT_CHARS = 100_000


@dataclass
class Prepared:
    """An exhibit ready to lay out: the way it is shown and what its sheet says."""

    record: ExhibitRecord
    path: str                          # its name in the ZIP
    way: Way
    body_pages: int = 0                # pages after the sheet (PDF pages, image frames)
    reason: str | None = None          # msgid: why it could not be shown
    reason_params: dict[str, Any] = field(default_factory=dict)
    audio: preview.AudioInfo | None = None
    text: str | None = None
    text_cut: bool = False
    image_pdf: bytes | None = None     # the image's pages, made here

    def cannot_show(self, reason: str, **params: Any) -> None:
        self.way, self.reason, self.body_pages, self.image_pdf = "none", reason, 0, None
        self.reason_params = params


def prepare(record: ExhibitRecord, path: str, data: bytes) -> Prepared:
    """Decide how `data` (the exhibit's verified bytes) is shown; never raises for bad files."""
    media_type = record.media_type
    item = Prepared(record, path, "none")
    if media_type == "application/pdf":
        item.way = "pdf"
        try:
            item.body_pages = len(open_pdf(data).pages)
            if item.body_pages == 0:
                item.cannot_show(phrases.REASON_DAMAGED_PDF)
        except _Encrypted:
            item.cannot_show(phrases.REASON_ENCRYPTED)
        except Exception:  # pypdf raises many kinds on damaged files; the sheet says so
            item.cannot_show(phrases.REASON_DAMAGED_PDF)
    elif media_type in PILLOW_FORMATS:
        item.way = "image"
        try:
            item.image_pdf, item.body_pages = image_pages(data, media_type)
        except images.TooManyPixels as big:
            item.cannot_show(phrases.REASON_TOO_LARGE, width=big.width, height=big.height,
                             limit=images.megapixels(images.MAX_PIXELS))
        except images.DAMAGED:
            item.cannot_show(phrases.REASON_DAMAGED_IMAGE)
    elif media_type.startswith("audio/"):
        item.way = "audio"
        item.audio = preview.audio_info(io.BytesIO(data), media_type)
    elif media_type == types.TEXT:
        item.way = "text"
        text = types.decode_text(data)
        text = text if text is not None else data.decode("utf-8", errors="replace")
        item.text_cut = len(text) > MAX_TEXT_CHARS
        item.text = text[:MAX_TEXT_CHARS]
    else:
        item.reason = phrases.REASON_NOT_PRINTABLE
    return item


class _Encrypted(Exception):
    pass


def open_pdf(data: bytes | io.BufferedIOBase) -> PdfReader:
    """A reader whose pages can be read: decrypted when only an owner password is set, else
    _Encrypted. Every page's boxes and rotation are read once, so damage shows up here."""
    reader = PdfReader(io.BytesIO(data) if isinstance(data, bytes) else data, strict=False)
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")
        except Exception as exc:  # unsupported algorithm or a broken encryption dictionary
            raise _Encrypted() from exc
        if not opened:
            raise _Encrypted()
    for page in reader.pages:
        _ = page.cropbox.width, page.cropbox.height, page.rotation
    return reader


def image_pages(data: bytes, media_type: str) -> tuple[bytes, int]:
    """A PDF with one upright, fitted page per frame (TIFF pages, at most MAX_FRAMES);
    images.TooManyPixels, before anything is decoded, when a frame is over the pixel limit."""
    writer = PdfWriter()
    with images.open_image(io.BytesIO(data), media_type) as image:
        for frame in images.frames(image, MAX_FRAMES):
            if frame.format == "JPEG" or image.format == "JPEG":
                frame.draft("RGB", (IMAGE_MAX_SIDE, IMAGE_MAX_SIDE))
            _add_image_page(writer, _printable(ImageOps.exif_transpose(frame)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), len(writer.pages)


def _printable(image: Image.Image) -> Image.Image:
    """RGB or grey, transparency on white, at most IMAGE_MAX_SIDE pixels on a side."""
    image.load()
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and
                                               "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        image = flat
    elif image.mode not in ("RGB", "L"):
        image = image.convert("RGB")  # CMYK, YCbCr, 16-bit grey, palettes, 1-bit
    if max(image.size) > IMAGE_MAX_SIDE:
        image = image.copy()
        image.thumbnail((IMAGE_MAX_SIDE, IMAGE_MAX_SIDE), Image.Resampling.LANCZOS)
    return image


def _add_image_page(writer: PdfWriter, image: Image.Image) -> None:
    """The image as large as it fits in the A4 box of its own orientation, with margins."""
    width, height = image.size
    box_w, box_h = IMAGE_BOX if height >= width else IMAGE_BOX[::-1]
    points_per_pixel = min(box_w / width, box_h / height)
    buffer = io.BytesIO()
    image.save(buffer, "PDF", resolution=72 / points_per_pixel, quality=IMAGE_QUALITY)
    page = PdfReader(buffer).pages[0]
    w, h = float(page.mediabox.width), float(page.mediabox.height)
    box = RectangleObject([-IMAGE_MARGIN, -IMAGE_MARGIN_BOTTOM, w + IMAGE_MARGIN,
                           h + IMAGE_MARGIN])
    page.mediabox = box
    page.cropbox = box
    writer.add_page(page)
