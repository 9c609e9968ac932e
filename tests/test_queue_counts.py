"""The kept counts per (stage, handler, institution) (dispute/storage/queue_counts.py): after every
write that files a dispute or changes one of those they equal a GROUP BY over the disputes, on both
backends; a rolled-back write leaves them alone; migration 0019 fills them from the rows it
finds; and the queue's counts read from them are the ones the SQL count gives."""

from __future__ import annotations

from uuid import UUID

import pytest

from dispute import assignment, cases, erasure, workflow
from dispute.queue import QueueFilter, _resolve, docket, queue
from dispute.storage import disputes, queue_counts
from dispute.storage.migrate import _statements, available
from dispute.storage.queue import counts_sql, kept_count_key
from dispute.vocab import Role, Stage
from tests.conftest import filing_form, make_user, raw
from tests.test_workflow import FORMS

pytestmark = pytest.mark.both_backends

GROUP_BY = ("SELECT stage, handler_id, institution, count(*) AS n FROM disputes "
            "GROUP BY stage, handler_id, institution")
CITI, CMB = "Citibank", "招商银行"
NIL = queue_counts.UNASSIGNED


def grouped_disputes(ctx) -> dict[tuple[str, UUID, str], int]:
    return {queue_counts.key(r["stage"], r["handler_id"], r["institution"]): r["n"]
            for r in raw(ctx.db, GROUP_BY).dicts()}


def kept(ctx) -> dict[tuple[str, UUID, str], int]:
    return ctx.db.read(queue_counts.grouped)


FILTERS = [QueueFilter(), QueueFilter(stage="negotiation"), QueueFilter(assigned="me"),
           QueueFilter(assigned="unassigned"), QueueFilter(stage="closed", assigned="me"),
           QueueFilter(institution=CMB), QueueFilter(institution=f" {CITI} ", assigned="me"),
           QueueFilter(institution="nobody", assigned="unassigned")]


def assert_in_step(ctx, staff) -> None:
    """The kept counts are the GROUP BY's, and the queue's counts (read from them) are what
    counting the disputes in SQL gives, for each view they serve."""
    assert kept(ctx) == grouped_disputes(ctx)
    for f in FILTERS:
        resolved = _resolve(ctx, staff, f)
        assert kept_count_key(f, resolved) is not None
        counted = {Stage(r["stage"]): r["n"]
                   for r in raw(ctx.db, *counts_sql(f, resolved, ctx.db.backend)).dicts()}
        assert queue(ctx, staff, f).counts == counted, f
    on_docket = raw(ctx.db, "SELECT count(*) FROM disputes WHERE stage IN ('mediation', "
                    "'litigation')").scalar()
    assert docket(ctx, staff)[1] == on_docket


@pytest.fixture
def people(ctx):
    return (make_user(ctx, Role.STAFF, email="staff@example.com", name="李静"),
            make_user(ctx, Role.LEGAL, email="legal@example.com", name="陈律师"),
            [make_user(ctx, email=f"b{i}@example.com", name=f"王{i}") for i in range(2)])


