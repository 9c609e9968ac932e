"""`python -m dispute due RULEBOOK RULE START_DATE`: the due date alone on the first line."""

import pytest

from dispute.cli import main


@pytest.mark.parametrize("args,due", [
    (["us-reg-x", "respond", "2026-11-20"], "2027-01-06"),      # see test_deadlines_engine
    (["us-reg-x", "acknowledge", "2026-11-20"], "2026-11-30"),
    (["cn-banking", "decision", "2026-09-22"], "2026-10-08"),
    (["us-fcra", "reinvestigate", "2026-11-02"], "2026-12-01"),
])
def test_due_prints_the_date_first_then_how_it_was_counted(capsys, args, due):
    assert main(["due", *args]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == due
    assert any(line.startswith("source: ") for line in out[1:])
    assert len(out) >= 4


def test_due_names_the_holidays_it_skipped(capsys):
    main(["due", "us-reg-x", "respond", "2026-11-20"])
    assert "2026-11-26 Thanksgiving Day" in capsys.readouterr().out


def test_due_flags_a_year_without_a_published_schedule(capsys):
    assert main(["due", "cn-banking", "decision", "2026-12-25"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "2027-01-11"
    assert "Counted in 2027 with the statutory holidays and weekends only" in out
    assert "may change" in out


def test_due_skips_a_statutory_holiday_of_an_unpublished_year(capsys):
    # Issue 18: day 15 from Thu 17 Dec 2026 is Fri 1 Jan 2027, New Year's Day, fixed by law
    # though the 2027 schedule is not published; Sat 2 and Sun 3 follow: Mon 4 Jan.
    assert main(["due", "cn-banking", "decision", "2026-12-17"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "2027-01-04"
    assert ("2027-01-01 is not a working day (New Year's Day); the period ends on the next "
            "working day, 2027-01-04.") in out
    assert any(line.startswith("Counted in 2027 with the statutory holidays") for line in out)


@pytest.mark.parametrize("args,message", [
    (["nope", "respond", "2026-11-20"], "No rulebook nope"),
    (["us-reg-x", "decision", "2026-11-20"], "has no rule decision"),
    (["us-reg-x", "respond", "20-11-2026"], "20-11-2026"),
])
def test_due_errors_go_to_stderr_with_a_non_zero_status(capsys, args, message):
    assert main(["due", *args]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and message in captured.err
