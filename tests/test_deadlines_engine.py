"""The deadline engine, with cases counted by hand (the counting is in the comments)."""

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings, strategies as st

from dispute import event_kinds as ek
from dispute.deadlines.calendar import calendar_for
from dispute.deadlines.engine import (Occurrence, Status, compute_deadlines, count_period,
                                      due_from, nearest_lender_deadline)
from dispute.deadlines.rulebook import DayOne, LastDay, Party, Unit, load_rulebook

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
CN, US = calendar_for("CN"), calendar_for("US")


def at(day: str, hour: int = 10, tz: ZoneInfo = SHANGHAI) -> datetime:
    """A local office-hours moment as the aware UTC time events carry."""
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=tz).astimezone(timezone.utc)


def filed(day: str, tz: ZoneInfo = SHANGHAI) -> Occurrence:
    return Occurrence(ek.DISPUTE_FILED, at(day, tz=tz), {"number": "DSP-2026-000001"})


def facts(**overrides):
    return {"filed_on": None, "discovered_on": date(2026, 9, 10),
            "error_category": "autopay_failed", "product": "credit_card", **overrides}


def run(book: str, events, now: str, tz: ZoneInfo = SHANGHAI, **fact_overrides):
    rulebook = load_rulebook(book)
    found = compute_deadlines(facts(**fact_overrides), events, rulebook,
                              calendar_for(rulebook.jurisdiction), at(now, 12, tz), tz)
    return {d.rule: d for d in found}


# --- Counting, table-driven ------------------------------------------------------------------

CASES = [
    # 15 calendar days across National Day 2026 (民法典 art. 201, 203). Filed Tue 22 Sep: day 1 is
    # 23 Sep, day 15 is Wed 7 Oct, a day off (the holiday runs 1–7 Oct); next working day Thu 8.
    ("cn 15 days over National Day", date(2026, 9, 22), 15, Unit.CALENDAR_DAYS, CN,
     DayOne.NEXT_DAY, LastDay.NEXT_WORKING_DAY, date(2026, 10, 8)),
    # Filed on Mid-Autumn, Fri 25 Sep: day 1 is 26 Sep, day 15 is Sat 10 Oct — a make-up working
    # day (调休上班), so the period ends there and does not move.
    ("cn last day on a make-up Saturday", date(2026, 9, 25), 15, Unit.CALENDAR_DAYS, CN,
     DayOne.NEXT_DAY, LastDay.NEXT_WORKING_DAY, date(2026, 10, 10)),
    # 10 business days across the 2026 Spring Festival. From Tue 10 Feb: 11 (1), 12 (2), 13 (3),
    # Sat 14 make-up (4); 15 Sun, 16–20 holiday, 21–22 weekend, Mon 23 holiday; 24 (5), 25 (6),
    # 26 (7), 27 (8), Sat 28 make-up (9); 1 Mar Sun; Mon 2 Mar (10).
    ("cn business days over Spring Festival", date(2026, 2, 10), 10, Unit.BUSINESS_DAYS, CN,
     DayOne.NEXT_DAY, LastDay.AS_COUNTED, date(2026, 3, 2)),
    # Reg X acknowledgment, 5 business days from Fri 20 Nov 2026: Mon 23 (1), 24 (2), 25 (3),
    # Thu 26 Thanksgiving, Fri 27 (4), Mon 30 (5).
    ("reg x acknowledge over Thanksgiving", date(2026, 11, 20), 5, Unit.BUSINESS_DAYS, US,
     DayOne.NEXT_DAY, LastDay.AS_COUNTED, date(2026, 11, 30)),
    # Reg X response, 30 business days from Fri 20 Nov: Nov 23–25, 27, 30 (5); Dec 1–4 (9),
    # 7–11 (14), 14–18 (19), 21–24 (23), Fri 25 Christmas, 28–31 (27); Fri 1 Jan New Year;
    # Jan 4 (28), 5 (29), Wed 6 Jan 2027 (30).
    ("reg x respond over Thanksgiving and Christmas", date(2026, 11, 20), 30,
     Unit.BUSINESS_DAYS, US, DayOne.NEXT_DAY, LastDay.AS_COUNTED, date(2027, 1, 6)),
    # Reg X acknowledgment from Fri 18 Dec: 21 (1), 22 (2), 23 (3), 24 (4), 25 Christmas, Mon 28 (5).
    ("reg x acknowledge over Christmas", date(2026, 12, 18), 5, Unit.BUSINESS_DAYS, US,
     DayOne.NEXT_DAY, LastDay.AS_COUNTED, date(2026, 12, 28)),
    # FCRA: the 30-day period begins on the day of receipt: 2 Nov is day 1, 1 Dec is day 30,
    # and no rule moves it.
    ("fcra day of receipt is day one", date(2026, 11, 2), 30, Unit.CALENDAR_DAYS, US,
     DayOne.SAME_DAY, LastDay.AS_COUNTED, date(2026, 12, 1)),
    # Reg Z: 30 calendar days from Fri 20 Nov end on Sun 20 Dec; Reg Z moves nothing.
    ("reg z ends on a Sunday", date(2026, 11, 20), 30, Unit.CALENDAR_DAYS, US,
     DayOne.NEXT_DAY, LastDay.AS_COUNTED, date(2026, 12, 20)),
    # 3 years from 10 Sep 2026: the corresponding day, Mon 10 Sep 2029 (art. 202).
    ("cn three years", date(2026, 9, 10), 3, Unit.YEARS, CN, DayOne.NEXT_DAY,
     LastDay.NEXT_WORKING_DAY, date(2029, 9, 10)),
    # One month from 31 Jan 2026 has no 31 Feb: the month's last day, Sat 28 Feb 2026 — a make-up
    # working day, so it stands.
    ("cn month without a corresponding day", date(2026, 1, 31), 1, Unit.MONTHS, CN,
     DayOne.NEXT_DAY, LastDay.NEXT_WORKING_DAY, date(2026, 2, 28)),
]


