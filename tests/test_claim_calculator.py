"""The claim calculator on hand-worked accounts, one or more per money category, in both
languages. Every expected figure is worked out in the comment beside it, never by the code."""

from decimal import Decimal

import pytest

from dispute.claim import ClaimRefused, Override
from dispute.claim.facts import ChargeMatch
from dispute.deadlines.rulebook import Jurisdiction
from dispute.errors import UserError
from dispute.i18n import translator
from tests.claim_support import (ANNUAL, FEB, MAR, account, charge, decisions, due, facts,
                                 payment, reason, rendered, run)

# --- payment_not_credited: the issue's case --------------------------------------------------
# Paid ¥5,000.00 (the full balance) on 2026-03-04, due 2026-03-05, credited 2026-03-08: three
# days late (03-06, 03-07, 03-08). That triggered a late charge, penalty interest for those three
# days and the loss of the interest-free period (interest on the statement of 03-13).
LATE = payment("p", "2026-03-04", 5_000_00, "2026-03-08")
LATE_CHARGE = charge("lc", "2026-03-06", "late_charge", 25_00)
INTEREST = charge("int", "2026-03-13", "interest", 112_50)
PENALTY = charge("pen", "2026-03-13", "penalty_interest", 3_75,
                 period_from="2026-03-06", period_to="2026-03-08")
ISSUE_CASE = account(FEB, MAR, ANNUAL, LATE, LATE_CHARGE, INTEREST, PENALTY)

STORY = {
    "en": "the payment of 2026-03-04 was due by 2026-03-05 and was credited on 2026-03-08",
    "zh_CN": "借款人于 2026-03-04 支付的还款（到期还款日 2026-03-05）于 2026-03-08 才入账",
}


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_a_payment_credited_three_days_late_refunds_what_it_triggered(lang):
    result = run(ISSUE_CASE, facts("payment_not_credited"))
    assert decisions(result) == {
        "annual": ("keep", 0),            # posted 01-20, before the due date: the borrower's
        "lc": ("refund", 25_00),
        "int": ("refund", 112_50),        # ¥5,000.00 paid ≥ full balance ¥5,000.00
        "pen": ("refund", 3_75),          # 03-06..03-08, all three days late by the error
    }
    assert result.refund_minor == 25_00 + 112_50 + 3_75 == 141_25
    assert result.charges_minor == 300_00 + 25_00 + 112_50 + 3_75 == 441_25
    assert result.currency == "CNY"
    expected_late = {"en": "; it would not have been late", "zh_CN": "；本不会逾期"}[lang]
    assert reason(result, "lc", lang) == STORY[lang] + expected_late
    annual = {"en": "charged on or before the due date 2026-03-05, before the error could cause "
                    "it",
              "zh_CN": "在到期还款日 2026-03-05 当日或之前收取，早于错误可能产生影响之时"}[lang]
    assert reason(result, "annual", lang) == annual
    interest = {"en": "; the full balance of ¥5,000.00 would have been paid in time and the "
                      "interest-free period kept",
                "zh_CN": "；全部应还款额 ¥5,000.00 本可按时还清，免息期本可保留"}[lang]
    assert reason(result, "int", lang) == STORY[lang] + interest
    days = {"en": "Days late because of the error: 2026-03-06 to 2026-03-08, 3 days",
            "zh_CN": "因错误造成的逾期天数：2026-03-06 至 2026-03-08，共 3 天"}[lang]
    assert days in rendered(result.facts, lang)


def test_the_issue_example_sentence_is_the_late_charge_reason():
    result = run(ISSUE_CASE, facts("payment_not_credited"))
    line = f"late charge of 2026-03-06: {reason(result, 'lc', 'en')}"
    assert line == ("late charge of 2026-03-06: the payment of 2026-03-04 was due by 2026-03-05 "
                    "and was credited on 2026-03-08; it would not have been late")


