"""The working rendered for people: rows, plain text ending on the total, escaped HTML, JSON."""

import json

import pytest

from dispute.claim import Override
from dispute.claim import working
from dispute.claim.facts import ChargeMatch
from tests.claim_support import account, charge, facts, run
from tests.test_claim_calculator import ISSUE_CASE

OVERRIDE = Override(ref="lc", decision="keep", reason="<b>agreed</b> & signed")


@pytest.fixture
def result():
    return run(ISSUE_CASE, facts("payment_not_credited"), overrides=[OVERRIDE])


def test_rows_are_plain_text_in_the_readers_language(result):
    en = {r.ref: r for r in working.rows(result, "en")}
    assert en["int"] == working.Row(
        ref="int", charged_on="2026-03-13", kind="interest", amount="¥112.50",
        decision="Refund", refund="¥112.50",
        reason="the payment of 2026-03-04 was due by 2026-03-05 and was credited on 2026-03-08; "
               "the full balance of ¥5,000.00 would have been paid in time and the interest-free "
               "period kept", override="")
    zh = {r.ref: r for r in working.rows(result, "zh_CN")}
    assert (zh["annual"].kind, zh["annual"].decision) == ("年费", "由借款人承担")
    assert zh["lc"].override == (
        "已人工调整：<b>agreed</b> & signed。计算器的认定为：退还，¥25.00：借款人于 2026-03-04 支付的"
        "还款（到期还款日 2026-03-05）于 2026-03-08 才入账；本不会逾期。")
    assert working.headings("zh_CN") == ("行", "计收日期", "类型", "金额", "认定", "退还", "理由")


def test_the_text_ends_with_the_total_on_its_own_line(result):
    # 14125 − 2500 (the late charge, kept by the override) = 11625
    assert result.refund_minor == 116_25
    en = working.text(result, "en").splitlines()
    assert en[-1] == "Total to refund: ¥116.25"
    assert "Line lc: late charge of 2026-03-06, ¥25.00: Stays the borrower's, ¥0.00." in en
    assert "    overridden: <b>agreed</b> & signed" in en
    assert working.text(result, "zh_CN").splitlines()[-1] == "应退还合计：¥116.25"


def test_the_html_escapes_every_text(result):
    html = working.html(result, "en")
    assert "&lt;b&gt;agreed&lt;/b&gt; &amp; signed" in html
    assert "<b>agreed" not in html
    assert html.count("<tr>") == 1 + 4  # the headings and four charges
    assert "<strong>Total to refund: ¥116.25</strong>" in html


def test_the_json_has_amounts_in_minor_units_and_each_lines_decision(result):
    data = json.loads(json.dumps(working.as_json(result, "en")))
    assert (data["refund_minor"], data["currency"], data["charges_minor"]) == (116_25, "CNY",
                                                                              441_25)
    lc = next(line for line in data["lines"] if line["ref"] == "lc")
    assert (lc["decision"], lc["refund_minor"], lc["reason"]) == ("keep", 0,
                                                                  "<b>agreed</b> & signed")
    assert lc["override"]["calculated_decision"] == "refund"
    assert lc["override"]["calculated_refund_minor"] == 25_00
    assert data["cost_check"]["rate_percent"] == "44.74" and data["cost_check"]["flagged"]


def test_an_account_in_dollars_is_shown_in_dollars():
    lines = account(charge("f", "2026-03-13", "other_fee", 12_34, currency="USD"))
    result = run(lines, facts("fee_in_error", charged=(ChargeMatch(charged_on="2026-03-13"),)))
    assert working.text(result, "en").splitlines()[-1] == "Total to refund: $12.34"
    assert working.text(result, "zh_CN").splitlines()[-1] == "应退还合计：US$12.34"
