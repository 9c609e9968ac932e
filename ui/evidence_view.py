"""Shows one exhibit: images inline and upright, a PDF page by page, audio in a player, text as
plain text; always a download of the original bytes. Nothing is ever rendered as HTML."""

from __future__ import annotations

import io
from typing import BinaryIO, Callable

import streamlit as st

from dispute.exhibits import open_evidence
from dispute.i18n import format_date, format_datetime
from dispute.models import EvidenceItem, User
from dispute.vocab import label
from evidence import images, preview
from evidence.names import extension
from evidence.types import ACCEPTED
from ui import pager
from ui.render import md_escape
from ui.session import context, lang, recheck_in_fragment, t


SHOWN_WIDTH = 420  # px: a preview's width on the page


def _fitted(png: bytes | None) -> bytes | None:
    """The preview at the width it is shown, as st.image would scale it (bilinear) on every
    run: scaled once here, inside the cache, st.image passes the bytes on untouched."""
    if png is None:
        return None
    from PIL import Image

    with Image.open(io.BytesIO(png)) as im:
        if im.width <= SHOWN_WIDTH:
            return png
        out = io.BytesIO()
        im.resize((SHOWN_WIDTH, int(im.height * SHOWN_WIDTH / im.width)),
                  resample=Image.BILINEAR).save(out, format="PNG")
        return out.getvalue()


# Previews are cached by content; on a miss the bytes come through `open_evidence`, which checks
# that the user may read the dispute (`_open` is left out of the cache key).
@st.cache_data(max_entries=200, show_spinner=False)
def _image(sha256: str, media_type: str, _open: Callable[[], BinaryIO]
           ) -> tuple[bytes | None, tuple[int, int] | None]:
    """The preview PNG (None when it cannot be decoded), or the size of an image too large to
    decode (stored before intake refused those)."""
    with _open() as fh:
        try:
            return _fitted(preview.image_png(fh, media_type)), None
        except images.TooManyPixels as big:
            return None, (big.width, big.height)


@st.cache_data(max_entries=200, show_spinner=False)
def _pdf_page(sha256: str, page: int, _open: Callable[[], BinaryIO]) -> bytes | None:
    with _open() as fh:
        return _fitted(preview.pdf_page_png(fh, page))


@st.cache_data(max_entries=200, show_spinner=False)
def _pdf_pages(sha256: str, _open: Callable[[], BinaryIO]) -> int | None:
    with _open() as fh:
        return preview.pdf_page_count(fh)


@st.fragment
def _pdf(item: EvidenceItem, opener: Callable[[], BinaryIO], _) -> None:
    """One page of the PDF at a time, with buttons to turn the pages. A fragment, its buttons
    turning the page in their callbacks: a page turned is one run of this preview, not two
    runs of the whole dispute page (a button read after the click, then `st.rerun()`)."""
    recheck_in_fragment()
    key = f"pdfpage_{item.id}"
    pages = _pdf_pages(item.sha256, opener) or 1
    page = min(max(st.session_state.get(key, 1), 1), pages)
    png = _pdf_page(item.sha256, page, opener)
    if not png:
        st.info(_("This PDF cannot be previewed (it may be encrypted or damaged); "
                  "download it to view it."))
        return
    st.image(png, width=SHOWN_WIDTH,
             caption=_("Page {page} of {pages}").format(page=page, pages=pages))
    if pages > 1:
        back, where, forward = st.columns([1, 2, 1], vertical_alignment="center")
        back.button(_("Previous page"), key=f"{key}_prev", disabled=page <= 1,
                    icon=":material/chevron_left:", on_click=pager.turn_to, args=(key, page - 1))
        forward.button(_("Next page"), key=f"{key}_next", disabled=page >= pages,
                       icon=":material/chevron_right:", on_click=pager.turn_to,
                       args=(key, page + 1))


def _read(opener: Callable[[], BinaryIO]) -> bytes:
    with opener() as fh:
        return fh.read()


def download_name(item: EvidenceItem) -> str:
    """E01-<name> with the extension of the type the bytes really are (a 'notes.html' that is
    plain text downloads as .txt, so no browser ever opens evidence as a page)."""
    ext = ACCEPTED[item.media_type].extensions[0]
    name = item.original_name or "file"
    stem = name.rsplit(".", 1)[0] if extension(name) else name
    return f"{item.exhibit}-{stem}.{ext}"


def show_exhibit(user: User, number: str, item: EvidenceItem) -> None:
    """One exhibit of `number` (from `list_evidence`); its bytes are read as `user`."""
    _ = t()
    ctx = context()

    def opener() -> BinaryIO:
        return open_evidence(ctx, user, number, item.id)
    with st.container(border=True):
        withdrawn = f" · **{_('Withdrawn')}**" if item.withdrawn_at else ""
        st.markdown(f"**{item.exhibit}** · {label(item.kind, _)} · "
                    f"{md_escape(item.original_name)}{withdrawn}")
        if item.withdrawn_at:
            st.warning(_("Exhibit {exhibit} was withdrawn on {when}: {reason}. The file is kept "
                         "for the record and stays in bundles, marked withdrawn.").format(
                exhibit=item.exhibit, reason=md_escape(item.withdrawn_reason or ""),
                when=format_datetime(item.withdrawn_at, lang(), ctx.settings.timezone)))
        st.caption(" · ".join(filter(None, [
            md_escape(item.description),
            _("records {date}").format(date=format_date(item.recorded_on, lang()))
            if item.recorded_on else "",
            _("uploaded {when}").format(when=format_datetime(item.uploaded_at, lang(),
                                                             ctx.settings.timezone)),
            f"{item.size / 1024:,.0f} KB", f"SHA-256 {item.sha256[:16]}…"])))
        if item.proves:
            st.markdown(f"{_('What it proves')}: {md_escape(item.proves)}")
        if item.source:
            st.markdown(f"{_('Source of the evidence')}: {md_escape(item.source)}")
        if item.media_type.startswith("image/"):
            png, too_large = _image(item.sha256, item.media_type, opener)
            if png:
                st.image(png, width=SHOWN_WIDTH)
            elif too_large:
                st.info(_("This image is {width} × {height} pixels, too large to show here; "
                          "download it to view it.").format(width=too_large[0],
                                                            height=too_large[1]))
            else:
                st.info(_("This image cannot be shown; download it to view it."))
        elif item.media_type == "application/pdf":
            _pdf(item, opener, _)
        elif item.media_type.startswith("audio/"):
            fmt = preview.browser_audio_format(item.media_type)
            if fmt:
                st.audio(_read(opener), format=fmt)
            else:
                st.info(_("Browsers cannot play this audio format; download it to listen."))
        elif item.media_type == "text/plain":
            with opener() as fh:
                st.text(preview.text_excerpt(fh))
        st.download_button(_("Download original"),
                           data=lambda: _read(opener), on_click="ignore",
                           file_name=download_name(item),
                           mime="application/octet-stream", key=f"dl_{item.id}",
                           icon=":material/download:")
