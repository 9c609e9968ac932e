"""A borrower can neither read nor change another borrower's dispute or evidence, by any service
call; an administrator sees no case contents."""

import hashlib
from datetime import datetime, timezone

import pytest

from dispute import cases, workflow
from dispute.contacts import add_contact, list_contacts
from dispute.errors import Forbidden, NotFound
from dispute.exhibits import attach_evidence, open_evidence, list_evidence
from dispute.vocab import Role, Stage
from tests.conftest import filing_form, make_user, pdf_bytes, upload


@pytest.fixture
def two_borrowers(ctx):
    owner = make_user(ctx)
    intruder = make_user(ctx, email="intruder@example.com")
    number = cases.file_dispute(ctx, owner, filing_form(), [upload("a.pdf", pdf_bytes())])
    item = list_evidence(ctx, owner, number)[0]
    return owner, intruder, number, item


CALLS = {
    "get_dispute": lambda ctx, u, n, item: cases.get_dispute(ctx, u, n),
    "list_evidence": lambda ctx, u, n, item: list_evidence(ctx, u, n),
    "open_evidence": lambda ctx, u, n, item: open_evidence(ctx, u, n, item.id),
    "attach_evidence": lambda ctx, u, n, item: attach_evidence(
        ctx, u, n, [upload("x.pdf", pdf_bytes("x"))]),
    "list_contacts": lambda ctx, u, n, item: list_contacts(ctx, u, n),
    "add_contact": lambda ctx, u, n, item: add_contact(ctx, u, n, {
        "contacted_at": datetime(2026, 11, 1, tzinfo=timezone.utc), "channel": "phone",
        "agent_name": "a", "agent_position": "b", "summary": "c"}),
    "withdraw_dispute": lambda ctx, u, n, item: workflow.move(ctx, u, n, 'withdraw', {"reason": "not mine"}),
}


@pytest.mark.parametrize("call", CALLS)
def test_borrower_cannot_reach_someone_elses_dispute(ctx, two_borrowers, call):
    owner, intruder, number, item = two_borrowers
    with pytest.raises(NotFound) as exc:
        CALLS[call](ctx, intruder, number, item)
    # Same answer as for a number that does not exist: nothing is revealed.
    assert exc.value.msgid == "No dispute {number} was found."
    d = cases.get_dispute(ctx, owner, number)
    assert d.stage == Stage.FILED and d.version == 1
    assert len(list_evidence(ctx, owner, number)) == 1 and list_contacts(ctx, owner, number) == []


@pytest.mark.parametrize("call", CALLS)
def test_admin_sees_no_case_contents(ctx, two_borrowers, call):
    _, _, number, item = two_borrowers
    admin = make_user(ctx, Role.ADMIN, email="admin@example.com")
    with pytest.raises(Forbidden):
        CALLS[call](ctx, admin, number, item)


def test_evidence_of_another_dispute_cannot_be_read_through_ones_own_number(ctx, two_borrowers):
    owner, intruder, number, item = two_borrowers
    own = cases.file_dispute(ctx, intruder, filing_form())
    with pytest.raises(NotFound):
        open_evidence(ctx, intruder, own, item.id)


def test_staff_can_read_any_dispute(ctx, two_borrowers):
    _, _, number, _item = two_borrowers
    staff = make_user(ctx, Role.STAFF, email="staff@example.com")
    assert cases.get_dispute(ctx, staff, number).number == number
    with open_evidence(ctx, staff, number, _item.id) as fh:
        assert hashlib.sha256(fh.read()).hexdigest() == _item.sha256