@pytest.mark.parametrize("name,start,length,unit,cal,day_one,last_day,expected", CASES,
                         ids=[c[0] for c in CASES])
def test_counting_by_hand(name, start, length, unit, cal, day_one, last_day, expected):
    count = count_period(start, length, unit, cal, day_one=day_one, last_day=last_day)
    assert count.due_by == expected
    assert count.uncovered_years == (() if cal.covers(expected.year) else (expected.year,))


def test_explanation_names_the_holidays_and_make_up_days():
    count = count_period(date(2026, 2, 10), 10, Unit.BUSINESS_DAYS, CN)
    text = "\n".join(p.render() for p in count.explanation)
    assert "2026-02-17 Chinese New Year" in text
    assert "Make-up working days counted: 2026-02-14, 2026-02-28." in text


def test_a_count_into_an_unpublished_chinese_year_uses_weekends_and_says_so():
    # The library holds State Council schedules through 2026 only (2027 is not covered).
    assert CN.covers(2026) and not CN.covers(2027)
    # 15 business days from Sun 20 Dec 2026: Dec 21–25 (5), 28–31 (9); 2027 by its statutory
    # holidays and weekends: Fri 1 Jan New Year's Day is not counted, 2–3 Jan weekend, 4–8 Jan
    # (14), 9–10 weekend, Mon 11 Jan (15).
    count = count_period(date(2026, 12, 20), 15, Unit.BUSINESS_DAYS, CN)
    assert count.due_by == date(2027, 1, 11)
    assert count.uncovered_years == (2027,)
    assert "Holidays not counted: 2027-01-01 New Year's Day." in explained(count)


def test_a_deadline_into_an_unpublished_year_carries_a_calendar_note():
    # cn decision filed Fri 25 Dec 2026: day 15 is Sat 9 Jan 2027, a weekend (weekends only in
    # 2027), so Mon 11 Jan; the note says why the date may change.
    d = run("cn-banking", [filed("2026-12-25")], now="2026-12-28")["decision"]
    assert d.due_by == date(2027, 1, 11)
    assert d.uncovered_years == (2027,)
    assert "2027" in d.calendar_note.render() and "not published" in d.calendar_note.render()


