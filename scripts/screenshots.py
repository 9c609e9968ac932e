"""Screenshots of every page, for every role, in both languages, to check the layout by eye.

    .venv/bin/python scripts/screenshots.py [--out test-artifacts/screenshots] [--cases 9]
                                            [--width 1280|390]

Loads demo data into a temporary data directory, runs the portal there (`streamlit run app.py`),
logs in as each role in Debian's Chromium and saves two PNGs per page and language:
`<lang>-<role>-<page>.png` (the first screen) and `…-full.png` (the whole page). The first-run
set-up page is taken on a second, empty portal. Nothing is kept but the PNGs.

`--width 1280` (the default) is a desktop at 1280×800 and reaches pages by the sidebar's links.
`--width 390` is a phone at 390×844: there Streamlit collapses the sidebar, so each page is opened
by its address (the signed-in session survives the page load by its cookie) and the PNGs are
named `<lang>-390-<role>-<page>.png`, beside the desktop ones."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from playwright.sync_api import expect  # noqa: E402

from dispute.demo import create_demo  # noqa: E402
from dispute.i18n import LANGUAGES, translator  # noqa: E402
from dispute.vocab import Role  # noqa: E402
from tests.browser_support import (VIEWPORT, Portal, chromium, has_cookie, open_tab, press,  # noqa: E402
                                   services, settle, shown, sign_in)
from ui.navigation import LINKS, pages_for, url_path  # noqa: E402

PHONE = {"width": 390, "height": 844}
SIZES = {VIEWPORT["width"]: VIEWPORT, PHONE["width"]: PHONE}

BROWSER_LOCALE = {"zh_CN": "zh-CN", "en": "en-US"}
# Hidden pages are reached by following the first link to them from this page.
HIDDEN_FROM = {"pages/dispute.py": "pages/my_disputes.py", "pages/workspace.py": "pages/queue.py"}
LEGAL_WORKSPACE_FROM = "pages/docket.py"  # legal's workspace: a case in mediation or court


def loaded(page) -> None:
    """A finished run may still show grey placeholders (`stSkeleton`) where a widget's code is
    being fetched by the browser (the first page of a fresh portal, under load): wait for them."""
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0)


def snap(page, out: Path, name: str) -> None:
    """The first screen, and the whole page: Streamlit scrolls inside its main area, so the
    window is made as tall as that area's content for the full shot."""
    size = page.viewport_size
    if size["width"] != VIEWPORT["width"]:
        name = name.replace("-", f"-{size['width']}-", 1)
    settle(page)
    loaded(page)
    page.screenshot(path=str(out / f"{name}.png"), animations="disabled")
    height = page.evaluate("() => Math.max(...[...document.querySelectorAll("
                           "'[data-testid=stMain], [data-testid=stAppViewContainer]')]"
                           ".map(e => e.scrollHeight))")
    page.set_viewport_size({"width": size["width"], "height": max(height, size["height"])})
    settle(page)
    loaded(page)
    page.screenshot(path=str(out / f"{name}-full.png"), full_page=True, animations="disabled")
    page.set_viewport_size(size)
    print(out / f"{name}-full.png")


def stem(path: str) -> str:
    return Path(path).stem


def open_page(page, spec, role: Role, _, url: str | None = None) -> None:
    """Follow the sidebar link to a visible page, or a link in a list to a hidden one. With the
    portal's `url` (the phone, whose sidebar is collapsed), load each page by its address
    instead, and a hidden one by the address of the first link to it."""
    if spec.hidden:
        source = LEGAL_WORKSPACE_FROM if role == Role.LEGAL and stem(spec.path) == "workspace" \
            else HIDDEN_FROM[spec.path]
        source_spec = next(s for s in pages_for(role) if s.path == source)
        open_page(page, source_spec, role, _, url)
        link = page.locator("[data-testid=stMain] a[href*='number=']").first
        if url is None:
            press(page, link)
        else:
            shown(page, link)
            number = link.get_attribute("href").split("number=", 1)[1].split("&")[0]
            page.goto(f"{url}/{url_path(spec)}?number={number}")
        shown(page, page.get_by_role("heading").first)
        return
    if url is None:
        # Not exact: a title may carry a count ("Inbox (5)").
        press(page, page.get_by_test_id("stSidebarNav").get_by_role("link", name=_(spec.title))
              .first)
    else:
        page.goto(f"{url}/{url_path(spec)}")
    shown(page, page.get_by_role("heading", name=_(spec.title)).first)