def test_the_annualised_cost_is_flagged_above_24_percent_with_its_source():
    result = run(ISSUE_CASE, facts("payment_not_credited"))
    cost = result.cost
    # All charges ¥441.25 on the principal ¥5,000.00 (the due date's full balance), over the
    # lines' period 2026-01-20 .. 2026-04-02 = 11 + 28 + 31 + 2 = 72 days:
    # 441.25 / 5000 × 365 / 72 = 161,056.25 / 360,000 = 0.447378… → 44.74%.
    assert (cost.made, cost.flagged, cost.days) == (True, True, 72)
    assert (cost.total_minor, cost.principal_minor) == (441_25, 5_000_00)
    assert cost.rate_percent == Decimal("44.74")
    en = rendered(cost.words, "en")
    assert "= 44.74% a year" in en and "法发〔2017〕22号 item 2; 法释〔2021〕10号 art. 2" in en
    assert "not a legal conclusion" in en
    zh = rendered(cost.words, "zh_CN")
    assert "年化 44.74%" in zh and "法发〔2017〕22号第二条；法释〔2021〕10号第二条" in zh
    assert "并非法律结论" in zh


def test_24_percent_exactly_is_not_flagged_and_one_fen_more_is():
    # ¥24.00 of fees on a principal of ¥365.00 over 2026-01-01 .. 2026-04-11 = 30 + 28 + 31 + 11
    # = 100 days: 24 / 365 × 365 / 100 = 0.24 exactly → 24.00%, not above. ¥24.01: 24.01%.
    end = due("d", "2026-04-11")
    for minor, flagged, rate in ((24_00, False, "24.00"), (24_01, True, "24.01")):
        lines = account(charge("f", "2026-01-01", "other_fee", minor), end)
        result = run(lines, facts("fee_in_error", charged=(ChargeMatch(charged_on="2026-01-01"),),
                                  principal_minor=365_00))
        assert result.cost.days == 100
        assert (result.cost.flagged, result.cost.rate_percent) == (flagged, Decimal(rate))


def test_the_cost_check_is_not_made_under_a_us_rulebook():
    result = run(ISSUE_CASE, facts("payment_not_credited"), jurisdiction=Jurisdiction.US)
    assert result.cost.made is False and result.cost.flagged is False
    assert "not made under a US rulebook" in rendered(result.cost.words, "en")
    assert result.refund_minor == 141_25  # the decisions do not depend on it


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_penalty_interest_partly_for_late_days_is_refunded_by_the_day_half_up(lang):
    lines = account(FEB, MAR, LATE,
                    # ¥7.00 for 03-06..03-12 (7 days), 3 of them late by the error (06, 07, 08):
                    # 700 × 3 / 7 = 300 fen.
                    charge("week", "2026-03-13", "penalty_interest", 7_00,
                           period_from="2026-03-06", period_to="2026-03-12"),
                    # ¥0.05 for 03-08..03-09, 1 of 2 days late by the error: 5 × 1 / 2 = 2.5 fen
                    # → 3 fen half up (banker's rounding would give 2).
                    charge("half", "2026-03-13", "penalty_interest", 5,
                           period_from="2026-03-08", period_to="2026-03-09"),
                    # ¥1.00 for 03-10..03-12: none of the late days.
                    charge("after", "2026-03-13", "penalty_interest", 1_00,
                           period_from="2026-03-10", period_to="2026-03-12"))
    result = run(lines, facts("payment_not_credited"))
    assert decisions(result) == {"week": ("part", 3_00), "half": ("part", 3),
                                 "after": ("keep", 0)}
    assert result.refund_minor == 3_00 + 3 == 3_03
    week = {"en": "; charged for 7 days (2026-03-06 to 2026-03-12), 3 of them late because of "
                  "the error: ¥7.00 × 3 ÷ 7 = ¥3.00, rounded half up",
            "zh_CN": "；计费 7 天（2026-03-06 至 2026-03-12），其中 3 天是因错误造成的逾期："
                     "¥7.00 × 3 ÷ 7 = ¥3.00，四舍五入"}[lang]
    assert reason(result, "week", lang) == STORY[lang] + week
    after = {"en": "charged for 2026-03-10 to 2026-03-12, none of them among the days late "
                   "because of the error (2026-03-06 to 2026-03-08)",
             "zh_CN": "计费期间为 2026-03-10 至 2026-03-12，其中没有一天属于因错误造成的逾期天数"
                      "（2026-03-06 至 2026-03-08）"}[lang]
    assert reason(result, "after", lang) == after
    assert "rounded half up to the fen" in result.rounding.render("en")
    assert "四舍五入到分" in result.rounding.render("zh_CN")


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_a_payment_below_the_minimum_would_have_been_late_anyway(lang):
    lines = account(FEB, MAR, payment("p", "2026-03-04", 100_00, "2026-03-08"), LATE_CHARGE,
                    INTEREST, PENALTY)
    result = run(lines, facts("payment_not_credited"))
    # ¥100.00 < minimum ¥500.00: nothing is the error's.
    assert decisions(result) == {"lc": ("keep", 0), "int": ("keep", 0), "pen": ("keep", 0)}
    assert result.refund_minor == 0
    expected = {"en": "¥100.00 was paid toward the payment due by 2026-03-05, less than the "
                      "minimum payment of ¥500.00: the account would have been late anyway",
                "zh_CN": "就到期还款日为 2026-03-05 的还款支付了 ¥100.00，少于最低还款额 ¥500.00："
                         "账户本来就会逾期"}[lang]
    assert reason(result, "lc", lang) == expected