# --- A year without a published schedule: the statutory holidays and weekends --------------
# 2027 (see `cal 2027`) under 全国年节及纪念日放假办法 as amended from 2025: 元旦 Fri 1 Jan;
# 春节 4 days from 除夕: Fri 5 Feb (除夕), Sat 6 (正月初一), Sun 7, Mon 8 Feb; 清明 Mon 5 Apr;
# 劳动节 Sat 1 – Sun 2 May; 端午 (5th of the 5th lunar month) Wed 9 Jun; 中秋 (15th of the 8th)
# Wed 15 Sep; 国庆 Fri 1 – Sun 3 Oct. No make-up working days are known.

STATUTORY_2027 = [date(2027, 1, 1), date(2027, 2, 5), date(2027, 2, 6), date(2027, 2, 7),
                  date(2027, 2, 8), date(2027, 4, 5), date(2027, 5, 1), date(2027, 5, 2),
                  date(2027, 6, 9), date(2027, 9, 15), date(2027, 10, 1), date(2027, 10, 2),
                  date(2027, 10, 3)]
NOTE_2027 = ("Counted in 2027 with the statutory holidays and weekends only: the official holiday "
             "schedule for that year (extra days off, make-up working days) is not published "
             "yet, so this date may change.")


def explained(found) -> str:
    return "\n".join(p.render() for p in found.explanation)


def days_of(year: int):
    day = date(year, 1, 1)
    while day.year == year:
        yield day
        day += timedelta(days=1)


def test_the_statutory_days_of_an_unpublished_year_are_the_laws_thirteen():
    named = [d for d in days_of(2027) if CN.holiday_name(d)]
    assert named == STATUTORY_2027
    weekdays_off = [d for d in days_of(2027) if d.weekday() < 5 and not CN.is_working_day(d)]
    assert weekdays_off == [date(2027, 1, 1), date(2027, 2, 5), date(2027, 2, 8),
                            date(2027, 4, 5), date(2027, 6, 9), date(2027, 9, 15),
                            date(2027, 10, 1)]
    # No make-up working day is known yet, and the library's guesses (observed=True: Tue 9 and
    # Wed 10 Feb, Mon 3 and Tue 4 May, Mon 4 and Tue 5 Oct) are not law: they are working days.
    assert not any(CN.is_working_day(d) for d in days_of(2027) if d.weekday() >= 5)
    for guess in ("2027-02-09", "2027-02-10", "2027-05-03", "2027-05-04", "2027-10-04",
                  "2027-10-05"):
        assert CN.is_working_day(date.fromisoformat(guess)), guess


def test_a_fixed_date_holiday_new_years_day_2027():
    # Filed Thu 17 Dec 2026: day 1 is Fri 18 Dec, day 15 is Fri 1 Jan 2027, New Year's Day;
    # Sat 2 and Sun 3 are the weekend, so the period ends Mon 4 Jan (民法典 art. 203).
    d = run("cn-banking", [filed("2026-12-17")], now="2026-12-18")["decision"]
    assert d.due_by == date(2027, 1, 4)
    assert d.uncovered_years == (2027,)
    assert explained(d).splitlines()[1:] == [
        "The start day is not counted; counting begins on 2026-12-18.",
        "15 calendar days end on 2027-01-01.",
        "2027-01-01 is not a working day (New Year's Day); the period ends on the next working "
        "day, 2027-01-04."]
    assert d.calendar_note.render() == NOTE_2027


def test_a_fixed_date_holiday_national_day_2027_in_business_days():
    # 5 business days from Mon 27 Sep 2027: 28 (1), 29 (2), 30 (3); Fri 1 Oct National Day,
    # Sat 2 and Sun 3 National Day on a weekend; Mon 4 (4), Tue 5 Oct (5). (The schedule will
    # likely give 4–7 Oct off too: hence the note.)
    count = count_period(date(2027, 9, 27), 5, Unit.BUSINESS_DAYS, CN)
    assert count.due_by == date(2027, 10, 5) and count.uncovered_years == (2027,)
    assert ("Holidays not counted: 2027-10-01 National Day, 2027-10-02 National Day, "
            "2027-10-03 National Day.") in explained(count)


