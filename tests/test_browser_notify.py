"""A journey in a real Chromium that follows the link in an email the portal sent: a borrower
registers in Chinese with a mail server configured, is told "we sent a link", the email arrives
at the test's SMTP server (sent by the portal's own scheduler thread), the browser opens its
link, the address is confirmed, the borrower logs in and may file. Then another borrower's
inbox shows a request for information. The email's HTML part and the inbox are saved as
screenshots in test-artifacts/notify/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from dispute import cases, messages
from dispute.i18n import translator
from dispute.storage import users
from dispute.vocab import Role
from tests.browser_support import (ARTIFACTS, Portal, _free_port, browser, data_dir,  # noqa: F401
                                   press, services, shown, sign_in, tab_field)
from tests.conftest import filing_form, make_user
from tests.mail_support import parts, to

pytestmark = pytest.mark.browser
_ = translator("zh_CN")
PASSWORD = "correct horse battery"


def test_a_borrower_confirms_their_address_from_the_email_and_may_then_file(
        data_dir, browser, mail_server, tmp_path):
    with services(data_dir) as ctx:
        make_user(ctx, Role.ADMIN, email="admin@example.com")
        staff = make_user(ctx, Role.STAFF, name="张伟", email="zhang.wei@example.com")
        other = make_user(ctx, name="赵敏", email="zhao.min@example.com")
        ctx.db.write(users.update, other.id, email_verified_at=ctx.now())
        number = cases.file_dispute(ctx, other, filing_form())
        messages.send_message(ctx, staff, number, {"body": "请提供九月对账单", "is_request": True})
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    portal = Portal(data_dir, tmp_path / "streamlit.log", port=port, env={
        "DISPUTE_SMTP_URL": mail_server.url, "DISPUTE_SMTP_CA_FILE": mail_server.ca_file,
        "DISPUTE_MAIL_FROM": "portal@portal.example", "DISPUTE_BASE_URL": url,
        "DISPUTE_SCHEDULER": "portal"}).start()
    try:
        page = browser.page()
        page.goto(url + "/")
        press(page, page.get_by_role("tab", name=_("Register")), reruns=False)
        page.get_by_label(_("Full name")).fill("李娜")
        tab_field(page, _("Email")).fill("li.na@example.com")
        page.get_by_label(_("Mobile phone")).fill("13800138000")
        page.get_by_label(_("Password (at least 10 characters)")).fill("a good long password")
        press(page, page.get_by_role("button", name=_("Create account")))
        shown(page, page.get_by_text(_("We sent a link to {email}. Follow it to confirm your "
                                       "address, then log in to file your dispute.").format(
            email="li.na@example.com")))

        mail = to(mail_server, "li.na@example.com")
        assert mail.message["Subject"] == _("Confirm your email address")
        text, html = parts(mail.message)
        link = re.search(rf"{re.escape(url)}/verify_email\?token=[\w-]+", text).group(0)
        folder = ARTIFACTS / "notify"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "verify-email.html").write_text(html, encoding="utf-8")
        shot = browser.page()
        shot.set_content(html)
        shot.screenshot(path=str(folder / "verify-email.png"), full_page=True)

        page.goto(link)
        shown(page, page.get_by_text(_("Your email address is confirmed. You can now file a "
                                       "dispute.")))
        press(page, page.get_by_role("link", name=_("Log in")))
        sign_in(page, url, "li.na@example.com", "a good long password", _)
        press(page, page.get_by_role("link", name=_("File a dispute")).first)
        shown(page, page.get_by_role("heading", name=_("File a dispute")))
        shown(page, page.get_by_label(_("Lender or servicer *")))
        expect(page.get_by_text(_("Confirm your email address first: follow the link we sent "
                                  "you. You can ask for a new link below."))).to_have_count(0)

        inbox_page = browser.page()
        sign_in(inbox_page, url, "zhao.min@example.com", PASSWORD, _)
        press(inbox_page, inbox_page.get_by_role("link", name=re.compile(
            re.escape(_("Inbox")) + r" \(1\)")))
        shown(inbox_page, inbox_page.get_by_text(
            _("The handling team needs information on dispute {number}").format(number=number)))
        inbox_page.screenshot(path=str(folder / "inbox.png"), full_page=True)
    finally:
        portal.stop()
