"""Ids of one dispute's things used through another dispute's number: a borrower who owns one
dispute cannot reach the evidence or answer the offers of another through it. (Who may call
which service on which dispute is the access matrix: tests/test_access_matrix.py.)"""

from datetime import datetime, timezone

import pytest

from dispute import cases, workflow
from dispute.contacts import add_contact, list_contacts
from dispute.errors import InvalidInput, NotFound, UserError
from dispute.exhibits import list_evidence, open_evidence
from dispute.offers import OfferStatus, answer_offer, list_offers, make_offer
from dispute.vocab import Role
from tests.conftest import filing_form, make_user, pdf_bytes, upload
from tests.test_workflow import FORMS


@pytest.fixture
def two_disputes(ctx):
    owner = make_user(ctx)
    intruder = make_user(ctx, email="intruder@example.com")
    staff = make_user(ctx, Role.STAFF, email="staff@example.com")
    theirs = cases.file_dispute(ctx, owner, filing_form(), [upload("a.pdf", pdf_bytes())])
    mine = cases.file_dispute(ctx, intruder, filing_form())
    for number in (theirs, mine):
        workflow.move(ctx, staff, number, "acknowledge", FORMS["acknowledge"])
    return owner, intruder, staff, theirs, mine


def test_evidence_of_another_dispute_cannot_be_read_through_ones_own_number(ctx, two_disputes):
    owner, intruder, _, theirs, mine = two_disputes
    item = list_evidence(ctx, owner, theirs)[0]
    with pytest.raises(NotFound):
        open_evidence(ctx, intruder, mine, item.id)


def test_an_offer_of_another_dispute_cannot_be_answered_through_ones_own_number(ctx,
                                                                              two_disputes):
    owner, intruder, staff, theirs, mine = two_disputes
    offer_id = make_offer(ctx, staff, theirs, {"refund_minor": "85.00"})
    with pytest.raises(UserError) as err:
        answer_offer(ctx, intruder, mine, offer_id, {"answer": "rejected"})
    assert err.value.msgid == "That offer is not part of dispute {number}."
    assert err.value.params == {"number": mine}
    assert list_offers(ctx, owner, theirs)[0].status == OfferStatus.PROPOSED


def test_a_contact_cannot_link_evidence_of_another_dispute(ctx, two_disputes):
    owner, intruder, _, theirs, mine = two_disputes
    item = list_evidence(ctx, owner, theirs)[0]
    with pytest.raises(InvalidInput) as err:
        add_contact(ctx, intruder, mine, {
            "contacted_at": datetime(2026, 11, 1, tzinfo=timezone.utc), "channel": "phone",
            "agent_name": "a", "agent_position": "b", "summary": "c",
            "evidence_ids": [item.id]})
    assert set(err.value.fields) == {"evidence_ids"}
    assert list_contacts(ctx, intruder, mine) == []