def test_the_minimum_but_not_the_full_balance_keeps_the_interest():
    lines = account(FEB, MAR, payment("p", "2026-03-04", 500_00, "2026-03-08"), LATE_CHARGE,
                    INTEREST, PENALTY)
    result = run(lines, facts("payment_not_credited"))
    # ¥500.00 = the minimum: not late, so the late charge and penalty go; but < ¥5,000.00, so
    # the interest-free period was lost anyway. 2500 + 375 = 2875.
    assert decisions(result) == {"lc": ("refund", 25_00), "int": ("keep", 0),
                                 "pen": ("refund", 3_75)}
    assert result.refund_minor == 28_75
    assert reason(result, "int", "en") == (
        "¥500.00 was paid toward the payment due by 2026-03-05: at least the minimum but less "
        "than the full balance of ¥5,000.00, so this interest would have been charged anyway")


def test_a_payment_made_after_the_due_date_leaves_every_charge_with_the_borrower():
    lines = account(FEB, MAR, payment("p", "2026-03-06", 5_000_00, "2026-03-08"), LATE_CHARGE,
                    INTEREST)
    result = run(lines, facts("payment_not_credited", due_on="2026-03-05", paid_on="2026-03-06"))
    assert result.refund_minor == 0
    assert reason(result, "lc", "en").endswith(
        "the payment was made after the due date 2026-03-05, so the account would have been late "
        "whatever the lender did")
    assert reason(result, "lc", "zh_CN").endswith("无论贷款人如何处理，账户都会逾期")


def test_a_payment_never_credited_keeps_the_window_open():
    later = charge("apr", "2026-04-13", "penalty_interest", 31_00,
                   period_from="2026-03-14", period_to="2026-04-13")
    lines = account(FEB, MAR, payment("p", "2026-03-04", 5_000_00), LATE_CHARGE, INTEREST,
                    PENALTY, later)
    result = run(lines, facts("payment_not_credited"))
    # Late from 03-06 with no end: every lateness charge after the due date is the error's.
    # 2500 + 11250 + 375 + 3100 = 17225.
    assert result.refund_minor == 172_25
    assert decisions(result)["apr"] == ("refund", 31_00)
    assert "from 2026-03-06, not yet put right" in rendered(result.facts, "en")
    assert reason(result, "lc", "zh_CN").startswith(
        "借款人于 2026-03-04 支付的还款（到期还款日 2026-03-05）至今未入账")


def test_a_charge_posted_after_the_statement_that_billed_the_late_days_stays():
    lines = account(FEB, MAR, LATE, LATE_CHARGE, charge("lc2", "2026-04-06", "late_charge", 25_00))
    result = run(lines, facts("payment_not_credited"))
    assert decisions(result) == {"lc": ("refund", 25_00), "lc2": ("keep", 0)}
    assert reason(result, "lc2", "en") == (
        "posted on 2026-04-06, after the statement of 2026-03-13 that billed the days late because "
        "of the error; taken to be for later days")


