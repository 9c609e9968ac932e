"""Security findings checked where only a real browser can show them (Debian's Chromium through
Playwright against `streamlit run app.py`, tests/browser_support.py): what the page really
renders, not what the app sends."""

from __future__ import annotations

import pytest

from dispute import cases
from dispute.i18n import translator
from tests.browser_support import (browser, data_dir, live_portal, press,  # noqa: F401
                                   services, shown, sign_in)
from tests.conftest import filing_form, make_user

pytestmark = pytest.mark.browser
_ = translator("zh_CN")
PASSWORD = "correct horse battery"  # make_user's default
HOSTILE = ("见 https://evil.example/login 或 www.evil.example/a，"
           "退款请写信给 refund@evil.example。")


def test_user_text_is_never_a_link(data_dir, live_portal, browser):
    """Issue 19, finding 7: escaped Markdown still auto-linked https://…, www.… and e-mail
    addresses typed by a borrower (4 links on this page before the fix)."""
    with services(data_dir) as ctx:
        user = make_user(ctx)
        number = cases.file_dispute(ctx, user, filing_form(institution="www.evil.example",
                                                           description=HOSTILE))
    page = browser.page()
    sign_in(page, live_portal.url, user.email, PASSWORD, _)
    shown(page, page.get_by_role("link", name=number))
    shown(page, page.get_by_text("evil.example").first)
    assert page.locator("a[href*='evil']").count() == 0
    press(page, page.get_by_role("link", name=number))
    shown(page, page.get_by_text("refund@", exact=False).first)
    assert page.locator("a[href*='evil']").count() == 0
    # The text reads as typed (the invisible word joiners aside).
    assert "https://evil.example/login" in page.get_by_text("https").first.inner_text() \
        .replace("\u2060", "")


def test_another_site_cannot_frame_the_portal(live_portal, browser):
    """Issue 19, finding 10: clickjacking. A page from another origin that frames the portal
    gets an empty frame: the browser refuses it (X-Frame-Options, CSP frame-ancestors)."""
    page = browser.page()
    page.set_content(f'<iframe id="portal" src="{live_portal.url}/" width="800" height="600">'
                     f'</iframe>')
    frame = page.frame_locator("#portal")
    page.wait_for_load_state("load")
    assert frame.locator("#root").count() == 0
    assert page.frames[1].url.startswith("chrome-error://")
