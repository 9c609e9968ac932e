"""Two-step sign-in on the pages (AppTest): the code step after the password, the set-up that
staff must do before anything else, a borrower's optional set-up on My account, and an
administrator's reset with its confirmation and reason."""

from __future__ import annotations

from datetime import timedelta

from streamlit.testing.v1 import AppTest

from dispute import accounts, two_factor
from dispute.vocab import Role
from tests.conftest import make_user, open_form
from tests.second_factor import code_now, enrol
from tests.test_pages import app, button, finish_two_step_setup, portal, texts  # noqa: F401
from tests.test_pages_accounts import log_in

PASSWORD = "correct horse battery"


def test_enrolled_staff_type_a_code_after_the_password_and_only_then_are_signed_in(portal):
    staff = make_user(portal, Role.STAFF, email="staff@example.com")
    enrol(portal, staff)
    at = log_in(app().run(), staff.email, PASSWORD)
    assert at.session_state["user_id"] is None  # the password alone signs nobody in
    assert "Two-step sign-in" in [h.value for h in at.subheader]
    at.text_input(key="login_code").input("000000")
    button(at, "Continue").click().run()
    assert "That code is not correct." in texts(at) and at.session_state["user_id"] is None
    at.text_input(key="login_code").input(code_now())
    button(at, "Continue").click().run()
    assert not at.exception
    assert at.session_state["user_id"] == staff.id and at.title[0].value == "Queue"


def test_cancel_on_the_code_step_goes_back_to_the_password(portal):
    staff = make_user(portal, Role.STAFF, email="staff@example.com")
    enrol(portal, staff)
    at = log_in(app().run(), staff.email, PASSWORD)
    button(at, "Cancel and log in again").click().run()
    assert at.session_state["user_id"] is None and at.text_input(key="login_email")


def test_the_code_step_expires_after_five_minutes(portal):
    staff = make_user(portal, Role.STAFF, email="staff@example.com")
    enrol(portal, staff)
    at = log_in(app().run(), staff.email, PASSWORD)
    user_id, since = at.session_state["two_step_pending"]
    at.session_state["two_step_pending"] = (user_id, since - timedelta(minutes=6))
    at.run()
    assert "Two-step sign-in" not in [h.value for h in at.subheader]
    assert at.text_input(key="login_email")


def test_staff_without_a_second_factor_set_it_up_before_anything_else(portal):
    staff = make_user(portal, Role.STAFF, email="staff@example.com")
    at = log_in(app().run(), staff.email, PASSWORD)
    assert at.title[0].value == "Set up two-step sign-in"
    at.switch_page("pages/queue.py").run()  # every page is gated, not only the first
    assert at.title[0].value == "Set up two-step sign-in"
    at.text_input(key="setup2fa_code").input("123 456")
    button(at, "Turn on two-step sign-in").click().run()
    assert "not correct" in texts(at)
    finish_two_step_setup(at)
    assert at.title[0].value == "Queue"
    assert two_factor.enrolled(accounts.get_user(portal, staff.id))


def test_a_borrower_may_turn_it_on_from_my_account(portal):
    borrower = make_user(portal)
    at = app(borrower).run()
    assert at.title[0].value == "My disputes"  # no set-up forced on borrowers
    at.switch_page("pages/account.py").run()
    assert "Off." in texts(at)
    assert not at.image and "two_step_secret" not in at.session_state  # folded: no QR, no secret
    open_form(at, "setup2fa")
    codes = finish_two_step_setup(at)
    assert "Recovery codes left: 10." in texts(at)
    # next sign-in: password, then a recovery code
    at = log_in(app().run(), borrower.email, PASSWORD)
    at.text_input(key="login_code").input(codes[0])
    button(at, "Continue").click().run()
    assert at.session_state["user_id"] == borrower.id
    assert two_factor.recovery_codes_left(portal, borrower) == 9


def test_an_administrator_resets_a_second_factor_after_confirming_with_a_reason(portal):
    admin = make_user(portal, Role.ADMIN, email="admin@example.com")
    staff = make_user(portal, Role.STAFF, email="staff@example.com", name="李静")
    enrol(portal, staff)
    at = app(admin).run()
    at.selectbox(key="acct_pick").select(str(staff.id)).run()
    reset = next(b for b in at.button if b.key == "acct_2fa_reset")
    assert reset.disabled  # not before confirming
    at.text_input(key=f"acct_2fa_why_{staff.id}").input("lost phone")
    at.checkbox(key=f"acct_2fa_sure_{staff.id}").check().run()
    next(b for b in at.button if b.key == "acct_2fa_reset").click().run()
    assert not at.exception
    assert "Two-step sign-in was reset for staff@example.com." in texts(at).replace("\u2060", "")
    assert not two_factor.enrolled(accounts.get_user(portal, staff.id))


def test_my_account_makes_new_recovery_codes_once_confirmed_and_shows_them_once(portal):
    staff = make_user(portal, Role.STAFF, email="staff@example.com")
    old = enrol(portal, staff)
    at = app(staff).run()
    at.switch_page("pages/account.py").run()
    assert "Turn off two-step sign-in" not in texts(at)  # required for staff
    open_form(at, "renew2fa")
    at.text_input(key="renew2fa_confirm").input("not the password")
    button(at, "Make new recovery codes").click().run()
    assert "neither your current password nor the code" in texts(at) and not at.code
    at.text_input(key="renew2fa_confirm").input(PASSWORD)
    button(at, "Make new recovery codes").click().run()
    assert not at.exception
    new = at.code[0].value.split("\n")
    assert len(new) == 10 and not set(new) & set(old)
    assert "the earlier ones no longer work" in texts(at)
    button(at, "I have saved my recovery codes").click().run()
    assert not at.code and at.title[0].value == "My account"
    assert two_factor.recovery_codes_left(portal, staff) == 10
    with_old = log_in(app().run(), staff.email, PASSWORD)
    with_old.text_input(key="login_code").input(old[0])
    button(with_old, "Continue").click().run()
    assert with_old.session_state["user_id"] is None


def test_a_borrower_turns_it_off_after_ticking_the_box_and_confirming(portal):
    borrower = make_user(portal)
    enrol(portal, borrower)
    at = app(borrower).run()
    open_form(at.switch_page("pages/account.py").run(), "off2fa")
    off = next(b for b in at.button if b.label == "Turn off two-step sign-in")
    assert off.disabled  # not before ticking the box
    at.checkbox(key="off2fa_sure").check().run()
    at.text_input(key="off2fa_confirm").input(code_now())
    button(at, "Turn off two-step sign-in").click().run()
    assert not at.exception
    assert "Two-step sign-in is off." in texts(at) and "Off." in texts(at)
    assert not two_factor.enrolled(accounts.get_user(portal, borrower.id))
    signed = log_in(app().run(), borrower.email, PASSWORD)  # the password alone again
    assert signed.session_state["user_id"] == borrower.id