def test_without_a_due_line_the_interest_is_not_guessed():
    lines = account(LATE, LATE_CHARGE, INTEREST)
    result = run(lines, facts("payment_not_credited", due_on="2026-03-05"))
    assert decisions(result) == {"lc": ("refund", 25_00), "int": ("keep", 0)}
    assert "the full balance due is not known" in reason(result, "int", "en")
    assert "No due line for 2026-03-05" in rendered(result.facts, "en")
    assert result.cost.made is False  # no principal known
    assert "no principal is known" in rendered(result.cost.words, "en")


# --- payment_misapplied ---------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_a_misapplied_payment_put_right_later(lang):
    # Due 2026-03-05, minimum ¥500.00, full balance ¥2,000.00. The borrower paid ¥500.00 on 03-03;
    # the lender applied it to the wrong item and put it right on 03-10: late 03-06..03-10, 5 days.
    feb = due("d1", "2026-03-05", statement="2026-02-13", minimum=500_00, balance=2_000_00)
    lines = account(feb, MAR, payment("p", "2026-03-03", 500_00, "2026-03-03"),
                    charge("lc", "2026-03-06", "late_charge", 25_00),
                    # ¥7.00 for 03-06..03-12 (7 days), 5 late by the error: 700 × 5 / 7 = 500.
                    charge("pen", "2026-03-13", "penalty_interest", 7_00,
                           period_from="2026-03-06", period_to="2026-03-12"),
                    # ¥500.00 paid < ¥2,000.00: the interest-free period was lost anyway.
                    charge("int", "2026-03-13", "interest", 30_00))
    result = run(lines, facts("payment_misapplied", paid_on="2026-03-03",
                              credited_on="2026-03-10"))
    assert decisions(result) == {"lc": ("refund", 25_00), "pen": ("part", 5_00),
                                 "int": ("keep", 0)}
    assert result.refund_minor == 25_00 + 5_00 == 30_00
    expected = {
        "en": "the payment of 2026-03-03, due by 2026-03-05, was applied to the wrong account or "
              "item and was put right on 2026-03-10; charged for 7 days (2026-03-06 to "
              "2026-03-12), 5 of them late because of the error: ¥7.00 × 5 ÷ 7 = ¥5.00, rounded "
              "half up",
        "zh_CN": "借款人于 2026-03-03 支付的还款（到期还款日 2026-03-05）被记入错误的账户或项目，"
                 "于 2026-03-10 才纠正；计费 7 天（2026-03-06 至 2026-03-12），其中 5 天是因错误"
                 "造成的逾期：¥7.00 × 5 ÷ 7 = ¥5.00，四舍五入",
    }[lang]
    assert reason(result, "pen", lang) == expected


# --- autopay_failed -------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_a_failed_deduction_made_up_four_days_later(lang):
    # The deduction due on 2026-03-05 failed; the borrower paid ¥5,000.00 (the full balance) on
    # 03-09: late 03-06..03-09, 4 days. The over-limit fee is not a lateness charge.
    lines = account(FEB, MAR, ANNUAL, payment("p", "2026-03-09", 5_000_00, "2026-03-09"),
                    LATE_CHARGE, charge("over", "2026-03-07", "overlimit_fee", 50_00), INTEREST,
                    charge("pen", "2026-03-13", "penalty_interest", 5_00,
                           period_from="2026-03-06", period_to="2026-03-09"))
    result = run(lines, facts("autopay_failed", paid_on="2026-03-05"))
    assert decisions(result) == {"annual": ("keep", 0), "lc": ("refund", 25_00),
                                 "over": ("keep", 0), "int": ("refund", 112_50),
                                 "pen": ("refund", 5_00)}
    assert result.refund_minor == 25_00 + 112_50 + 5_00 == 142_50
    expected = {
        "en": "the automatic deduction of 2026-03-05 for the payment due by 2026-03-05 failed; "
              "the payment was made up and credited on 2026-03-09; it would not have been late",
        "zh_CN": "到期还款日为 2026-03-05 的还款应于 2026-03-05 自动扣款，扣款失败；该笔还款其后"
                 "补还，于 2026-03-09 入账；本不会逾期",
    }[lang]
    assert reason(result, "lc", lang) == expected
    over = {"en": "this over-limit fee is not charged for paying late, so this error did not "
                  "cause it (override the line if it did)",
            "zh_CN": "这笔超限费并非因逾期还款而收取，故不是此错误造成的（如确由此造成，请人工调整"
                     "该行）"}[lang]
    assert reason(result, "over", lang) == over


