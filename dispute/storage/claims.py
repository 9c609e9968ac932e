"""The `claim_lines` and `claim_calculations` tables: a dispute's account lines (one JSON
document per dispute) and the calculations saved from them (inputs and result as JSON)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from uuid import UUID

from dispute.storage.sealing import USER_NAME, opened


def lines_of(tx, dispute_id: UUID) -> dict[str, Any] | None:
    """The stored lines (`lines` parsed back from JSON), with who saved them; None if none."""
    row = tx.execute("SELECT l.lines, l.source, l.saved_at, l.saved_by, u.name AS saved_by_name "
                     "FROM claim_lines l JOIN users u ON u.id = l.saved_by "
                     "WHERE l.dispute_id = ?", (dispute_id,)).first()
    if row is None:
        return None
    row = opened(tx.keys, row, {"saved_by_name": (USER_NAME, "saved_by")}, drop=("saved_by",))
    return {**row, "lines": json.loads(row["lines"])}


def replace_lines(tx, *, dispute_id: UUID, lines: dict[str, Any], source: str, saved_by: UUID,
                  saved_at: datetime) -> None:
    """The dispute's lines, replacing any saved before."""
    tx.execute("DELETE FROM claim_lines WHERE dispute_id = ?", (dispute_id,))
    tx.execute("INSERT INTO claim_lines (dispute_id, lines, source, saved_by, saved_at) "
               "VALUES (?, ?, ?, ?, ?)",
               (dispute_id, json.dumps(lines, ensure_ascii=False, sort_keys=True), source,
                saved_by, saved_at))


def insert_calculation(tx, *, calculation_id: UUID, dispute_id: UUID, made_by: UUID,
                       made_at: datetime, currency: str, refund_minor: int,
                       inputs: dict[str, Any], result: dict[str, Any]) -> None:
    tx.execute("INSERT INTO claim_calculations (id, dispute_id, made_by, made_at, currency, "
               "refund_minor, inputs, result) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
               (calculation_id, dispute_id, made_by, made_at, currency, refund_minor,
                json.dumps(inputs, ensure_ascii=False, sort_keys=True),
                json.dumps(result, ensure_ascii=False, sort_keys=True)))


def latest_calculation(tx, dispute_id: UUID) -> dict[str, Any] | None:
    """The newest saved calculation, `inputs` and `result` parsed, with its maker's name."""
    row = tx.execute("SELECT c.*, u.name AS made_by_name FROM claim_calculations c "
                     "JOIN users u ON u.id = c.made_by WHERE c.dispute_id = ? "
                     "ORDER BY c.made_at DESC LIMIT 1", (dispute_id,)).first()
    if row is None:
        return None
    row = opened(tx.keys, row, {"made_by_name": (USER_NAME, "made_by")})
    return {**row, "inputs": json.loads(row["inputs"]), "result": json.loads(row["result"])}


def count_calculations(tx, dispute_id: UUID) -> int:
    return tx.execute("SELECT count(*) FROM claim_calculations WHERE dispute_id = ?",
                      (dispute_id,)).scalar()