def test_a_lunar_holiday_dragon_boat_2027_in_business_days():
    # 10 business days from Mon 31 May 2027: Jun 1–4 (4), 5–6 weekend, 7 (5), 8 (6), Wed 9
    # Dragon Boat Festival not counted, 10 (7), 11 (8), 12–13 weekend, 14 (9), Tue 15 Jun (10).
    count = count_period(date(2027, 5, 31), 10, Unit.BUSINESS_DAYS, CN)
    assert count.due_by == date(2027, 6, 15)
    assert explained(count).splitlines()[1:] == [
        "10 business days, without Saturdays, Sundays and public holidays, end on 2027-06-15.",
        "Holidays not counted: 2027-06-09 Dragon Boat Festival."]


def test_a_lunar_holiday_mid_autumn_2027_as_the_last_day():
    # Filed Tue 31 Aug 2027: day 1 is Wed 1 Sep, day 15 is Wed 15 Sep, Mid-Autumn Festival;
    # the period ends Thu 16 Sep.
    d = run("cn-banking", [filed("2027-08-31")], now="2027-09-01")["decision"]
    assert d.due_by == date(2027, 9, 16)
    assert ("2027-09-15 is not a working day (Mid-Autumn Festival); the period ends on the next "
            "working day, 2027-09-16.") in explained(d)
    assert d.calendar_note.render() == NOTE_2027


@pytest.mark.parametrize("filed_on,last_day,name", [
    # Filed Thu 21 Jan 2027: day 1 is Fri 22 Jan, Jan 22–31 are days 1–10, day 15 is Fri 5 Feb,
    # 除夕; Sat 6 – Mon 8 are the festival's other three days: the period ends Tue 9 Feb (with
    # weekends only it would have ended on 5 Feb).
    ("2027-01-21", "2027-02-05", "Chinese New Year's Eve"),
    # Filed Sun 24 Jan: Jan 25–31 are days 1–7, day 15 is Mon 8 Feb, 正月初三, the festival's
    # last statutory day: the period ends Tue 9 Feb (with weekends only, on 8 Feb).
    ("2027-01-24", "2027-02-08", "Chinese New Year (Spring Festival)"),
])
def test_a_day_inside_the_spring_festival_2027(filed_on, last_day, name):
    d = run("cn-banking", [filed(filed_on)], now=filed_on)["decision"]
    assert d.due_by == date(2027, 2, 9)
    assert (f"{last_day} is not a working day ({name}); the period ends on the next working "
            "day, 2027-02-09.") in explained(d)
    assert d.calendar_note.render() == NOTE_2027


def test_business_days_across_the_spring_festival_2027():
    # 5 business days from Wed 3 Feb 2027: Thu 4 (1); Fri 5 除夕, Sat 6 and Sun 7, Mon 8 not
    # counted; Tue 9 (2), 10 (3), 11 (4), Fri 12 Feb (5).
    count = count_period(date(2027, 2, 3), 5, Unit.BUSINESS_DAYS, CN)
    assert count.due_by == date(2027, 2, 12)
    assert ("Holidays not counted: 2027-02-05 Chinese New Year's Eve, 2027-02-06 Chinese New "
            "Year (Spring Festival), 2027-02-07 Chinese New Year (Spring Festival), 2027-02-08 "
            "Chinese New Year (Spring Festival).") in explained(count)


# --- From events -----------------------------------------------------------------------------

def test_decision_runs_then_is_missed_then_met_late():
    events = [filed("2026-09-22")]
    assert run("cn-banking", events, now="2026-10-08")["decision"].status == Status.RUNNING
    late = run("cn-banking", events, now="2026-10-09")["decision"]
    assert late.status == Status.MISSED and late.due_by == date(2026, 10, 8)
    events.append(Occurrence(ek.OFFER_MADE, at("2026-10-12"), {"offer_id": "o1"}))
    met_late = run("cn-banking", events, now="2026-10-20")["decision"]
    assert met_late.status == Status.MISSED and met_late.met_on == date(2026, 10, 12)


def test_decision_met_by_moving_to_mediation_but_not_by_acknowledging():
    events = [filed("2026-09-22"),
              Occurrence(ek.STAGE_ADVANCED, at("2026-09-23"), {"from": "filed",
                                                                "to": "negotiation"})]
    assert run("cn-banking", events, now="2026-09-30")["decision"].status == Status.RUNNING
    events.append(Occurrence(ek.STAGE_ADVANCED, at("2026-09-30"), {"from": "negotiation",
                                                                    "to": "mediation"}))
    d = run("cn-banking", events, now="2026-10-30")["decision"]
    assert d.status == Status.MET and d.met_on == date(2026, 9, 30)


