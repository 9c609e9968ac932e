"""What the error cost on a dispute (dispute/claims.py): lines saved and replaced, a CSV refused
with its line number and nothing saved, a saved calculation as an event with its inputs and as
the amount disputed, stale versions, access; the offer form's prefill and the bundle's
Calculation section."""

from __future__ import annotations

import json
from datetime import date

import pytest

from dispute import cases, claims, workflow
from dispute.claim import CsvRefused
from dispute.i18n import translator
from dispute.errors import Forbidden, NotFound, StaleWrite, UserError
from dispute.vocab import Role
from tests.conftest import filing_form, make_user, raw
from tests.test_claim_cli import LINES
from tests.test_workflow import FORMS

FACTS = {"due_on": date(2026, 3, 5), "paid_on": date(2026, 3, 4),
         "credited_on": date(2026, 3, 8)}
BAD = LINES.replace("2026-03-06,费用,违约金,25.00", "2026-03-06,费用,违约金,25.001")


@pytest.fixture
def case(ctx):
    borrower = make_user(ctx)
    staff = make_user(ctx, Role.STAFF, email="staff@example.com", name="李静")
    number = cases.file_dispute(ctx, borrower, filing_form(error_category="payment_not_credited"))
    return ctx, number, borrower, staff


def version(ctx, user, number) -> int:
    return cases.get_dispute(ctx, user, number).version


def kinds(ctx, number) -> list[str]:
    return raw(ctx.db, "SELECT e.kind FROM events e JOIN disputes d ON d.id = e.dispute_id "
                       "WHERE d.number = ? ORDER BY e.seq", (number,)).column()


def test_a_csv_saves_the_lines_and_replaces_what_was_there(case):
    ctx, number, borrower, staff = case
    assert claims.claim_state(ctx, borrower, number).lines is None
    lines = claims.import_lines(ctx, borrower, number, LINES.encode("utf-8-sig"))
    assert len(lines.charges) == 4 and len(lines.payments) == 1 and len(lines.dues) == 2
    state = claims.claim_state(ctx, staff, number)
    assert state.lines == lines and state.lines_saved_by == borrower.name
    fewer = "\n".join(LINES.splitlines()[:3]) + "\n"
    claims.import_lines(ctx, staff, number, fewer.encode("utf-8"))
    assert len(claims.claim_state(ctx, borrower, number).lines.charges) == 1
    assert kinds(ctx, number)[-2:] == ["ClaimLinesSaved", "ClaimLinesSaved"]


def test_a_bad_row_is_refused_with_its_line_number_and_nothing_is_saved(case):
    ctx, number, borrower, staff = case
    claims.import_lines(ctx, borrower, number, LINES.encode("utf-8"))
    before = version(ctx, staff, number), kinds(ctx, number)
    with pytest.raises(CsvRefused) as refused:
        claims.import_lines(ctx, borrower, number, BAD.encode("utf-8"))
    assert [p[0] for p in refused.value.problems] == [5]
    assert "line 5" in refused.value.render(lambda s: s)
    assert (version(ctx, staff, number), kinds(ctx, number)) == before
    assert len(claims.claim_state(ctx, borrower, number).lines.charges) == 4


def test_compute_reads_the_category_from_the_dispute_and_saves_nothing(case):
    ctx, number, borrower, staff = case
    with pytest.raises(UserError, match="no account lines"):
        claims.compute(ctx, staff, number, FACTS)
    claims.import_lines(ctx, borrower, number, LINES.encode("utf-8"))
    before = version(ctx, staff, number)
    result = claims.compute(ctx, staff, number, FACTS)
    assert result.category.value == "payment_not_credited"
    assert result.refund_minor == 141_25
    assert version(ctx, staff, number) == before
    overridden = claims.compute(ctx, staff, number, FACTS, [
        {"ref": "5", "decision": "keep", "reason": "the borrower agreed it was theirs"}])
    assert overridden.refund_minor == 141_25 - 25_00


def test_saving_a_calculation_is_an_event_with_its_inputs_and_sets_the_amount_disputed(case):
    ctx, number, borrower, staff = case
    claims.import_lines(ctx, borrower, number, LINES.encode("utf-8"))
    v = version(ctx, staff, number)
    assert cases.get_dispute(ctx, staff, number).fees_minor == 85_00
    saved = claims.save_calculation(ctx, staff, number, FACTS, [
        {"ref": "5", "decision": "part", "refund_minor": 10_00, "reason": "agreed by phone"}],
        expected_version=v)
    assert saved.refund_minor == 141_25 - 15_00 and saved.made_by_name == staff.name
    d = cases.get_dispute(ctx, staff, number)
    assert d.fees_minor == saved.refund_minor and d.version == v + 1
    [payload] = raw(ctx.db, "SELECT payload FROM events WHERE kind = 'ClaimCalculated'").column()
    payload = json.loads(payload)
    assert payload["refund_minor"] == saved.refund_minor and payload["fees_before"] == 85_00
    assert payload["category"] == "payment_not_credited"
    assert payload["facts"]["due_on"] == "2026-03-05"
    assert payload["overrides"] == [{"ref": "5", "decision": "part", "refund_minor": 10_00,
                                     "reason": "agreed by phone"}]
    assert payload["calculation_id"] == str(saved.id)
    assert len(payload["lines"]["charges"]) == 4
    # saved as it was: the working again from its inputs, in either language
    assert saved.worked().refund_minor == saved.refund_minor
    assert saved.result["zh_CN"]["refund_minor"] == saved.refund_minor
    assert claims.claim_state(ctx, borrower, number).latest.id == saved.id


