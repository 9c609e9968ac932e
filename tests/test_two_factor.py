"""Two-step sign-in (TOTP, RFC 6238) through the real services on a real DuckDB file: enrolment
with a typed code, codes accepted once, recovery codes single-use and hashed, the code step
throttled and locked like passwords (also under parallel guesses), an administrator's reset,
and the events each of these leaves."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pyotp
import pytest

from dispute import accounts, two_factor
from dispute import event_kinds as ek
from dispute.errors import Forbidden, InvalidInput, UserError
from dispute.vocab import Role
from tests.conftest import NOW, make_user, raw
from tests.second_factor import KNOWN_SECRET, code_at, enrol

PASSWORD = "correct horse battery"


def kinds(ctx) -> list[str]:
    return [r["kind"] for r in raw(ctx.db, "SELECT kind FROM events ORDER BY seq")]


def payloads(ctx, kind: str) -> list[dict]:
    return [json.loads(r["payload"]) for r in raw(
        ctx.db, "SELECT payload FROM events WHERE kind = ? ORDER BY seq", (kind,))]


@pytest.fixture
def staff(ctx):
    return make_user(ctx, Role.STAFF, email="li.jing@example.com", name="李静")


def test_staff_legal_and_admins_need_a_second_factor_and_borrowers_may_choose(ctx, staff):
    borrower = make_user(ctx)
    assert two_factor.required(staff) and not two_factor.enrolled(staff)
    assert not two_factor.required(borrower)
    assert two_factor.required(make_user(ctx, Role.LEGAL, email="l@example.com"))
    assert two_factor.required(make_user(ctx, Role.ADMIN, email="a@example.com"))


def test_enrolment_needs_the_code_of_the_new_secret_and_gives_ten_hashed_recovery_codes(
        ctx, staff):
    secret = two_factor.new_secret()
    wrong = str((int(code_at(NOW, secret)) + 1) % 1_000_000).zfill(6)
    with pytest.raises(InvalidInput) as exc:
        two_factor.enrol(ctx, staff, secret, wrong)
    assert "code" in exc.value.fields
    assert not two_factor.enrolled(accounts.get_user(ctx, staff.id))

    codes = two_factor.enrol(ctx, staff, secret, code_at(NOW, secret))
    assert len(codes) == 10 and len(set(codes)) == 10
    user = accounts.get_user(ctx, staff.id)
    assert two_factor.enrolled(user) and user.totp_enrolled_at is not None
    assert two_factor.recovery_codes_left(ctx, user) == 10
    stored = raw(ctx.db, "SELECT code_hash FROM recovery_codes").column()
    assert all(h.startswith("$argon2id$") for h in stored)
    dump = json.dumps([list(r.values()) for r in raw(ctx.db, "SELECT * FROM users")],
                      default=str) + " ".join(stored)
    assert secret not in dump and not any(c in dump or c.replace("-", "") in dump for c in codes)
    assert payloads(ctx, ek.TWO_FACTOR_ENROLLED) == [{"user": str(staff.id)}]
    with pytest.raises(UserError, match="already set up"):
        two_factor.enrol(ctx, user, two_factor.new_secret(), code_at(NOW, secret))


def test_a_code_signs_in_once_and_an_earlier_one_never_again(ctx, staff):
    enrol(ctx, staff)  # the enrolment's code used step NOW
    user = accounts.authenticate(ctx, staff.email, PASSWORD)
    assert ek.LOGGED_IN not in kinds(ctx)  # the password alone signs nobody in
    with pytest.raises(UserError, match="not correct"):
        two_factor.sign_in_code(ctx, user, code_at(NOW))  # the enrolment's own code
    ctx.clock.now = NOW + timedelta(seconds=30)
    signed = two_factor.sign_in_code(ctx, user, " " + code_at(ctx.clock.now) + " ")
    assert signed.id == staff.id
    with pytest.raises(UserError, match="not correct"):  # replayed within its 30 seconds
        two_factor.sign_in_code(ctx, user, code_at(ctx.clock.now))
    with pytest.raises(UserError, match="not correct"):  # an older one, still in the window
        two_factor.sign_in_code(ctx, user, code_at(NOW))
    assert payloads(ctx, ek.LOGGED_IN) == [{"user": str(staff.id), "second_factor": "totp"}]
    # one step of clock drift either way is accepted
    ctx.clock.now = NOW + timedelta(minutes=5)
    two_factor.sign_in_code(ctx, user, code_at(ctx.clock.now, steps_ahead=1))


def test_a_recovery_code_works_once_and_is_an_event(ctx, staff):
    codes = enrol(ctx, staff)
    user = accounts.authenticate(ctx, staff.email, PASSWORD)
    two_factor.sign_in_code(ctx, user, codes[3].upper().replace("-", " "))
    assert two_factor.recovery_codes_left(ctx, user) == 9
    assert payloads(ctx, ek.RECOVERY_CODE_USED) == [{"user": str(staff.id), "left": 9}]
    assert payloads(ctx, ek.LOGGED_IN)[-1]["second_factor"] == "recovery_code"
    with pytest.raises(UserError, match="not correct"):
        two_factor.sign_in_code(ctx, user, codes[3])


def test_five_wrong_codes_lock_the_code_step_for_15_minutes_even_for_the_right_code(ctx, staff):
    enrol(ctx, staff)
    user = accounts.authenticate(ctx, staff.email, PASSWORD)
    answers = []
    for guess in ["000000", "111111", "not-a-code", "222222", "333333"]:
        with pytest.raises(UserError) as exc:
            two_factor.sign_in_code(ctx, user, guess)
        answers.append(exc.value.msgid)
    assert answers == [two_factor.BAD_CODE] * 4 + [two_factor.LOCKED]
    ctx.clock.now = NOW + timedelta(seconds=30)
    with pytest.raises(UserError) as exc:
        two_factor.sign_in_code(ctx, user, code_at(ctx.clock.now))
    assert exc.value.msgid == two_factor.LOCKED
    assert [p["reason"] for p in payloads(ctx, ek.LOGIN_FAILED)] == ["code"] * 5 + [
        "code_locked"]
    assert len(payloads(ctx, ek.LOGIN_LOCKED)) == 1
    ctx.clock.now = NOW + timedelta(minutes=15, seconds=30)
    assert two_factor.sign_in_code(ctx, user, code_at(ctx.clock.now)).id == staff.id


def test_parallel_guesses_are_checked_at_most_five_times(ctx, staff):
    """32 wrong codes at once: the check and the count are one step, so only five are tried."""
    enrol(ctx, staff)
    user = accounts.authenticate(ctx, staff.email, PASSWORD)

    def guess(i: int) -> str:
        try:
            two_factor.sign_in_code(ctx, user, f"{i:06d}" if i % 2 else f"zzzzz-{i:05d}")
        except UserError as exc:
            return exc.msgid
        return "signed in"

    with ThreadPoolExecutor(max_workers=32) as pool:
        answers = list(pool.map(guess, range(32)))
    assert answers.count(two_factor.BAD_CODE) == 4
    assert answers.count(two_factor.LOCKED) == 28


def test_an_administrator_resets_a_second_factor_with_a_reason_and_ends_the_sessions(ctx, staff):
    admin = make_user(ctx, Role.ADMIN, email="admin@example.com")
    enrol(ctx, staff)
    with pytest.raises(Forbidden):
        two_factor.reset(ctx, staff, staff.id, "lost phone on the train")
    with pytest.raises(InvalidInput):
        two_factor.reset(ctx, admin, staff.id, "  ")
    assert two_factor.enrolled(accounts.get_user(ctx, staff.id))
    ctx.clock.now = NOW + timedelta(minutes=1)
    after = two_factor.reset(ctx, admin, staff.id, "lost phone on the train")
    assert not two_factor.enrolled(after) and after.sessions_valid_from == ctx.clock.now
    assert raw(ctx.db, "SELECT count(*) AS n FROM recovery_codes").scalar() == 0
    assert payloads(ctx, ek.TWO_FACTOR_RESET) == [{"user": str(staff.id),
                                                   "reason": "lost phone on the train"}]
    with pytest.raises(UserError, match="no two-step"):
        two_factor.reset(ctx, admin, staff.id, "again, by mistake")
    # the user sets it up again with a new secret
    secret = pyotp.random_base32(32)
    assert len(two_factor.enrol(ctx, after, secret, code_at(ctx.clock.now, secret))) == 10


def test_the_audit_log_shows_the_two_step_events_without_secrets(ctx, staff):
    from dispute import audit

    admin = make_user(ctx, Role.ADMIN, email="admin@example.com")
    codes = enrol(ctx, staff)
    two_factor.sign_in_code(ctx, staff, codes[0])
    two_factor.reset(ctx, admin, staff.id, "lost phone on the train")
    page = audit.list_events(ctx, admin)
    shown = {e.kind: e for e in page.items}
    for kind in (ek.TWO_FACTOR_ENROLLED, ek.RECOVERY_CODE_USED, ek.TWO_FACTOR_RESET):
        assert shown[kind].subject_email == staff.email
    assert shown[ek.TWO_FACTOR_RESET].details == {"reason": "lost phone on the train"}
    text = json.dumps([e.details for e in page.items], default=str)
    assert KNOWN_SECRET not in text and codes[0] not in text


# --- turning it off, and new recovery codes (a confirmation, an event each) -------------------

def test_a_borrower_turns_it_off_with_the_password_or_a_fresh_code_and_nothing_else(ctx):
    borrower = make_user(ctx)
    with pytest.raises(UserError, match="not set up"):
        two_factor.turn_off(ctx, borrower, PASSWORD)
    codes = enrol(ctx, borrower)  # the enrolment used the code of step NOW
    for wrong in ("not my password", code_at(NOW), codes[0], ""):
        with pytest.raises(InvalidInput) as exc:
            two_factor.turn_off(ctx, borrower, wrong)
        assert exc.value.fields["confirm"].msgid == two_factor.WRONG_CONFIRMATION
    assert two_factor.enrolled(accounts.get_user(ctx, borrower.id))
    assert ek.TWO_FACTOR_TURNED_OFF not in kinds(ctx)
    assert [p["reason"] for p in payloads(ctx, ek.LOGIN_FAILED)] == ["confirm"] * 4

    ctx.clock.now = NOW + timedelta(seconds=30)
    after = two_factor.turn_off(ctx, borrower, code_at(ctx.clock.now))
    assert not two_factor.enrolled(after)
    assert raw(ctx.db, "SELECT count(*) AS n FROM recovery_codes").scalar() == 0
    assert payloads(ctx, ek.TWO_FACTOR_TURNED_OFF) == [{"user": str(borrower.id)}]
    # the password alone signs them in again
    assert accounts.authenticate(ctx, borrower.email, PASSWORD).totp_enrolled_at is None
    # on again, then off with the password
    secret = pyotp.random_base32(32)
    ctx.clock.now = NOW + timedelta(minutes=5)
    two_factor.enrol(ctx, borrower, secret, code_at(ctx.clock.now, secret))
    assert not two_factor.enrolled(two_factor.turn_off(ctx, borrower, PASSWORD))


def test_staff_legal_and_admins_may_not_turn_it_off(ctx, staff):
    for user in (staff, make_user(ctx, Role.LEGAL, email="l@example.com"),
                 make_user(ctx, Role.ADMIN, email="a@example.com")):
        enrol(ctx, user)
        with pytest.raises(Forbidden, match="requires two-step"):
            two_factor.turn_off(ctx, user, PASSWORD)
        assert two_factor.enrolled(accounts.get_user(ctx, user.id))
    assert ek.TWO_FACTOR_TURNED_OFF not in kinds(ctx)


def test_new_recovery_codes_replace_every_old_one(ctx, staff):
    old = enrol(ctx, staff)
    two_factor.sign_in_code(ctx, staff, old[0])
    with pytest.raises(InvalidInput):
        two_factor.renew_recovery_codes(ctx, staff, "wrong password")
    assert two_factor.recovery_codes_left(ctx, staff) == 9
    new = two_factor.renew_recovery_codes(ctx, staff, PASSWORD)
    assert len(new) == 10 and len(set(new)) == 10 and not set(new) & set(old)
    assert two_factor.recovery_codes_left(ctx, staff) == 10
    assert payloads(ctx, ek.RECOVERY_CODES_RENEWED) == [{"user": str(staff.id)}]
    stored = raw(ctx.db, "SELECT code_hash FROM recovery_codes").column()
    assert all(h.startswith("$argon2id$") for h in stored) and not set(new) & set(stored)
    with pytest.raises(UserError, match="not correct"):  # an old, unused code no longer works
        two_factor.sign_in_code(ctx, staff, old[1])
    assert two_factor.sign_in_code(ctx, staff, new[0]).id == staff.id
    # a code confirms too, once: the same code cannot confirm a second renewal
    ctx.clock.now = NOW + timedelta(seconds=30)
    code = code_at(ctx.clock.now)
    assert len(two_factor.renew_recovery_codes(ctx, staff, code)) == 10
    with pytest.raises(InvalidInput):
        two_factor.renew_recovery_codes(ctx, staff, code)


def test_wrong_confirmations_lock_like_wrong_codes(ctx):
    borrower = make_user(ctx)
    enrol(ctx, borrower)
    for _ in range(4):
        with pytest.raises(InvalidInput):
            two_factor.renew_recovery_codes(ctx, borrower, "guess guess guess")
    with pytest.raises(UserError, match="Too many wrong codes"):
        two_factor.turn_off(ctx, borrower, "guess guess guess")
    with pytest.raises(UserError, match="Too many wrong codes"):  # even the right password now
        two_factor.turn_off(ctx, borrower, PASSWORD)
    assert two_factor.enrolled(accounts.get_user(ctx, borrower.id))
    assert ek.LOGIN_LOCKED in kinds(ctx)
