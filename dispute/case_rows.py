"""Reading and updating one dispute row inside a write: the access check, the version check and
the version bump that every change to a dispute shares."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dispute import events
from dispute.access import check_case_access
from dispute.db import UnitOfWork
from dispute.errors import StaleWrite, UserError
from dispute.i18n import N_
from dispute.models import User

DISPUTE_SQL = ("SELECT d.* REPLACE (reveal_account(d.account_ref) AS account_ref), "
               "reveal_name(u.name) AS borrower_name FROM disputes d "
               "JOIN users u ON u.id = d.borrower_id WHERE d.number = ?")


def row_for_write(uow: UnitOfWork, actor: User, number: str,
                  expected_version: int | None) -> dict[str, Any]:
    """The dispute row inside a write, after the access check and the version check: a write
    based on a stale read is refused, never applied over someone else's change."""
    row = check_case_access(actor, uow.execute(DISPUTE_SQL, (number.strip().upper(),)).first(),
                            number)
    if expected_version is not None and row["version"] != expected_version:
        raise StaleWrite()
    return row


def touch(uow: UnitOfWork, row: dict[str, Any], now: datetime, **changes: Any) -> None:
    """Apply `changes` to the dispute and bump its version. The `version = ?` guard makes two
    transactions that read the same version conflict, so one of them is retried and then
    refused by `row_for_write`."""
    sets = "".join(f"{column} = ?, " for column in changes)
    uow.execute(f"UPDATE disputes SET {sets}version = version + 1, updated_at = ?, "
                "last_activity_at = ? WHERE id = ? AND version = ?",
                (*changes.values(), events.utc_naive(now), events.utc_naive(now), row["id"],
                 row["version"]))


def open_row_for_write(uow: UnitOfWork, actor: User, number: str,
                       expected_version: int | None = None) -> dict[str, Any]:
    """As `row_for_write`, for changes that a closed dispute no longer takes."""
    row = row_for_write(uow, actor, number, expected_version)
    if row["stage"] == "closed":
        raise UserError(N_("Dispute {number} is closed; it cannot be changed."), number=number)
    return row
