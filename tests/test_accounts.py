import pytest

from dispute import accounts
from dispute.errors import Forbidden, InvalidInput, UserError
from dispute.vocab import Role
from tests.conftest import raw, make_user, user_form


def test_registered_borrower_can_log_in_and_password_is_an_argon2id_hash(ctx):
    user = make_user(ctx)
    assert user.role == Role.BORROWER
    stored = raw(ctx.db, "SELECT password_hash FROM users WHERE id = ?", (user.id,)).scalar()
    assert stored.startswith("$argon2id$")
    assert "correct horse" not in stored
    assert accounts.authenticate(ctx, "WANG.FANG@example.com ", "correct horse battery").id == user.id


@pytest.mark.parametrize("field, value, message", [
    ("password", "short", "At least {min_length} characters."),
    ("email", "not-an-email", "Enter a valid email address."),
    ("phone", "12", "Enter a phone number of 7 to 20 digits."),
    ("name", "", "This field is required."),
])
def test_registration_names_the_wrong_field_and_creates_nothing(ctx, field, value, message):
    with pytest.raises(InvalidInput) as exc:
        accounts.register(ctx, user_form(**{field: value}))
    assert exc.value.fields[field].msgid == message
    assert raw(ctx.db, "SELECT count(*) FROM users").scalar() == 0


def test_duplicate_email_is_refused(ctx):
    make_user(ctx)
    with pytest.raises(UserError, match="already exists"):
        make_user(ctx, name="Other")


def test_wrong_password_and_unknown_email_get_the_same_answer(ctx):
    make_user(ctx)
    with pytest.raises(UserError) as wrong:
        accounts.authenticate(ctx, "wang.fang@example.com", "wrong password!")
    with pytest.raises(UserError) as unknown:
        accounts.authenticate(ctx, "nobody@example.com", "wrong password!")
    assert wrong.value.msgid == unknown.value.msgid == accounts.BAD_LOGIN


def test_first_admin_only_while_no_account_exists(ctx):
    assert accounts.needs_setup(ctx)
    admin = accounts.create_first_admin(ctx, user_form(email="admin@example.com"))
    assert admin.role == Role.ADMIN and not accounts.needs_setup(ctx)
    with pytest.raises(Forbidden):
        accounts.create_first_admin(ctx, user_form(email="second@example.com"))


def test_only_admin_creates_accounts_of_other_roles(ctx):
    admin = make_user(ctx, Role.ADMIN, email="admin@example.com")
    borrower = make_user(ctx)
    staff = accounts.create_account(ctx, admin, {**user_form(email="s@example.com"),
                                                 "role": "staff"})
    assert staff.role == Role.STAFF
    with pytest.raises(Forbidden):
        accounts.create_account(ctx, borrower, {**user_form(email="x@example.com"),
                                                "role": "legal"})


def test_language_choice_is_remembered(ctx):
    user = make_user(ctx)
    accounts.set_language(ctx, user, "en")
    assert accounts.get_user(ctx, user.id).language == "en"
