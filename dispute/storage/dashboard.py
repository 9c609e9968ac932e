"""The dashboard's aggregates: each one GROUP BY over `disputes` (and `deadlines`), so the cost
grows with the number of groups shown, not with the number of disputes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from dispute.storage.deadlines import status_sql


@dataclass(frozen=True)
class Scope:
    """Which disputes count: filed in [filed_from, filed_to) (UTC), of one institution."""

    filed_from: datetime | None = None
    filed_to: datetime | None = None
    institution: str | None = None


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


def by_stage(tx, scope: Scope):
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


def met_share_by_month(tx, scope: Scope, today: date):
    """Lender deadlines met and missed per month of their due date."""
    where, params = _where(scope)
    return tx.execute(f"""
        WITH decided AS (
            SELECT CAST(date_trunc('month', dl.due_by) AS DATE) AS month,
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
    where, params = _where(scope)
    return tx.execute(f"SELECT d.resolution, count(*) AS disputes FROM disputes d "
                      f"WHERE {where} AND d.stage = 'closed' GROUP BY d.resolution "
                      f"ORDER BY disputes DESC, d.resolution", params)


def top_institutions(tx, scope: Scope, top: int):
    where, params = _where(scope)
    return tx.execute(f"""
        SELECT d.institution, count(*) AS disputes,
               count(*) FILTER (WHERE d.stage <> 'closed') AS open
        FROM disputes d WHERE {where} GROUP BY d.institution
        ORDER BY disputes DESC, d.institution LIMIT ?""", [*params, top])


def top_error_categories(tx, scope: Scope, top: int):
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
    """Lender deadlines due in [first, last] that are decided: met, and missed."""
    where, params = _where(scope)
    return tx.execute(f"""
        WITH decided AS (SELECT {status_sql()} AS status
                         FROM deadlines dl JOIN disputes d ON d.id = dl.dispute_id
                         WHERE {where} AND dl.party = 'lender'
                           AND dl.due_by >= ? AND dl.due_by <= ?)
        SELECT count(*) FILTER (WHERE status = 'met') AS met,
               count(*) FILTER (WHERE status = 'missed') AS missed FROM decided""",
                      [today, *params, first, last]).first()


def median_days_to_close(tx, scope: Scope, closing_kinds: tuple[str, ...]):
    """The median number of days from filing to the last closing event of closed disputes."""
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
