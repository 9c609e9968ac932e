"""The server-side session store (dispute/session_store.py) on a real DuckDB file: a hand-over
token works once and briefly, only hashes are stored, a cookie finds its live session, and idle
expiry, logout, disabling and a password reset or change end sessions as the rules say."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest

from dispute import account_admin, accounts, session_store
from dispute.sessions import EndReason
from dispute.vocab import Role
from tests.conftest import make_user, raw

PASSWORD = "correct horse battery"


@pytest.fixture
def user(ctx):
    return make_user(ctx)


def signed_in(ctx, user) -> tuple[str, str]:
    """A started session and its cookie token."""
    started = session_store.start(ctx, user)
    return started.session_id, session_store.hand_over(ctx, started.handover)


def test_the_hand_over_gives_a_cookie_once_and_only_hashes_are_stored(ctx, user):
    started = session_store.start(ctx, user)
    token = session_store.hand_over(ctx, started.handover)
    assert token and session_store.resume(ctx, token) == started.session_id
    assert session_store.hand_over(ctx, started.handover) is None  # used up
    stored = " ".join(str(v) for r in raw(ctx.db, "SELECT * FROM web_sessions").dicts() for v in r.values())
    assert token not in stored and started.handover not in stored
    assert hashlib.sha256(token.encode()).hexdigest() in stored


def test_a_late_or_unknown_hand_over_gives_nothing(ctx, user):
    started = session_store.start(ctx, user)
    ctx.clock.now += session_store.HANDOVER_TTL + timedelta(seconds=1)
    assert session_store.hand_over(ctx, started.handover) is None
    assert session_store.hand_over(ctx, "made-up") is None
    assert session_store.resume(ctx, "made-up") is None and session_store.resume(ctx, None) is None


def test_activity_keeps_a_session_and_idling_ends_it_once(ctx, user):
    sid, token = signed_in(ctx, user)
    for _ in range(3):  # 3 × 20 min, each within the 30-minute limit of the last activity
        ctx.clock.now += timedelta(minutes=20)
        assert session_store.check(ctx, sid).user.id == user.id
    ctx.clock.now += timedelta(minutes=31)
    assert session_store.check(ctx, sid).ended == EndReason.IDLE
    assert session_store.check(ctx, sid).ended == EndReason.IDLE
    assert session_store.resume(ctx, token) is None
    ended = raw(ctx.db, "SELECT payload FROM events WHERE kind = 'LoggedOut'").dicts()
    assert len(ended) == 1 and "idle" in str(ended[0]["payload"])


def test_logout_ends_the_session_for_every_tab(ctx, user):
    sid, token = signed_in(ctx, user)
    session_store.end(ctx, sid)
    assert session_store.check(ctx, sid).ended == EndReason.LOGOUT
    assert session_store.resume(ctx, token) is None
    assert session_store.live_sessions(ctx, user.id) == 0


def test_disabling_ends_the_session(ctx, user):
    admin = make_user(ctx, Role.ADMIN, email="admin@example.com")
    sid, token = signed_in(ctx, user)
    account_admin.set_disabled(ctx, admin, user.id, True)
    assert session_store.check(ctx, sid).ended == EndReason.DISABLED
    assert session_store.resume(ctx, token) is None


def test_a_reset_ends_every_session(ctx, user):
    admin = make_user(ctx, Role.ADMIN, email="admin@example.com")
    sid, _ = signed_in(ctx, user)
    ctx.clock.now += timedelta(seconds=1)
    account_admin.reset_password(ctx, admin, user.id)
    assert session_store.check(ctx, sid).ended == EndReason.PASSWORD_RESET


def test_a_password_change_keeps_its_own_session_and_ends_the_others(ctx, user):
    here, here_token = signed_in(ctx, user)
    there, _ = signed_in(ctx, user)
    ctx.clock.now += timedelta(seconds=1)
    accounts.change_password(ctx, user, {"current": PASSWORD, "new": "another long password",
                                         "repeat": "another long password"}, keep_session=here)
    assert session_store.check(ctx, here).user is not None
    assert session_store.resume(ctx, here_token) == here
    assert session_store.check(ctx, there).ended == EndReason.PASSWORD_RESET


def test_another_users_session_is_not_kept_by_a_password_change(ctx, user):
    other = make_user(ctx, email="other@example.com")
    theirs, _ = signed_in(ctx, other)
    ctx.clock.now += timedelta(seconds=1)
    accounts.change_password(ctx, user, {"current": PASSWORD, "new": "another long password",
                                         "repeat": "another long password"}, keep_session=theirs)
    before = raw(ctx.db, "SELECT created_at FROM web_sessions WHERE id = ?", (theirs,)).dicts()
    assert before[0]["created_at"] < ctx.now()


def test_old_sessions_are_forgotten(ctx, user):
    sid, _ = signed_in(ctx, user)
    session_store.end(ctx, sid)
    ctx.clock.now += session_store.KEEP_ENDED + timedelta(days=1)
    signed_in(ctx, user)
    assert raw(ctx.db, "SELECT count(*) AS n FROM web_sessions").scalar() == 1


# --- the route that sets the cookie (ui/auth_routes.py) -----------------------------------------

@pytest.fixture
def portal_ctx(settings, monkeypatch):
    """The portal's own context (the one the route uses) on a temp data directory."""
    monkeypatch.setenv("DISPUTE_DATA_DIR", str(settings.data_dir))
    from ui import session

    return session.context()


def get(query: str, headers: dict[str, str] | None = None):
    """The route's answer to a GET with this query string (the handler called as the server
    would, on a real Request)."""
    import asyncio

    from starlette.requests import Request

    from ui.auth_routes import session_handover

    scope = {"type": "http", "method": "GET", "scheme": "http", "path": "/auth/session",
             "query_string": query.encode(), "server": ("portal.test", 80),
             "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]}
    return asyncio.run(session_handover(Request(scope)))


@pytest.mark.parametrize("headers, secure", [({}, False),
                                             ({"X-Forwarded-Proto": "https"}, True)])
def test_the_route_sets_an_http_only_lax_cookie_secure_over_https(portal_ctx, headers, secure):
    user = make_user(portal_ctx, email="route@example.com")
    started = session_store.start(portal_ctx, user)
    answer = get(f"token={started.handover}", headers)
    assert answer.status_code == 204
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith("dispute_session=") and "HttpOnly" in cookie
    assert "SameSite=lax" in cookie and "Path=/" in cookie and ("Secure" in cookie) is secure
    token = cookie.split(";")[0].split("=", 1)[1]
    assert session_store.resume(portal_ctx, token) == started.session_id
    again = get(f"token={started.handover}")
    assert "set-cookie" not in again.headers


@pytest.mark.parametrize("target, lands", [
    ("/workspace?number=DSP-2026-000001", "/workspace?number=DSP-2026-000001"),
    ("https://evil.example/", "/"), ("//evil.example/x", "/"), ("/\\evil.example", "/"),
    ("javascript:alert(1)", "/"), ("", "/")])
def test_the_route_only_redirects_within_the_portal(portal_ctx, target, lands):
    from urllib.parse import quote

    answer = get(f"token=x&next={quote(target, safe='')}")
    assert answer.status_code == 303 and answer.headers["location"] == lands
