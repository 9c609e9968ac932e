"""What the error cost through the pages (AppTest): the empty state, lines typed on the page,
a bad row refused with its line number, the working with an override, "Save this calculation"
with its confirmation, and the offer form starting from the saved refund."""

from __future__ import annotations

from datetime import date

import pytest

from dispute import cases, claims, workflow
from dispute.vocab import Role
from tests.conftest import filing_form, make_user, open_form
from tests.test_claim_cli import LINES
from tests.test_claims import BAD, FACTS
from tests.test_pages import portal, texts  # noqa: F401  (portal is a fixture)
from tests.test_workflow import FORMS
from tests.test_workflow_pages import open_page


@pytest.fixture
def case(portal):  # noqa: F811
    borrower = make_user(portal)
    staff = make_user(portal, Role.STAFF, email="staff@example.com", name="李静")
    number = cases.file_dispute(portal, borrower, filing_form(
        error_category="payment_not_credited", payment_due_on=date(2026, 3, 5)))
    workflow.move(portal, staff, number, "acknowledge", FORMS["acknowledge"])
    return portal, number, borrower, staff


def test_staff_type_the_lines_work_it_out_override_and_save(case):
    ctx, number, borrower, staff = case
    at = open_page(staff, "pages/workspace.py", number, tab="What the error cost")
    assert not at.exception
    assert "No account lines yet." in texts(at)

    at.text_area(key="claim_text").input(BAD)
    at.button(key="claim_text_save").click().run()
    assert "line 5, 金额: “25.001” has more decimal places" in texts(at)
    assert claims.claim_state(ctx, staff, number).lines is None

    at.text_area(key="claim_text").input(LINES)
    at.button(key="claim_text_save").click().run()
    assert not at.exception
    assert "The account lines were saved." in texts(at)
    assert len(claims.claim_state(ctx, staff, number).lines.charges) == 4

    at.date_input(key="claim_paid_on").set_value(FACTS["paid_on"])
    at.date_input(key="claim_credited_on").set_value(FACTS["credited_on"])
    assert not [s for s in at.selectbox if s.key == "claim_ov_5_decision"]  # folded: not drawn
    at = open_form(at, "claim_ov")
    at.selectbox(key="claim_ov_5_decision").set_value("keep").run()
    at.text_input(key="claim_ov_5_reason").input("the borrower agreed it was theirs")
    at.session_state["claim_ov_box"] = False  # folded again: the override still counts
    at.button(key="claim_compute").click().run()
    assert not at.exception
    assert "Total to refund: ¥116.25" in texts(at)
    working = at.dataframe[-1].value
    assert "Overridden by a person: the borrower agreed it was theirs" in \
        " ".join(str(v) for v in working["Override"])
    assert cases.get_dispute(ctx, staff, number).fees_minor == 85_00  # nothing saved yet

    assert at.button(key="claim_save").disabled
    at.checkbox(key="claim_confirm").check().run()
    assert "from ¥85.00 to ¥116.25" in at.checkbox(key="claim_confirm").label
    at.button(key="claim_save").click().run()
    assert not at.exception
    d = cases.get_dispute(ctx, staff, number)
    assert d.fees_minor == 116_25
    latest = claims.claim_state(ctx, staff, number).latest
    assert latest.overrides[0].reason == "the borrower agreed it was theirs"
    assert "¥116.25 is now the amount disputed" in texts(at)

    # the offer form starts from it
    at = open_page(staff, "pages/workspace.py", number, tab="Offers")
    assert at.text_input(key="offer_refund").value == "116.25"
    assert "The amount starts from the calculation saved on" in texts(at)


def test_the_borrower_sees_the_panel_and_the_saved_calculation(case):
    ctx, number, borrower, staff = case
    at = open_page(borrower, "pages/dispute.py", number)
    assert not at.exception
    assert "What the error cost" in [t.label for t in at.tabs]
    claims.import_lines(ctx, staff, number, LINES.encode("utf-8"))
    claims.save_calculation(ctx, staff, number, FACTS)
    at = open_page(borrower, "pages/dispute.py", number, tab="What the error cost")
    assert not at.exception
    assert not [a for a in at.text_area if a.key == "claim_text"]  # lines saved: folded
    assert "Saved calculation: ¥141.25 to refund, by 李静" in texts(at)
    at.button(key="claim_compute").click().run()
    assert "Total to refund: ¥141.25" in texts(at)


def test_no_prefill_without_a_saved_calculation(case):
    ctx, number, borrower, staff = case
    at = open_page(staff, "pages/workspace.py", number, tab="Offers")
    assert at.text_input(key="offer_refund").value == ""


def test_the_panel_with_its_working_is_all_chinese_in_chinese(case):
    from tests.test_untranslated import untranslated

    ctx, number, borrower, staff = case
    claims.import_lines(ctx, staff, number, LINES.encode("utf-8"))
    claims.save_calculation(ctx, staff, number, FACTS, [
        {"ref": "5", "decision": "keep", "reason": "双方确认"}])
    for user, path in ((staff, "pages/workspace.py"), (borrower, "pages/dispute.py")):
        at = open_page(user, path, number, lang="zh_CN", tab="What the error cost")
        at.button(key="claim_compute").click().run()
        assert not at.exception
        assert "应退还合计：¥141.25" in texts(at)
        assert untranslated(at) == []
