"""The inbox, the notification choices, sign-up with verification, the same answer for an
address that has an account, and the reset link — through the pages (AppTest), with the
emails taken from a real SMTP server."""

from __future__ import annotations

import re

import pytest

from dispute import accounts, cases, messages
from dispute.notify import inbox
from dispute.notify.kinds import Mode
from dispute.notify.sender import send_pending
from dispute.storage import users
from dispute.vocab import Role
from tests.conftest import filing_form, make_user, raw
from tests.mail_support import parts
from tests.test_pages import app, texts


@pytest.fixture
def mail_portal(settings, mail_server, monkeypatch):
    """The portal's own context on a temp data dir with the test mail server configured."""
    monkeypatch.setenv("DISPUTE_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("DISPUTE_SMTP_URL", mail_server.url)
    monkeypatch.setenv("DISPUTE_SMTP_CA_FILE", mail_server.ca_file)
    monkeypatch.setenv("DISPUTE_BASE_URL", "https://portal.example")
    from ui import session

    ctx = session.context()
    yield ctx


def _link(message, page: str) -> str:
    text, _ = parts(message)
    found = re.search(rf"https://portal\.example/{page}\?token=([\w-]+)", text)
    assert found, text
    return found.group(1)


def _register(at, email: str, password: str = "long enough secret"):
    at.text_input(key="register_name").input("李娜")
    at.text_input(key="register_email").input(email)
    at.text_input(key="register_phone").input("13800138000")
    at.text_input(key="register_password").input(password)
    at.button(key="FormSubmitter:register_form-Create account").click().run()
    return at


def test_sign_up_verifies_by_email_and_an_existing_address_gets_the_same_answer(
        mail_portal, mail_server):
    make_user(mail_portal, Role.ADMIN, email="admin@example.com")
    at = _register(app().run(), "li.na@example.com")
    assert not at.exception
    answer_new = [s.value for s in at.success]
    assert answer_new == ["We sent a link to li.na@example.com. Follow it to confirm your "
                          "address, then log in to file your dispute."]
    # the same words for an address that already has an account
    at2 = _register(app().run(), "admin@example.com", "another long secret")
    assert [s.value for s in at2.success] == [answer_new[0].replace("li.na", "admin")]
    send_pending(mail_portal)
    got = {r.rcpt_tos[0]: r.message for r in mail_server.wait_for(2)}
    # the note is in the account's language (none chosen: Chinese), with no link that signs in
    assert got["admin@example.com"]["Subject"] == "有人尝试用您的邮箱地址注册"
    assert "token=" not in parts(got["admin@example.com"])[0]
    kinds = raw(mail_portal.db, "SELECT kind FROM events ORDER BY seq").column()
    assert "SignupForExistingEmail" in kinds
    # before confirming: signed in, but the filing page asks for the confirmation
    user = accounts.authenticate(mail_portal, "li.na@example.com", "long enough secret")
    page = app(user).run()
    page.switch_page("pages/file_dispute.py").run()
    assert "Confirm your email address first" in texts(page)
    with pytest.raises(Exception):
        cases.file_dispute(mail_portal, user, filing_form())
    token = _link(got["li.na@example.com"], "verify_email")
    v = app()
    v.query_params["token"] = token
    v.switch_page("pages/verify_email.py").run()
    assert not v.exception
    assert "Your email address is confirmed." in texts(v)
    again = app()
    again.query_params["token"] = token
    again.switch_page("pages/verify_email.py").run()
    assert "This link is not valid, was already used or has expired." in texts(again)
    user = accounts.get_user(mail_portal, user.id)
    assert cases.file_dispute(mail_portal, user, filing_form()).startswith("DSP-")
    assert "EmailVerified" in raw(mail_portal.db, "SELECT kind FROM events").column()


def test_forgot_password_sends_a_single_use_link_that_ends_other_sessions(
        mail_portal, mail_server):
    user = make_user(mail_portal)
    signed_in = app(user).run()  # a session that began before the reset
    assert signed_in.title[0].value == "My disputes"
    at = app()
    at.switch_page("pages/reset_password.py").run()
    at.text_input(key="reset_email").input("wang.fang@example.com")
    at.button(key="FormSubmitter:reset_request_form-Send me a link").click().run()
    answer = [s.value for s in at.success]
    other = app()
    other.switch_page("pages/reset_password.py").run()
    other.text_input(key="reset_email").input("nobody@example.com")
    other.button(key="FormSubmitter:reset_request_form-Send me a link").click().run()
    assert [s.value for s in other.success] == [answer[0].replace("wang.fang", "nobody")]
    send_pending(mail_portal)
    [got] = mail_server.wait_for(1)
    assert got.rcpt_tos == ["wang.fang@example.com"]
    token = _link(got.message, "reset_password")
    r = app()
    r.query_params["token"] = token
    r.switch_page("pages/reset_password.py").run()
    r.text_input(key="reset_new").input("a brand new secret")
    r.text_input(key="reset_repeat").input("a brand new secret")
    r.button(key="FormSubmitter:reset_form-Choose this password").click().run()
    assert not r.exception
    assert "Your password was changed" in texts(r)
    assert accounts.authenticate(mail_portal, "wang.fang@example.com", "a brand new secret")
    signed_in.run()  # the older session has ended
    assert signed_in.title[0].value != "My disputes"
    used = app()
    used.query_params["token"] = token
    used.switch_page("pages/reset_password.py").run()
    assert "This link is not valid" in texts(used)
    kinds = raw(mail_portal.db, "SELECT kind FROM events").column()
    assert "PasswordResetRequested" in kinds and "PasswordResetByLink" in kinds


def test_without_a_mail_server_registration_signs_in_and_reset_says_it_needs_one(settings,
                                                                                  monkeypatch):
    monkeypatch.setenv("DISPUTE_DATA_DIR", str(settings.data_dir))
    from ui import session
    ctx = session.context()
    make_user(ctx, Role.ADMIN, email="admin@example.com")
    at = _register(app().run(), "li.na@example.com")
    assert at.title[0].value == "My disputes"
    r = app()
    r.switch_page("pages/reset_password.py").run()
    assert "needs a mail server" in texts(r) and "administrator" in texts(r)


def test_the_inbox_lists_marks_read_and_the_sidebar_counts(mail_portal):
    borrower = make_user(mail_portal)
    staff = make_user(mail_portal, Role.STAFF, email="zhang.wei@example.com", name="张伟")
    at = app(staff).run()
    at.switch_page("pages/inbox.py").run()
    assert "Nothing here yet." in texts(at)
    mail_portal.db.write(users.update, borrower.id, email_verified_at=mail_portal.now())
    borrower = accounts.get_user(mail_portal, borrower.id)
    number = cases.file_dispute(mail_portal, borrower, filing_form())
    messages.send_message(mail_portal, staff, number, {"body": "请补充材料", "is_request": True})
    b = app(borrower).run()
    b.switch_page("pages/inbox.py").run()
    assert not b.exception
    assert f"The handling team needs information on dispute {number}" in texts(b)
    assert inbox.unread_count(mail_portal, borrower) == 1
    [item_button] = [x for x in b.button if x.key and x.key.startswith("inbox_read_")]
    item_button.click().run()
    assert inbox.unread_count(mail_portal, borrower) == 0
    assert not [x for x in b.button if x.key and x.key.startswith("inbox_")]  # none left
    assert "Unread" not in texts(b)
    messages.send_message(mail_portal, staff, number, {"body": "还需要银行流水"})
    b.run()
    assert inbox.unread_count(mail_portal, borrower) == 1
    b.button(key="inbox_all_read").click().run()
    assert inbox.unread_count(mail_portal, borrower) == 0
    acc = app(borrower).run()
    acc.switch_page("pages/account.py").run()
    assert not acc.exception
    acc.radio(key="prefs_en_offer").set_value(Mode.PORTAL)
    acc.button(key="FormSubmitter:prefs_form-Save my choices").click().run()
    assert dict((k.name, m.value) for k, m in inbox.preferences(mail_portal, borrower))["offer"] \
        == "portal"