def test_a_stale_version_is_refused_and_changes_nothing(case):
    ctx, number, borrower, staff = case
    claims.import_lines(ctx, borrower, number, LINES.encode("utf-8"))
    v = version(ctx, staff, number)
    claims.import_lines(ctx, staff, number, LINES.encode("utf-8"), expected_version=v)
    with pytest.raises(StaleWrite):
        claims.save_calculation(ctx, borrower, number, FACTS, expected_version=v)
    with pytest.raises(StaleWrite):
        claims.import_lines(ctx, borrower, number, LINES.encode("utf-8"), expected_version=v)
    assert cases.get_dispute(ctx, staff, number).fees_minor == 85_00
    assert claims.claim_state(ctx, staff, number).latest is None


def test_lines_in_another_currency_cannot_set_the_amount_disputed(case):
    ctx, number, borrower, staff = case
    usd = "line,date,kind,amount,currency\ncharge,2026-03-06,late_charge,25.00,USD\n"
    claims.import_lines(ctx, borrower, number, usd.encode("utf-8"))
    with pytest.raises(UserError, match="USD"):
        claims.save_calculation(ctx, staff, number, {"due_on": date(2026, 3, 5)})


def test_who_may(case):
    ctx, number, borrower, staff = case
    other = make_user(ctx, email="other@example.com", name="赵敏")
    admin = make_user(ctx, Role.ADMIN, email="admin@example.com", name="Ops")
    legal = make_user(ctx, Role.LEGAL, email="legal@example.com", name="陈律师")
    claims.import_lines(ctx, legal, number, LINES.encode("utf-8"))
    claims.save_calculation(ctx, legal, number, FACTS)
    with pytest.raises(NotFound):
        claims.import_lines(ctx, other, number, BAD.encode("utf-8"))  # not the file's errors
    with pytest.raises(NotFound):
        claims.claim_state(ctx, other, number)
    with pytest.raises(Forbidden):
        claims.save_calculation(ctx, admin, number, FACTS)


def test_a_closed_dispute_takes_no_new_lines(case):
    ctx, number, borrower, staff = case
    workflow.move(ctx, staff, number, "acknowledge", FORMS["acknowledge"])
    workflow.move(ctx, staff, number, "close", FORMS["close"])
    with pytest.raises(UserError, match="closed"):
        claims.import_lines(ctx, borrower, number, LINES.encode("utf-8"))


# --- where the result goes: the bundle ---------------------------------------------------------

def _pdf_pages(zip_path) -> list[str]:
    import io
    import zipfile

    from pypdf import PdfReader

    with zipfile.ZipFile(zip_path) as zf:
        name = next(n for n in zf.namelist() if n.endswith("bundle.pdf"))
        reader = PdfReader(io.BytesIO(zf.read(name)))
        return [page.extract_text() for page in reader.pages]


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_the_bundle_has_the_calculation_right_after_the_summary(case, tmp_path, lang):
    from dispute.bundle.content import BundleOptions
    from dispute.bundle.export import export_bundle

    ctx, number, borrower, staff = case
    claims.import_lines(ctx, borrower, number, LINES.encode("utf-8"))
    claims.save_calculation(ctx, borrower, number, FACTS, [
        {"ref": "5", "decision": "keep", "reason": "<b>agreed</b> on the phone"}])
    pages = _pdf_pages(export_bundle(ctx, borrower, number, tmp_path / "b.zip",
                                     BundleOptions(lang=lang)).path)
    text = "\n".join(pages)
    title = {"en": "Calculation: what the error cost", "zh_CN": "计算：错误造成的损失"}[lang]
    total = {"en": "Total to refund: ¥116.25", "zh_CN": "应退还合计：¥116.25"}[lang]
    assert title in text and total in text
    assert "<b>agreed</b> on the phone" in text          # escaped, printed as text
    _ = translator(lang)
    body = "\n".join(pages[2:])        # after the cover and the index
    order = [body.index(_(m)) for m in ("Case summary and remedies sought",
                                         "Calculation: what the error cost", "Chronology")]
    assert order == sorted(order)
    assert _("Index") in pages[1] and title in pages[1]


def test_no_calculation_no_section(case, tmp_path):
    from dispute.bundle.content import BundleOptions
    from dispute.bundle.export import export_bundle

    ctx, number, borrower, staff = case
    text = "\n".join(_pdf_pages(export_bundle(ctx, borrower, number, tmp_path / "b.zip",
                                              BundleOptions(lang="en")).path))
    assert "Calculation: what the error cost" not in text and "Case summary" in text


def test_saved_lines_come_back_as_csv_that_reads_the_same():
    from dispute.claim.csv_import import parse_csv, to_csv

    first = parse_csv(LINES)
    again = parse_csv(to_csv(first))
    drop = {part: {"__all__": {"source_line"}} for part in ("charges", "payments", "dues")}
    assert again.model_dump(exclude=drop) == first.model_dump(exclude=drop)
    assert to_csv(again) == to_csv(first)


def test_an_override_without_its_reason_or_amount_is_refused_with_its_line(case):
    ctx, number, borrower, staff = case
    claims.import_lines(ctx, borrower, number, LINES.encode("utf-8"))
    with pytest.raises(UserError) as no_reason:
        claims.compute(ctx, staff, number, FACTS, [{"ref": "5", "decision": "keep",
                                                    "reason": ""}])
    assert no_reason.value.render(lambda s: s) == "The override of line 5 needs a reason."
    with pytest.raises(UserError, match="line 6 needs the amount refunded"):
        claims.save_calculation(ctx, staff, number, FACTS, [
            {"ref": "6", "decision": "part", "reason": "half", "refund_minor": None}])
    assert claims.claim_state(ctx, staff, number).latest is None
