"""The staff and legal dashboard: small aggregate tables, each computed in SQL.

Every figure is one GROUP BY over `disputes` (and `deadlines`), filtered by filing date and
institution, so the cost grows with the number of groups shown, not with the number of disputes
copied out of DuckDB. Tables carry raw vocabulary values; pages translate them as labels.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from dispute import local_days, spreadsheet
from dispute.access import require_role
from dispute.context import Context
from dispute.storage import dashboard as dashboard_rows
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


def _scope(filters: Filters, tz: str) -> dashboard_rows.Scope:
    start, end = local_days.days_between(filters.filed_from, filters.filed_to, tz)
    return dashboard_rows.Scope(start, end, filters.institution or None)


def _table(rows) -> Table:
    return Table(tuple(rows.columns), tuple(tuple(r) for r in rows.rows))


def build_dashboard(ctx: Context, actor: User, filters: Filters = Filters()) -> Dashboard:
    require_role(actor, Role.STAFF, Role.LEGAL)
    scope = _scope(filters, ctx.settings.timezone)
    today = ctx.today()
    week_start = today - timedelta(days=today.weekday())

    def read(tx) -> Dashboard:
        return Dashboard(
            by_stage=_table(dashboard_rows.by_stage(tx, scope)),
            age_of_open=_table(dashboard_rows.age_of_open(tx, scope, ctx.now(), AGE_BUCKETS)),
            due_this_week=_table(dashboard_rows.due_between(tx, scope, week_start,
                                                            week_start + timedelta(days=6))),
            met_share_by_month=_table(dashboard_rows.met_share_by_month(tx, scope, today)),
            outcomes=_table(dashboard_rows.outcomes(tx, scope)),
            top_institutions=_table(dashboard_rows.top_institutions(tx, scope, TOP)),
            top_error_categories=_table(dashboard_rows.top_error_categories(tx, scope, TOP)))

    return ctx.db.read(read)
