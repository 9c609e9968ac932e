"""Each exhibit made printable: how it appears in bundle.pdf and how many pages it takes.

PDFs are merged as they are (checked here, merged by `assemble`), images become upright pages
fitted to A4, recordings and text get a sheet of their own. A JPEG photo is placed as it is: its
bytes go into the page untouched (img2pdf) and its EXIF orientation becomes the page's rotation,
so nothing is decoded to pixels but a cheap check that the file decodes at all; only what a PDF
cannot carry as it is (HEIC, TIFF, WebP, PNG, a mirrored orientation, CMYK) is re-encoded. A file that cannot be shown
(encrypted, damaged, undecodable) is not an error: it gets a sheet that says why, and its
original bytes still go into the ZIP.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from typing import Any, Literal

import img2pdf
from PIL import ExifTags, Image, ImageOps
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
    reader: PdfReader | None = field(default=None, repr=False, compare=False)
    """The PDF as `prepare` opened it, kept when asked (`keep_reader`) so the merge need not
    read and parse the exhibit again."""

    def cannot_show(self, reason: str, **params: Any) -> None:
        self.way, self.reason, self.body_pages, self.image_pdf = "none", reason, 0, None
        self.reader = None
        self.reason_params = params


def prepare(record: ExhibitRecord, path: str, data: bytes, keep_reader: bool = False
            ) -> Prepared:
    """Decide how `data` (the exhibit's verified bytes) is shown; never raises for bad files.
    `keep_reader`: a PDF's opened reader stays on the item (`Prepared.reader`)."""
    media_type = record.media_type
    item = Prepared(record, path, "none")
    if media_type == "application/pdf":
        item.way = "pdf"
        try:
            reader = open_pdf(data)
            item.body_pages = len(reader.pages)
            if item.body_pages == 0:
                item.cannot_show(phrases.REASON_DAMAGED_PDF)
            elif keep_reader:
                item.reader = reader
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
    if media_type == "image/jpeg" and (placed := jpeg_as_is(data)) is not None:
        return placed, 1
    writer = PdfWriter()
    with images.open_image(io.BytesIO(data), media_type) as image:
        for frame in images.frames(image, MAX_FRAMES):
            if frame.format == "JPEG" or image.format == "JPEG":
                frame.draft("RGB", (IMAGE_MAX_SIDE, IMAGE_MAX_SIDE))
            _add_image_page(writer, _printable(ImageOps.exif_transpose(frame)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), len(writer.pages)


# EXIF orientation → the clockwise turn that shows the photo upright. The mirrored ones (2, 4, 5,
# 7) are not a turn: such a photo is re-encoded. Any other value means "as stored", as in
# ImageOps.exif_transpose.
_TURNS = {3: 180, 6: 90, 8: 270}
_MIRRORED = frozenset({2, 4, 5, 7})
_ROTATION = {0: img2pdf.Rotation["0"], 90: img2pdf.Rotation["90"],
             180: img2pdf.Rotation["180"], 270: img2pdf.Rotation["270"]}
logging.getLogger("img2pdf").setLevel(logging.ERROR)  # it warns about every odd file it reads


def jpeg_as_is(data: bytes) -> bytes | None:
    """A one-page PDF holding the JPEG's own bytes, turned upright by the page's /Rotate and
    fitted like every image page; None when the file should be re-encoded instead (not a plain
    RGB or grey JPEG, a mirrored orientation, a stream that does not decode, anything img2pdf
    refuses). TooManyPixels, from the header, when it is over the pixel limit."""
    with images.open_image(io.BytesIO(data), "image/jpeg") as image:
        if image.format != "JPEG" or image.mode not in ("RGB", "L"):
            return None  # MPO (several frames), CMYK, …
        try:
            orientation = image.getexif().get(ExifTags.Base.Orientation, 1)
        except Exception:  # a damaged EXIF block: the re-encoding path says what it can
            return None
        if orientation in _MIRRORED:
            return None
        turn = _TURNS.get(orientation, 0)
        width, height = image.size
        # The bytes go into the PDF undecoded, so check here that they decode: at an eighth of
        # the size libjpeg still reads every byte of the stream, in a fraction of the time.
        try:
            image.draft(image.mode, (max(1, width // 8), max(1, height // 8)))
            image.load()
        except images.DAMAGED:
            return None
    upright = (height, width) if turn in (90, 270) else (width, height)
    scale = _points_per_pixel(*upright)

    def layout(width_px, height_px, _dpi):
        return width_px * scale, height_px * scale, width_px * scale, height_px * scale

    try:
        made = img2pdf.convert(data, layout_fun=layout, rotation=_ROTATION[turn],
                               engine=img2pdf.Engine.internal, nodate=True)
    except Exception:  # img2pdf refuses some valid JPEGs (odd colour spaces, …): re-encode
        return None
    page = PdfReader(io.BytesIO(made)).pages[0]
    if page.rotation % 360 != turn:
        return None
    _add_margins(page, turn)
    writer = PdfWriter()
    writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _points_per_pixel(width: int, height: int) -> float:
    """The scale that fits an upright `width` × `height` image in the A4 box of its own
    orientation."""
    box_w, box_h = IMAGE_BOX if height >= width else IMAGE_BOX[::-1]
    return min(box_w / width, box_h / height)


def _add_margins(page, turn: int) -> None:
    """The margins around an image page, as seen once the page is turned by `turn` degrees
    (clockwise): IMAGE_MARGIN on three sides and IMAGE_MARGIN_BOTTOM, room for the stamp, at the
    bottom. The page box is in the unturned space, so each seen side is one of its sides."""
    # Seen left, bottom, right, top → the box's left, bottom, right, top, for each turn.
    seen = (IMAGE_MARGIN, IMAGE_MARGIN_BOTTOM, IMAGE_MARGIN, IMAGE_MARGIN)
    left, bottom, right, top = {0: seen, 90: (seen[3], seen[0], seen[1], seen[2]),
                                180: (seen[2], seen[3], seen[0], seen[1]),
                                270: (seen[1], seen[2], seen[3], seen[0])}[turn]
    w, h = float(page.mediabox.width), float(page.mediabox.height)
    box = RectangleObject([-left, -bottom, w + right, h + top])
    page.mediabox = box
    page.cropbox = box


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
    points_per_pixel = _points_per_pixel(width, height)
    buffer = io.BytesIO()
    image.save(buffer, "PDF", resolution=72 / points_per_pixel, quality=IMAGE_QUALITY)
    page = PdfReader(buffer).pages[0]
    _add_margins(page, 0)
    writer.add_page(page)