def test_a_deduction_set_after_the_due_date_was_late_anyway():
    lines = account(FEB, MAR, payment("p", "2026-03-09", 5_000_00, "2026-03-09"), LATE_CHARGE)
    result = run(lines, facts("autopay_failed", due_on="2026-03-05", paid_on="2026-03-06"))
    assert result.refund_minor == 0
    assert "the deduction was set for 2026-03-06, after the due date 2026-03-05" in reason(
        result, "lc", "en")


def test_a_failed_deduction_never_made_up_refunds_lateness_but_not_interest():
    lines = account(FEB, MAR, LATE_CHARGE, INTEREST,
                    charge("pen", "2026-03-13", "penalty_interest", 5_00,
                           period_from="2026-03-06", period_to="2026-03-09"))
    result = run(lines, facts("autopay_failed", due_on="2026-03-05"))
    # Nothing paid since: late from 03-06 on. What the deduction would have collected is not
    # known, so at least the minimum: 2500 + 500 = 3000; the interest stays.
    assert decisions(result) == {"lc": ("refund", 25_00), "int": ("keep", 0),
                                 "pen": ("refund", 5_00)}
    assert result.refund_minor == 30_00
    assert "no payment after the failed deduction" in reason(result, "int", "en")


# --- deferral_not_recorded ------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_a_deferral_not_recorded_refunds_lateness_but_interest_runs(lang):
    # Deferred from 2026-03-05 to 2026-03-20; paid in full on 03-18: the days 03-06..03-18 (13)
    # were not late. Interest runs during a deferral, so it stays.
    lines = account(FEB, MAR, payment("p", "2026-03-18", 5_000_00, "2026-03-18"), LATE_CHARGE,
                    INTEREST, charge("pen", "2026-03-20", "penalty_interest", 13_00,
                                     period_from="2026-03-06", period_to="2026-03-18"))
    result = run(lines, facts("deferral_not_recorded", promised_on="2026-03-20"))
    assert decisions(result) == {"lc": ("refund", 25_00), "int": ("keep", 0),
                                 "pen": ("refund", 13_00)}
    assert result.refund_minor == 25_00 + 13_00 == 38_00
    story = {"en": "the lender agreed to defer the payment due by 2026-03-05 to 2026-03-20 but did "
                   "not record it; the payment was credited on 2026-03-18",
             "zh_CN": "贷款人同意将到期还款日为 2026-03-05 的还款延期至 2026-03-20，但未登记；该还款"
                      "于 2026-03-18 入账"}[lang]
    assert reason(result, "lc", lang) == story + {"en": "; it was not due yet",
                                                  "zh_CN": "；该还款当时尚未到期"}[lang]
    assert reason(result, "int", lang) == story + {
        "en": "; interest still runs during a deferral, so it would have been charged anyway",
        "zh_CN": "；延期还款期间利息照常计收，因此这笔利息本来就会收取"}[lang]


def test_after_the_promised_date_the_days_are_the_borrowers():
    # Deferred to 03-20 but paid on 03-25. Penalty for 03-06..03-25 (20 days), 15 of them
    # (03-06..03-20) deferred: 2000 × 15 / 20 = 1500.
    lines = account(FEB, MAR, payment("p", "2026-03-25", 5_000_00, "2026-03-25"), LATE_CHARGE,
                    charge("pen", "2026-03-25", "penalty_interest", 20_00,
                           period_from="2026-03-06", period_to="2026-03-25"))
    result = run(lines, facts("deferral_not_recorded", promised_on="2026-03-20"))
    assert decisions(result) == {"lc": ("refund", 25_00), "pen": ("part", 15_00)}
    assert result.refund_minor == 40_00
    assert "after the promised date, so the days after 2026-03-20 are the borrower's" in reason(
        result, "pen", "en")