def test_an_extension_adds_the_laws_days():
    # Filed 22 Sep, extended once by 15: 30 days, day 30 is Thu 22 Oct, a working day.
    events = [filed("2026-09-22"),
              Occurrence(ek.DEADLINE_EXTENDED, at("2026-09-30"),
                         {"rule": "decision", "days": 15, "reason": "complex",
                          "approver": "李经理"})]
    d = run("cn-banking", events, now="2026-10-01")["decision"]
    assert d.due_by == date(2026, 10, 22)
    assert (d.extensions_used, d.extensions_allowed) == (1, 2)


def test_reg_x_respond_extended_once_by_fifteen_business_days():
    # 2027-01-06 + 15 business days: Jan 7 (1), 8 (2), 11–15 (7), Mon 18 MLK Day, 19–22 (11),
    # 25 (12), 26 (13), 27 (14), Thu 28 Jan (15).
    events = [filed("2026-11-20", NEW_YORK),
              Occurrence(ek.DEADLINE_EXTENDED, at("2026-12-30", tz=NEW_YORK),
                         {"rule": "respond", "days": 15})]
    found = run("us-reg-x", events, now="2026-12-31", tz=NEW_YORK)
    assert found["acknowledge"].due_by == date(2026, 11, 30)
    assert found["respond"].due_by == date(2027, 1, 28)


def test_waiting_on_the_borrower_pauses_and_the_answer_resumes():
    # Filed Mon 2 Nov. Without a pause: day 15 is Tue 17 Nov. Information requested Thu 5 Nov,
    # provided Mon 9 Nov: 6, 7, 8, 9 Nov (4 days) are not counted, so day 15 is Sat 21 Nov, a
    # weekend: the period ends Mon 23 Nov.
    events = [filed("2026-11-02"),
              Occurrence(ek.INFORMATION_REQUESTED, at("2026-11-05"), {"message_id": "m1"})]
    waiting = run("cn-banking", events, now="2026-11-07")["decision"]
    assert waiting.status == Status.PAUSED and waiting.paused
    events.append(Occurrence(ek.INFORMATION_PROVIDED, at("2026-11-09"),
                             {"request_ids": ["m1"], "via": "message"}))
    d = run("cn-banking", events, now="2026-11-10")["decision"]
    assert d.status == Status.RUNNING and not d.paused
    assert d.paused_days == 4 and d.due_by == date(2026, 11, 23)
    assert nearest_lender_deadline([waiting]) is None  # a paused deadline does not lead the queue


def test_a_manual_pause_and_resume_apply_to_their_rule_only():
    events = [filed("2026-11-02"),
              Occurrence(ek.DEADLINE_PAUSED, at("2026-11-05"), {"rule": "decision",
                                                                "reason": "appraisal"}),
              Occurrence(ek.DEADLINE_RESUMED, at("2026-11-09"), {"rule": "decision",
                                                                 "reason": "report in"})]
    found = run("cn-banking", events, now="2026-11-10",
                error_category="wrong_credit_report")
    assert found["decision"].due_by == date(2026, 11, 23)
    # credit_objection (20 days, no pause): day 20 is Sun 22 Nov, so Mon 23 Nov — unpaused.
    assert found["credit_objection"].paused_days == 0
    assert found["credit_objection"].due_by == date(2026, 11, 23)


def test_credit_objection_applies_only_to_credit_report_errors():
    assert "credit_objection" not in run("cn-banking", [filed("2026-11-02")], now="2026-11-03")
    assert "credit_objection" in run("cn-banking", [filed("2026-11-02")], now="2026-11-03",
                                     error_category="wrong_credit_report")


