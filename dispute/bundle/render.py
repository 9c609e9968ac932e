"""HTML → PDF with WeasyPrint, fetching nothing but our own packaged assets.

User text is escaped by the templates, but a second wall costs nothing: the URL fetcher refuses
every URL (http, file, data, …) except `bundle-asset:<name>` for the files beside the templates.
So no description, file name or CSS `url()` can make the renderer read a file or call a server.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from PIL import ImageFile
from weasyprint import HTML, Document
from weasyprint import layout as _weasy_layout
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Importing WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES, which would make damaged
# evidence images look decodable everywhere (previews, exhibits). We give WeasyPrint no images
# at all (the fetcher refuses them), so Pillow's strict default is restored.
ImageFile.LOAD_TRUNCATED_IMAGES = False


def _make_all_pages_resolving_once(context, root_box, html, pages):
    """Lay the pages out as WeasyPrint does, minus one whole extra re-layout.

    A page that prints a cross-reference (`target-counter`, dispute/bundle/pages.py) is made
    once with the number unknown and once more when the target's page is known. WeasyPrint
    70 would make it a third time: while building the boxes it files such a reference's
    missing counters under the same list object as a *local* page counter (`counter(page)`
    in the flow), and after each layout pass it adds `pages` to every page's counters, so the
    local-counter check sees "new values" and re-makes every such page once more with the
    same text. Our templates print no page counter in the flow (page numbers are stamped
    afterwards; the documents' footers are margin boxes, which this does not touch), so a
    lookup whose local list is only that alias is told it has no local counters. The
    resulting pages are the same (tests/test_bundle_pages.py compares them with a rendering
    that has the numbers written in)."""
    if not pages:
        for item in context.target_collector.counter_lookup_items.values():
            if any(item.missing_counters is listed
                   for listed in item.missing_target_counters.values()):
                item.missing_counters = []
    return _make_all_pages(context, root_box, html, pages)


_make_all_pages = getattr(_weasy_layout.make_all_pages, "weasyprints_own",  # if reloaded
                          _weasy_layout.make_all_pages)
_make_all_pages_resolving_once.weasyprints_own = _make_all_pages
_weasy_layout.make_all_pages = _make_all_pages_resolving_once

TEMPLATES = Path(__file__).parent / "templates"
ASSET_SCHEME = "bundle-asset:"
ASSETS = {"bundle.css": "text/css"}
BASE_URL = ASSET_SCHEME  # relative URLs in templates resolve against this, then are refused


class AssetsOnlyFetcher(URLFetcher):
    """Serves the packaged assets; refuses (and remembers) everything else."""

    def __init__(self) -> None:
        super().__init__(fail_on_errors=False)
        self.refused: list[str] = []

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        name = url[len(ASSET_SCHEME):] if url.startswith(ASSET_SCHEME) else None
        if name in ASSETS:
            return URLFetcherResponse(url, (TEMPLATES / name).read_bytes(),
                                      {"Content-Type": ASSETS[name]})
        self.refused.append(url)
        raise ValueError(f"the bundle renderer fetches nothing from outside: {url}")


_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(
    enabled_extensions=("html",), default=True), undefined=StrictUndefined,
    trim_blocks=True, lstrip_blocks=True)


def html(template: str, **values) -> str:
    return _env.get_template(template).render(**values)


@dataclass
class Rendered:
    """A rendered PDF and, for each element id, the 0-based page it starts on."""

    pdf: bytes
    page_count: int
    anchors: dict[str, int]
    refused: list[str]


def render_document(markup: str) -> tuple[Document, list[str]]:
    """The laid-out document (pages, their anchors and links, before any PDF is written) and
    the URLs the fetcher refused."""
    fetcher = AssetsOnlyFetcher()
    return HTML(string=markup, base_url=BASE_URL, url_fetcher=fetcher).render(), fetcher.refused


def render_pdf(markup: str, title: str = "") -> Rendered:
    document, refused = render_document(markup)
    anchors: dict[str, int] = {}
    for index, page in enumerate(document.pages):
        for name in page.anchors:
            anchors.setdefault(name, index)
    if title:
        document.metadata.title = title
    return Rendered(document.write_pdf(), len(document.pages), anchors, refused)