# --- wrong_agent_info -----------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_an_agent_gave_a_wrong_date(lang):
    # The agent said the payment due 2026-03-05 could be made by 03-10; the borrower paid the full
    # ¥5,000.00 on 03-09: late 03-06..03-09 (4 days), full balance paid by the date given.
    lines = account(FEB, MAR, ANNUAL, payment("p", "2026-03-09", 5_000_00, "2026-03-09"),
                    LATE_CHARGE, INTEREST,
                    charge("pen", "2026-03-13", "penalty_interest", 4_00,
                           period_from="2026-03-06", period_to="2026-03-09"))
    result = run(lines, facts("wrong_agent_info", promised_on="2026-03-10"))
    assert decisions(result) == {"annual": ("keep", 0), "lc": ("refund", 25_00),
                                 "int": ("refund", 112_50), "pen": ("refund", 4_00)}
    assert result.refund_minor == 25_00 + 112_50 + 4_00 == 141_50
    story = {"en": "an agent said the payment due by 2026-03-05 could be made by 2026-03-10; it was "
                   "credited on 2026-03-09; it would not have been late",
             "zh_CN": "客服称到期还款日为 2026-03-05 的还款可在 2026-03-10 前支付；该还款于 "
                      "2026-03-09 入账；本不会逾期"}[lang]
    assert reason(result, "lc", lang) == story
    paid = {"en": "¥5,000.00 was paid by 2026-03-10, the date the agent gave, toward the payment "
                  "due by 2026-03-05",
            "zh_CN": "在客服所说的日期 2026-03-10 当日或之前，就到期还款日为 2026-03-05 的还款支付了 "
                     "¥5,000.00"}[lang]
    assert paid in rendered(result.facts, lang)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_an_agent_gave_a_wrong_amount(lang):
    # Told ¥300.00 was due; paid that on 03-04 and the rest, ¥4,700.00, on 03-12 once the
    # statement showed the truth: ¥5,000.00 in all, the full balance. Late 03-06..03-12 (7 days).
    lines = account(FEB, MAR, payment("told", "2026-03-04", 300_00, "2026-03-04"),
                    payment("rest", "2026-03-12", 4_700_00, "2026-03-12"), LATE_CHARGE, INTEREST,
                    charge("pen", "2026-03-13", "penalty_interest", 7_00,
                           period_from="2026-03-06", period_to="2026-03-12"))
    result = run(lines, facts("wrong_agent_info", paid_on="2026-03-04"))
    assert decisions(result) == {"lc": ("refund", 25_00), "int": ("refund", 112_50),
                                 "pen": ("refund", 7_00)}
    assert result.refund_minor == 25_00 + 112_50 + 7_00 == 144_50
    story = {"en": "an agent gave a wrong amount for the payment due by 2026-03-05: ¥300.00 was "
                   "paid by then as told, and the rest was credited on 2026-03-12",
             "zh_CN": "客服就到期还款日为 2026-03-05 的还款告知了错误金额：借款人按其所说于到期前支付"
                      "了 ¥300.00，其余款项于 2026-03-12 入账"}[lang]
    assert reason(result, "lc", lang).startswith(story)


def test_a_wrong_amount_that_still_covered_the_balance_cost_nothing():
    lines = account(FEB, MAR, payment("p", "2026-03-04", 5_000_00, "2026-03-04"), LATE_CHARGE)
    result = run(lines, facts("wrong_agent_info", paid_on="2026-03-04"))
    assert result.refund_minor == 0
    assert reason(result, "lc", "en").endswith("so the wrong amount cost nothing")


# --- fee_in_error ---------------------------------------------------------------------------

