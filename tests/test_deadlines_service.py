"""Deadline services on a real database: list, extend, pause, resume; stored rows and the
queue's `next_due_by`."""

from datetime import date, timedelta

import pytest

from dispute import cases, events
from dispute import event_kinds as ek
from dispute.deadlines import service
from dispute.deadlines.engine import Status
from dispute.deadlines.store import refresh_deadlines
from dispute.storage.deadlines import status_sql
from dispute.errors import Forbidden, InvalidInput, NotFound, StaleWrite, UserError
from dispute.vocab import Role
from tests.conftest import raw, filing_form, make_user

EXTEND = {"reason": "complex: needs the call recordings", "approver": "Li Ming, head office"}


@pytest.fixture
def filed(ctx):
    """A cn-banking dispute filed Sun 22 Nov 2026 (Shanghai): decision due Mon 7 Dec."""
    borrower = make_user(ctx)
    staff = make_user(ctx, Role.STAFF, email="staff@example.com")
    number = cases.file_dispute(ctx, borrower, filing_form())
    dispute_id = raw(ctx.db, "SELECT id FROM disputes WHERE number = ?", (number,)).scalar()
    ctx.db.write(lambda uow: refresh_deadlines(uow, dispute_id, ctx.now(), "Asia/Shanghai"))
    return number, dispute_id, borrower, staff


def version(ctx, number):
    return raw(ctx.db, "SELECT version FROM disputes WHERE number = ?", (number,)).scalar()


def stored(ctx, dispute_id, today):
    return {r["rule"]: r for r in raw(ctx.db, 
        f"SELECT dl.*, {status_sql()} AS status FROM deadlines dl WHERE dispute_id = ?",
        (today, dispute_id))}


def by_rule(found):
    return {d.rule: d for d in found}


def test_refresh_stores_rows_and_the_nearest_lender_deadline(ctx, filed):
    number, dispute_id, borrower, _ = filed
    rows = stored(ctx, dispute_id, date(2026, 11, 23))
    assert set(rows) == {"decision", "limitation"}
    assert rows["decision"]["due_by"] == date(2026, 12, 7)
    assert rows["decision"]["status"] == "running"
    next_due = raw(ctx.db, "SELECT next_due_by FROM disputes WHERE id = ?",
                            (dispute_id,)).scalar()
    assert next_due == date(2026, 12, 7)  # the borrower's limitation does not count


def test_stored_status_follows_the_date_without_a_rewrite(ctx, filed):
    _, dispute_id, _, _ = filed
    assert stored(ctx, dispute_id, date(2026, 12, 7))["decision"]["status"] == "running"
    assert stored(ctx, dispute_id, date(2026, 12, 8))["decision"]["status"] == "missed"


def test_a_borrower_sees_their_deadlines_and_not_someone_elses(ctx, filed):
    number, _, borrower, _ = filed
    assert by_rule(service.list_deadlines(ctx, borrower, number))["decision"].due_by == \
        date(2026, 12, 7)
    other = make_user(ctx, email="other@example.com")
    with pytest.raises(NotFound):
        service.list_deadlines(ctx, other, number)


def test_staff_extend_twice_then_are_refused(ctx, filed):
    number, dispute_id, _, staff = filed
    first = service.extend_deadline(ctx, staff, number, "decision", EXTEND, version(ctx, number))
    # 30 days from 22 Nov: Tue 22 Dec.
    assert by_rule(first)["decision"].due_by == date(2026, 12, 22)
    second = service.extend_deadline(ctx, staff, number, "decision", EXTEND,
                                     version(ctx, number))
    # 60 days: Thu 21 Jan 2027 — past the published schedule, so flagged.
    d = by_rule(second)["decision"]
    assert d.due_by == date(2027, 1, 21) and d.extensions_used == 2 and d.calendar_note
    before = version(ctx, number)
    with pytest.raises(UserError, match="extended 2 time\\(s\\) and has been extended 2"):
        service.extend_deadline(ctx, staff, number, "decision", EXTEND, before)
    assert version(ctx, number) == before
    kinds = [r["kind"] for r in raw(ctx.db, 
        "SELECT kind FROM events WHERE dispute_id = ? ORDER BY seq", (dispute_id,))]
    assert kinds.count(ek.DEADLINE_EXTENDED) == 2
    payload = raw(ctx.db, "SELECT payload FROM events WHERE kind = ? ORDER BY seq LIMIT 1",
                           (ek.DEADLINE_EXTENDED,)).scalar()
    assert '"approver": "Li Ming, head office"' in payload and '"days": 15' in payload
    assert raw(ctx.db, "SELECT due_by FROM deadlines WHERE dispute_id = ? AND rule = "
                        "'decision'", (dispute_id,)).scalar() == date(2027, 1, 21)


