"""Importing account lines from CSV: English or Chinese headers, exact amounts, all or nothing."""

import pytest
from hypothesis import given, settings, strategies as st

from dispute.claim import CsvRefused, decode, parse_csv
from dispute.i18n import translator
from tests.claim_support import charge, d, due, payment

ENGLISH = """line,date,kind,amount,currency,credited_on,minimum,statement,period_from,period_to,on,ref,description
due,2026-03-05,,"5,000.00",CNY,,500.00,2026-02-13,,,,,February statement
payment,2026-03-04,,5000.00,,2026-03-08,,,,,,,mobile banking
charge,2026-03-06,late_charge,25.00,,,,,,,,lc,违约金
charge,2026-03-13,penalty_interest,0.29,,,,2026-03-13,2026-03-06,2026-03-08,,,
charge,2026-04-13,compound_interest,0.1,,,,,,,lc,,"interest on the
late charge"
"""

CHINESE = """行,日期,类型,金额,币种,入账日期,最低还款额,账单日,计息起日,计息止日,计息对象,编号,说明
账单,2026-03-05,,"5,000.00",人民币,,500.00,2026-02-13,,,,,February statement
还款,2026/03/04,,5000.00,,2026年3月8日,,,,,,,mobile banking
费用,2026-03-06,违约金,25.00,,,,,,,,lc,违约金
费用,2026-03-13,罚息,0.29,,,,2026.03.13,2026-03-06,2026-03-08,,,
费用,2026-04-13,复利,0.1,,,,,,,lc,,"interest on the
late charge"
"""


def expected():
    return (
        (charge("lc", "2026-03-06", "late_charge", 25_00, description="违约金", source_line=4),
         # 0.29 as a float is 0.28999…; read as a decimal it is exactly 29 fen.
         charge("5", "2026-03-13", "penalty_interest", 29, statement_on="2026-03-13",
                period_from="2026-03-06", period_to="2026-03-08", source_line=5),
         charge("6", "2026-04-13", "compound_interest", 10, on_ref="lc",
                description="interest on the\nlate charge", source_line=6)),
        (payment("3", "2026-03-04", 5_000_00, "2026-03-08", description="mobile banking",
                 source_line=3),),
        (due("2", "2026-03-05", statement="2026-02-13", minimum=500_00, balance=5_000_00,
             description="February statement", source_line=2),),
    )


def test_english_headers():
    lines = parse_csv(ENGLISH)
    assert (lines.charges, lines.payments, lines.dues) == expected()
    assert lines.currency == "CNY"


def test_chinese_headers_and_values_give_the_same_lines():
    lines = parse_csv(CHINESE)
    assert (lines.charges, lines.payments, lines.dues) == expected()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_the_bytes_excel_saves_are_decoded(encoding):
    lines = parse_csv(decode(CHINESE.encode(encoding)))
    assert (lines.charges, lines.payments, lines.dues) == expected()


def test_only_the_columns_needed_and_a_lower_case_currency():
    lines = parse_csv("Date , LINE,Amount,Kind,currency\n2026-03-06,charge,50.00,annual_fee,usd\n")
    assert lines.charges == (charge("2", "2026-03-06", "annual_fee", 50_00, currency="USD",
                                    source_line=2),)


def _problems(text: str, lang: str = "en") -> list[str]:
    with pytest.raises(CsvRefused) as refused:
        parse_csv(text)
    _ = translator(lang)
    return refused.value.render(_).splitlines()


def test_bad_rows_are_refused_with_their_line_numbers_and_nothing_is_imported():
    text = ("line,date,kind,amount\n"
            "charge,2026-03-06,late_charge,25.00\n"
            "charge,2026-03-07,late_charge,12.345\n"      # line 3: a tenth of a fen
            "charge,2026-02-30,interest,1.00\n"            # line 4: no such day
            "payment,2026-03-04,,-5000.00\n"               # line 5: negative
            "charge,2026-03-13,fine,1.00\n"                # line 6: unknown kind
            "refund,2026-03-13,,1.00\n"                    # line 7: unknown line kind
            "charge,2026-03-13,interest,1.0O\n"            # line 8: a letter O
            "charge,2026-03-13,interest,\n"                # line 9: no amount
            "payment,2026-03-04,interest,50.00\n")         # line 10: a payment has no kind
    assert _problems(text) == [
        "The file was not imported; nothing was taken from it.",
        "line 3, amount: “12.345” has more decimal places than CNY has.",
        "line 4, date: “2026-02-30” is not a date such as 2026-03-05.",
        "line 5, amount: “-5000.00” is negative: give charges and payments as positive amounts, "
        "and leave out what the lender has already reversed.",
        "line 6, kind: “fine” is not known here. Write one of: interest, penalty_interest, "
        "compound_interest, late_charge, overlimit_fee, instalment_fee, annual_fee, other_fee.",
        "line 7, line: “refund” is not known here. Write charge, payment or due (费用, 还款, 账单).",
        "line 8, amount: “1.0O” is not an amount such as 50.00.",
        "line 9, amount: This field is required.",
        "line 10, kind: A payment line has no kind.",
    ]


