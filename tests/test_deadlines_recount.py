"""A newer holiday calendar on start (issue 18): stored deadlines are recounted and each one that
moves is a DeadlineMoved event on the dispute's timeline, in the audit log and in the bundle's
chronology, saying from which date to which and why. Real DuckDB files; the calendar change is
simulated by opening the same data directory first with a calendar that knows fewer published
years (as an older `holidays` release would), then with the installed one."""

from datetime import date, datetime, timezone

import holidays
import pytest

from dispute import audit, cases, timeline
from dispute import event_kinds as ek
from dispute.bundle.sections import Words, event_details
from dispute.context import open_context
from dispute.deadlines.calendar import WorkCalendar, calendar_for, china
from dispute.deadlines.recount import describe_move, stored_state
from dispute.deadlines.rulebook import Jurisdiction
from dispute.i18n import translator
from dispute.vocab import Role
from tests.conftest import NOW, Clock, filing_form, make_user, raw

# An older release: China's schedules through 2025 only, so 2026 counts its statutory days.
UNTIL_2025 = china(last_published=2025)
# Before issue 18: no statutory days in a year without a schedule, only weekends (2027 here).
WEEKENDS_ONLY_CN = WorkCalendar(Jurisdiction.CN,
                                holidays.China(categories=(holidays.PUBLIC,), language="en_US"),
                                range(2001, 2027))


def older_release(jurisdiction):
    return UNTIL_2025 if Jurisdiction(jurisdiction) == Jurisdiction.CN else calendar_for(
        jurisdiction)


def before_issue_18(jurisdiction):
    return WEEKENDS_ONLY_CN if Jurisdiction(jurisdiction) == Jurisdiction.CN else calendar_for(
        jurisdiction)


def shanghai_morning(day: str) -> Clock:
    return Clock(datetime.fromisoformat(day).replace(hour=2, tzinfo=timezone.utc))  # 10:00


def decision_row(ctx, number):
    return raw(ctx.db, 
        "SELECT dl.due_by, dl.calendar_limited, d.next_due_by FROM deadlines dl "
        "JOIN disputes d ON d.id = dl.dispute_id WHERE d.number = ? AND dl.rule = 'decision'",
        (number,)).first()


def moved_events(ctx):
    return [e for e in raw(ctx.db, 
        "SELECT e.kind, e.actor_id, e.occurred_at, e.payload, d.number FROM events e "
        "JOIN disputes d ON d.id = e.dispute_id WHERE e.kind = ? ORDER BY e.seq",
        (ek.DEADLINE_MOVED,))]


@pytest.fixture
def filed_under_older_release(settings):
    """Filed Tue 22 Sep 2026 while the installed release knew schedules through 2025 only.
    15 days: day 1 is Wed 23 Sep, day 15 Wed 7 Oct. Counting 2026 by its statutory days, 国庆
    is Thu 1 – Sat 3 Oct, so Wed 7 Oct is a working day and the decision is due then."""
    old = open_context(settings, calendars=older_release, clock=shanghai_morning("2026-09-22"))
    borrower = make_user(old)
    admin = make_user(old, Role.ADMIN, email="admin@example.com")
    number = cases.file_dispute(old, borrower, filing_form())
    row = decision_row(old, number)
    assert (row["due_by"], row["calendar_limited"]) == (date(2026, 10, 7), True)
    assert stored_state(old.db)[("CN", 2026)].published is False
    old.db.close()
    return number, borrower, admin


def test_a_published_schedule_moves_a_stored_deadline_and_says_why(settings,
                                                                   filed_under_older_release):
    number, borrower, admin = filed_under_older_release
    # The installed release has the 2026 schedule: 国庆 1–7 Oct off (Sat 10 Oct a make-up
    # working day), so day 15, Wed 7 Oct, is a day off and the period ends Thu 8 Oct.
    ctx = open_context(settings, clock=Clock(NOW))
    try:
        row = decision_row(ctx, number)
        assert (row["due_by"], row["calendar_limited"]) == (date(2026, 10, 8), False)
        assert row["next_due_by"] == date(2026, 10, 8)
        assert stored_state(ctx.db)[("CN", 2026)].published is True

        [event] = moved_events(ctx)  # the limitation (Mon 10 Sep 2029) did not move
        assert event["number"] == number and event["actor_id"] is None
        assert event["occurred_at"] == NOW
        entry = [e for e in timeline.timeline(ctx, borrower, number)
                 if e.kind == ek.DEADLINE_MOVED][0]  # the borrower sees it
        assert entry.payload["from"] == "2026-10-07" and entry.payload["to"] == "2026-10-08"
        assert entry.payload["reasons"] == [{"year": 2026, "cause": "published"}]
        assert entry.payload["holidays"] == holidays.__version__
        assert describe_move(entry.payload) == (
            "Lender's decision on the complaint: due by 2026-10-08 instead of 2026-10-07. "
            "The official holiday schedule for 2026 is now known.")
        zh = translator("zh_CN")
        assert describe_move(entry.payload, zh) == (
            f"{zh(entry.payload['label'])}：截止日期由 2026-10-07 改为 2026-10-08。"
            "2026 年官方放假安排现已公布。")

        # The timeline panel, the bundle's chronology and the audit log name it.
        from ui.timeline_view import _detail
        assert _detail(entry, translator("en"), "en") == (
            "Lender's decision on the complaint: due by Oct 8, 2026 instead of Oct 7, 2026. "
            "The official holiday schedule for 2026 is now known.")
        chronology = event_details(ek.DEADLINE_MOVED, entry.payload, None,
                                   Words("zh_CN", "Asia/Shanghai"))
        assert "2026年10月8日" in chronology and "2026 年官方放假安排现已公布" in chronology
        page = audit.list_events(ctx, admin, audit.AuditFilter(kind=ek.DEADLINE_MOVED))
        assert [(e.kind, e.dispute_number, e.details) for e in page.items] == \
            [(ek.DEADLINE_MOVED, number, None)]
        assert zh(ek.label(ek.DEADLINE_MOVED)) != ek.label(ek.DEADLINE_MOVED)
        assert audit.verify_chain(ctx.db)[1] is None
    finally:
        ctx.db.close()

    again = open_context(settings, clock=Clock(NOW))  # nothing changed since: nothing to say
    try:
        assert len(moved_events(again)) == 1
    finally:
        again.db.close()


