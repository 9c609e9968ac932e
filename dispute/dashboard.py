"""The staff and legal dashboard: small aggregate tables, each computed in SQL.

Every figure is one GROUP BY over `disputes` (and `deadlines`), filtered by filing date and
institution, so the cost grows with the number of groups shown, not with the number of disputes
copied out of DuckDB. Tables carry raw vocabulary values; pages translate them as labels.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dispute import events, spreadsheet
from dispute.access import require_role
from dispute.context import Context
from dispute.deadlines.store import status_sql
from dispute.models import User
from dispute.vocab import Role

TOP = 10
AGE_BUCKETS = ((0, 7, "0–7"), (8, 30, "8–30"), (31, 60, "31–60"), (61, 90, "61–90"),
               (91, 180, "91–180"), (181, None, "181+"))


@dataclass(frozen=True)
class Table:
    """A small result: column names and rows, with a CSV for download."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, r)) for r in self.rows]

    def to_csv(self) -> str:
        """Text a spreadsheet would run as a formula is neutralised (dispute/spreadsheet.py)."""
        return spreadsheet.to_csv(self.columns, self.rows)


@dataclass(frozen=True)
class Filters:
    filed_from: date | None = None     # local dates, inclusive
    filed_to: date | None = None
    institution: str | None = None


@dataclass(frozen=True)
class Dashboard:
    by_stage: Table
    age_of_open: Table
    due_this_week: Table
    met_share_by_month: Table
    outcomes: Table
    top_institutions: Table
    top_error_categories: Table


def _where(filters: Filters, tz: str) -> tuple[str, list[Any]]:
    """The WHERE clause over `disputes d` for the filters (filing dates in the local zone)."""
    zone, clauses, params = ZoneInfo(tz), ["true"], []
    if filters.filed_from:
        clauses.append("d.filed_at >= ?")
        params.append(events.utc_naive(datetime.combine(filters.filed_from, time(), zone)))
    if filters.filed_to:
        clauses.append("d.filed_at < ?")
        params.append(events.utc_naive(datetime.combine(filters.filed_to + timedelta(days=1),
                                                        time(), zone)))
    if filters.institution:
        clauses.append("d.institution = ?")
        params.append(filters.institution)
    return " AND ".join(clauses), params


def _table(ctx: Context, sql: str, params: list[Any]) -> Table:
    rows = ctx.db.query(sql, params)
    return Table(tuple(rows.columns), tuple(tuple(r) for r in rows.rows))


def _age_case() -> str:
    parts = [f"WHEN age <= {hi} THEN '{name}'" for lo, hi, name in AGE_BUCKETS if hi is not None]
    return f"CASE {' '.join(parts)} ELSE '{AGE_BUCKETS[-1][2]}' END"


def build_dashboard(ctx: Context, actor: User, filters: Filters = Filters()) -> Dashboard:
    require_role(actor, Role.STAFF, Role.LEGAL)
    tz = ctx.settings.timezone
    where, params = _where(filters, tz)
    now, today = events.utc_naive(ctx.now()), ctx.today()
    week_start = today - timedelta(days=today.weekday())
    week_end = week_start + timedelta(days=6)
    bucket_order = ", ".join(f"'{name}'" for *_, name in AGE_BUCKETS)

    by_stage = _table(ctx, f"SELECT d.stage, count(*) AS disputes FROM disputes d "
                           f"WHERE {where} GROUP BY d.stage ORDER BY disputes DESC, d.stage",
                      params)
    age = _table(ctx, f"""
        WITH open AS (SELECT date_diff('day', d.filed_at, ?::TIMESTAMP) AS age
                      FROM disputes d WHERE {where} AND d.stage <> 'closed')
        SELECT {_age_case()} AS age_days, count(*) AS disputes FROM open
        GROUP BY age_days ORDER BY list_position([{bucket_order}], age_days)""",
                 [now, *params])
    due = _table(ctx, f"""
        SELECT dl.due_by, dl.party, dl.rule, count(*) AS deadlines
        FROM deadlines dl JOIN disputes d ON d.id = dl.dispute_id
        WHERE {where} AND dl.met_on IS NULL AND NOT dl.paused
          AND dl.due_by BETWEEN ? AND ?
        GROUP BY ALL ORDER BY dl.due_by, dl.party, dl.rule""",
                 [*params, week_start, week_end])
    met = _table(ctx, f"""
        WITH decided AS (
            SELECT date_trunc('month', dl.due_by)::DATE AS month,
                   {status_sql()} AS status
            FROM deadlines dl JOIN disputes d ON d.id = dl.dispute_id
            WHERE {where} AND dl.party = 'lender')
        SELECT month, count(*) FILTER (WHERE status = 'met') AS met,
               count(*) FILTER (WHERE status = 'missed') AS missed,
               round(count(*) FILTER (WHERE status = 'met') / count(*), 3) AS met_share
        FROM decided WHERE status IN ('met', 'missed') GROUP BY month ORDER BY month""",
                 [today, *params])
    outcomes = _table(ctx, f"SELECT d.resolution, count(*) AS disputes FROM disputes d "
                           f"WHERE {where} AND d.stage = 'closed' GROUP BY d.resolution "
                           f"ORDER BY disputes DESC, d.resolution", params)
    institutions = _table(ctx, f"""
        SELECT d.institution, count(*) AS disputes,
               count(*) FILTER (WHERE d.stage <> 'closed') AS open
        FROM disputes d WHERE {where} GROUP BY d.institution
        ORDER BY disputes DESC, d.institution LIMIT {TOP}""", params)
    categories = _table(ctx, f"""
        SELECT d.error_category, count(*) AS disputes FROM disputes d WHERE {where}
        GROUP BY d.error_category ORDER BY disputes DESC, d.error_category LIMIT {TOP}""",
                        params)
    return Dashboard(by_stage, age, due, met, outcomes, institutions, categories)


def institutions(ctx: Context, actor: User) -> list[str]:
    """The institutions named in disputes, for the filter."""
    require_role(actor, Role.STAFF, Role.LEGAL)
    return [r["institution"] for r in ctx.db.query(
        "SELECT DISTINCT institution FROM disputes ORDER BY institution")]
