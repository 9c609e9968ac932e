"""What the reminder run reads: the stored deadlines and the sittings around a day."""

from __future__ import annotations

from datetime import date
from typing import Any


def lender_due_by(tx, last_day: date) -> list[dict[str, Any]]:
    """Open lender deadlines of open disputes due on or before `last_day` (overdue included),
    not met and not paused."""
    return tx.execute(
        "SELECT d.id AS dispute_id, d.number, d.handler_id, dl.rule, dl.label, dl.due_by "
        "FROM deadlines dl JOIN disputes d ON d.id = dl.dispute_id "
        "WHERE dl.party = 'lender' AND dl.met_on IS NULL AND NOT dl.paused "
        "AND d.stage <> 'closed' AND dl.due_by <= ? ORDER BY dl.due_by, d.number, dl.rule",
        (last_day,)).dicts()


def borrower_open(tx, first_day: date) -> list[dict[str, Any]]:
    """The borrowers' own deadlines still running on `first_day` (not met, not paused)."""
    return tx.execute(
        "SELECT d.id AS dispute_id, d.number, d.borrower_id, dl.rule, dl.label, dl.due_by, "
        "dl.warn_from FROM deadlines dl JOIN disputes d ON d.id = dl.dispute_id "
        "WHERE dl.party = 'borrower' AND dl.met_on IS NULL AND NOT dl.paused "
        "AND dl.due_by >= ? ORDER BY dl.due_by, d.number", (first_day,)).dicts()


def decisions_missed(tx, before: date) -> list[dict[str, Any]]:
    """Disputes still open whose lender's decision deadline ended before `before` unmet."""
    return tx.execute(
        "SELECT d.id AS dispute_id, d.number, d.borrower_id, d.rulebook, dl.due_by "
        "FROM deadlines dl JOIN disputes d ON d.id = dl.dispute_id "
        "WHERE dl.rule = 'decision' AND dl.met_on IS NULL AND NOT dl.paused "
        "AND d.stage <> 'closed' AND dl.due_by < ? ORDER BY d.number", (before,)).dicts()


def sittings_between(tx, first_day: date, last_day: date) -> list[dict[str, Any]]:
    """Mediation sessions and hearings of open disputes held between the two days."""
    rows = []
    for table, what in (("mediation_sessions", "mediation"), ("hearings", "hearing")):
        rows += tx.execute(
            f"SELECT s.id AS sitting_id, s.held_on, '{what}' AS what, d.id AS dispute_id, "
            f"d.number, d.handler_id FROM {table} s JOIN disputes d ON d.id = s.dispute_id "
            "WHERE d.stage <> 'closed' AND s.held_on BETWEEN ? AND ? ORDER BY s.held_on",
            (first_day, last_day)).dicts()
    return sorted(rows, key=lambda r: (r["held_on"], r["number"]))