FEE_CASE = account(
    charge("af", "2026-03-13", "annual_fee", 300_00),          # the card has no annual fee
    charge("inst", "2026-03-13", "instalment_fee", 20_00),     # a plan the borrower chose
    charge("int_af", "2026-04-13", "interest", 4_50, on_ref="af"),
    charge("comp", "2026-05-13", "compound_interest", 5, on_ref="int_af"),
    charge("lc", "2026-04-06", "late_charge", 25_00),
)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_a_fee_charged_in_error_takes_its_interest_with_it(lang):
    result = run(FEE_CASE, facts("fee_in_error",
                                 charged=(ChargeMatch(charged_on="2026-03-13",
                                                      kind="annual_fee"),)))
    # The fee, the interest on it and the compound interest on that interest:
    # 30000 + 450 + 5 = 30455.
    assert decisions(result) == {"af": ("refund", 300_00), "inst": ("keep", 0),
                                 "int_af": ("refund", 4_50), "comp": ("refund", 5),
                                 "lc": ("keep", 0)}
    assert result.refund_minor == 304_55
    expected = {"en": "interest on the annual fee of 2026-03-13 (line af), which is refunded: "
                      "refunded with it",
                "zh_CN": "对 2026-03-13 的年费（第 af 行）计收的利息，该费用予以退还：随之一并退还"}
    assert reason(result, "int_af", lang) == expected[lang]
    named = {"en": "named as charged in error: the lender should not have charged it",
             "zh_CN": "被指为错误收取：贷款人本不应收取"}[lang]
    assert reason(result, "af", lang) == named
    listed = {"en": "Charges named as made in error: annual fee of 2026-03-13.",
              "zh_CN": "被指为错误收取的费用：2026-03-13 的年费。"}[lang]
    assert listed in rendered(result.facts, lang)


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_a_part_override_carries_through_to_the_interest_on_it(lang):
    waive_half = Override(ref="af", decision="part", refund_minor=150_00,
                          reason="the lender waived half at mediation")
    result = run(FEE_CASE, facts("fee_in_error", charged=(ChargeMatch(charged_on="2026-03-13",
                                                                      kind="annual_fee"),)),
                 overrides=[waive_half])
    # af: ¥150.00 of ¥300.00. int_af: 450 × 15000 / 30000 = 225. comp: 5 × 225 / 450 = 2.5
    # → 3 half up. 15000 + 225 + 3 = 15228.
    assert decisions(result) == {"af": ("part", 150_00), "inst": ("keep", 0),
                                 "int_af": ("part", 2_25), "comp": ("part", 3),
                                 "lc": ("keep", 0)}
    assert result.refund_minor == 152_28
    expected = {
        "en": "interest on the interest of 2026-04-13 (line int_af), which is refunded in part: "
              "refunded in the same proportion, ¥0.05 × ¥2.25 ÷ ¥4.50 = ¥0.03, rounded half up",
        "zh_CN": "对 2026-04-13 的利息（第 int_af 行）计收的利息，该费用部分退还：按同一比例退还，"
                 "¥0.05 × ¥2.25 ÷ ¥4.50 = ¥0.03，四舍五入",
    }[lang]
    assert reason(result, "comp", lang) == expected
    af = next(r for r in result.lines if r.charge.ref == "af")
    assert af.override == waive_half
    assert (af.rule_decision.value, af.rule_refund_minor) == ("refund", 300_00)


def test_naming_a_date_without_a_kind_takes_every_charge_of_that_day():
    result = run(FEE_CASE, facts("fee_in_error",
                                 charged=(ChargeMatch(charged_on="2026-03-13"),)))
    # 30000 + 2000 + 450 + 5 = 32455
    assert result.refund_minor == 324_55


def _render(exc: UserError, lang: str = "en") -> str:
    return exc.render(translator(lang))


# --- overrides ------------------------------------------------------------------------------

