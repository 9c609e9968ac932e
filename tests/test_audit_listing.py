"""The administrator's audit listing: filters, keyset pages, and no dispute contents."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from dispute import accounts, audit, cases
from dispute import event_kinds as ek
from dispute.audit import AuditFilter
from dispute.errors import Forbidden, InvalidInput, UserError
from dispute.vocab import Role
from tests.conftest import NOW, filing_form, make_user


@pytest.fixture
def history(ctx):
    admin = make_user(ctx, Role.ADMIN, email="admin@example.com")
    borrower = make_user(ctx)
    accounts.authenticate(ctx, borrower.email, "correct horse battery")
    ctx.clock.now = NOW + timedelta(days=2)
    number = cases.file_dispute(ctx, borrower, filing_form(description="秘密内容 story"))
    with pytest.raises(UserError):
        accounts.authenticate(ctx, "ghost@example.com", "guess guess")
    return ctx, admin, borrower, number


def test_newest_first_with_account_details_but_no_dispute_contents(history):
    ctx, admin, borrower, number = history
    page = audit.list_events(ctx, admin)
    assert [e.kind for e in page.items] == [ek.LOGIN_FAILED, ek.DISPUTE_FILED, ek.LOGGED_IN,
                                            ek.ACCOUNT_CREATED, ek.ACCOUNT_CREATED]
    failed, filed, logged_in = page.items[:3]
    assert failed.details == {"reason": "unknown"}  # no such account
    assert failed.actor_email is None and failed.subject_email is None
    assert filed.dispute_number == number and filed.details is None
    assert filed.actor_email == borrower.email
    assert logged_in.subject_email == borrower.email and logged_in.details == {}
    assert "秘密内容" not in json.dumps([e.__dict__ for e in page.items], default=str)
    assert page.older is None


@pytest.mark.parametrize("filters, kinds", [
    (AuditFilter(user="WANG.fang@example.com"), [ek.DISPUTE_FILED, ek.LOGGED_IN,
                                                 ek.ACCOUNT_CREATED]),
    (AuditFilter(user="ghost@example.com"), []),  # a typed email of no account is not kept
    (AuditFilter(kind=ek.LOGGED_IN), [ek.LOGGED_IN]),
    (AuditFilter(from_on=date(2026, 11, 24)), [ek.LOGIN_FAILED, ek.DISPUTE_FILED]),
    (AuditFilter(to_on=date(2026, 11, 22)), [ek.LOGGED_IN, ek.ACCOUNT_CREATED,
                                             ek.ACCOUNT_CREATED]),
    (AuditFilter(from_on=date(2026, 11, 23), to_on=date(2026, 11, 23)), []),
    (AuditFilter(user="nobody@example.com"), []),
])
def test_filters(history, filters, kinds):
    ctx, admin, _, _ = history
    assert [e.kind for e in audit.list_events(ctx, admin, filters).items] == kinds


def test_filter_by_dispute_number(history):
    ctx, admin, _, number = history
    found = audit.list_events(ctx, admin, AuditFilter(number=number.lower())).items
    assert [e.kind for e in found] == [ek.DISPUTE_FILED]
    assert audit.list_events(ctx, admin, AuditFilter(number="DSP-1999-000001")).items == []


def test_dates_are_days_in_the_organisations_time_zone(ctx):
    admin = make_user(ctx, Role.ADMIN, email="admin@example.com")  # 2026-11-22 04:00 UTC
    ctx.clock.now = NOW + timedelta(hours=17)  # 21:00 UTC = 05:00 on the 23rd in Shanghai
    make_user(ctx, email="late@example.com")
    on_23rd = audit.list_events(ctx, admin, AuditFilter(from_on=date(2026, 11, 23),
                                                        to_on=date(2026, 11, 23))).items
    assert [e.subject_email for e in on_23rd] == ["late@example.com"]


def test_pages_follow_each_other_without_gaps_or_repeats(ctx):
    admin = make_user(ctx, Role.ADMIN, email="admin@example.com")
    for i in range(11):
        with pytest.raises(UserError):
            accounts.authenticate(ctx, f"user{i}@example.com", "wrong password")
    seen, before = [], None
    while True:
        page = audit.list_events(ctx, admin, before=before, limit=4)
        seen += [e.seq for e in page.items]
        if page.older is None:
            break
        before = page.older
    assert seen == list(range(12, 0, -1))


def test_only_an_admin_reads_the_audit_log(ctx):
    staff = make_user(ctx, Role.STAFF, email="staff@example.com")
    with pytest.raises(Forbidden):
        audit.list_events(ctx, staff)


@pytest.mark.parametrize("filters, field", [
    (AuditFilter(kind="DROP TABLE"), "kind"),
    (AuditFilter(from_on=date(2026, 11, 2), to_on=date(2026, 11, 1)), "to_on"),
])
def test_bad_filters_are_refused(ctx, filters, field):
    admin = make_user(ctx, Role.ADMIN, email="admin@example.com")
    with pytest.raises(InvalidInput) as exc:
        audit.list_events(ctx, admin, filters)
    assert list(exc.value.fields) == [field]


def test_every_account_kind_is_declared():
    assert ek.ACCOUNT_KINDS <= set(ek.ALL_KINDS)
    assert len(ek.ALL_KINDS) == len(set(ek.ALL_KINDS))
