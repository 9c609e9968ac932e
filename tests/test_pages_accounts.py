"""Accounts and sessions through Streamlit's AppTest: lockout message, session endings, the
forced password change, and the administrator's account and audit pages."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dispute import account_admin, accounts, cases
from dispute import event_kinds as ek
from dispute.vocab import Role
from tests.conftest import raw, NOW, Clock, filing_form, make_user, open_form
from tests.second_factor import ready
from tests.test_pages import TIMEOUT, app, portal, texts  # noqa: F401  (portal is a fixture)

AUDIT_PAGE = Path(__file__).resolve().parents[1] / "pages" / "admin_audit.py"
LOCKED_TEXT = "Too many failed attempts with this email. Try again in 15 min."


@pytest.fixture
def clock(portal):
    portal.clock = Clock()
    return portal.clock


def log_in(at: AppTest, email: str, password: str) -> AppTest:
    at.text_input(key="login_email").input(email)
    at.text_input(key="login_password").input(password)
    at.button[0].click().run()
    assert not at.exception, at.exception
    return at


def events_of(ctx, kind: str) -> list[dict]:
    return [json.loads(r["payload"]) for r in
            raw(ctx.db, "SELECT payload FROM events WHERE kind = ? ORDER BY seq", (kind,))]


def test_five_failures_show_the_lock_message_for_known_and_unknown_emails(portal, clock):
    user = make_user(portal)
    for email in (user.email, "nobody@example.com"):
        at = app().run()
        for _ in range(4):
            log_in(at, email, "wrong password")
            assert "The email or password is not correct." in texts(at)
        log_in(at, email, "wrong password")
        assert LOCKED_TEXT in texts(at)
    log_in(at, user.email, "correct horse battery")
    assert LOCKED_TEXT in texts(at) and at.session_state["user_id"] is None


def test_the_lock_message_in_chinese(portal, clock):
    make_user(portal)
    at = app(lang="zh_CN").run()
    for _ in range(5):
        log_in(at, "nobody@example.com", "wrong password")
    assert "15" in texts(at) and "Too many" not in texts(at)


def test_an_idle_session_ends_with_a_notice_and_forgets_everything(portal, clock):
    user = make_user(portal)
    at = app(user).run()
    at.session_state["my_disputes_page"] = 3
    clock.now = NOW + timedelta(minutes=29)
    at.run()
    assert at.title[0].value == "My disputes"
    clock.now = NOW + timedelta(minutes=59, seconds=1)
    at.run()
    assert not at.exception
    assert at.title[0].value == "Dispute portal"
    assert "You were logged out after 30 minutes without activity." in texts(at)
    assert at.session_state["user_id"] is None and "my_disputes_page" not in at.session_state
    assert events_of(portal, ek.LOGGED_OUT) == [{"user": str(user.id), "reason": "idle"}]


def test_logout_clears_the_session_and_is_recorded(portal, clock):
    user = make_user(portal)
    at = app(user).run()
    at.session_state["my_disputes_page"] = 2
    at.button(key="logout").click().run()
    assert at.title[0].value == "Dispute portal"
    assert "my_disputes_page" not in at.session_state
    assert events_of(portal, ek.LOGGED_OUT) == [{"user": str(user.id), "reason": "logout"}]


def test_a_disabled_accounts_live_session_ends_at_its_next_interaction(portal, clock):
    admin = make_user(portal, Role.ADMIN, email="admin@example.com")
    user = make_user(portal)
    at = app(user).run()
    assert at.title[0].value == "My disputes"
    account_admin.set_disabled(portal, admin, user.id, True)
    at.run()
    assert at.title[0].value == "Dispute portal" and at.session_state["user_id"] is None
    log_in(at, user.email, "correct horse battery")
    assert "This account is disabled; ask an administrator." in texts(at)


def test_after_a_reset_the_user_must_choose_a_password_before_anything_else(portal, clock):
    admin = make_user(portal, Role.ADMIN, email="admin@example.com")
    user = make_user(portal)
    live = app(user).run()
    clock.now = NOW + timedelta(minutes=1)
    temporary = account_admin.reset_password(portal, admin, user.id)
    live.run()
    assert live.title[0].value == "Dispute portal"  # the session from before the reset ended

    at = log_in(app().run(), user.email, temporary)
    assert at.title[0].value == "Choose a new password"
    at.switch_page("pages/file_dispute.py").run()
    assert at.title[0].value == "Choose a new password"  # every page asks first
    at.text_input(key="forcedpw_current").input(temporary)
    at.text_input(key="forcedpw_new").input("my very own password")
    at.text_input(key="forcedpw_repeat").input("my very own passw0rd")
    at.button(key="forcedpw_submit").click().run()
    assert "The two new passwords differ." in texts(at)
    at.text_input(key="forcedpw_current").input(temporary)
    at.text_input(key="forcedpw_new").input("my very own password")
    at.text_input(key="forcedpw_repeat").input("my very own password")
    at.button(key="forcedpw_submit").click().run()
    assert not at.exception
    assert at.title[0].value == "File a dispute"
    assert not accounts.get_user(portal, user.id).must_change_password


def test_a_user_changes_their_password_on_my_account(portal, clock):
    user = make_user(portal)
    at = app(user).run()
    open_form(at.switch_page("pages/account.py").run(), "changepw")
    at.text_input(key="changepw_current").input("correct horse battery")
    at.text_input(key="changepw_new").input("another good password")
    at.text_input(key="changepw_repeat").input("another good password")
    at.button(key="changepw_submit").click().run()
    assert not at.exception
    assert "Your password was changed." in texts(at)
    assert at.title[0].value == "My account"  # this session goes on
    assert accounts.authenticate(portal, user.email, "another good password").id == user.id


def _manage(portal, admin, target) -> AppTest:
    at = app(admin).run()
    at.selectbox(key="acct_pick").select(str(target.id)).run()
    assert not at.exception
    return at


def test_admin_disables_only_after_confirming_then_enables(portal, clock):
    admin = make_user(portal, Role.ADMIN, email="admin@example.com")
    staff = make_user(portal, Role.STAFF, email="staff@example.com")
    at = _manage(portal, admin, staff)
    assert at.button(key="acct_disable").disabled
    # a short label (Streamlit cuts a checkbox's label to one line), the consequence beside it
    assert at.checkbox(key=f"acct_sure_{staff.id}").label == "Yes, disable this account"
    assert any("cannot log in until the account is enabled again" in c.value for c in at.caption)
    at.checkbox(key=f"acct_sure_{staff.id}").check().run()
    at.button(key="acct_disable").click().run()
    assert not at.exception
    assert accounts.get_user(portal, staff.id).disabled
    at.button(key="acct_enable").click().run()
    assert not accounts.get_user(portal, staff.id).disabled


def test_admin_cannot_disable_themself_on_the_page(portal, clock):
    admin = make_user(portal, Role.ADMIN, email="admin@example.com")
    at = _manage(portal, admin, admin)
    at.checkbox(key=f"acct_sure_{admin.id}").check().run()
    at.button(key="acct_disable").click().run()
    assert "You cannot disable your own account." in texts(at)
    assert not accounts.get_user(portal, admin.id).disabled


def test_admin_changes_a_role_and_resets_a_password_shown_once(portal, clock):
    admin = make_user(portal, Role.ADMIN, email="admin@example.com")
    staff = make_user(portal, Role.STAFF, email="staff@example.com")
    at = _manage(portal, admin, staff)
    at.selectbox(key=f"acct_role_{staff.id}").select("legal").run()
    at.button(key="acct_role_save").click().run()
    assert not at.exception
    assert accounts.get_user(portal, staff.id).role == Role.LEGAL
    at.button(key="acct_reset").click().run()
    temporary = at.code[0].value
    assert accounts.authenticate(portal, staff.email, temporary).must_change_password
    at.run()
    assert len(at.code) == 0  # gone at the next interaction


def test_admin_audit_page_filters_pages_and_hides_dispute_contents(portal, clock):
    admin = ready(portal, make_user(portal, Role.ADMIN, email="admin@example.com"))
    borrower = make_user(portal)
    number = cases.file_dispute(portal, borrower, filing_form(description="秘密内容 story"))
    for _ in range(60):
        portal.clock.now += timedelta(seconds=1)
        accounts.authenticate(portal, borrower.email, "correct horse battery")
    at = AppTest.from_file(str(AUDIT_PAGE), default_timeout=TIMEOUT)
    at.session_state["lang"] = "en"
    at.session_state["user_id"] = admin.id
    at.run()
    assert not at.exception, at.exception
    first = at.dataframe[0].value
    assert len(first) == 50 and first["Kind"].iloc[0] == "Logged in"
    at.button(key="audit_next").click().run()
    older = at.dataframe[0].value
    assert list(older["Kind"]) == ["Logged in"] * 10 + ["Dispute filed", "Account created",
                                                        "Two-step sign-in set up",
                                                        "Account created"]
    assert at.button(key="audit_next").disabled
    filed = older[older["Kind"] == "Dispute filed"].iloc[0]
    assert filed["Dispute"] == number and filed["Details"] == ""
    assert "秘密内容" not in older.to_string()
    at.button(key="audit_prev").click().run()
    assert at.dataframe[0].value["#"].iloc[0] == first["#"].iloc[0]
    at.selectbox(key="audit_kind").select(ek.DISPUTE_FILED)
    at.button(key="audit_submit").click().run()
    assert list(at.dataframe[0].value["Dispute"]) == [number]


def test_audit_page_refuses_a_backwards_date_range(portal, clock):
    admin = ready(portal, make_user(portal, Role.ADMIN, email="admin@example.com"))
    at = AppTest.from_file(str(AUDIT_PAGE), default_timeout=TIMEOUT)
    at.session_state["lang"] = "en"
    at.session_state["user_id"] = admin.id
    at.run()
    at.date_input(key="audit_from").set_value(NOW.date())
    at.date_input(key="audit_to").set_value(NOW.date() - timedelta(days=1))
    at.button(key="audit_submit").click().run()
    assert not at.exception
    assert "The end date is before the start date." in texts(at)
