"""The staff queue: filters, search, counts and keyset pages through the service."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from dispute import cases, workflow
from dispute.errors import Forbidden
from dispute.messages import send_message
from dispute.queue import QueueFilter, docket, institutions, queue
from dispute.vocab import Role, Stage
from tests.conftest import filing_form, make_user
from tests.test_workflow import FORMS


@pytest.fixture
def filed(ctx):
    """Twelve disputes from three borrowers, filed a day apart, some moved on."""
    staff = make_user(ctx, Role.STAFF, email="staff@example.com", name="李静")
    legal = make_user(ctx, Role.LEGAL, email="legal@example.com", name="陈律师")
    borrowers = [make_user(ctx, email=f"b{i}@example.com", name=n)
                 for i, n in enumerate(["王芳", "Zhang Wei", "刘洋"])]
    numbers = []
    for i in range(12):
        ctx.clock.now += timedelta(days=1)
        numbers.append(cases.file_dispute(ctx, borrowers[i % 3], filing_form(
            institution="招商银行" if i % 2 else "Citibank",
            product="personal_loan" if i % 4 == 0 else "credit_card",
            description=f"第{i}号：{'自动还款失败' if i % 3 else 'late fee charged 100%_wrong'}",
            discovered_on=date(2026, 9, 10))))
    for n in numbers[:4]:
        workflow.move(ctx, staff, n, "acknowledge", FORMS["acknowledge"])
    workflow.move(ctx, staff, numbers[0], "to_mediation", FORMS["to_mediation"])
    workflow.move(ctx, legal, numbers[1], "skip_to_litigation", FORMS["skip_to_litigation"])
    send_message(ctx, staff, numbers[2], {"body": "请上传账单", "is_request": True})
    send_message(ctx, staff, numbers[3], {"body": "请上传账单", "is_request": True})
    send_message(ctx, borrowers[0], numbers[3], {"body": "已上传"})
    return staff, legal, borrowers, numbers


def all_pages(ctx, staff, f: QueueFilter, size: int = 5) -> list[str]:
    seen, cursor = [], None
    while True:
        page = queue(ctx, staff, f, after=cursor, size=size)
        seen += [r.number for r in page.rows]
        cursor = page.next_cursor
        if cursor is None:
            return seen


@pytest.mark.parametrize("sort", ["newest", "oldest", "activity", "deadline"])
def test_keyset_pages_visit_every_dispute_once_in_order(ctx, filed, sort):
    staff, _, _, numbers = filed
    seen = all_pages(ctx, staff, QueueFilter(sort=sort))
    assert sorted(seen) == sorted(numbers) and len(seen) == 12
    if sort == "newest":
        assert seen == numbers[::-1]
    if sort == "oldest":
        assert seen == numbers


def test_filters_counts_and_search(ctx, filed):
    staff, _, borrowers, numbers = filed
    page = queue(ctx, staff, QueueFilter())
    assert page.counts == {Stage.FILED: 8, Stage.NEGOTIATION: 2, Stage.MEDIATION: 1,
                           Stage.LITIGATION: 1}
    assert page.total == 12
    assert queue(ctx, staff, QueueFilter(stage=Stage.NEGOTIATION)).total == 2
    assert queue(ctx, staff, QueueFilter(assigned="me")).total == 4  # acknowledged by staff
    assert queue(ctx, staff, QueueFilter(assigned="unassigned")).total == 8
    assert queue(ctx, staff, QueueFilter(institution="招商银行")).total == 6
    assert queue(ctx, staff, QueueFilter(product="personal_loan")).total == 3
    assert queue(ctx, staff, QueueFilter(error_category="fee_in_error")).total == 0
    assert [r.number for r in queue(ctx, staff, QueueFilter(
        waiting="waiting_on_borrower")).rows] == [numbers[2]]
    assert [r.number for r in queue(ctx, staff, QueueFilter(
        waiting="borrower_replied")).rows] == [numbers[3]]
    assert queue(ctx, staff, QueueFilter(text=numbers[5].lower())).rows[0].number == numbers[5]
    assert queue(ctx, staff, QueueFilter(text="自动还款")).total == 8
    # names are sealed: a borrower is found by their whole name (case and spacing ignored)
    assert queue(ctx, staff, QueueFilter(text="zhang  WEI")).total == 4
    assert queue(ctx, staff, QueueFilter(text="zhang")).total == 0
    assert queue(ctx, staff, QueueFilter(text="王芳")).total == 4
    # LIKE wildcards in the search are literal characters
    assert queue(ctx, staff, QueueFilter(text="100%_wrong")).total == 4
    assert queue(ctx, staff, QueueFilter(text="1%0")).total == 0
    first = ctx.clock.now - timedelta(days=11)
    assert queue(ctx, staff, QueueFilter(filed_from=first.date(),
                                         filed_to=first.date())).total == 1
    assert institutions(ctx, staff) == ["Citibank", "招商银行"]


def test_the_queue_is_for_staff_and_legal_only(ctx, filed):
    _, _, borrowers, _ = filed
    with pytest.raises(Forbidden):
        queue(ctx, borrowers[0], QueueFilter())


def test_the_docket_lists_mediation_and_litigation(ctx, filed):
    _, legal, _, numbers = filed
    rows, total = docket(ctx, legal)
    assert total == 2
    by_number = {r.number: r for r in rows}
    assert by_number[numbers[0]].mediation_body == "上海银行业纠纷调解中心"
    assert by_number[numbers[1]].court == "上海市浦东新区人民法院"


def test_the_docket_pages_by_next_sitting_then_number(ctx, filed):
    """Disputes with a sitting to come first, by its date (the earliest of several; past
    sittings do not count), then those with none by number, across page boundaries."""
    staff, legal, _, numbers = filed
    for i, n in enumerate(numbers[4:10]):
        workflow.move(ctx, staff, n, "acknowledge", FORMS["acknowledge"])
        if i % 2:
            workflow.move(ctx, staff, n, "to_mediation", FORMS["to_mediation"])
        else:
            workflow.move(ctx, legal, n, "skip_to_litigation", FORMS["skip_to_litigation"])
    today = ctx.today()
    sittings = {numbers[5]: [("mediation_sessions", 9), ("mediation_sessions", 3)],
                numbers[6]: [("hearings", 3), ("hearings", -2)],
                numbers[7]: [("mediation_sessions", -5)],            # past only: none to come
                numbers[8]: [("hearings", 1), ("mediation_sessions", 20)],
                numbers[0]: [("mediation_sessions", 0)]}
    ids = {r["number"]: r["id"] for r in ctx.db.read(lambda tx: tx.execute(
        "SELECT number, id FROM disputes").dicts())}

    def add(uow) -> None:
        for number, held in sittings.items():
            for table, days in held:
                uow.execute(f"INSERT INTO {table} (id, dispute_id, held_on, notes, recorded_by, "
                            "recorded_at) VALUES (?, ?, ?, '', ?, ?)",
                            (uuid.uuid4(), ids[number], today + timedelta(days=days),
                             legal.id, ctx.now()))

    ctx.db.write(add)
    on_docket = [numbers[0], numbers[1], *numbers[4:10]]
    upcoming = {n: min(today + timedelta(days=d) for _, d in held if d >= 0)
                for n, held in sittings.items() if any(d >= 0 for _, d in held)}
    expected = sorted(on_docket, key=lambda n: (n not in upcoming, upcoming.get(n), n))
    seen, total = [], None
    for page in (1, 2, 3, 4):
        rows, total = docket(ctx, legal, page, 3)
        seen += [(r.number, r.next_sitting_on) for r in rows]
    assert total == 8
    assert seen == [(n, upcoming.get(n)) for n in expected]
    assert seen[0] == (numbers[0], today) and seen[1] == (numbers[8], today + timedelta(days=1))


def test_search_ignores_case_and_takes_every_character_literally(ctx, filed):
    staff, _, _, numbers = filed
    assert queue(ctx, staff, QueueFilter(text="ZHANG wei")).total == 4      # borrower name
    assert queue(ctx, staff, QueueFilter(text="LATE FEE")).total == 4       # description
    # regular-expression characters are literal too
    assert queue(ctx, staff, QueueFilter(text="late.fee")).total == 0
    assert queue(ctx, staff, QueueFilter(text="fee charged 100%_wrong")).total == 4
    assert queue(ctx, staff, QueueFilter(text="(.*)")).total == 0
    assert queue(ctx, staff, QueueFilter(text="\\")).total == 0


def test_a_whole_number_finds_that_dispute_alone(ctx, filed):
    staff, _, borrowers, numbers = filed
    cases.file_dispute(ctx, borrowers[0], filing_form(description=f"与 {numbers[6]} 是同一笔扣款"))
    assert queue(ctx, staff, QueueFilter(text="同一笔扣款")).total == 1
    page = queue(ctx, staff, QueueFilter(text=f"  {numbers[6].lower()} "))
    assert [r.number for r in page.rows] == [numbers[6]] and page.total == 1
    assert queue(ctx, staff, QueueFilter(text="DSP-2026-999999")).total == 0


@pytest.mark.parametrize("size", [1, 2, 5])
def test_the_deadline_sort_pages_through_dated_disputes_then_undated(ctx, filed, size):
    staff, _, _, numbers = filed
    due = {numbers[7]: date(2026, 12, 1), numbers[2]: date(2026, 12, 1),
           numbers[9]: date(2026, 11, 30), numbers[0]: date(2027, 1, 5)}
    ctx.db.write(lambda uow: [uow.execute("UPDATE disputes SET next_due_by = NULL")] + [
        uow.execute("UPDATE disputes SET next_due_by = ? WHERE number = ?", (on, n))
        for n, on in due.items()])
    seen = all_pages(ctx, staff, QueueFilter(sort="deadline"), size=size)
    assert seen[:4] == [numbers[9], numbers[2], numbers[7], numbers[0]]
    assert seen[4:] == sorted(set(numbers) - set(due))