def test_a_stale_version_is_refused_and_changes_nothing(ctx, filed):
    number, dispute_id, _, staff = filed
    stale = version(ctx, number) - 1
    with pytest.raises(StaleWrite):
        service.extend_deadline(ctx, staff, number, "decision", EXTEND, stale)
    assert raw(ctx.db, "SELECT count(*) FROM events WHERE kind = ?",
                        (ek.DEADLINE_EXTENDED,)).scalar() == 0


def test_only_staff_and_legal_change_deadlines(ctx, filed):
    number, _, borrower, _ = filed
    admin = make_user(ctx, Role.ADMIN, email="admin@example.com")
    for actor in (borrower, admin):
        with pytest.raises(Forbidden):
            service.extend_deadline(ctx, actor, number, "decision", EXTEND, version(ctx, number))


def test_an_extension_needs_a_reason_and_an_approver(ctx, filed):
    number, _, _, staff = filed
    with pytest.raises(InvalidInput) as err:
        service.extend_deadline(ctx, staff, number, "decision", {"reason": ""},
                                version(ctx, number))
    assert set(err.value.fields) == {"reason", "approver"}


def test_a_missed_or_unknown_or_unstarted_deadline_cannot_be_extended(ctx, filed):
    number, _, _, staff = filed
    with pytest.raises(NotFound, match="has no rule respond"):
        service.extend_deadline(ctx, staff, number, "respond", EXTEND, version(ctx, number))
    with pytest.raises(UserError, match="does not run"):
        service.extend_deadline(ctx, staff, number, "mediation", EXTEND, version(ctx, number))
    ctx.clock.now += timedelta(days=20)
    with pytest.raises(UserError, match="passed on 2026-12-07"):
        service.extend_deadline(ctx, staff, number, "decision", EXTEND, version(ctx, number))


def test_pause_then_resume_leaves_the_paused_days_uncounted(ctx, filed):
    number, dispute_id, _, staff = filed
    paused = service.pause_deadline(ctx, staff, number, "decision",
                                    {"reason": "waiting for an outside appraisal"},
                                    version(ctx, number))
    assert by_rule(paused)["decision"].status == Status.PAUSED
    assert raw(ctx.db, "SELECT next_due_by FROM disputes WHERE id = ?",
                        (dispute_id,)).scalar() is None
    assert stored(ctx, dispute_id, date(2026, 11, 22))["decision"]["status"] == "paused"
    with pytest.raises(UserError, match="already paused"):
        service.pause_deadline(ctx, staff, number, "decision", {"reason": "again"},
                               version(ctx, number))
    ctx.clock.now += timedelta(days=3)  # resumed Wed 25 Nov: 23, 24, 25 Nov not counted
    resumed = service.resume_deadline(ctx, staff, number, "decision",
                                      {"reason": "appraisal received"}, version(ctx, number))
    d = by_rule(resumed)["decision"]
    # 15 days from 22 Nov, skipping 23–25 Nov: day 15 is Thu 10 Dec.
    assert d.status == Status.RUNNING and d.paused_days == 3 and d.due_by == date(2026, 12, 10)
    with pytest.raises(UserError, match="is not paused"):
        service.resume_deadline(ctx, staff, number, "decision", {"reason": "again"},
                                version(ctx, number))


def test_a_rule_the_law_does_not_pause_cannot_be_paused(ctx, filed):
    number, _, _, staff = filed
    with pytest.raises(UserError, match="cannot be paused"):
        service.pause_deadline(ctx, staff, number, "limitation", {"reason": "why not"},
                               version(ctx, number))


def test_waiting_on_the_borrower_pauses_the_stored_row(ctx, filed):
    number, dispute_id, _, staff = filed

    def ask(uow):
        events.append(uow, kind=ek.INFORMATION_REQUESTED, at=ctx.now(), actor_id=staff.id,
                      dispute_id=dispute_id, payload={"message_id": "m1"})
        refresh_deadlines(uow, dispute_id, ctx.now(), "Asia/Shanghai")

    ctx.db.write(ask)
    row = stored(ctx, dispute_id, date(2026, 11, 22))["decision"]
    assert row["paused"] and row["status"] == "paused"
