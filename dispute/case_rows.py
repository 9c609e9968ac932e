"""The one way to load a dispute for a user: for reading (`case_for`: the access check) and for a
write (`row_for_write`: access, version check; `touch` bumps the version). Every service that
reads or changes one dispute goes through here, so numbers are cleaned the same way everywhere."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dispute.access import check_case_access
from dispute.errors import StaleWrite, UserError
from dispute.i18n import N_
from dispute.models import User
from dispute.storage import UnitOfWork, disputes, run_memo


def clean_number(number: str) -> str:
    """A dispute number as stored: people paste it with spaces and in lower case."""
    return number.strip().upper()


def case_for(ctx, actor: User, number: str) -> dict[str, Any]:
    """The dispute row for `actor` to read: NotFound or Forbidden when they may not. Read once
    per page run (dispute/storage/run_memo.py): every panel of a dispute's page asks for it."""
    clean = clean_number(number)
    row = run_memo.remembered(("dispute", clean), lambda: ctx.db.read(disputes.by_number, clean))
    return check_case_access(actor, None if row is None else dict(row), number)


def row_for_write(uow: UnitOfWork, actor: User, number: str,
                  expected_version: int | None) -> dict[str, Any]:
    """The dispute row inside a write, after the access check and the version check: a write
    based on a stale read is refused, never applied over someone else's change."""
    row = check_case_access(actor, disputes.by_number(uow, clean_number(number)), number)
    if expected_version is not None and row["version"] != expected_version:
        raise StaleWrite()
    return row


def touch(uow: UnitOfWork, row: dict[str, Any], now: datetime, **changes: Any) -> None:
    """Apply `changes` to the dispute and bump its version (see `disputes.touch`)."""
    disputes.touch(uow, row["id"], row["version"], now, **changes)


def open_row_for_write(uow: UnitOfWork, actor: User, number: str,
                       expected_version: int | None = None) -> dict[str, Any]:
    """As `row_for_write`, for changes that a closed dispute no longer takes."""
    row = row_for_write(uow, actor, number, expected_version)
    if row["stage"] == "closed":
        raise UserError(N_("Dispute {number} is closed; it cannot be changed."), number=number)
    return row
