"""Correction (PIPL art. 46; issue 16 item 8): a user changes their own name, phone and language
on My account; a changed name or phone is an event keeping the earlier value sealed."""

from __future__ import annotations

import json

import pytest

from dispute import accounts, profile
from dispute import event_kinds as ek
from dispute.errors import InvalidInput, UserError
from dispute.storage import users
from dispute.vocab import Role
from tests.conftest import make_user, open_form, raw
from tests.test_pages import app, portal, texts  # noqa: F401  (portal is a fixture)


def _events(ctx, kind):
    return [json.loads(r["payload"]) for r in
            raw(ctx.db, "SELECT payload FROM events WHERE kind = ? ORDER BY seq", (kind,))]


def test_name_and_phone_changes_are_events_with_the_earlier_value_sealed(ctx):
    user = make_user(ctx)
    changed = profile.update_profile(ctx, user, {"name": "王芳芳", "phone": "+86 139 2222 3333",
                                                 "language": "en"})
    assert (changed.name, changed.phone, changed.language) == ("王芳芳", "+86 139 2222 3333", "en")
    assert accounts.get_user(ctx, user.id).name == "王芳芳"
    assert ctx.db.read(users.borrower_ids_named, "王芳芳") == [user.id]
    assert ctx.db.read(users.borrower_ids_named, "王芳") == []
    [named] = _events(ctx, ek.NAME_CHANGED)
    [phoned] = _events(ctx, ek.PHONE_CHANGED)
    assert named["user"] == str(user.id)
    # the earlier values are sealed: neither appears in the payload. (Only the whole earlier
    # number is looked for: a short run of digits turns up by chance in the event's random ids.)
    assert named["before"].startswith("s2:")
    assert "王芳" not in json.dumps(named, ensure_ascii=False)
    assert all(form not in json.dumps(phoned) for form in ("0013 8000", "00138000"))
    assert ctx.db.read(users.open_from_event, user.id, "name_before", named["before"]) == "王芳"
    assert ctx.db.read(users.open_from_event, user.id, "phone_before",
                       phoned["before"]) == "+86 138 0013 8000"
    # the earlier value is bound to its place: it does not open as the new one
    with pytest.raises(UserError):
        ctx.db.read(users.open_from_event, user.id, "name_after", named["before"])


def test_only_the_language_changed_is_no_name_event(ctx):
    user = make_user(ctx, Role.STAFF, email="staff@example.com")
    profile.update_profile(ctx, user, {"name": user.name, "phone": user.phone, "language": "en"})
    assert _events(ctx, ek.NAME_CHANGED) == [] and _events(ctx, ek.PHONE_CHANGED) == []
    assert accounts.get_user(ctx, user.id).language == "en"


@pytest.mark.parametrize(("form", "field"), [
    ({"name": "", "phone": "+86 139 2222 3333", "language": "en"}, "name"),
    ({"name": "王芳", "phone": "call me", "language": "en"}, "phone"),
    ({"name": "王芳", "phone": "+86 139 2222 3333", "language": "fr"}, "language"),
])
def test_bad_input_is_refused_naming_the_field_and_changes_nothing(ctx, form, field):
    user = make_user(ctx)
    with pytest.raises(InvalidInput) as refused:
        profile.update_profile(ctx, user, form)
    assert list(refused.value.fields) == [field]
    assert accounts.get_user(ctx, user.id) == user


def test_nothing_changed_says_so(ctx):
    user = make_user(ctx)
    same = {"name": user.name, "phone": user.phone, "language": "en"}
    user = profile.update_profile(ctx, user, same)  # the language was unset: a change
    with pytest.raises(UserError, match="Nothing was changed"):
        profile.update_profile(ctx, user, same)
    assert _events(ctx, ek.NAME_CHANGED) == []


def test_a_borrower_corrects_their_details_on_my_account(portal):
    user = make_user(portal)
    at = app(user).run()
    open_form(at.switch_page("pages/account.py").run(), "profile")
    at.text_input(key="profile_name").input("王小芳")
    at.text_input(key="profile_phone").input("+86 139 2222 3333")
    at.selectbox(key="profile_language").set_value("en")
    at.button(key="profile_submit").click().run()
    assert not at.exception, at.exception
    assert "Your details were saved." in texts(at)
    assert "王小芳" in texts(at) and "+86 139 2222 3333" in texts(at)
    assert accounts.get_user(portal, user.id).language == "en"


def test_a_bad_phone_on_my_account_shows_beside_the_field(portal):
    user = make_user(portal)
    at = app(user).run()
    open_form(at.switch_page("pages/account.py").run(), "profile")
    at.text_input(key="profile_phone").input("call me")
    at.button(key="profile_submit").click().run()
    assert not at.exception, at.exception
    assert "Enter a phone number of 7 to 20 digits." in texts(at)
    assert accounts.get_user(portal, user.id).phone == "+86 138 0013 8000"