def test_limitation_is_interrupted_by_a_written_demand():
    # Discovered 10 Sep 2026: 3 years end Mon 10 Sep 2029. A demand sent 15 Mar 2027 interrupts
    # it (民法典 art. 195): 3 years afresh, ending Fri 15 Mar 2030 (2030 counted by weekends
    # only, and flagged). The warning starts 6 months before.
    before = run("cn-banking", [filed("2026-09-20")], now="2027-01-01")["limitation"]
    assert before.due_by == date(2029, 9, 10) and before.party == Party.BORROWER
    events = [filed("2026-09-20"),
              Occurrence(ek.DEMAND_RECORDED, at("2027-03-16"), {"sent_on": "2027-03-15"})]
    after = run("cn-banking", events, now="2027-04-01")["limitation"]
    assert after.start_on == date(2027, 3, 15) and after.due_by == date(2030, 3, 15)
    assert after.warn_from == date(2029, 9, 15)
    assert after.uncovered_years == (2030,)
    assert any("Interrupted" in p.render() for p in after.explanation)


def test_borrower_windows_start_from_dates_in_payloads():
    # Judgment served Fri 16 Oct 2026: day 15 is Sat 31 Oct, so Mon 2 Nov (民事诉讼法 art. 85).
    events = [filed("2026-06-01"),
              Occurrence(ek.JUDGMENT_RECORDED, at("2026-10-20"),
                         {"judgment": "…", "judgment_on": "2026-10-10",
                          "served_on": "2026-10-16"})]
    appeal = run("cn-banking", events, now="2026-10-21")["appeal"]
    assert appeal.start_on == date(2026, 10, 16) and appeal.due_by == date(2026, 11, 2)


def test_rules_not_yet_started_are_left_out():
    found = run("cn-banking", [filed("2026-11-02")], now="2026-11-03")
    assert set(found) == {"decision", "limitation"}


def test_nearest_lender_deadline_includes_overdue_and_skips_met_and_borrower_ones():
    found = run("us-reg-x", [filed("2026-11-20", NEW_YORK)], now="2026-12-02", tz=NEW_YORK)
    nearest = nearest_lender_deadline(found.values())
    assert nearest.rule == "acknowledge" and nearest.status == Status.MISSED


# --- Properties ------------------------------------------------------------------------------

starts = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))
calendars = st.sampled_from([CN, US])


@settings(max_examples=200, deadline=None)
@given(start=starts, length=st.integers(1, 60), cal=calendars,
       day_one=st.sampled_from(list(DayOne)))
def test_a_business_day_deadline_falls_on_a_working_day(start, length, cal, day_one):
    due = count_period(start, length, Unit.BUSINESS_DAYS, cal, day_one=day_one).due_by
    assert cal.is_working_day(due)


@settings(max_examples=200, deadline=None)
@given(start=starts, length=st.integers(1, 90), cal=calendars,
       unit=st.sampled_from(list(Unit)), day_one=st.sampled_from(list(DayOne)),
       last_day=st.sampled_from(list(LastDay)))
def test_due_by_is_never_before_the_start(start, length, cal, unit, day_one, last_day):
    length = length if unit in (Unit.CALENDAR_DAYS, Unit.BUSINESS_DAYS) else 1 + length % 5
    assert count_period(start, length, unit, cal, day_one=day_one,
                        last_day=last_day).due_by >= start


@settings(max_examples=200, deadline=None)
@given(start=starts, length=st.integers(1, 60), extra=st.integers(0, 60), cal=calendars,
       unit=st.sampled_from([Unit.CALENDAR_DAYS, Unit.BUSINESS_DAYS, Unit.MONTHS]),
       last_day=st.sampled_from(list(LastDay)),
       pause=st.tuples(st.integers(0, 40), st.integers(0, 20)))
def test_an_extension_never_shortens_a_deadline(start, length, extra, cal, unit, last_day,
                                                pause):
    if unit == Unit.BUSINESS_DAYS:
        last_day = LastDay.AS_COUNTED
    paused = [(start + timedelta(days=pause[0]), start + timedelta(days=pause[0] + pause[1]))]
    base = count_period(start, length, unit, cal, last_day=last_day, paused=paused).due_by
    longer = count_period(start, length + extra, unit, cal, last_day=last_day,
                          paused=paused).due_by
    assert longer >= base


def test_due_from_uses_the_rules_own_counting():
    book = load_rulebook("us-fcra")
    assert due_from(book.rule("reinvestigate"), date(2026, 11, 2), US).due_by == date(2026, 12, 1)
