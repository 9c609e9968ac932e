"""Lockout, forced password changes, ending sessions and the administrator's account rules."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from dispute import account_admin, accounts, lockout, sessions
from dispute import event_kinds as ek
from dispute.errors import Forbidden, InvalidInput, UserError
from dispute.vocab import Role
from tests.conftest import raw, NOW, make_user

PASSWORD = "correct horse battery"


def account_events(ctx, kind: str) -> list[dict]:
    rows = raw(ctx.db, "SELECT actor_id, payload FROM events WHERE kind = ? ORDER BY seq",
                        (kind,))
    return [{"actor": r["actor_id"], **json.loads(r["payload"])} for r in rows]


def fail_login(ctx, email: str, times: int) -> list[UserError]:
    answers = []
    for _ in range(times):
        with pytest.raises(UserError) as exc:
            accounts.authenticate(ctx, email, "wrong password!")
        answers.append(exc.value)
    return answers


@pytest.fixture
def admin(ctx):
    return make_user(ctx, Role.ADMIN, email="admin@example.com")


# Lockout

def test_the_fifth_failed_login_locks_the_account_even_for_the_right_password(ctx):
    user = make_user(ctx)
    answers = fail_login(ctx, user.email, 5)
    assert [a.msgid for a in answers] == [accounts.BAD_LOGIN] * 4 + [accounts.LOCKED]
    assert answers[-1].params == {"minutes": 15}
    with pytest.raises(UserError) as exc:
        accounts.authenticate(ctx, user.email, PASSWORD)
    assert exc.value.msgid == accounts.LOCKED
    assert len(account_events(ctx, ek.LOGIN_LOCKED)) == 1
    assert [e["reason"] for e in account_events(ctx, ek.LOGIN_FAILED)] == ["password"] * 5 + [
        "locked"]


def test_the_lock_ends_after_15_minutes(ctx):
    user = make_user(ctx)
    fail_login(ctx, user.email, 5)
    ctx.clock.now = NOW + timedelta(minutes=14, seconds=59)
    with pytest.raises(UserError, match="Try again in 1 min"):
        accounts.authenticate(ctx, user.email, PASSWORD)
    ctx.clock.now = NOW + timedelta(minutes=15)
    assert accounts.authenticate(ctx, user.email, PASSWORD).id == user.id


def test_a_successful_login_resets_the_count(ctx):
    user = make_user(ctx)
    fail_login(ctx, user.email, 4)
    accounts.authenticate(ctx, user.email, PASSWORD)
    answers = fail_login(ctx, user.email, 4)
    assert all(a.msgid == accounts.BAD_LOGIN for a in answers)
    assert accounts.authenticate(ctx, user.email, PASSWORD).id == user.id


def test_an_unknown_email_gets_the_same_answers_as_a_known_one(ctx):
    user = make_user(ctx)
    known = fail_login(ctx, user.email, 6)
    unknown = fail_login(ctx, "nobody@example.com", 6)
    assert [(a.msgid, a.params) for a in known] == [(a.msgid, a.params) for a in unknown]
    assert raw(ctx.db, "SELECT count(*) FROM users").scalar() == 1  # nothing was created


def test_failed_logins_are_recorded_for_the_admin_without_any_password(ctx):
    user = make_user(ctx)
    fail_login(ctx, user.email, 1)
    fail_login(ctx, "Nobody@Example.com", 1)
    with pytest.raises(UserError):
        accounts.authenticate(ctx, "my secret password", "x")  # a password in the email field
    failed = account_events(ctx, ek.LOGIN_FAILED)
    assert failed == [
        {"actor": None, "user": str(user.id), "reason": "password"},
        {"actor": None, "user": None, "reason": "unknown"},
        {"actor": None, "user": None, "reason": "unknown"}]
    payloads = "\n".join(r["payload"] for r in raw(ctx.db, "SELECT payload FROM events"))
    assert ("wrong password" not in payloads and "my secret" not in payloads
            and "$argon2" not in payloads)
    throttle = raw(ctx.db, "SELECT email_sha256 FROM login_throttle").dicts()
    assert not any("secret" in r["email_sha256"] for r in throttle)


def test_a_password_with_an_at_sign_typed_as_the_email_is_not_kept(ctx):
    """Issue 19, finding 8: a password typed into the email field was kept in the audit log
    when it contained "@". A typed email is kept only when it belongs to an account, also in
    the lockout event."""
    user = make_user(ctx)
    fail_login(ctx, "Tr0ub4dor@horse", 5)
    fail_login(ctx, "p@ssw0rd.example.com", 1)
    fail_login(ctx, " WANG.Fang@Example.com ", 1)
    payloads = "\n".join(r["payload"] for r in raw(ctx.db, "SELECT payload FROM events"))
    assert "tr0ub4dor" not in payloads.lower() and "p@ssw0rd" not in payloads
    assert [e["user"] for e in account_events(ctx, ek.LOGIN_FAILED)] == [None] * 6 + [str(user.id)]
    assert [e["user"] for e in account_events(ctx, ek.LOGIN_LOCKED)] == [None]
    # not even an account's own email: events are never rewritten, and erasing a person must
    # leave nothing of theirs readable (the audit page shows the email beside the event)
    assert "wang.fang" not in payloads.lower()


def test_a_login_is_an_event_by_the_user(ctx):
    user = make_user(ctx)
    accounts.authenticate(ctx, user.email, PASSWORD)
    assert account_events(ctx, ek.LOGGED_IN) == [{"actor": user.id, "user": str(user.id)}]


def test_lockout_rules_as_pure_functions():
    state = lockout.Throttle()
    for _ in range(4):
        state = lockout.after_failure(state, NOW)
        assert not lockout.is_locked(state, NOW)
    state = lockout.after_failure(state, NOW)
    assert lockout.is_locked(state, NOW + timedelta(minutes=14))
    assert not lockout.is_locked(state, NOW + timedelta(minutes=15))
    # after the lock, the count starts again
    again = lockout.after_failure(state, NOW + timedelta(minutes=16))
    assert again == lockout.Throttle(1, None)


def test_failures_older_than_a_day_are_forgotten(ctx):
    user = make_user(ctx)
    fail_login(ctx, user.email, 4)
    ctx.clock.now = NOW + timedelta(days=1, minutes=1)
    assert [a.msgid for a in fail_login(ctx, user.email, 4)] == [accounts.BAD_LOGIN] * 4


# Disabled accounts and sessions

def test_a_disabled_account_cannot_log_in_and_its_session_ends(ctx, admin):
    user = make_user(ctx)
    live = accounts.authenticate(ctx, user.email, PASSWORD)
    account_admin.set_disabled(ctx, admin, user.id, True)
    with pytest.raises(UserError, match="disabled"):
        accounts.authenticate(ctx, user.email, PASSWORD)
    again = accounts.get_user(ctx, live.id)
    assert sessions.end_reason(again, NOW, NOW, NOW, timedelta(minutes=30)) == \
        sessions.EndReason.DISABLED
    account_admin.set_disabled(ctx, admin, user.id, False)
    assert accounts.authenticate(ctx, user.email, PASSWORD).id == user.id
    kinds = [r["kind"] for r in raw(ctx.db, 
        "SELECT kind FROM events WHERE kind IN ('AccountDisabled', 'AccountEnabled') ORDER BY seq")]
    assert kinds == [ek.ACCOUNT_DISABLED, ek.ACCOUNT_ENABLED]


@pytest.mark.parametrize("idle, expired", [(timedelta(minutes=30), False),
                                           (timedelta(minutes=30, seconds=1), True)])
def test_an_idle_session_expires_after_the_limit(idle, expired):
    assert sessions.is_idle_expired(NOW - idle, NOW, timedelta(minutes=30)) is expired


def test_a_session_without_recorded_activity_has_just_begun():
    assert not sessions.is_idle_expired(None, NOW, timedelta(minutes=30))


def test_the_idle_limit_is_a_setting():
    from dispute.config import SETTINGS_DOC, load_settings

    assert load_settings({}).session_idle_minutes == 30
    assert load_settings({"DISPUTE_SESSION_IDLE_MINUTES": "5"}).session_idle_minutes == 5
    assert "DISPUTE_SESSION_IDLE_MINUTES" in SETTINGS_DOC
    with pytest.raises(SystemExit):
        load_settings({"DISPUTE_SESSION_IDLE_MINUTES": "0"})


# Password reset and change

def test_a_reset_forces_a_change_at_the_next_login_and_ends_live_sessions(ctx, admin):
    user = make_user(ctx)
    fail_login(ctx, user.email, 5)  # locked out: the reset lifts the lock
    ctx.clock.now = NOW + timedelta(minutes=1)
    temporary = account_admin.reset_password(ctx, admin, user.id)
    assert len(temporary) == 19 and temporary not in json.dumps(
        raw(ctx.db, "SELECT * FROM events").dicts(), default=str)
    with pytest.raises(UserError):
        accounts.authenticate(ctx, user.email, PASSWORD)
    signed_in = accounts.authenticate(ctx, user.email, temporary)
    assert signed_in.must_change_password
    assert sessions.end_reason(signed_in, NOW, NOW, ctx.now(), timedelta(minutes=30)) == \
        sessions.EndReason.PASSWORD_RESET  # a session begun before the reset
    assert sessions.end_reason(signed_in, ctx.now(), None, ctx.now(), timedelta(minutes=30)) \
        is None
    changed = accounts.change_password(ctx, signed_in, {"current": temporary,
                                                        "new": "my own new password",
                                                        "repeat": "my own new password"})
    assert not changed.must_change_password
    assert accounts.authenticate(ctx, user.email, "my own new password").id == user.id
    assert account_events(ctx, ek.PASSWORD_RESET) == [{"actor": admin.id, "user": str(user.id)}]
    assert account_events(ctx, ek.PASSWORD_CHANGED) == [
        {"actor": user.id, "user": str(user.id), "forced": True}]


@pytest.mark.parametrize("form, field", [
    ({"current": "wrong one", "new": "a new password", "repeat": "a new password"}, "current"),
    ({"current": PASSWORD, "new": "short", "repeat": "short"}, "new"),
    ({"current": PASSWORD, "new": PASSWORD, "repeat": PASSWORD}, "new"),
    ({"current": PASSWORD, "new": "a new password", "repeat": "a new passw0rd"}, "repeat"),
])
def test_a_bad_password_change_names_the_field_and_changes_nothing(ctx, form, field):
    user = make_user(ctx)
    before = raw(ctx.db, "SELECT password_hash FROM users").scalar()
    with pytest.raises(InvalidInput) as exc:
        accounts.change_password(ctx, user, form)
    assert list(exc.value.fields) == [field]
    assert raw(ctx.db, "SELECT password_hash FROM users").scalar() == before
    assert not account_events(ctx, ek.PASSWORD_CHANGED)


def test_temporary_passwords_differ_and_are_long_enough():
    made = {account_admin.temporary_password() for _ in range(50)}
    assert len(made) == 50 and all(len(p.replace("-", "")) == 16 for p in made)


# The administrator's rules

def test_an_admin_cannot_disable_themself(ctx, admin):
    with pytest.raises(Forbidden, match="your own account"):
        account_admin.set_disabled(ctx, admin, admin.id, True)
    assert not accounts.get_user(ctx, admin.id).disabled


def test_the_last_active_admin_cannot_be_demoted(ctx, admin):
    with pytest.raises(Forbidden) as exc:
        account_admin.change_role(ctx, admin, admin.id, Role.STAFF)
    assert exc.value.msgid == account_admin.LAST_ADMIN
    other = make_user(ctx, Role.ADMIN, email="second@example.com")
    assert account_admin.change_role(ctx, admin, admin.id, "staff").role == Role.STAFF
    # the demoted admin's stale object can no longer act
    with pytest.raises(Forbidden):
        account_admin.change_role(ctx, admin, other.id, Role.LEGAL)
    assert accounts.get_user(ctx, other.id).role == Role.ADMIN


def test_a_disabled_admin_cannot_remove_the_last_active_admin(ctx, admin):
    other = make_user(ctx, Role.ADMIN, email="second@example.com")
    account_admin.set_disabled(ctx, other, admin.id, True)
    with pytest.raises(Forbidden):  # admin's session object is stale: the account is disabled
        account_admin.set_disabled(ctx, admin, other.id, True)
    with pytest.raises(Forbidden) as exc:
        account_admin.change_role(ctx, other, other.id, Role.STAFF)
    assert exc.value.msgid == account_admin.LAST_ADMIN


def test_a_role_change_is_an_event_and_applies(ctx, admin):
    staff = make_user(ctx, Role.STAFF, email="staff@example.com")
    assert account_admin.change_role(ctx, admin, staff.id, Role.LEGAL).role == Role.LEGAL
    assert account_events(ctx, ek.ROLE_CHANGED) == [
        {"actor": admin.id, "user": str(staff.id), "from": "staff", "to": "legal"}]
    with pytest.raises(UserError, match="already has"):
        account_admin.change_role(ctx, admin, staff.id, Role.LEGAL)
    with pytest.raises(UserError):
        account_admin.change_role(ctx, admin, staff.id, "superuser")


@pytest.mark.parametrize("role", [Role.BORROWER, Role.STAFF, Role.LEGAL])
def test_only_an_admin_manages_accounts(ctx, admin, role):
    actor = make_user(ctx, role, email=f"{role.value}@example.com")
    for call in (lambda: account_admin.set_disabled(ctx, actor, admin.id, True),
                 lambda: account_admin.change_role(ctx, actor, actor.id, Role.ADMIN),
                 lambda: account_admin.reset_password(ctx, actor, admin.id)):
        with pytest.raises(Forbidden):
            call()
    assert accounts.get_user(ctx, actor.id).role == role
    assert not accounts.get_user(ctx, admin.id).disabled


def test_logout_is_an_event(ctx):
    user = make_user(ctx)
    accounts.record_logout(ctx, user.id, sessions.EndReason.IDLE)
    assert account_events(ctx, ek.LOGGED_OUT) == [
        {"actor": user.id, "user": str(user.id), "reason": "idle"}]


def test_guessing_the_current_password_on_the_change_form_counts_towards_the_lock(ctx):
    user = make_user(ctx)
    fail_login(ctx, user.email, 4)
    with pytest.raises(UserError) as exc:
        accounts.change_password(ctx, user, {"current": "a guess", "new": "a new password",
                                             "repeat": "a new password"})
    assert exc.value.msgid == accounts.LOCKED
    with pytest.raises(UserError, match="Too many"):
        accounts.authenticate(ctx, user.email, PASSWORD)


# The lockout is one atomic step per email (penetration test, issue 19 finding 1)

def test_parallel_wrong_passwords_are_verified_at_most_five_times_and_leave_the_email_locked(ctx):
    """32 wrong passwords at once: only five reach the password check, the rest are refused as
    locked, and the right password is then refused too."""
    from concurrent.futures import ThreadPoolExecutor

    user = make_user(ctx)

    def guess(_):
        with pytest.raises(UserError) as exc:
            accounts.authenticate(ctx, user.email, "wrong password!")
        return exc.value.msgid

    with ThreadPoolExecutor(max_workers=32) as pool:
        answers = list(pool.map(guess, range(32)))
    assert answers.count(accounts.BAD_LOGIN) == 4
    assert answers.count(accounts.LOCKED) == 28
    reasons = [e["reason"] for e in account_events(ctx, ek.LOGIN_FAILED)]
    assert reasons.count("password") == 5 and reasons.count("locked") == 27
    with pytest.raises(UserError) as exc:
        accounts.authenticate(ctx, user.email, PASSWORD)
    assert exc.value.msgid == accounts.LOCKED


def test_a_failure_counted_while_locked_keeps_the_lock():
    locked = lockout.Throttle(0, NOW + timedelta(minutes=15))
    assert lockout.after_failure(locked, NOW + timedelta(minutes=1)) == locked


def test_sessions_taking_turns_cannot_guess_past_the_lock(ctx):
    """Eight sessions guessing twice each, interleaved, then the right password: locked."""
    user = make_user(ctx)
    fail_login(ctx, user.email, 16)
    with pytest.raises(UserError, match="Too many"):
        accounts.authenticate(ctx, user.email, PASSWORD)
    assert [e["reason"] for e in account_events(ctx, ek.LOGIN_FAILED)].count("password") == 5


def test_the_change_password_form_is_refused_while_locked_even_with_the_right_password(ctx):
    user = make_user(ctx)
    fail_login(ctx, user.email, 5)
    with pytest.raises(UserError) as exc:
        accounts.change_password(ctx, user, {"current": PASSWORD, "new": "a new password",
                                             "repeat": "a new password"})
    assert exc.value.msgid == accounts.LOCKED
    ctx.clock.now = NOW + timedelta(minutes=16)
    with pytest.raises(UserError):  # the password was not changed
        accounts.authenticate(ctx, user.email, "a new password")
