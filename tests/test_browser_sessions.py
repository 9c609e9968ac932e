"""Staying signed in, in a real Chromium (issue 16, item 1): a reload or a new tab of the same
browser keeps the user signed in, on the page they were on; a copied link opens its page, after
signing in when needed; logging out ends the session for every tab. The session cookie is
HttpOnly and SameSite=Lax (and not Secure on plain http, where a browser would drop it).

Every step waits for an element (`expect`), never for time."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from dispute import cases
from dispute.i18n import translator
from dispute.vocab import Role
from tests.browser_support import (browser, data_dir, live_portal, press,  # noqa: F401
                                   services, settle, shown)
from tests.browser_support import log_in_here as sign_in_here
from tests.conftest import filing_form, make_user
from tests.second_factor import KNOWN_SECRET, ready
from ui.session_cookie import COOKIE
from ui.navigation import BY_ROLE, url_path

pytestmark = pytest.mark.browser
_ = translator("zh_CN")
PASSWORD = "correct horse battery"  # make_user's default
EMAILS = {Role.BORROWER: "wang.fang@example.com", Role.STAFF: "staff@example.com",
          Role.LEGAL: "legal@example.com", Role.ADMIN: "admin@example.com"}


@pytest.fixture
def number(data_dir) -> str:
    """One account per role, and a dispute of the borrower's."""
    with services(data_dir) as ctx:
        people = {role: ready(ctx, make_user(ctx, role, email=EMAILS[role], name=role.value))
                  for role in Role if role != Role.BORROWER}
        borrower = make_user(ctx)
        people[Role.BORROWER] = borrower
        return cases.file_dispute(ctx, borrower, filing_form())


def log_in_here(page, role: Role) -> None:
    """Fill the login form on the page shown (whatever its address), with the two-step code
    for the roles that need one."""
    secret = None if role == Role.BORROWER else KNOWN_SECRET
    sign_in_here(page, EMAILS[role], PASSWORD, _, secret)


def heading(page, text: str) -> None:
    shown(page, page.get_by_role("heading", name=text, exact=True))
    expect(page.get_by_text("Page not found")).to_have_count(0)


def test_each_roles_pages_survive_a_reload_and_a_new_tab(number, live_portal, browser):
    for role in Role:
        page = browser.page()
        page.goto(live_portal.url + "/")
        log_in_here(page, role)
        pages = [s for s in BY_ROLE[role] if not s.hidden]
        heading(page, _(pages[0].title))
        for spec in pages:
            page.goto(f"{live_portal.url}/{url_path(spec)}")  # a typed address: a new page load
            heading(page, _(spec.title))
            page.reload()
            heading(page, _(spec.title))
        other = page.context.new_page()  # a new tab of the same browser
        browser.pages.append(other)
        other.goto(f"{live_portal.url}/{url_path(pages[-1])}")
        heading(other, _(pages[-1].title))
        page.context.close()


def test_a_reloaded_dispute_page_stays_open_and_the_cookie_is_http_only(
        number, live_portal, browser):
    staff = browser.page()
    staff.goto(live_portal.url + "/")
    log_in_here(staff, Role.STAFF)
    heading(staff, _("Queue"))
    cookie = next(c for c in staff.context.cookies() if c["name"] == COOKIE)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and not cookie["secure"]
    link = f"{live_portal.url}/workspace?number={number}"
    staff.goto(link)
    heading(staff, number)
    staff.reload()
    heading(staff, number)
    tab = staff.context.new_page()
    browser.pages.append(tab)
    tab.goto(link)
    heading(tab, number)

    # Logging out in one tab ends the session of the browser: the other tab's reload asks again.
    press(tab, tab.get_by_role("button", name=_("Log out")))
    shown(tab, tab.get_by_text(_("You have logged out.")))
    staff.reload()
    shown(staff, staff.get_by_role("tab", name=_("Log in")))
    expect(staff.get_by_role("heading", name=number)).to_have_count(0)


@pytest.mark.parametrize("role, copied, opens", [
    (Role.STAFF, "workspace", "workspace"),   # staff's own link
    (Role.BORROWER, "workspace", "dispute"),  # staff's link followed by the borrower
    (Role.LEGAL, "dispute", "workspace"),     # the borrower's link followed by legal
])
def test_a_copied_link_opens_its_page_after_signing_in(number, live_portal, browser, role,
                                                       copied, opens):
    page = browser.page()
    page.goto(f"{live_portal.url}/{copied}?number={number}")
    log_in_here(page, role)
    heading(page, number)
    page.reload()
    heading(page, number)
    assert page.url.split("?")[0].endswith("/" + copied)
    # The same page under its own address, in a new tab of this browser.
    tab = page.context.new_page()
    browser.pages.append(tab)
    tab.goto(f"{live_portal.url}/{opens}?number={number}")
    heading(tab, number)


def test_a_link_for_another_role_opens_the_landing_page_not_page_not_found(
        number, live_portal, browser):
    page = browser.page()
    page.goto(f"{live_portal.url}/admin_audit")
    log_in_here(page, Role.BORROWER)
    heading(page, _("My disputes"))
    page.reload()
    heading(page, _("My disputes"))


def test_the_login_page_loads_the_signed_in_pages_code_before_the_click(number, live_portal,
                                                                          browser):
    """ui/preload.py: while the login page waits for the visitor, the browser imports the
    element files the queue needs, so the click that signs in fetches none of them."""
    from ui import preload

    files = preload.files()
    page = browser.page()
    page.goto(live_portal.url + "/")
    shown(page, page.get_by_role("tab", name=_("Log in")))
    page.wait_for_function("fs => fs.every(f => performance.getEntriesByType('resource')"
                           ".some(e => e.name.endsWith('/' + f)))", arg=list(files))
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url))
    log_in_here(page, Role.STAFF)
    heading(page, _("Queue"))
    expect(page.get_by_role("link", name=re.compile(r"^DSP-")).first).to_be_visible()  # a page
    # link, drawn by the preloaded code
    assert not [u for u in fetched if any(u.endswith("/" + f) for f in files)]  # imported once


@pytest.fixture
def english_borrower(number, data_dir) -> str:
    """The borrower chose English on an earlier visit (the browser here asks for Chinese)."""
    from dispute import accounts

    with services(data_dir) as ctx:
        borrower = accounts.authenticate(ctx, EMAILS[Role.BORROWER], PASSWORD)
        accounts.set_language(ctx, borrower, "en")
    return number


def test_a_reload_draws_the_whole_page_in_the_users_language(english_borrower, live_portal,
                                                             browser):
    """A session restored from the cookie takes its user's language before the sidebar is
    drawn: the first page after a reload had the page in English and the sidebar (its links,
    Log out) still in the browser's Chinese, until the next click."""
    page = browser.page()
    page.goto(live_portal.url + "/")
    log_in_here(page, Role.BORROWER)                     # the login page: the browser's language
    heading(page, "My disputes")
    page.reload()
    heading(page, "My disputes")
    shown(page, page.get_by_role("button", name="Log out"))
    expect(page.get_by_role("button", name=_("Log out"))).to_have_count(0)
