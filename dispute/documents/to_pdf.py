"""A composed document as PDF (WeasyPrint), with the Chinese font embedded and "page X of N" in
the footer.

The page is HTML drawn by one Jinja2 template with autoescape, and every value reaches it as the
text of a run, so a description holding `{{ … }}`, `{% … %}`, `<script>` or an HTML comment is
printed as those characters. As for the bundle, the renderer may fetch nothing: the style sheet
is inline and the URL fetcher refuses every URL (see `dispute.bundle.render`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from weasyprint import HTML

from dispute.bundle.render import BASE_URL, AssetsOnlyFetcher
from dispute.documents.compose import Composed

HTML_DIR = Path(__file__).parent / "html"

_env = Environment(loader=FileSystemLoader(HTML_DIR), autoescape=select_autoescape(
    enabled_extensions=("html",), default=True), undefined=StrictUndefined)


@lru_cache(maxsize=1)
def _base_css() -> str:
    return (HTML_DIR / "document.css").read_text(encoding="utf-8")


def _css_string(text: str) -> str:
    return '"' + re.sub(r'["\\<>\n]', lambda m: "\\%x " % ord(m.group(0)), text) + '"'


def footer_css(pattern: str) -> str:
    """'第 {page} 页 共 {pages} 页' → an @page rule printing it with the page counters."""
    parts = []
    for piece in re.split(r"(\{page\}|\{pages\})", pattern):
        if piece == "{page}":
            parts.append("counter(page)")
        elif piece == "{pages}":
            parts.append("counter(pages)")
        elif piece:
            parts.append(_css_string(piece))
    return ("@page { size: A4; margin: 25mm 26mm 24mm 28mm; "
            "@bottom-center { content: " + " ".join(parts) + "; font-size: 9pt; color: #333; "
            "font-family: 'WenQuanYi Zen Hei', 'DejaVu Sans', sans-serif; } }\n")


def render_html(doc: Composed) -> str:
    from markupsafe import Markup

    css = Markup(footer_css(doc.page_footer) + _base_css())
    return _env.get_template("document.html").render(
        doc=doc, css=css, lang_tag="zh-CN" if doc.lang == "zh_CN" else "en")


def render_pdf(doc: Composed) -> bytes:
    """The PDF bytes of `doc`."""
    fetcher = AssetsOnlyFetcher()
    document = HTML(string=render_html(doc), base_url=BASE_URL, url_fetcher=fetcher).render()
    document.metadata.title = doc.title
    document.metadata.lang = "zh-CN" if doc.lang == "zh_CN" else "en"
    if doc.number:
        document.metadata.keywords = [doc.number]
    document.metadata.generator = "dispute portal (WeasyPrint)"
    return document.write_pdf()
