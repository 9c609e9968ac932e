import re
import threading
from datetime import date

import pytest

from dispute import cases, workflow
from dispute.contacts import add_contact, list_contacts
from dispute.errors import InvalidInput, StaleWrite, UserError
from dispute.exhibits import attach_evidence, list_evidence
from dispute.vocab import Stage
from tests.conftest import raw, NOW, filing_form, make_user, pdf_bytes, png_bytes, store_files, upload


def test_filing_stores_every_field_and_numbers_the_dispute(ctx):
    borrower = make_user(ctx)
    number = cases.file_dispute(ctx, borrower, filing_form(),
                                [upload("statement.pdf", pdf_bytes()),
                                 upload("chat.png", png_bytes(), kind="screenshot")])
    assert re.fullmatch(r"DSP-2026-\d{6}", number)
    d = cases.get_dispute(ctx, borrower, number)
    assert d.stage == Stage.FILED and d.version == 1
    assert d.overdue_minor == 123450 and d.fees_minor == 8500 and d.currency == "CNY"
    assert d.account_ref == "6225880212345678"
    assert d.description.startswith("自动还款")
    assert [r.value for r in d.remedies] == ["fee_reversal", "credit_record_correction"]
    items = list_evidence(ctx, borrower, number)
    assert [(i.exhibit, i.media_type) for i in items] == [("E01", "application/pdf"),
                                                         ("E02", "image/png")]


def test_a_wrong_field_is_named_and_nothing_is_written(ctx):
    borrower = make_user(ctx)
    with pytest.raises(InvalidInput) as exc:
        cases.file_dispute(ctx, borrower, filing_form(discovered_on=date(2027, 1, 1),
                                                      overdue_minor="12.345", remedies=[]),
                           [upload("statement.pdf", pdf_bytes())])
    assert set(exc.value.fields) == {"discovered_on", "overdue_minor", "remedies"}
    assert raw(ctx.db, "SELECT count(*) FROM disputes").scalar() == 0
    assert store_files(ctx) == []


def test_one_refused_file_refuses_the_filing_and_leaves_no_file_or_row(ctx):
    borrower = make_user(ctx)
    with pytest.raises(InvalidInput) as exc:
        cases.file_dispute(ctx, borrower, filing_form(),
                           [upload("ok.pdf", pdf_bytes()),
                            upload("evil.pdf", b"<html><script>alert(1)</script></html>")])
    assert list(exc.value.fields) == ["upload_1"]
    assert raw(ctx.db, "SELECT count(*) FROM disputes").scalar() == 0
    assert raw(ctx.db, "SELECT count(*) FROM evidence").scalar() == 0
    assert store_files(ctx) == []


def test_numbers_stay_unique_when_many_file_at_once(ctx):
    borrowers = [make_user(ctx, email=f"b{i}@example.com") for i in range(4)]
    numbers, errors = [], []

    def file(b):
        try:
            for _ in range(5):
                numbers.append(cases.file_dispute(ctx, b, filing_form()))
        except Exception as exc:  # pragma: no cover - the assertion below reports it
            errors.append(exc)

    threads = [threading.Thread(target=file, args=(b,)) for b in borrowers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(numbers) == len(set(numbers)) == 20
    assert sorted(numbers) == [f"DSP-2026-{i:06d}" for i in range(1, 21)]


def test_identical_files_are_stored_once(ctx):
    borrower = make_user(ctx)
    data = pdf_bytes("same")
    n1 = cases.file_dispute(ctx, borrower, filing_form(), [upload("a.pdf", data)])
    n2 = cases.file_dispute(ctx, borrower, filing_form(), [upload("b.pdf", data)])
    assert list_evidence(ctx, borrower, n1)[0].sha256 == list_evidence(ctx, borrower, n2)[0].sha256
    assert len(store_files(ctx, "objects")) == 1 and store_files(ctx, "tmp") == []


def test_later_evidence_continues_the_exhibit_numbers(ctx):
    borrower = make_user(ctx)
    number = cases.file_dispute(ctx, borrower, filing_form(), [upload("a.pdf", pdf_bytes())])
    assert attach_evidence(ctx, borrower, number, [upload("b.png", png_bytes()),
                                                   upload("c.png", png_bytes("blue"))]) == [
        "E02", "E03"]
    assert cases.get_dispute(ctx, borrower, number).version == 2


def test_contact_log_entry_is_saved_with_all_fields(ctx):
    borrower = make_user(ctx)
    number = cases.file_dispute(ctx, borrower, filing_form(), [upload("a.pdf", pdf_bytes())])
    ev = list_evidence(ctx, borrower, number)[0]
    entry = add_contact(ctx, borrower, number, {
        "contacted_at": NOW.replace(hour=2), "channel": "phone", "agent_name": "工号 1024",
        "agent_position": "客服专员", "summary": "客服承认系统故障", "agreement": "免除违约金",
        "follow_up_on": date(2026, 11, 30), "evidence_ids": [ev.id]})
    assert list_contacts(ctx, borrower, number) == [entry]
    assert entry.evidence_ids == [ev.id]
    with pytest.raises(InvalidInput) as exc:
        add_contact(ctx, borrower, number, {"contacted_at": NOW.replace(year=2027),
                                            "channel": "fax", "agent_name": "",
                                            "agent_position": "x", "summary": "y"})
    assert set(exc.value.fields) == {"contacted_at", "channel", "agent_name"}


def test_withdrawal_needs_a_reason_and_closes_the_dispute(ctx):
    borrower = make_user(ctx)
    number = cases.file_dispute(ctx, borrower, filing_form())
    with pytest.raises(InvalidInput):
        workflow.move(ctx, borrower, number, 'withdraw', {"reason": ""})
    d = workflow.move(ctx, borrower, number, 'withdraw', {"reason": "银行已退还违约金"},
                               expected_version=1)
    assert d.stage == Stage.CLOSED and d.closed_from == Stage.FILED and d.resolution == "withdrawn"
    with pytest.raises(UserError, match="closed"):
        attach_evidence(ctx, borrower, number, [upload("a.pdf", pdf_bytes())])


def test_a_stale_withdrawal_is_refused(ctx):
    borrower = make_user(ctx)
    number = cases.file_dispute(ctx, borrower, filing_form())
    attach_evidence(ctx, borrower, number, [upload("a.pdf", pdf_bytes())])  # version → 2
    with pytest.raises(StaleWrite, match="changed by someone else"):
        workflow.move(ctx, borrower, number, 'withdraw', {"reason": "no longer needed"},
                               expected_version=1)
    assert cases.get_dispute(ctx, borrower, number).stage == Stage.FILED


def test_my_disputes_are_paginated_newest_first(ctx):
    borrower = make_user(ctx)
    other = make_user(ctx, email="other@example.com")
    numbers = [cases.file_dispute(ctx, borrower, filing_form()) for _ in range(5)]
    cases.file_dispute(ctx, other, filing_form())
    first = cases.list_my_disputes(ctx, borrower, page=1, page_size=2)
    assert first.total == 5 and first.pages == 3
    assert [i.number for i in first.items] == numbers[::-1][:2]
    last = cases.list_my_disputes(ctx, borrower, page=3, page_size=2)
    assert [i.number for i in last.items] == [numbers[0]]


def test_an_empty_required_date_is_reported_as_required(ctx):
    borrower = make_user(ctx)
    with pytest.raises(InvalidInput) as exc:
        cases.file_dispute(ctx, borrower, filing_form(discovered_on=None))
    assert exc.value.fields["discovered_on"].msgid == "This field is required."
