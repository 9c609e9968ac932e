"""`python -m dispute claim LINES.csv …` as a user runs it: a real process, a CSV and no
database (the data directory it is pointed at is never created)."""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import REPO

# The case (see test_claim_calculator): paid ¥5,000.00 on 2026-03-04, due 03-05,
# credited 03-08. Refund 25.00 + 112.50 + 3.75 = 141.25; the annual fee of 01-20 stays.
LINES = """日期,行,类型,金额,入账日期,最低还款额,账单日,计息起日,计息止日,说明
2026-01-20,费用,年费,300.00,,,,,,annual fee
2026-03-05,账单,,"5,000.00",,500.00,2026-02-13,,,February statement
2026-03-04,还款,,5000.00,2026-03-08,,,,,mobile banking
2026-03-06,费用,违约金,25.00,,,,,,
2026-03-13,费用,利息,112.50,,,2026-03-13,,,
2026-03-13,费用,罚息,3.75,,,2026-03-13,2026-03-06,2026-03-08,
2026-04-02,账单,,141.25,,15.00,2026-03-13,,,March statement
"""


@pytest.fixture
def lines(tmp_path):
    path = tmp_path / "lines.csv"
    path.write_text(LINES, encoding="utf-8-sig")
    return path


def claim(tmp_path, *args: str):
    data = tmp_path / "no-data-here"
    done = subprocess.run([sys.executable, "-m", "dispute", "claim", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "DISPUTE_DATA_DIR": str(data), "LANG": "C"})
    assert not data.exists(), "the claim command must not touch a data directory"
    return done


def test_the_working_then_the_total_on_its_own_line(tmp_path, lines):
    done = claim(tmp_path, str(lines), "--category", "payment_not_credited", "--due",
                 "2026-03-05", "--paid", "2026-03-04", "--credited", "2026-03-08", "--lang", "en")
    assert done.returncode == 0, done.stderr
    out = done.stdout.splitlines()
    assert out[-1] == "Total to refund: ¥141.25"
    assert out[0] == "Error: Payment not credited or credited late."
    assert ("    the payment of 2026-03-04 was due by 2026-03-05 and was credited on 2026-03-08; "
            "it would not have been late") in out
    assert any("= 44.74% a year" in line for line in out)
    assert done.stderr == ""


def test_the_working_in_chinese(tmp_path, lines):
    done = claim(tmp_path, str(lines), "--category", "payment_not_credited", "--lang", "zh_CN")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "应退还合计：¥141.25"
    assert "第 5 行：2026-03-06 的违约金 ¥25.00：退还，¥25.00。" in done.stdout


def test_json_is_one_object_with_the_refund_in_minor_units(tmp_path, lines):
    done = claim(tmp_path, str(lines), "--category", "payment_not_credited", "--json",
                 "--override", "2=refund:the lender promised to waive the annual fee")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    # 14125 + 30000 (the annual fee, by the override) = 44125
    assert (data["refund_minor"], data["currency"]) == (441_25, "CNY")
    assert [(x["ref"], x["decision"], x["refund_minor"]) for x in data["lines"]] == [
        ("2", "refund", 300_00), ("5", "refund", 25_00), ("6", "refund", 112_50),
        ("7", "refund", 3_75)]
    assert data["lines"][0]["reason"] == "the lender promised to waive the annual fee"
    assert data["lines"][0]["override"]["calculated_decision"] == "keep"
    assert all(x["reason"] for x in data["lines"])


def test_a_bad_row_is_refused_on_stderr_with_its_line_number(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("line,date,kind,amount\ncharge,2026-03-06,late_charge,25.00\n"
                   "charge,2026-03-07,late_charge,1.001\n", encoding="utf-8")
    done = claim(tmp_path, str(bad), "--category", "fee_in_error", "--charged", "2026-03-06",
                 "--lang", "en")
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.splitlines() == [
        f"{bad}: The file was not imported; nothing was taken from it.",
        "line 3, amount: “1.001” has more decimal places than CNY has."]


@pytest.mark.parametrize("args,message", [
    (["--category", "wrong_credit_report"], "has no money effect the calculator can decide"),
    (["--category", "payment_not_credited", "--due", "5/3/2026"],
     "--due 5/3/2026: enter a date as YYYY-MM-DD."),
    (["--category", "deferral_not_recorded"], "Give the date the payment was deferred to"),
    (["--category", "payment_not_credited", "--override", "5=maybe:x"],
     "--override 5=maybe:x: write REF=refund:REASON"),
])
def test_errors_go_to_stderr_with_a_non_zero_status(tmp_path, lines, args, message):
    done = claim(tmp_path, str(lines), *args, "--lang", "en")
    assert (done.returncode, done.stdout) == (1, "")
    assert message in done.stderr


def test_a_missing_file_is_an_error(tmp_path):
    done = claim(tmp_path, str(tmp_path / "nope.csv"), "--category", "fee_in_error")
    assert done.returncode == 1 and "cannot read the file" in done.stderr
