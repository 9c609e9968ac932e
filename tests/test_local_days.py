"""Dates people pick are days in the organisation's time zone (Asia/Shanghai, UTC+8). A dispute
filed at 01:00 on 1 December there was filed at 17:00 on 30 November UTC: every filter by a
local date (queue, dashboard, audit log) must put it on 1 December."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from dispute import cases, event_kinds as ek, local_days
from dispute.audit import AuditFilter, list_events
from dispute.dashboard import Filters, build_dashboard
from dispute.queue import QueueFilter, queue
from dispute.vocab import Role
from tests.conftest import filing_form, make_user

EARLY_MORNING = datetime(2026, 11, 30, 17, 0, tzinfo=timezone.utc)   # 01:00 on 1 Dec there
LATE_EVENING = datetime(2026, 12, 1, 15, 30, tzinfo=timezone.utc)    # 23:30 on 1 Dec there
NEXT_MORNING = datetime(2026, 12, 1, 16, 30, tzinfo=timezone.utc)    # 00:30 on 2 Dec there
DEC_1, DEC_2, NOV_30 = date(2026, 12, 1), date(2026, 12, 2), date(2026, 11, 30)


def test_a_local_day_starts_at_its_own_midnight_in_utc():
    assert local_days.day_start(DEC_1, "Asia/Shanghai") == datetime(2026, 11, 30, 16, 0,
                                                                    tzinfo=timezone.utc)
    assert local_days.days_between(DEC_1, DEC_1, "Asia/Shanghai") == (
        datetime(2026, 11, 30, 16, 0, tzinfo=timezone.utc),
        datetime(2026, 12, 1, 16, 0, tzinfo=timezone.utc))
    assert local_days.days_between(None, None, "Asia/Shanghai") == (None, None)


@pytest.fixture
def filed(ctx):
    """Three disputes filed on the local days 1 Dec (twice: just after and just before its
    midnights) and 2 Dec, whose UTC dates are 30 Nov, 1 Dec and 1 Dec."""
    staff = make_user(ctx, Role.STAFF, email="staff@example.com")
    admin = make_user(ctx, Role.ADMIN, email="admin@example.com")
    borrower = make_user(ctx)
    numbers = {}
    for name, moment in (("early", EARLY_MORNING), ("late", LATE_EVENING),
                         ("next", NEXT_MORNING)):
        ctx.clock.now = moment
        numbers[name] = cases.file_dispute(ctx, borrower, filing_form())
    return staff, admin, numbers


def queue_numbers(ctx, staff, first, last) -> set[str]:
    page = queue(ctx, staff, QueueFilter(filed_from=first, filed_to=last))
    return {r.number for r in page.rows}


def test_the_queue_filters_by_local_filing_day(ctx, filed):
    staff, _, n = filed
    assert queue_numbers(ctx, staff, DEC_1, DEC_1) == {n["early"], n["late"]}
    assert queue_numbers(ctx, staff, DEC_2, DEC_2) == {n["next"]}
    assert queue_numbers(ctx, staff, NOV_30, NOV_30) == set()


def test_the_dashboard_counts_by_local_filing_day(ctx, filed):
    staff, _, _ = filed
    by_day = {day: build_dashboard(ctx, staff, Filters(filed_from=day, filed_to=day)).by_stage
              for day in (NOV_30, DEC_1, DEC_2)}
    assert by_day[NOV_30].rows == ()
    assert by_day[DEC_1].rows == (("filed", 2),)
    assert by_day[DEC_2].rows == (("filed", 1),)


def test_the_audit_log_filters_by_local_day(ctx, filed):
    _, admin, n = filed

    def filed_numbers(first, last) -> set[str]:
        page = list_events(ctx, admin, AuditFilter(kind=ek.DISPUTE_FILED, from_on=first,
                                                   to_on=last))
        return {e.dispute_number for e in page.items}

    assert filed_numbers(DEC_1, DEC_1) == {n["early"], n["late"]}
    assert filed_numbers(DEC_2, None) == {n["next"]}
    assert filed_numbers(None, NOV_30) == set()
