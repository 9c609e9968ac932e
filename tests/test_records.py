"""Offers, proceedings, messages, notes, assignment and corrections through the services."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest

from dispute import cases, workflow
from dispute.assignment import assign, list_handlers
from dispute.corrections import correct_filing
from dispute.errors import Forbidden, InvalidInput, StaleWrite, UserError
from dispute.exhibits import attach_evidence
from dispute.messages import list_messages, mark_seen, send_message
from dispute.notes import add_note, list_notes
from dispute.offers import OfferStatus, answer_offer, list_offers, make_offer
from dispute.proceedings import (add_hearing, add_session, get_proceedings, record_judgment,
                                 update_litigation, update_mediation)
from dispute.timeline import timeline
from dispute.vocab import Role, Stage
from tests.conftest import filing_form, make_user, pdf_bytes, upload
from tests.test_workflow import FORMS


@pytest.fixture
def case(ctx):
    borrower = make_user(ctx)
    staff = make_user(ctx, Role.STAFF, email="staff@example.com", name="李静")
    legal = make_user(ctx, Role.LEGAL, email="legal@example.com", name="陈律师")
    number = cases.file_dispute(ctx, borrower, filing_form())
    workflow.move(ctx, staff, number, "acknowledge", FORMS["acknowledge"])
    return number, borrower, staff, legal


def version(ctx, staff, number) -> int:
    return cases.get_dispute(ctx, staff, number).version


# Offers

def test_staff_offers_and_the_borrower_accepts(ctx, case):
    number, borrower, staff, _ = case
    offer_id = make_offer(ctx, staff, number, {
        "refund_minor": "85.00", "credit_correction": True, "instalments": 6,
        "instalment_minor": "205.75", "note": "退还违约金并更正征信",
        "expires_on": date(2026, 12, 10)})
    [offer] = list_offers(ctx, borrower, number)
    assert (offer.refund_minor, offer.instalments, offer.instalment_minor) == (8500, 6, 20575)
    assert offer.status == OfferStatus.PROPOSED and offer.made_by_name == "李静"
    assert answer_offer(ctx, borrower, number, offer_id, {"answer": "accepted"}) == "accepted"
    assert list_offers(ctx, staff, number)[0].status == OfferStatus.ACCEPTED
    with pytest.raises(UserError, match="can no longer be answered"):
        answer_offer(ctx, borrower, number, offer_id, {"answer": "rejected"})
    kinds = [e.kind for e in timeline(ctx, borrower, number)]
    assert kinds[-2:] == ["OfferMade", "OfferAnswered"]


def test_an_offer_needs_a_term_and_a_whole_plan(ctx, case):
    number, _, staff, _ = case
    with pytest.raises(InvalidInput) as err:
        make_offer(ctx, staff, number, {"note": "nothing"})
    assert "at least one term" in err.value.fields["__form__"].render(lambda s: s)
    with pytest.raises(InvalidInput):
        make_offer(ctx, staff, number, {"instalments": 6})
    with pytest.raises(InvalidInput) as err:
        make_offer(ctx, staff, number, {"refund_minor": "1.234"})
    assert "refund_minor" in err.value.fields
    assert list_offers(ctx, staff, number) == []


def test_an_expired_offer_cannot_be_accepted(ctx, case):
    number, borrower, staff, _ = case
    offer_id = make_offer(ctx, staff, number, {"deferral_to": date(2026, 12, 31),
                                               "expires_on": date(2026, 11, 25)})
    ctx.clock.now += timedelta(days=5)
    assert list_offers(ctx, borrower, number)[0].status == OfferStatus.EXPIRED
    with pytest.raises(UserError, match="Expired"):
        answer_offer(ctx, borrower, number, offer_id, {"answer": "accepted"})


def test_only_staff_make_offers_and_only_the_borrower_answers(ctx, case):
    number, borrower, staff, _ = case
    with pytest.raises(Forbidden):
        make_offer(ctx, borrower, number, {"refund_minor": "10"})
    offer_id = make_offer(ctx, staff, number, {"refund_minor": "10"})
    with pytest.raises(Forbidden):
        answer_offer(ctx, staff, number, offer_id, {"answer": "accepted"})


# Proceedings

def test_legal_keeps_the_mediation_and_litigation_records(ctx, case):
    number, borrower, staff, legal = case
    workflow.move(ctx, staff, number, "to_mediation", FORMS["to_mediation"])
    with pytest.raises(Forbidden):
        update_mediation(ctx, staff, number, {"body": "x"})
    with pytest.raises(UserError, match="has not been escalated"):
        update_litigation(ctx, legal, number, {"court": "某法院"})
    update_mediation(ctx, legal, number, {"body": "上海银行业纠纷调解中心",
                                          "reference": "沪银调〔2026〕118号", "mediator": "张调解员"})
    add_session(ctx, legal, number, {"held_on": date(2026, 11, 20), "notes": "双方陈述意见"})
    workflow.move(ctx, legal, number, "to_litigation", FORMS["to_litigation"])
    update_litigation(ctx, legal, number, {"court": "上海市浦东新区人民法院",
                                           "case_number": "(2026)沪0115民初12345号",
                                           "filed_on": date(2026, 11, 21)})
    add_hearing(ctx, legal, number, {"held_on": date(2026, 12, 15), "notes": "First hearing"})
    record_judgment(ctx, legal, number, {"judgment": "被告退还违约金", "judgment_on":
                                         date(2026, 11, 22), "served_on": date(2026, 11, 22),
                                         "appeal_by": date(2026, 12, 7)})
    p = get_proceedings(ctx, borrower, number)
    assert p.mediation.reference == "沪银调〔2026〕118号" and len(p.sessions) == 1
    assert p.litigation.case_number == "(2026)沪0115民初12345号" and len(p.hearings) == 1
    assert p.judgment.appeal_by == date(2026, 12, 7)


def test_a_judgment_date_in_the_future_is_refused(ctx, case):
    number, _, staff, legal = case
    workflow.move(ctx, legal, number, "skip_to_litigation", FORMS["skip_to_litigation"])
    with pytest.raises(InvalidInput) as err:
        record_judgment(ctx, legal, number, {"judgment": "x", "judgment_on": date(2027, 1, 1)})
    assert "judgment_on" in err.value.fields
    assert get_proceedings(ctx, legal, number).judgment is None


# Messages and requests for information

def test_a_request_waits_on_the_borrower_until_they_reply(ctx, case):
    number, borrower, staff, _ = case
    send_message(ctx, staff, number, {"body": "请上传3月份账单", "is_request": True})
    d = cases.get_dispute(ctx, staff, number)
    assert d.waiting_on_borrower and not d.borrower_replied
    [m] = list_messages(ctx, borrower, number)
    assert m.open_request and m.new
    mark_seen(ctx, borrower, number)
    assert not list_messages(ctx, borrower, number)[0].new
    send_message(ctx, borrower, number, {"body": "已上传，请查收"})
    d = cases.get_dispute(ctx, staff, number)
    assert not d.waiting_on_borrower and d.borrower_replied
    assert not list_messages(ctx, staff, number)[0].open_request
    assert [e.kind for e in timeline(ctx, borrower, number)][-3:] == [
        "InformationRequested", "MessageSent", "InformationProvided"]


def test_uploading_evidence_answers_a_request(ctx, case):
    number, borrower, staff, _ = case
    send_message(ctx, staff, number, {"body": "Please upload your March statement",
                                      "is_request": True})
    attach_evidence(ctx, borrower, number, [upload("march.pdf", pdf_bytes())])
    assert not cases.get_dispute(ctx, staff, number).waiting_on_borrower
    assert timeline(ctx, staff, number)[-1].payload["via"] == "evidence"


def test_a_borrower_cannot_send_a_request_and_an_empty_message_is_refused(ctx, case):
    number, borrower, _, _ = case
    with pytest.raises(UserError, match="Only the handling team"):
        send_message(ctx, borrower, number, {"body": "x", "is_request": True})
    with pytest.raises(InvalidInput):
        send_message(ctx, borrower, number, {"body": "  "})
    assert list_messages(ctx, borrower, number) == []


# Notes

def test_internal_notes_never_reach_the_borrower(ctx, case):
    number, borrower, staff, legal = case
    add_note(ctx, staff, number, {"body": "借款人情绪激动，注意沟通方式"})
    assert [n.body for n in list_notes(ctx, legal, number)] == ["借款人情绪激动，注意沟通方式"]
    with pytest.raises(Forbidden):
        list_notes(ctx, borrower, number)
    with pytest.raises(Forbidden):
        add_note(ctx, borrower, number, {"body": "x"})
    assert "NoteAdded" not in [e.kind for e in timeline(ctx, borrower, number)]
    assert "NoteAdded" in [e.kind for e in timeline(ctx, staff, number)]


# Assignment

def test_assignment_records_the_previous_handler(ctx, case):
    number, _, staff, legal = case
    assert [name for _, name in list_handlers(ctx, staff)] == ["李静", "陈律师"]
    d = assign(ctx, staff, number, legal.id, expected_version=version(ctx, staff, number))
    assert d.handler_id == legal.id
    last = timeline(ctx, staff, number)[-1]
    assert last.payload == {"handler_id": str(legal.id), "handler_name": "陈律师",  # shown, not kept
                            "previous_id": str(staff.id)}
    with pytest.raises(InvalidInput):
        assign(ctx, staff, number, make_user(ctx, email="b2@example.com").id)
    assert assign(ctx, staff, number, None).handler_id is None


# Corrections

def test_a_borrower_corrects_a_filed_dispute_and_the_old_text_is_kept(ctx):
    borrower = make_user(ctx)
    staff = make_user(ctx, Role.STAFF, email="staff@example.com")
    number = cases.file_dispute(ctx, borrower, filing_form())
    d = cases.get_dispute(ctx, borrower, number)
    with pytest.raises(UserError, match="Nothing was changed"):
        correct_filing(ctx, borrower, number, filing_form(), expected_version=d.version)
    d = correct_filing(ctx, borrower, number, filing_form(description="更正：是9月2日扣款失败"),
                       expected_version=d.version)
    assert d.description == "更正：是9月2日扣款失败"
    last = timeline(ctx, borrower, number)[-1]
    assert last.kind == "DisputeCorrected"
    assert last.payload["before"]["description"].startswith("自动还款没有扣款")
    workflow.move(ctx, staff, number, "acknowledge", FORMS["acknowledge"])
    with pytest.raises(UserError, match="only before it is acknowledged"):
        correct_filing(ctx, borrower, number, filing_form(description="again"))


# Versions and concurrency

def test_a_write_based_on_a_stale_version_is_refused(ctx, case):
    number, _, staff, legal = case
    seen = version(ctx, staff, number)
    add_note(ctx, legal, number, {"body": "someone else writes first"})
    with pytest.raises(StaleWrite, match="changed by someone else"):
        workflow.move(ctx, staff, number, "close", FORMS["close"], expected_version=seen)
    assert cases.get_dispute(ctx, staff, number).stage == Stage.NEGOTIATION


def test_handlers_racing_on_one_version_apply_exactly_one_change(ctx, case):
    number, _, staff, _ = case
    handlers = [make_user(ctx, Role.STAFF, email=f"h{i}@example.com") for i in range(8)]
    seen = version(ctx, staff, number)
    results: list[object] = []
    start = threading.Barrier(len(handlers))

    def offer(handler):
        start.wait()
        try:
            results.append(make_offer(ctx, handler, number, {"refund_minor": "10"},
                                      expected_version=seen))
        except StaleWrite as exc:
            results.append(exc)

    threads = [threading.Thread(target=offer, args=(h,)) for h in handlers]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sum(not isinstance(r, StaleWrite) for r in results) == 1
    assert len(list_offers(ctx, staff, number)) == 1
    assert version(ctx, staff, number) == seen + 1


def test_handlers_appending_at_once_lose_nothing_and_double_nothing(ctx, case):
    number, _, staff, _ = case
    handlers = [make_user(ctx, Role.STAFF, email=f"h{i}@example.com") for i in range(8)]
    seen = version(ctx, staff, number)
    start = threading.Barrier(len(handlers))

    def note(i, handler):
        start.wait()
        add_note(ctx, handler, number, {"body": f"note {i}"})

    threads = [threading.Thread(target=note, args=(i, h)) for i, h in enumerate(handlers)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(n.body for n in list_notes(ctx, staff, number)) == [f"note {i}"
                                                                      for i in range(8)]
    assert version(ctx, staff, number) == seen + 8
    assert [e.kind for e in timeline(ctx, staff, number)].count("NoteAdded") == 8


def test_a_written_demand_restarts_the_limitation_period(ctx, case):
    from dispute.deadlines.service import list_deadlines
    from dispute.demands import record_demand

    number, borrower, _, _ = case
    before = next(d for d in list_deadlines(ctx, borrower, number) if d.rule == "limitation")
    with pytest.raises(InvalidInput):
        record_demand(ctx, borrower, number, {"sent_on": date(2027, 1, 1)})
    record_demand(ctx, borrower, number, {"sent_on": date(2026, 11, 20), "note": "律师函"})
    after = next(d for d in list_deadlines(ctx, borrower, number) if d.rule == "limitation")
    assert before.due_by == date(2029, 9, 10)  # three years from discovery (2026-09-10)
    assert after.due_by > before.due_by and after.start_on == date(2026, 11, 20)
    assert timeline(ctx, borrower, number)[-1].kind == "DemandRecorded"