def test_an_override_replaces_the_decision_and_both_are_shown():
    keep = Override(ref="lc", decision="keep", reason="the borrower agreed to pay it")
    waive = Override(ref="annual", decision="refund", reason="the lender promised to waive it")
    result = run(ISSUE_CASE, facts("payment_not_credited"), overrides=[keep, waive])
    # 14125 − 2500 (late charge kept) + 30000 (annual fee refunded) = 41625
    assert result.refund_minor == 416_25
    lc = next(r for r in result.lines if r.charge.ref == "lc")
    assert (lc.decision.value, lc.refund_minor) == ("keep", 0)
    assert (lc.rule_decision.value, lc.rule_refund_minor) == ("refund", 25_00)
    assert lc.reason.render("en") == "overridden: the borrower agreed to pay it"
    assert lc.reason.render("zh_CN") == "人工调整：the borrower agreed to pay it"
    assert reason(result, "annual", "en") == "overridden: the lender promised to waive it"


@pytest.mark.parametrize("overrides,message", [
    ([Override(ref="nope", decision="keep", reason="x")], "No charge nope to override."),
    ([Override(ref="lc", decision="part", refund_minor=25_00, reason="x")],
     "A part refund of line lc must be more than nothing and less than its amount, 25.00 CNY."),
    ([Override(ref="lc", decision="keep", reason="x"),
      Override(ref="lc", decision="refund", reason="y")], "Line lc is overridden twice."),
])
def test_overrides_that_cannot_apply_are_refused(overrides, message):
    with pytest.raises(ClaimRefused) as refused:
        run(ISSUE_CASE, facts("payment_not_credited"), overrides=overrides)
    assert _render(refused.value) == message


# --- what cannot be calculated --------------------------------------------------------------

def test_mixed_currencies_are_refused():
    with pytest.raises(ClaimRefused) as refused:
        account(FEB, LATE_CHARGE, payment("usd", "2026-03-04", 100_00, currency="USD"))
    assert _render(refused.value) == ("All lines must be in one currency: line usd is in USD, "
                                      "line lc in CNY.")
    assert "所有行须使用同一币种" in _render(refused.value, "zh_CN")


def test_no_charges_gives_a_clear_message():
    with pytest.raises(ClaimRefused) as refused:
        run(account(), facts("payment_not_credited"))
    assert _render(refused.value) == ("There are no charges to decide on: give at least one "
                                      "charge line (line = charge).")


@pytest.mark.parametrize("category", ["wrong_credit_report", "collection_in_error",
                                      "account_changed", "other"])
def test_categories_without_a_money_effect_are_refused(category):
    with pytest.raises(ClaimRefused) as refused:
        run(ISSUE_CASE, facts(category))
    assert _render(refused.value).startswith(f"The category {category} has no money effect")


@pytest.mark.parametrize("category,given,message", [
    ("payment_not_credited", {"promised_on": "2026-03-20"},
     "the promised date (--promised) does not apply to payment_not_credited."),
    ("deferral_not_recorded", {}, "Give the date the payment was deferred to (--promised)."),
    ("deferral_not_recorded", {"promised_on": "2026-03-05", "due_on": "2026-03-05"},
     "The promised date 2026-03-05 must be after the due date 2026-03-05."),
    ("wrong_agent_info", {"promised_on": "2026-03-10", "paid_on": "2026-03-04"},
     "For wrong_agent_info give either the date the agent gave (--promised) or the payment made "
     "as the agent said (--paid), not both."),
    ("payment_not_credited", {"paid_on": "2026-03-01"}, "No payment made on 2026-03-01 in the "
                                                        "lines."),
    ("fee_in_error", {}, "Name the charges made in error (--charged DATE or DATE:KIND)."),
    ("autopay_failed", {}, "Give the due date concerned (--due): the lines have 2 due dates."),
])
def test_missing_or_contradictory_facts_are_refused(category, given, message):
    with pytest.raises(ClaimRefused) as refused:
        run(ISSUE_CASE, facts(category, **given))
    assert _render(refused.value) == message


def test_a_charge_named_in_error_that_is_not_in_the_lines_is_refused():
    with pytest.raises(ClaimRefused) as refused:
        run(FEE_CASE, facts("fee_in_error", charged=(ChargeMatch(charged_on="2026-03-14"),)))
    assert _render(refused.value) == "No charge on 2026-03-14 in the lines."