def test_problems_are_told_in_chinese():
    problems = _problems("行,日期,类型,金额\n费用,2026-03-07,违约金,12.345\n", "zh_CN")
    assert problems == ["文件未导入，其中任何一行都未被采用。",
                        "第 2 行“金额”列：“12.345”的小数位数超过了 CNY 的最小单位。"]


def test_a_second_currency_is_refused_at_its_line():
    text = ("line,date,kind,amount,currency\n"
            "charge,2026-03-06,late_charge,25.00,CNY\n"
            "\n"
            "payment,2026-03-04,,100.00,USD\n")
    assert _problems(text)[1:] == [
        "line 4, currency: USD differs from line 2's CNY: one calculation is in one currency."]


def test_line_numbers_count_lines_inside_quoted_cells():
    text = ('line,date,kind,amount,description\n'
            'charge,2026-03-06,late_charge,25.00,"two\nlines"\n'
            'charge,2026-03-07,late_charge,x,\n')
    assert _problems(text)[1:] == ["line 4, amount: “x” is not an amount such as 50.00."]


@pytest.mark.parametrize("text,problem", [
    ("", "line 1: The file is empty: it needs a header row and at least one line."),
    ("line,date,kind,amount\n", "line 1: The file has a header row but no lines."),
    ("line,date,kind,amount,colour\ncharge,2026-03-06,late_charge,1.00,red\n",
     "line 1: Unknown column “colour”; the columns are: line, date, kind, amount, currency, "
     "credited_on, minimum, statement, period_from, period_to, on, ref, description."),
    ("line,kind,amount\ncharge,late_charge,1.00\n", "line 1: The header has no “date” column."),
    ("line,date,日期\ncharge,2026-03-06,2026-03-06\n", "line 1: Column “日期” is given twice."),
    ("line,date,kind,amount,ref\ncharge,2026-03-06,late_charge,1.00,a\n"
     "charge,2026-03-07,late_charge,1.00,a\n", "line 3, ref: Ref a is already used by line 2."),
    ("line,date,kind,amount,on\ncharge,2026-03-06,interest,1.00,9\n",
     "line 2, on: No other charge has the ref 9."),
    ("line,date,kind,amount,period_from\ncharge,2026-03-06,interest,1.00,2026-03-01\n",
     "line 2, period_to: Give both period_from and period_to, the first not after the second."),
    ("line,date,kind,amount\ncharge,2026-03-06,late_charge,0.00\n",
     "line 2, amount: The amount must be more than 0."),
    ("line,date\ncharge,2026-03-06,extra\n",
     "line 2: This row has more cells than the header has columns."),
])
def test_each_kind_of_bad_file_says_what_is_wrong(text, problem):
    assert _problems(text)[1:] == [problem]


def test_a_binary_file_is_not_read_as_text():
    with pytest.raises(CsvRefused) as refused:
        decode(b"%PDF-1.7\x00\x01")
    assert "not a text (CSV) file" in refused.value.render(lambda s: s)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(min_value=1, max_value=10**12),
                          st.dates(min_value=d("2000-01-01"), max_value=d("2099-12-31")),
                          st.sampled_from(["interest", "罚息", "违约金", "annual_fee"])),
                min_size=1, max_size=20))
def test_any_amount_written_with_two_decimals_reads_back_exactly(rows):
    text = "line,date,kind,amount\n" + "".join(
        f"charge,{day.isoformat()},{kind},\"{minor // 100:,}.{minor % 100:02d}\"\n"
        for minor, day, kind in rows)
    lines = parse_csv(text)
    assert [c.amount_minor for c in lines.charges] == [minor for minor, _, _ in rows]
    assert [c.charged_on for c in lines.charges] == [day for _, day, _ in rows]