def choose_language(page, lang: str) -> None:
    """Through the sidebar's selector, which also saves it to the account: a page loaded by its
    address afterwards (a new Streamlit session) takes the account's language. The sidebar is
    collapsed on a phone, so the window is made desktop-sized for the choice."""
    size = page.viewport_size
    page.set_viewport_size(VIEWPORT)
    shown(page, page.get_by_test_id("stSidebar").get_by_role("combobox"))
    press(page, page.get_by_test_id("stSidebar").get_by_role("combobox"))
    press(page, page.get_by_role("option", name=LANGUAGES[lang]))
    settle(page)
    page.set_viewport_size(size)


def role_pass(browser, url: str, role: Role, email: str, password: str, secret: str | None,
              out: Path, viewport: dict = VIEWPORT) -> None:
    first = translator("zh_CN")
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(60_000)
    by_address = url if viewport != VIEWPORT else None
    sign_in(page, url, email, password, first, secret)
    shown(page, page.get_by_test_id("stMain").get_by_role("heading").first)
    has_cookie(context)
    for lang in ("zh_CN", "en"):
        choose_language(page, lang)
        _ = translator(lang)
        for spec in pages_for(role):
            if spec in LINKS:
                continue  # pages that links in emails open, with a token: nothing to show
            open_page(page, spec, role, _, by_address)
            snap(page, out, f"{lang}-{role.value}-{stem(spec.path)}")
            if stem(spec.path) == "workspace" and role == Role.LEGAL:
                open_tab(page, _("Export"))
                snap(page, out, f"{lang}-{role.value}-workspace-export")
            if stem(spec.path) in ("workspace", "dispute"):
                open_tab(page, _("Offers"))
                snap(page, out, f"{lang}-{role.value}-{stem(spec.path)}-offers")
    choose_language(page, "zh_CN")
    context.close()


def anonymous_pass(browser, url: str, out: Path, name: str, viewport: dict = VIEWPORT) -> None:
    for lang in ("zh_CN", "en"):
        context = browser.new_context(viewport=viewport, locale=BROWSER_LOCALE[lang])
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(url + "/")
        shown(page, page.get_by_role("heading").first)
        snap(page, out, f"{lang}-anonymous-{name}")
        if name == "login":
            press(page, page.get_by_role("tab", name=translator(lang)("Register")), reruns=False)
            snap(page, out, f"{lang}-anonymous-register")
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "test-artifacts" / "screenshots")
    parser.add_argument("--cases", type=int, default=9)
    parser.add_argument("--width", type=int, choices=sorted(SIZES), default=VIEWPORT["width"],
                        help="1280: a desktop (1280×800); 390: a phone (390×844)")
    args = parser.parse_args()
    viewport = SIZES[args.width]
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="screens-") as tmp:
        data, empty = Path(tmp) / "data", Path(tmp) / "empty"
        with services(data) as ctx:
            made = create_demo(ctx, args.cases)
        logins = {}
        for a in made:
            logins.setdefault(a.role, (a.email, a.password, a.totp_secret))
        with chromium() as browser:
            portal = Portal(empty, Path(tmp) / "empty.log").start()
            try:
                anonymous_pass(browser, portal.url, args.out, "setup", viewport)
            finally:
                portal.stop()
            portal = Portal(data, Path(tmp) / "portal.log").start()
            try:
                anonymous_pass(browser, portal.url, args.out, "login", viewport)
                for role in (Role.BORROWER, Role.STAFF, Role.LEGAL, Role.ADMIN):
                    role_pass(browser, portal.url, role, *logins[role], args.out, viewport)
            finally:
                portal.stop()
    print(f"screenshots in {args.out}")


if __name__ == "__main__":
    main()