def test_counts_follow_filing_moves_assignment_and_erasure(ctx, people):
    staff, legal, (wang, li) = people
    assert kept(ctx) == {}
    numbers = [cases.file_dispute(ctx, wang if i % 2 else li, filing_form(
        institution=CMB if i < 4 else CITI)) for i in range(6)]
    assert kept(ctx) == {("filed", NIL, CMB): 4, ("filed", NIL, CITI): 2}
    assert_in_step(ctx, staff)

    for n in numbers[:5]:  # stage and handler in one write (acknowledging assigns)
        workflow.move(ctx, staff, n, "acknowledge", FORMS["acknowledge"])
    assert kept(ctx)[("negotiation", staff.id, CMB)] == 4
    assert_in_step(ctx, staff)

    assignment.assign(ctx, staff, numbers[0], legal.id)
    assignment.assign(ctx, staff, numbers[1], None)
    assert_in_step(ctx, staff)

    workflow.move(ctx, staff, numbers[0], "to_mediation", FORMS["to_mediation"])
    workflow.move(ctx, legal, numbers[0], "to_litigation", FORMS["to_litigation"])
    workflow.move(ctx, legal, numbers[2], "skip_to_litigation", FORMS["skip_to_litigation"])
    workflow.move(ctx, staff, numbers[3], "close", FORMS["close"])
    workflow.move(ctx, staff, numbers[4], "withdraw", FORMS["withdraw"])
    workflow.move(ctx, staff, numbers[5], "withdraw", FORMS["withdraw"])  # from filed
    assert_in_step(ctx, staff)

    workflow.move(ctx, staff, numbers[3], "reopen", FORMS["reopen"])
    workflow.move(ctx, staff, numbers[5], "reopen", FORMS["reopen"])
    assert kept(ctx) == {("litigation", legal.id, CMB): 1, ("litigation", staff.id, CMB): 1,
                         ("negotiation", NIL, CMB): 1, ("negotiation", staff.id, CMB): 1,
                         ("closed", staff.id, CITI): 1, ("filed", NIL, CITI): 1}
    assert_in_step(ctx, staff)

    erasure.carry_out(ctx, wang.id)  # the borrower's disputes stay (their names are erased)
    assert_in_step(ctx, staff)
    assert sum(kept(ctx).values()) == 6


def test_a_changed_institution_moves_its_count(ctx, people):
    staff, _, (wang, _) = people
    number = cases.file_dispute(ctx, wang, filing_form(institution=CITI))

    def correct(uow) -> None:
        row = disputes.by_number(uow, number)
        disputes.touch(uow, row["id"], row["version"], row["filed_at"], institution=CMB)

    ctx.db.write(correct)
    assert kept(ctx) == {("filed", NIL, CMB): 1}
    assert_in_step(ctx, staff)


def test_a_write_rolled_back_leaves_the_counts(ctx, people):
    staff, _, (wang, _) = people
    number = cases.file_dispute(ctx, wang, filing_form())
    before = kept(ctx)

    def move_then_fail(uow) -> None:
        row = disputes.by_number(uow, number)
        disputes.touch(uow, row["id"], row["version"], row["filed_at"], stage="closed")
        disputes.set_flags(uow, row["id"], handler_id=staff.id)
        assert kept_in(uow) != before  # changed inside the write…
        raise RuntimeError("refused late")

    def kept_in(uow):
        return queue_counts.grouped(uow)

    with pytest.raises(RuntimeError):
        ctx.db.write(move_then_fail)
    assert kept(ctx) == before == grouped_disputes(ctx)  # …and not after it


def test_the_migration_fills_the_counts_from_the_disputes_there(ctx, people):
    staff, _, (wang, li) = people
    numbers = [cases.file_dispute(ctx, p, filing_form(institution=CMB)) for p in (wang, li, wang)]
    workflow.move(ctx, staff, numbers[0], "acknowledge", FORMS["acknowledge"])
    expected = grouped_disputes(ctx)
    sql = next(s for v, _, s in available(ctx.db.backend) if v == 19)
    fill = [s for s in _statements(sql) if s.startswith("INSERT INTO queue_counts")]
    assert len(fill) == 1

    def refill(uow) -> None:
        uow.execute("DELETE FROM queue_counts")
        uow.execute(fill[0])

    ctx.db.write(refill)
    assert kept(ctx) == expected == {("filed", NIL, CMB): 2, ("negotiation", staff.id, CMB): 1}


def test_filters_beyond_the_key_are_counted_in_sql(ctx, people):
    staff, _, (wang, _) = people
    cases.file_dispute(ctx, wang, filing_form(institution=CITI, product="mortgage"))
    cases.file_dispute(ctx, wang, filing_form(institution=CMB, product="credit_card"))
    f = QueueFilter(product="mortgage")
    assert kept_count_key(f, _resolve(ctx, staff, f)) is None
    assert queue(ctx, staff, f).counts == {Stage.FILED: 1}
    assert queue(ctx, staff, QueueFilter(institution=CMB)).counts == {Stage.FILED: 1}
    assert queue(ctx, staff, QueueFilter()).counts == {Stage.FILED: 2}
