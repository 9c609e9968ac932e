"""The dashboard's aggregates.

Every figure is read from the tables the writes keep (dashboard_counts.py), whose size is the
combinations in use, not the disputes: unfiltered or by institution from migration 0020's tables
(and 0021's open disputes and lender months); filtered by filing date from 0021's tables keyed by
the UTC filing day (0023's keyed by its month for the counts and the days to close, where the
range holds whole months), with the part days at the range's ends counted from the rows
(dashboard_time.py). What depends on today (open disputes: overdue, due this week, their age)
is read off the kept open disputes per filing day (their age) and per filing month or day and
nearest lender deadline, for any today. A view of every institution reads the rows kept for
every institution where a table keeps them (0024: all but the counts).
`Scope.counted` counts every figure with one GROUP BY over `disputes` (and `deadlines`,
`events`), as it always was: the reference the kept tables are tested against."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from dispute.storage import dashboard_counts as kept_counts
from dispute.storage import dashboard_time
from dispute.storage.deadlines import status_sql
from dispute.storage.rows import Rows


@dataclass(frozen=True)
class Scope:
    """Which disputes count: filed in [filed_from, filed_to) (UTC), of one institution."""

    filed_from: datetime | None = None
    filed_to: datetime | None = None
    institution: str | None = None
    counted: bool = False  # count from the rows even where the kept tables could answer

    @property
    def kept(self) -> bool:
        """Whether the kept tables answer this scope (always, unless counting is asked for)."""
        return not self.counted

    @property
    def bounded(self) -> bool:
        """Whether the filing date is bounded (then the day-keyed tables answer)."""
        return bool(self.filed_from or self.filed_to)


def _source(scope: Scope, table: str, day_table: str, month_table: str | None = None,
            cols: tuple[str, ...] | None = None, own: bool = False) -> tuple[str, list[Any]]:
    """The kept rows (`cols`, by default `table`'s key columns, and n) of the disputes in
    `scope`: `table`'s own when the filing date is not bounded; else `day_table`'s of the whole
    UTC filing days in the range (`month_table`'s, where there is one, of the months it covers,
    and `day_table`'s of the days added or, with n negated, taken at their ends:
    dashboard_time.months), with the same rows counted from the
    disputes filed in the part days at its ends. Of every institution, a table's rows of every
    institution where it keeps them (`kept_counts.WITH_EVERY`), or with `own` each
    institution's own rows."""
    cols_sql = ", ".join(cols or kept_counts.TABLES[table])
    if not scope.bounded:
        where, params = kept_counts.scope_sql(scope.institution, table, own)
        return f"SELECT {cols_sql}, n FROM {table} WHERE {where}", params
    days = dashboard_time.split(scope.filed_from, scope.filed_to)
    parts, found = [], []

    def read(kept_table: str, key: str, first: date | None, end: date | None,
             sign: str = "") -> None:
        where, params = kept_counts.scope_sql(scope.institution, kept_table, own)
        clauses = [where, *([f"{key} >= ?"] if first is not None else []),
                   *([f"{key} < ?"] if end is not None else [])]
        parts.append(f"SELECT {cols_sql}, {sign}n AS n FROM {kept_table} "
                     f"WHERE {' AND '.join(clauses)}")
        found.extend([*params, *(d for d in (first, end) if d is not None)])

    if days.days:
        months = dashboard_time.months(days.first, days.end) if month_table else None
        if months is None:
            read(day_table, "filed_on", days.first, days.end)
        else:
            read(month_table, "filed_month", months.first_month, months.end_month)
            for piece in months.added:
                read(day_table, "filed_on", *piece)
            for piece in months.taken:  # every reader adds the rows up: these take away
                read(day_table, "filed_on", *piece, sign="-")
    if days.edges:
        edge = " OR ".join("(d.filed_at >= ? AND d.filed_at < ?)" for _ in days.edges)
        clause = f"({edge})" + (" AND d.institution = ?" if scope.institution else "")
        # Counted per institution: of every institution, as the kept rows read beside them.
        every = (not scope.institution and not own and day_table in kept_counts.WITH_EVERY)
        edge_cols = ", ".join(f"'{kept_counts.EVERY}' AS institution" if every and c ==
                              "institution" else c for c in cols or kept_counts.TABLES[table])
        counted = kept_counts.PART_DAYS.get(day_table, kept_counts.GROUPS[day_table])
        parts.append(f"SELECT {edge_cols}, n FROM ({counted.format(where=clause)}) e")
        found += [*(t for pair in days.edges for t in pair),
                  *([scope.institution] if scope.institution else [])]
    if not parts:  # an empty range
        return f"SELECT {cols_sql}, n FROM {table} WHERE false", []
    return " UNION ALL ".join(parts), found


def _where(scope: Scope) -> tuple[str, list[Any]]:
    clauses, params = ["true"], []
    if scope.filed_from:
        clauses.append("d.filed_at >= ?")
        params.append(scope.filed_from)
    if scope.filed_to:
        clauses.append("d.filed_at < ?")
        params.append(scope.filed_to)
    if scope.institution:
        clauses.append("d.institution = ?")
        params.append(scope.institution)
    return " AND ".join(clauses), params


def _share(backend: str, part: str, whole: str) -> str:
    """part / whole as a fraction rounded to 3 places, a float from either backend (PostgreSQL
    rounds to places only in NUMERIC, whose half-up rounding DuckDB's double rounding matches)."""
    if backend == "postgresql":
        return (f"CAST(round(CAST({part} AS NUMERIC) / {whole}, 3) AS DOUBLE PRECISION)")
    return f"round(CAST({part} AS DOUBLE PRECISION) / {whole}, 3)"


# The figures counted per one dashboard_counts column: (name, column, only closed disputes,
# with the open ones beside, limited to the top rows).
_BY_KEY = (("by_stage", "stage", False, False, False),
           ("outcomes", "resolution", True, False, False),
           ("top_institutions", "institution", False, True, True),
           ("top_error_categories", "error_category", False, False, True))


def by_key(tx, scope: Scope, top: int) -> dict[str, Any]:
    """Disputes by stage, outcomes (closed disputes by resolution), the `top` institutions
    (with how many are open) and the `top` error categories, each ordered as the GROUP BY over
    the disputes orders it (count, then the key: a NULL resolution, kept as '', last).

    From the kept counts, in one statement: the disputes in `scope` are read once and grouped
    by all four columns (a few thousand rows however many disputes), and each figure is added
    up from those; reading the kept rows once per figure cost four reads of a year's day rows
    in a view filtered by filing date (bench/README-dashboard.md). Of every institution, the
    counts kept for every institution and, for the top institutions alone, each institution's
    disputes by stage (migration 0025). Counted (`scope.counted`):
    one GROUP BY over the disputes per figure, as it always was."""
    if not scope.kept:
        return {"by_stage": by_stage(tx, scope), "outcomes": outcomes(tx, scope),
                "top_institutions": top_institutions(tx, scope, top),
                "top_error_categories": top_error_categories(tx, scope, top)}
    source, params = _source(scope, kept_counts.COUNTS, kept_counts.DAY_COUNTS,
                             kept_counts.MONTH_COUNTS)
    mine = {name: "true" for name, *_ in _BY_KEY}  # which rows of k each figure adds up
    if not scope.institution:
        # Every institution's counts (institution '') for three figures; each institution's
        # own, by stage only, for the top institutions (a year: some thousands of rows
        # instead of 18,000 by stage, outcome and category).
        own, own_params = _source(scope, kept_counts.COUNTS, kept_counts.DAY_STAGES,
                                  kept_counts.MONTH_STAGES, cols=("institution", "stage"),
                                  own=True)
        source = (f"SELECT institution, stage, resolution, error_category, n FROM ({source}) a "
                  f"UNION ALL SELECT institution, stage, NULL, NULL, n FROM ({own}) b")
        params = [*params, *own_params]
        mine = {name: f"institution <> '{kept_counts.EVERY}'" if name == "top_institutions"
                else f"institution = '{kept_counts.EVERY}'" for name, *_ in _BY_KEY}
    parts = []
    whole = ", ".join(f"'{name}'" for name, *_, limited in _BY_KEY if not limited)
    for name, key, closed, open_too, _limited in _BY_KEY:
        shown = "NULLIF(resolution, '')" if key == "resolution" else key
        extra = ("CAST(coalesce(sum(n) FILTER (WHERE stage <> 'closed'), 0) AS BIGINT)"
                 if open_too else "CAST(NULL AS BIGINT)")
        parts.append(f"""
            SELECT '{name}' AS figure, {shown} AS key, CAST(sum(n) AS BIGINT) AS disputes,
                   {extra} AS open, row_number() OVER (ORDER BY sum(n) DESC, {shown}) AS place
            FROM k WHERE {mine[name]}{" AND stage = 'closed'" if closed else ""}
            GROUP BY {shown} HAVING sum(n) <> 0""")
    rows = tx.execute(f"""
        WITH k AS MATERIALIZED (
            SELECT institution, stage, resolution, error_category, sum(n) AS n
            FROM ({source}) s GROUP BY institution, stage, resolution, error_category
            HAVING sum(n) <> 0)
        SELECT figure, key, disputes, open FROM ({" UNION ALL ".join(parts)}) f
        WHERE place <= ? OR figure IN ({whole})
        ORDER BY figure, place""", [*params, top]).rows
    found: dict[str, Any] = {}
    for name, key, _closed, open_too, _limited in _BY_KEY:
        columns = [key, "disputes", "open"] if open_too else [key, "disputes"]
        found[name] = Rows(columns, [(k, n, o) if open_too else (k, n)
                                     for figure, k, n, o in rows if figure == name])
    return found


def by_stage(tx, scope: Scope):
    """Counted from the rows (`by_key` reads the kept counts)."""
    where, params = _where(scope)
    return tx.execute(f"SELECT d.stage, count(*) AS disputes FROM disputes d WHERE {where} "
                      "GROUP BY d.stage ORDER BY disputes DESC, d.stage", params)


def age_of_open(tx, scope: Scope, now: datetime,
                buckets: tuple[tuple[int, int | None, str], ...]):
    """Open disputes by age in days, in the buckets given (low, high or None, label)."""
    where, params = _where(scope)
    label = " ".join(f"WHEN age <= {hi} THEN '{name}'" for _lo, hi, name in buckets
                     if hi is not None)
    order = " ".join(f"WHEN '{name}' THEN {i}" for i, (*_, name) in enumerate(buckets))
    return tx.execute(f"""
        WITH open AS (SELECT CAST(CAST(? AS TIMESTAMP) AS DATE) - CAST(d.filed_at AS DATE) AS age
                      FROM disputes d WHERE {where} AND d.stage <> 'closed'),
             labelled AS (SELECT CASE {label} ELSE '{buckets[-1][2]}' END AS age_days FROM open)
        SELECT age_days, count(*) AS disputes FROM labelled
        GROUP BY age_days ORDER BY CASE age_days {order} END""", [now, *params])


def due_between(tx, scope: Scope, first: date, last: date):
    """Open, unpaused deadlines due in [first, last], by day, party and rule."""
    where, params = _where(scope)
    return tx.execute(f"""
        SELECT dl.due_by, dl.party, dl.rule, count(*) AS deadlines
        FROM deadlines dl JOIN disputes d ON d.id = dl.dispute_id
        WHERE {where} AND dl.met_on IS NULL AND NOT dl.paused
          AND dl.due_by BETWEEN ? AND ?
        GROUP BY dl.due_by, dl.party, dl.rule ORDER BY dl.due_by, dl.party, dl.rule""",
                      [*params, first, last])


# The first of a due date's month. Truncated as a TIMESTAMP: PostgreSQL takes a DATE given to
# date_trunc as a timestamp with time zone and converts it per row in the session's zone; the day
# found is the same.
_MONTH = "CAST(date_trunc('month', CAST({due_by} AS TIMESTAMP)) AS DATE)"


def met_share_by_month(tx, scope: Scope, today: date):
    """Lender deadlines met and missed per month of their due date, counted from the rows
    (`lender_figures` reads the kept tables)."""
    where, params = _where(scope)
    return tx.execute(f"""
        WITH decided AS (
            SELECT {_MONTH.format(due_by="dl.due_by")} AS month,
                   {status_sql()} AS status
            FROM deadlines dl JOIN disputes d ON d.id = dl.dispute_id
            WHERE {where} AND dl.party = 'lender')
        SELECT month, count(*) FILTER (WHERE status = 'met') AS met,
               count(*) FILTER (WHERE status = 'missed') AS missed,
               {_share(tx.backend, "count(*) FILTER (WHERE status = 'met')", "count(*)")}
                   AS met_share
        FROM decided WHERE status IN ('met', 'missed') GROUP BY month ORDER BY month""",
                      [today, *params])


def outcomes(tx, scope: Scope):
    """Counted from the rows (`by_key` reads the kept counts)."""
    where, params = _where(scope)
    return tx.execute(f"SELECT d.resolution, count(*) AS disputes FROM disputes d "
                      f"WHERE {where} AND d.stage = 'closed' GROUP BY d.resolution "
                      f"ORDER BY disputes DESC, d.resolution", params)


def top_institutions(tx, scope: Scope, top: int):
    """Counted from the rows (`by_key` reads the kept counts)."""
    where, params = _where(scope)
    return tx.execute(f"""
        SELECT d.institution, count(*) AS disputes,
               count(*) FILTER (WHERE d.stage <> 'closed') AS open
        FROM disputes d WHERE {where} GROUP BY d.institution
        ORDER BY disputes DESC, d.institution LIMIT ?""", [*params, top])


def top_error_categories(tx, scope: Scope, top: int):
    """Counted from the rows (`by_key` reads the kept counts)."""
    where, params = _where(scope)
    return tx.execute(f"""
        SELECT d.error_category, count(*) AS disputes FROM disputes d WHERE {where}
        GROUP BY d.error_category ORDER BY disputes DESC, d.error_category LIMIT ?""",
                      [*params, top])


def headline(tx, scope: Scope, today: date, week_last: date):
    """Open disputes, those whose nearest lender deadline has passed (the queue's "overdue"),
    and those whose nearest lender deadline falls between today and `week_last`."""
    where, params = _where(scope)
    return tx.execute(f"""
        SELECT count(*) FILTER (WHERE d.stage <> 'closed') AS open,
               count(*) FILTER (WHERE d.stage <> 'closed' AND d.next_due_by < ?) AS overdue,
               count(*) FILTER (WHERE d.stage <> 'closed' AND d.next_due_by >= ?
                                AND d.next_due_by <= ?) AS due_this_week
        FROM disputes d WHERE {where}""", [today, today, week_last, *params]).first()


def lender_decided_between(tx, scope: Scope, first: date, last: date, today: date):
    """Lender deadlines due in [first, last] that are decided: met, and missed, counted from
    the rows (`lender_figures` reads the kept tables)."""
    where, params = _where(scope)
    return tx.execute(f"""
        WITH decided AS (SELECT {status_sql()} AS status
                         FROM deadlines dl JOIN disputes d ON d.id = dl.dispute_id
                         WHERE {where} AND dl.party = 'lender'
                           AND dl.due_by >= ? AND dl.due_by <= ?)
        SELECT count(*) FILTER (WHERE status = 'met') AS met,
               count(*) FILTER (WHERE status = 'missed') AS missed FROM decided""",
                      [today, *params, first, last]).first()


def lender_figures(tx, scope: Scope, first: date, last: date, today: date) -> tuple[Rows,
                                                                               dict[str, Any]]:
    """The met share by month (what `met_share_by_month` counts) and the lender deadlines due in
    [first, last] that are decided (`lender_decided_between`), from the kept tables. Filtered by
    filing date, both from one read of the kept deadlines per filing day: apart, both read the
    same rows, and the part days at the range's ends joined their disputes to every lender
    deadline twice (on DuckDB about 8 ms each at a million, bench/README-dashboard.md)."""
    if not scope.kept:
        return (met_share_by_month(tx, scope, today),
                lender_decided_between(tx, scope, first, last, today))
    if not scope.bounded:
        return _kept_months(tx, scope, today), _kept_decided(tx, scope, first, last, today)
    source, params = _source(scope, kept_counts.LENDER, kept_counts.DAY_LENDER)
    decided = "CAST(sum(n) FILTER (WHERE status IS NOT NULL) AS BIGINT)"
    # The undecided (paused, running) and the deadlines outside the window are left out by
    # FILTER and HAVING, never by a WHERE: DuckDB pushes a WHERE down into the part days' rows
    # (`_source`), onto the deadlines before their join with the few hundred disputes, and then
    # builds the join on every lender deadline (a month's view: 50 ms instead of 14). The
    # window's row is the one without a month.
    rows = tx.execute(f"""
        WITH decided AS MATERIALIZED ({_decided(source)})
        SELECT {_MONTH.format(due_by="due_by")} AS month, {_summed('met')} AS met,
               {_summed('missed')} AS missed,
               {_share(tx.backend, _summed('met'), decided)} AS met_share
        FROM decided GROUP BY 1 HAVING count(*) FILTER (WHERE status IS NOT NULL) > 0
        UNION ALL
        SELECT CAST(NULL AS DATE), {_summed('met', True)}, {_summed('missed', True)},
               CAST(NULL AS DOUBLE PRECISION) FROM decided
        ORDER BY 1 NULLS FIRST""", [today, *params, first, last, first, last]).rows
    window, months = rows[0], rows[1:]
    return (Rows(["month", "met", "missed", "met_share"], months),
            {"met": window[1], "missed": window[2]})


def median_days_to_close(tx, scope: Scope, closing_kinds: tuple[str, ...]):
    """The median number of days from filing to the last closing event of closed disputes."""
    if scope.kept:
        return _kept_median(tx, scope)
    where, params = _where(scope)
    marks = ", ".join("?" for _ in closing_kinds)
    return tx.execute(f"""
        WITH closed AS (
            SELECT d.id, d.filed_at, max(e.occurred_at) AS closed_at
            FROM disputes d JOIN events e ON e.dispute_id = d.id AND e.kind IN ({marks})
            WHERE {where} AND d.stage = 'closed' GROUP BY d.id, d.filed_at)
        SELECT percentile_cont(0.5) WITHIN GROUP (
                   ORDER BY CAST(closed_at AS DATE) - CAST(filed_at AS DATE)) AS median_days,
               count(*) AS closed
        FROM closed""", [*closing_kinds, *params]).first()


def next_due_between(tx, scope: Scope, first: date, last: date):
    """Open disputes by the day their nearest lender deadline falls, in [first, last]."""
    where, params = _where(scope)
    return tx.execute(f"""
        SELECT d.next_due_by AS due_by, count(*) AS disputes FROM disputes d
        WHERE {where} AND d.stage <> 'closed' AND d.next_due_by >= ? AND d.next_due_by <= ?
        GROUP BY d.next_due_by ORDER BY d.next_due_by""", [*params, first, last])


def _decided(source: str) -> str:
    """The kept lender deadlines of `source` (its rows: institution, due_by, status, n) added up
    per due day and status, as `met`, `missed` (late, or open and due before today, the one
    parameter) or NULL (paused, running). Added up before the status and the month are worked
    out: a year's view is 40,000 kept rows but a few hundred days, and PostgreSQL took 25 ms to
    truncate and group the rows one by one (bench/README-dashboard.md)."""
    return f"""
        SELECT due_by, n, CASE WHEN status = 'met' THEN 'met' WHEN status = 'late' THEN 'missed'
                               WHEN status = 'open' AND due_by < ? THEN 'missed' END AS status
        FROM (SELECT due_by, status, CAST(sum(n) AS BIGINT) AS n FROM ({source}) k
              GROUP BY due_by, status HAVING sum(n) <> 0) g"""


def _summed(status: str, within: bool = False) -> str:
    """The kept deadlines of `status` (`_decided`'s), due in [?, ?] when `within`: 0 if none."""
    due = " AND due_by >= ? AND due_by <= ?" if within else ""
    return f"CAST(coalesce(sum(n) FILTER (WHERE status = '{status}'{due}), 0) AS BIGINT)"


def _kept_decided(tx, scope: Scope, first: date, last: date, today: date) -> dict[str, Any]:
    """Not filtered by filing date: the kept lender deadlines due in [first, last], met and
    missed (no part days here for a WHERE on the due day to be pushed into)."""
    source, params = _source(scope, kept_counts.LENDER, kept_counts.DAY_LENDER)
    return tx.execute(f"SELECT {_summed('met')} AS met, {_summed('missed')} AS missed "
                      f"FROM ({_decided(source)}) k WHERE due_by >= ? AND due_by <= ?",
                      [today, *params, first, last]).first()


def _kept_median(tx, scope: Scope) -> dict[str, Any]:
    """The median read off the kept histogram of days to close, as percentile_cont takes it
    (halfway between the two middle values of an even count), and how many it is taken over."""
    source, params = _source(scope, kept_counts.CLOSE_DAYS, kept_counts.DAY_CLOSE_DAYS,
                             kept_counts.MONTH_CLOSE_DAYS)
    rows = tx.execute(f"SELECT days, CAST(sum(n) AS BIGINT) AS n FROM ({source}) k "
                      f"GROUP BY days HAVING sum(n) <> 0 ORDER BY days", params).rows
    closed = sum(n for _days, n in rows)
    if not closed:
        return {"median_days": None, "closed": 0}
    middle = (closed - 1) / 2

    def at(rank: int) -> int:
        seen = 0
        for days, n in rows:
            seen += n
            if rank < seen:
                return days
        raise AssertionError(rank)

    low, high = at(int(middle)), at(int(middle) + (middle % 1 > 0))
    return {"median_days": low + (high - low) * (middle % 1), "closed": closed}


def open_disputes(tx, scope: Scope, now: datetime, today: date, week_last: date,
                  buckets: tuple[tuple[int, int | None, str], ...]):
    """The open disputes from their kept tables, as rows (figure, age_days, due_by, disputes):
    by age bucket ('age', its label), overdue ('overdue': nearest lender deadline before
    `today`) and by the day in [today, week_last] their nearest lender deadline falls ('due',
    the day); what
    `headline`, `age_of_open` and `next_due_between` count from the rows (how many are open is
    the sum of the ages). The ages from the open disputes per UTC filing day; the deadlines
    from those per filing month and nearest lender deadline, where the range holds whole
    months, and per filing day and nearest lender deadline for the days around them: a year of
    every institution is some thousand rows, where per filing day and deadline it was 45,000
    (bench/README-dashboard.md)."""
    ages, age_params = _source(scope, kept_counts.OPEN_AGES, kept_counts.OPEN_AGES)
    due, due_params = _source(scope, kept_counts.OPEN_DUE_MONTHS, kept_counts.OPEN,
                              kept_counts.OPEN_DUE_MONTHS, cols=("institution", "next_due_by"))
    label = " ".join(f"WHEN age <= {hi} THEN '{name}'" for _lo, hi, name in buckets
                     if hi is not None)
    return tx.execute(f"""
        WITH aged AS (SELECT CAST(CAST(? AS TIMESTAMP) AS DATE) - filed_on AS age, n
                      FROM ({ages}) k WHERE n <> 0),
             due AS (SELECT next_due_by, CAST(sum(n) AS BIGINT) AS n FROM ({due}) k
                     WHERE n <> 0 GROUP BY next_due_by)
        SELECT 'age' AS figure, CASE {label} ELSE '{buckets[-1][2]}' END AS age_days,
               CAST(NULL AS DATE) AS due_by, CAST(sum(n) AS BIGINT) AS disputes
        FROM aged GROUP BY 2 HAVING sum(n) <> 0
        UNION ALL
        SELECT 'overdue', NULL, NULL, CAST(sum(n) AS BIGINT) FROM due WHERE next_due_by < ?
        UNION ALL
        SELECT 'due', NULL, next_due_by, n FROM due
        WHERE next_due_by >= ? AND next_due_by <= ? AND n <> 0""",
                      [now, *age_params, *due_params, today, today, week_last])


def _kept_months(tx, scope: Scope, today: date):
    """Not filtered by filing date: lender deadlines met and missed per month due, with the
    share met; each month but today's from the kept months (an open deadline is missed in a
    month before today's, running in one after it) and today's month from the kept due days,
    where today splits it."""
    where, params = kept_counts.scope_sql(scope.institution, kept_counts.LENDER_MONTHS)
    month = today.replace(day=1)
    following = (month + timedelta(days=32)).replace(day=1)
    met, missed = _summed("met"), _summed("missed")
    return tx.execute(f"""
        WITH decided AS (
            SELECT month, n, CASE WHEN status = 'met' THEN 'met' WHEN status = 'late'
                                  THEN 'missed' WHEN status = 'open' AND month < ? THEN 'missed'
                             END AS status
            FROM dashboard_lender_months WHERE {where} AND n <> 0 AND month <> ?
            UNION ALL
            SELECT {_MONTH.format(due_by="due_by")} AS month, n,
                   CASE WHEN status = 'met' THEN 'met' WHEN status = 'late' THEN 'missed'
                        WHEN status = 'open' AND due_by < ? THEN 'missed' END AS status
            FROM dashboard_lender_deadlines
            WHERE {where} AND n <> 0 AND due_by >= ? AND due_by < ?)
        SELECT month, {met} AS met, {missed} AS missed,
               {_share(tx.backend, met, 'CAST(sum(n) AS BIGINT)')} AS met_share
        FROM decided WHERE status IS NOT NULL GROUP BY month ORDER BY month""",
                      [month, *params, month, today, *params, month, following])
