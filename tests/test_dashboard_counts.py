"""The dashboard's kept tables (dispute/storage/dashboard_counts.py), on both backends: after every
kind of service write that can change what a dispute contributes they equal a recount from the
disputes, events and deadlines; a rolled-back write leaves them alone; migrations 0020 and 0021
fill them as the recount does; and the dashboard read from them is, figure for figure and row for
row, the one counted from the rows, under every filter (filing-date ranges whose ends fall
mid-hour in UTC, in Asia/Kolkata and Asia/Kathmandu, and across a daylight-saving change in
America/New_York), on every day after, in every one of those zones."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta, timezone

import pytest

from dispute import assignment, cases, corrections, dashboard, erasure, notes, workflow
from dispute.storage import dashboard_counts, dashboard_time, deadlines, disputes
from dispute.storage.migrate import _statements, available
from tests.conftest import filing_form
from tests.test_queue_counts import people  # noqa: F401  (a fixture: staff, legal, two borrowers)
from tests.test_workflow import FORMS

pytestmark = pytest.mark.both_backends

CITI, CMB, ICBC = "Citibank", "招商银行", "工商银行"
FILTERS = [dashboard.Filters(), dashboard.Filters(institution=CMB),
           dashboard.Filters(institution=CITI), dashboard.Filters(institution="nobody"),
           dashboard.Filters(date(2026, 9, 1), date(2026, 10, 31)),
           dashboard.Filters(date(2026, 10, 1), None, CMB),
           dashboard.Filters(None, date(2026, 11, 1)),
           # Filings at 18:20 and 18:40 UTC (below) fall either side of Kolkata's midnight
           # (18:30 UTC) and on the same side of Shanghai's (16:00) and New York's.
           dashboard.Filters(date(2026, 9, 24), date(2026, 10, 8)),
           dashboard.Filters(date(2026, 9, 24), date(2026, 9, 24)),  # no whole UTC day
           dashboard.Filters(date(2026, 10, 9), None, CMB),
           dashboard.Filters(date(2026, 10, 20), date(2026, 11, 2)),  # New York leaves DST
           dashboard.Filters(date(2026, 11, 3), date(2026, 11, 1)),  # empty
           # Whole months (September, October) from the month-keyed tables, the days before and
           # after them from the day-keyed ones.
           dashboard.Filters(date(2026, 8, 20), date(2026, 11, 10), CMB),
           # September and October less the days outside the range at each end (fewer), filings
           # among them (8 September, 23 October).
           dashboard.Filters(date(2026, 9, 5), date(2026, 10, 20)),
           dashboard.Filters(date(2026, 9, 5), date(2026, 10, 20), CMB)]
ZONES = ("Asia/Shanghai", "Asia/Kolkata", "America/New_York", "Asia/Kathmandu")


def kept(ctx):
    return ctx.db.read(dashboard_counts.grouped)


def assert_in_step(ctx, staff, zones=ZONES[:2]) -> None:
    """Kept = recounted, and the dashboard the same either way, today and on later days (the
    status of a running deadline, the age of a dispute, the week ahead move with the day), with
    the organisation in each of `zones` (its today and its local days move)."""
    assert kept(ctx) == ctx.db.read(dashboard_counts.recounted)
    now, settings = ctx.clock.now, ctx.settings
    try:
        for zone in zones:
            ctx.settings = dataclasses.replace(settings, timezone=zone)
            # today, tomorrow, a later hour in the first days of next month (today's month
            # splits the met share's months), and in the next year
            for later in (timedelta(0), timedelta(days=1), timedelta(days=9, hours=13),
                          timedelta(days=40)):
                ctx.clock.now = now + later
                for f in FILTERS:
                    quick = dashboard.build_dashboard(ctx, staff, f)
                    assert quick == dashboard.build_dashboard(ctx, staff, f, counted=True), (
                        zone, later, f)
    finally:
        ctx.clock.now, ctx.settings = now, settings


def test_kept_tables_follow_every_write_and_the_dashboard_reads_the_same(ctx, people):
    staff, legal, (wang, li) = people
    assert kept(ctx) == {t: {} for t in dashboard_counts.TABLES}
    now = ctx.clock.now
    numbers = []
    for i, (days_ago, bank, category) in enumerate([
            (90, CMB, "autopay_failed"), (75, CMB, "wrong_credit_report"),
            (60, ICBC, "fee_in_error"), (45, CITI, "autopay_failed"), (30, CMB, "fee_in_error"),
            (20, ICBC, "payment_misapplied"), (8, CITI, "autopay_failed"), (1, CMB, "other"),
            (60, CMB, "fee_in_error"), (45, ICBC, "other")]):
        # now is 04:00 UTC on 22 November: 23 September at 18:40 UTC is the 24th in Kolkata
        # (and Shanghai), 8 October at 18:20 UTC still the 8th in Kolkata (the 9th in Shanghai)
        ctx.clock.now = now - timedelta(days=days_ago) + {8: timedelta(hours=14, minutes=40),
                                                          9: timedelta(hours=14, minutes=20)
                                                          }.get(i, timedelta(0))
        numbers.append(cases.file_dispute(ctx, wang if i % 2 else li, filing_form(
            institution=bank, error_category=category,
            error_occurred_on=ctx.today() - timedelta(days=3),
            payment_due_on=ctx.today() - timedelta(days=2),
            discovered_on=ctx.today() - timedelta(days=1))))
        if i in (1, 3):  # acknowledged the day after filing: a lender deadline met
            ctx.clock.now += timedelta(days=1)
            workflow.move(ctx, staff, numbers[-1], "acknowledge", FORMS["acknowledge"])
    ctx.clock.now = now - timedelta(days=50)
    workflow.move(ctx, staff, numbers[0], "acknowledge", FORMS["acknowledge"])  # late
    ctx.clock.now = now - timedelta(days=40)
    workflow.move(ctx, staff, numbers[0], "close", FORMS["close"])
    workflow.move(ctx, staff, numbers[2], "withdraw", FORMS["withdraw"])  # from filed
    ctx.clock.now = now - timedelta(days=10)
    workflow.move(ctx, staff, numbers[1], "to_mediation", FORMS["to_mediation"])
    workflow.move(ctx, legal, numbers[3], "skip_to_litigation", FORMS["skip_to_litigation"])
    ctx.clock.now = now
    assert_in_step(ctx, staff, ZONES)
    # closed 50 and 20 days after filing (the median is 35), each under its institution and
    # under every institution's ('')
    assert kept(ctx)["dashboard_close_days"] == {(CMB, 50): 1, (ICBC, 20): 1, ("", 50): 1,
                                                 ("", 20): 1}
    assert dashboard.build_dashboard(ctx, staff).headline.median_days_to_close == 35.0

    # Reopened and closed again later: the last closing event counts; a third closing makes
    # the count odd (the middle value, not a mean).
    workflow.move(ctx, staff, numbers[0], "reopen", FORMS["reopen"])
    assert_in_step(ctx, staff)
    ctx.clock.now = now - timedelta(days=2)
    workflow.move(ctx, staff, numbers[0], "close", FORMS["close"])
    workflow.move(ctx, staff, numbers[4], "withdraw", FORMS["withdraw"])
    ctx.clock.now = now
    assert_in_step(ctx, staff)
    assert dashboard.build_dashboard(ctx, staff).headline.median_days_to_close == 28.0

    # The borrower corrects the institution and category of a filing still `filed`.
    correct = filing_form(institution=CITI, error_category="wrong_credit_report",
                          error_occurred_on=date(2026, 11, 1), payment_due_on=date(2026, 11, 2),
                          discovered_on=date(2026, 11, 3))
    corrections.correct_filing(ctx, wang, numbers[7], correct)  # filed by wang (i = 7)
    assignment.assign(ctx, staff, numbers[5], legal.id)  # not a dashboard column: nothing moves
    assert_in_step(ctx, staff)

    erasure.carry_out(ctx, wang.id)  # the borrower's disputes stay, and so do their counts
    assert_in_step(ctx, staff, ZONES)
    for table in ("dashboard_counts", "dashboard_day_counts"):  # each under its institution
        # and under every institution's ('')
        rows = kept(ctx)[table].items()
        assert sum(n for key, n in rows if key[0]) == sum(n for key, n in rows if not key[0]) \
            == len(numbers)


def test_a_write_rolled_back_leaves_the_kept_tables(ctx, people):
    staff, _, (wang, _) = people
    number = cases.file_dispute(ctx, wang, filing_form(institution=CMB))
    before = kept(ctx)

    def move_then_fail(uow) -> None:
        row = disputes.by_number(uow, number)
        disputes.touch(uow, row["id"], row["version"], row["filed_at"], stage="closed",
                       resolution="withdrawn", institution=CITI)
        deadlines.replace(uow, row["id"], [], row["filed_at"], None,  # lender, open tables
                          was_due_by=row["next_due_by"])
        assert dashboard_counts.grouped(uow) != before  # changed inside the write…
        raise RuntimeError("refused late")

    with pytest.raises(RuntimeError):
        ctx.db.write(move_then_fail)
    assert kept(ctx) == before == ctx.db.read(dashboard_counts.recounted)  # …and not after it


@pytest.mark.parametrize("version", [20, 21, 23, 24, 25, 26])
def test_the_migration_fills_the_tables_from_the_rows_there(ctx, people, version):
    """Each migration's fill, run again on the rows there, gives the tables the writes kept
    (those of 20 and 21 then given their rows of every institution, as 0024 and 0025 give
    them)."""
    staff, _, (wang, li) = people
    numbers = [cases.file_dispute(ctx, p, filing_form(institution=CMB)) for p in (wang, li, wang)]
    cases.file_dispute(ctx, li, filing_form(institution=CITI))
    workflow.move(ctx, staff, numbers[0], "acknowledge", FORMS["acknowledge"])
    workflow.move(ctx, staff, numbers[1], "withdraw", FORMS["withdraw"])
    expected = kept(ctx)
    sql = next(s for v, _, s in available(ctx.db.backend) if v == version)
    fill = [s for s in _statements(sql) if s.startswith("INSERT INTO dashboard_")]
    tables = list(dict.fromkeys(s.split()[2] for s in fill))
    assert len(tables) == {20: 3, 21: 5, 23: 2, 24: 8, 25: 5, 26: 2}[version]
    assert all(expected[t] for t in tables)
    every = dashboard_counts.EVERY

    def refill(uow) -> None:
        for table in tables:
            created = version < 24 or table in (
                dashboard_counts.OPEN_AGES, dashboard_counts.OPEN_DUE_MONTHS,
                dashboard_counts.DAY_STAGES, dashboard_counts.MONTH_STAGES,
                dashboard_counts.CLOSED_DISPUTES, dashboard_counts.LENDER_DISPUTES)
            uow.execute(f"DELETE FROM {table}" + ("" if created else " WHERE institution = ?"),
                        () if created else (every,))
        for statement in fill:
            uow.execute(statement)
        if version < 23:  # filled from the rows (0023 from 0021's tables, their '' rows too)
            for table in tables:
                if table in dashboard_counts.WITH_EVERY:
                    uow.execute(dashboard_counts.every_sql(table))

    ctx.db.write(refill)
    assert kept(ctx) == expected
    if version == 24:  # every institution's rows: CMB's and Citibank's added up
        assert expected[dashboard_counts.OPEN_AGES][(every, ctx.today())] == 3
    if version == 25:
        assert expected[dashboard_counts.MONTH_STAGES][(CMB, ctx.today().replace(day=1),
                                                        "filed")] == 1


def test_a_filing_range_is_whole_utc_days_and_the_part_days_at_its_ends():
    """Kolkata's 24 September to 8 October: [23 Sep 18:30, 8 Oct 18:30) UTC, the days 24
    September to 7 October from the kept tables, the rest counted; a range inside one UTC day is
    counted whole; a range on UTC midnights has nothing to count."""
    at = lambda *a: datetime(*a, tzinfo=timezone.utc)  # noqa: E731
    found = dashboard_time.split(at(2026, 9, 23, 18, 30), at(2026, 10, 8, 18, 30))
    assert (found.first, found.end) == (date(2026, 9, 24), date(2026, 10, 8))
    assert found.edges == ((at(2026, 9, 23, 18, 30), at(2026, 9, 24)),
                           (at(2026, 10, 8), at(2026, 10, 8, 18, 30)))
    inside = dashboard_time.split(at(2026, 9, 23, 18, 30), at(2026, 9, 24, 18, 30))
    assert not inside.days and inside.edges == ((at(2026, 9, 23, 18, 30),
                                                 at(2026, 9, 24, 18, 30)),)
    whole = dashboard_time.split(at(2026, 9, 1), None)
    assert (whole.first, whole.end, whole.edges) == (date(2026, 9, 1), None, ())


def test_whole_days_are_months_with_the_fewer_days_added_or_taken_at_each_end():
    """15 August to 10 November: August less its first 14 days (fewer than the 17 from the
    15th), September and October whole, November's first nine days added (fewer than the 21
    after them); 20 August the other way (12 days added, not 19 taken); a local year east of UTC (1 January to 30 December in UTC
    days) is twelve months less 31 December; a local month the same, less its last day; a
    range starting on the 1st has nothing at its start; a few days inside one month, or a
    range whose months would cross, are days only; open ends are months to the end."""
    d = date
    found = dashboard_time.months(d(2026, 8, 15), d(2026, 11, 10))
    assert (found.first_month, found.end_month) == (d(2026, 8, 1), d(2026, 11, 1))
    assert found.taken == ((d(2026, 8, 1), d(2026, 8, 15)),)
    assert found.added == ((d(2026, 11, 1), d(2026, 11, 10)),)
    late = dashboard_time.months(d(2026, 8, 20), d(2026, 11, 10))
    assert (late.first_month, late.added, late.taken) == (
        d(2026, 9, 1), ((d(2026, 8, 20), d(2026, 9, 1)), (d(2026, 11, 1), d(2026, 11, 10))), ())
    year = dashboard_time.months(d(2025, 1, 1), d(2025, 12, 31))
    assert (year.first_month, year.end_month, year.added, year.taken) == (
        d(2025, 1, 1), d(2026, 1, 1), (), ((d(2025, 12, 31), d(2026, 1, 1)),))
    october = dashboard_time.months(d(2026, 10, 1), d(2026, 10, 31))
    assert (october.first_month, october.end_month, october.added, october.taken) == (
        d(2026, 10, 1), d(2026, 11, 1), (), ((d(2026, 10, 31), d(2026, 11, 1)),))
    inside = dashboard_time.months(d(2026, 9, 2), d(2026, 9, 30))  # September less two days
    assert (inside.first_month, inside.end_month, inside.taken) == (
        d(2026, 9, 1), d(2026, 10, 1), ((d(2026, 9, 1), d(2026, 9, 2)),
                                        (d(2026, 9, 30), d(2026, 10, 1))))
    assert dashboard_time.months(d(2026, 9, 12), d(2026, 9, 18)) is None  # 6 days, not 24
    assert dashboard_time.months(d(2026, 9, 20), d(2026, 9, 25)) is None  # Oct >= Oct
    assert dashboard_time.months(d(2026, 12, 2), d(2026, 12, 1)) is None
    exact = dashboard_time.months(d(2025, 12, 1), d(2026, 1, 1))
    assert (exact.first_month, exact.end_month, exact.added, exact.taken) == (
        d(2025, 12, 1), d(2026, 1, 1), (), ())
    open_start = dashboard_time.months(None, d(2026, 3, 5))
    assert (open_start.first_month, open_start.end_month, open_start.added) == (
        None, d(2026, 3, 1), ((d(2026, 3, 1), d(2026, 3, 5)),))
    open_end = dashboard_time.months(d(2026, 12, 31), None)
    assert (open_end.first_month, open_end.end_month, open_end.added) == (
        d(2027, 1, 1), None, ((d(2026, 12, 31), d(2027, 1, 1)),))


def test_a_kept_read_differs_from_a_stale_table(ctx, people):
    """The quick dashboard does read the kept tables: a count changed behind the writes' back
    shows (so the equality above is not two counts of the same rows)."""
    staff, _, (wang, _) = people
    cases.file_dispute(ctx, wang, filing_form(institution=CMB))
    ctx.db.write(lambda uow: uow.execute("UPDATE dashboard_counts SET n = n + 1"))
    assert dict(dashboard.build_dashboard(ctx, staff).by_stage.rows) == {"filed": 2}
    assert dict(dashboard.build_dashboard(ctx, staff, counted=True).by_stage.rows) == {"filed": 1}


def test_a_view_by_filing_date_reads_whole_months_from_the_month_tables(ctx, people):
    """Filed on 22 November: a view of October to December reads November from the month-keyed
    counts (changed behind the writes' back here), not from its days; a view of November's
    second half reads the days."""
    staff, _, (wang, _) = people
    cases.file_dispute(ctx, wang, filing_form(institution=CMB))
    ctx.db.write(lambda uow: (uow.execute("UPDATE dashboard_month_counts SET n = n + 1"),
                              uow.execute("UPDATE dashboard_day_counts SET n = n + 10")))
    months = dashboard.Filters(date(2026, 10, 1), date(2026, 12, 31))
    days = dashboard.Filters(date(2026, 11, 16), date(2026, 11, 30))
    assert dict(dashboard.build_dashboard(ctx, staff, months).by_stage.rows) == {"filed": 2}
    assert dict(dashboard.build_dashboard(ctx, staff, days).by_stage.rows) == {"filed": 11}
    assert dict(dashboard.build_dashboard(ctx, staff).by_stage.rows) == {"filed": 1}


def test_a_view_of_every_institution_reads_their_rows_added_up(ctx, people):
    """A view of every institution reads the rows kept under '' (every institution's, added
    up), changed behind the writes' back here; a view of one institution reads its own."""
    staff, _, (wang, _) = people
    cases.file_dispute(ctx, wang, filing_form(institution=CMB))
    ctx.db.write(lambda uow: uow.execute(
        "UPDATE dashboard_open_ages SET n = n + 2 WHERE institution = ''"))
    october_on = dashboard.Filters(date(2026, 10, 1), None)
    assert dashboard.build_dashboard(ctx, staff).headline.open == 3
    assert dashboard.build_dashboard(ctx, staff, october_on).headline.open == 3
    assert dashboard.build_dashboard(ctx, staff, dataclasses.replace(
        october_on, institution=CMB)).headline.open == 1
    assert dashboard.build_dashboard(ctx, staff, counted=True).headline.open == 1


def test_the_top_ten_are_cut_and_ordered_as_the_count_orders_them(ctx, people):
    """More institutions than the top ten, with ties at the cut: the kept read (one statement
    for the four figures) keeps the same ten, in the same order (count, then name), as the
    count from the rows, filtered by filing date or not."""
    staff, _, (wang, li) = people
    banks = [f"Bank {chr(ord('A') + i)}" for i in range(12)] + ["银行甲", "银行乙"]
    for i, bank in enumerate(banks):
        for n in range(1 + (i % 3 == 0) + 2 * (i == 5)):
            cases.file_dispute(ctx, wang if n % 2 else li, filing_form(institution=bank))
    for f in (dashboard.Filters(), dashboard.Filters(ctx.today() - timedelta(days=2), None)):
        quick = dashboard.build_dashboard(ctx, staff, f)
        assert quick == dashboard.build_dashboard(ctx, staff, f, counted=True)
        shown = quick.top_institutions.rows
        assert len(shown) == dashboard.TOP and [row[0] for row in shown[:2]] == [
            "Bank F", "Bank A"]  # three, then the first of the twos by name
        assert all((a[1], b[0]) >= (b[1], a[0]) for a, b in zip(shown, shown[1:]))
        assert sum(n for _, n in quick.by_stage.rows) == len(banks) + 7


def test_lender_decisions_met_and_missed_inside_and_before_the_window(ctx, people):
    """Lender decisions met in time and missed, due in the last 30 days and before them: a view
    by filing date counts the window's (the headline's met and missed) and every month's (the
    met share) as the rows do; there the two come from one statement (`lender_figures`), which
    must keep the window to the headline alone."""
    staff, _, (wang, _) = people
    now = ctx.clock.now
    for days_ago, withdrawn in ((80, True), (25, True), (50, False), (20, False)):
        ctx.clock.now = now - timedelta(days=days_ago)
        number = cases.file_dispute(ctx, wang, filing_form(
            institution=CMB, error_category="fee_in_error",
            error_occurred_on=ctx.today() - timedelta(days=3),
            payment_due_on=ctx.today() - timedelta(days=2),
            discovered_on=ctx.today() - timedelta(days=1)))
        if withdrawn:  # three days after filing: the decision's deadline met in time
            ctx.clock.now += timedelta(days=3)
            workflow.move(ctx, staff, number, "withdraw", FORMS["withdraw"])
    ctx.clock.now = now
    for f in (dashboard.Filters(ctx.today() - timedelta(days=100), ctx.today()),
              dashboard.Filters(ctx.today() - timedelta(days=100), None, CMB), dashboard.Filters()):
        quick = dashboard.build_dashboard(ctx, staff, f)
        assert quick == dashboard.build_dashboard(ctx, staff, f, counted=True), f
        assert (quick.headline.met, quick.headline.missed) == (1, 1), f
        months = quick.met_share_by_month.rows
        assert (sum(row[1] for row in months), sum(row[2] for row in months)) == (2, 2), f


def test_a_write_that_moves_no_deadline_leaves_their_rows_and_stays_in_step(ctx, people):
    """A note changes no deadline: the refresh at its commit writes only the rows' refresh time
    (on DuckDB the same rows, by their row ids, not deleted and inserted again) and the kept
    tables stay in step; a move that does change them (closing meets the lender's decision)
    still rewrites them."""
    staff, _legal, (wang, _li) = people
    number = cases.file_dispute(ctx, wang, filing_form(institution=CMB))
    dispute_id = ctx.db.read(lambda tx: disputes.by_number(tx, number))["id"]
    columns = "rule, party, label, start_on, due_by, met_on, paused, warn_from"

    def rows():
        order = ", rowid" if ctx.db.backend == "duckdb" else ""
        return ctx.db.read(lambda tx: tx.execute(
            f"SELECT {columns}{order}, refreshed_at FROM deadlines WHERE dispute_id = ? "
            "ORDER BY rule", (dispute_id,)).rows)

    before = rows()
    assert before  # a filing has its deadlines
    ctx.clock.now += timedelta(hours=1)
    notes.add_note(ctx, staff, number, {"body": "借款人来电，已解释自动扣款失败的原因"})
    after = rows()
    assert [r[:-1] for r in after] == [r[:-1] for r in before]  # same values (and row ids)
    assert all(r[-1] == ctx.clock.now.replace(tzinfo=None) or r[-1] == ctx.clock.now
               for r in after)  # refreshed now
    assert_in_step(ctx, staff, ZONES[:1])

    workflow.move(ctx, staff, number, "acknowledge", FORMS["acknowledge"])
    workflow.move(ctx, staff, number, "close", FORMS["close"])
    moved = rows()
    assert [r[:len(columns.split(", "))] for r in moved] != \
        [r[:len(columns.split(", "))] for r in before]  # the decision is met now
    assert_in_step(ctx, staff, ZONES[:1])