def test_the_first_start_after_issue_18_counts_the_statutory_days_and_says_so(settings):
    # Filed Thu 17 Dec 2026 before issue 18: 2027 by weekends only, so day 15, Fri 1 Jan 2027,
    # was a working day and the decision was stored as due then.
    old = open_context(settings, calendars=before_issue_18, clock=shanghai_morning("2026-12-17"))
    borrower = make_user(old)
    number = cases.file_dispute(old, borrower, filing_form())
    assert decision_row(old, number)["due_by"] == date(2027, 1, 1)
    # A database from before migration 0009: no record of the calendar.
    raw(old.db, "DROP TABLE calendar_years")
    raw(old.db, "DELETE FROM schema_migrations WHERE version = 9")
    old.db.close()

    # Now 1 Jan is New Year's Day (statutory), Sat 2 and Sun 3 the weekend: Mon 4 Jan.
    ctx = open_context(settings, clock=shanghai_morning("2026-12-18"))
    try:
        assert decision_row(ctx, number)["due_by"] == date(2027, 1, 4)
        [event] = moved_events(ctx)
        entry = [e for e in timeline.timeline(ctx, borrower, number)
                 if e.kind == ek.DEADLINE_MOVED][0]
        assert entry.payload["reasons"] == [{"year": 2027, "cause": "statutory"}]
        assert describe_move(entry.payload) == (
            "Lender's decision on the complaint: due by 2027-01-04 instead of 2027-01-01. "
            "The statutory holidays of 2027 are now counted; its official schedule is not "
            "published yet.")
        zh = translator("zh_CN")
        assert "2027 年的法定节假日现已计入" in describe_move(entry.payload, zh)
        # Still provisional: 2027 has no published schedule.
        assert decision_row(ctx, number)["calendar_limited"] is True
    finally:
        ctx.db.close()


def test_a_start_with_the_same_calendar_recounts_nothing(ctx):
    borrower = make_user(ctx)
    number = cases.file_dispute(ctx, borrower, filing_form())
    stamp = raw(ctx.db, "SELECT max(refreshed_at) FROM deadlines").scalar()
    settings, clock = ctx.settings, ctx.clock
    ctx.db.close()
    again = open_context(settings, clock=Clock(datetime(2026, 12, 1, tzinfo=timezone.utc)))
    try:
        assert raw(again.db, "SELECT max(refreshed_at) FROM deadlines").scalar() == stamp
        assert moved_events(again) == []
    finally:
        again.db.close()


def test_a_changed_year_recounts_only_the_disputes_whose_counts_touch_it(settings):
    # Pretend the calendar of 2031 changed: a dispute filed in 2026 has deadlines up to 2029
    # (limitation), so it is not recounted; its rows keep their refresh time.
    ctx = open_context(settings, clock=Clock(NOW))
    borrower = make_user(ctx)
    cases.file_dispute(ctx, borrower, filing_form())
    stamp = raw(ctx.db, "SELECT max(refreshed_at) FROM deadlines").scalar()
    raw(ctx.db, "UPDATE calendar_years SET digest = 'older' WHERE year = 2031")
    ctx.db.close()
    again = open_context(settings, clock=Clock(datetime(2026, 12, 1, tzinfo=timezone.utc)))
    try:
        assert raw(again.db, "SELECT max(refreshed_at) FROM deadlines").scalar() == stamp
        assert stored_state(again.db)[("CN", 2031)].digest != "older"
        # …while a change to 2026 recounts it.
        raw(again.db, "UPDATE calendar_years SET digest = 'older' WHERE year = 2026")
    finally:
        again.db.close()
    third = open_context(settings, clock=Clock(datetime(2026, 12, 2, tzinfo=timezone.utc)))
    try:
        assert raw(third.db, "SELECT max(refreshed_at) FROM deadlines").scalar() > stamp
        assert moved_events(third) == []  # recounted, nothing moved: nothing to say
    finally:
        third.db.close()
