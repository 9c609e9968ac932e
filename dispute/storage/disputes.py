"""The `disputes` table and its per-year number counter."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from dispute.storage import dashboard_counts, queue_counts, search_index
from dispute.storage.conflict import WriteConflict
from dispute.storage.sealing import ACCOUNT_REF, USER_NAME, opened, seal_text

_BY_NUMBER = ("SELECT d.*, u.name AS borrower_name FROM disputes d "
              "JOIN users u ON u.id = d.borrower_id WHERE d.number = ?")
_OPENED = {"account_ref": (ACCOUNT_REF, "id", "borrower_id"),
           "borrower_name": (USER_NAME, "borrower_id")}


def by_number(tx, number: str) -> dict[str, Any] | None:
    """Every column of the dispute with this (clean) number, its account number opened, and the
    borrower's name; None when there is none. Inside a write on PostgreSQL the row stays locked
    to the commit, so writes to one dispute from several processes take turns."""
    return opened(tx.keys, tx.execute(_BY_NUMBER + tx.for_update("d"), (number,)).first(),
                  _OPENED)


def id_by_number(tx, number: str) -> UUID | None:
    return tx.execute("SELECT id FROM disputes WHERE number = ?", (number,)).scalar()


def lock(tx, dispute_id: UUID) -> None:
    """Inside a write on PostgreSQL, lock the dispute's row to the commit (nothing on DuckDB,
    whose writers take turns anyway). Taken before the chain head by every append, so that two
    writes lock in the same order and do not deadlock."""
    if tx.locks:
        tx.execute("SELECT d.id FROM disputes d WHERE d.id = ?" + tx.for_update("d"),
                   (dispute_id,))


def next_number(tx, year: int) -> str:
    """`DSP-YYYY-NNNNNN`, counted per year inside the filing's transaction (so two filings
    cannot take the same number: the second conflicts and is retried, or waits its turn)."""
    value = tx.execute(
        "INSERT INTO counters VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET value = "
        "counters.value + 1 RETURNING value", (f"dispute:{year}",)).scalar()
    return f"DSP-{year}-{value:06d}"


_COLUMNS = ("id", "number", "borrower_id", "institution", "product", "account_ref",
            "error_category", "description", "error_occurred_on", "payment_due_on",
            "discovered_on", "currency", "overdue_minor", "fees_minor", "compensation_minor",
            "remedies", "stage", "rulebook", "version", "filed_at", "updated_at",
            "last_activity_at")


def insert(tx, values: dict[str, Any]) -> None:
    """A new dispute; `values` has every column of `_COLUMNS`, the account number in clear."""
    row = {**values, "account_ref": seal_text(tx.keys, values["account_ref"], ACCOUNT_REF,
                                              values["id"], values["borrower_id"])}
    tx.execute(f"INSERT INTO disputes ({', '.join(_COLUMNS)}) "
               f"VALUES ({', '.join('?' for _ in _COLUMNS)})", [row[c] for c in _COLUMNS])
    search_index.index(tx, values["id"], values["description"], values["stage"])
    queue_counts.shift(tx, None, queue_counts.key(values["stage"], values.get("handler_id"),
                                                  values["institution"]))
    dashboard_counts.added(tx, values["id"])


def _counted(tx, dispute_id: UUID, version: int | None = None) -> dict[str, Any] | None:
    """The dispute's queue_counts columns before a change (locked on PostgreSQL); None when the
    version moved on (the UPDATE then matches nothing and conflicts)."""
    guard = "" if version is None else " AND version = ?"
    return tx.execute(f"SELECT {', '.join(queue_counts.COLUMNS)} FROM disputes WHERE id = ?"
                      + guard + tx.for_update("disputes"),
                      (dispute_id,) if version is None else (dispute_id, version)).first()


def _recount_change(tx, before: dict[str, Any] | None, changes: dict[str, Any]) -> None:
    """Move the dispute's count from its old key to the new one (`changes` over `before`)."""
    if before is not None:
        after = {**before, **{c: v for c, v in changes.items() if c in queue_counts.COLUMNS}}
        queue_counts.shift(tx, queue_counts.key(*(before[c] for c in queue_counts.COLUMNS)),
                           queue_counts.key(*(after[c] for c in queue_counts.COLUMNS)))


def touch(tx, dispute_id: UUID, version: int, now: datetime, **changes: Any) -> None:
    """Apply `changes` and bump the version. The `version = ?` guard makes two transactions that
    read the same version conflict, so one of them is retried and then refused as stale; an UPDATE
    that matched no row (the version moved on) is a lost race too, never a silent no-op."""
    if "account_ref" in changes:  # given in clear, stored sealed
        borrower = tx.execute("SELECT borrower_id FROM disputes WHERE id = ?",
                              (dispute_id,)).scalar()
        changes["account_ref"] = seal_text(tx.keys, changes["account_ref"], ACCOUNT_REF,
                                           dispute_id, borrower)
    indexed = "description" in changes or "stage" in changes
    text_before = tx.execute("SELECT description, stage FROM disputes WHERE id = ?",
                             (dispute_id,)).rows if indexed else []
    before = (_counted(tx, dispute_id, version)
              if any(c in changes for c in queue_counts.COLUMNS) else None)
    sets = "".join(f"{column} = ?, " for column in changes)
    with dashboard_counts.kept(tx, dispute_id, tables=dashboard_counts.touched(changes)):
        changed = tx.execute(f"UPDATE disputes SET {sets}version = version + 1, "
                             "updated_at = ?, last_activity_at = ? WHERE id = ? AND version = ? "
                             "RETURNING version", (*changes.values(), now, now, dispute_id,
                                                   version))
        if not changed:  # another writer got there first: rerun, then the version check refuses
            raise WriteConflict()
    if text_before:  # the text index follows the text and the stage, in the same transaction
        old_text, old_stage = text_before[0]
        search_index.reindex(tx, dispute_id, old_text, old_stage,
                             changes.get("description", old_text),
                             changes.get("stage", old_stage))
    _recount_change(tx, before, changes)


def set_flags(tx, dispute_id: UUID, **flags: Any) -> None:
    """Change columns without a version bump (flags a borrower's answer clears)."""
    before = _counted(tx, dispute_id) if any(c in flags for c in queue_counts.COLUMNS) else None
    sets = ", ".join(f"{column} = ?" for column in flags)
    with dashboard_counts.kept(tx, dispute_id, tables=dashboard_counts.touched(flags)):
        tx.execute(f"UPDATE disputes SET {sets} WHERE id = ?", (*flags.values(), dispute_id))
    _recount_change(tx, before, flags)


def count_for_borrower(tx, borrower_id: UUID) -> int:
    return tx.execute("SELECT count(*) FROM disputes WHERE borrower_id = ?",
                      (borrower_id,)).scalar()


def page_for_borrower(tx, borrower_id: UUID, limit: int, offset: int,
                      today) -> list[dict[str, Any]]:
    """A page of the borrower's disputes, with what waits on them: an open request for
    information, an offer not yet answered nor expired on `today`."""
    return tx.execute(
        "SELECT d.number, d.institution, d.product, d.stage, d.filed_at, "
        "d.waiting_on_borrower AS information_requested, EXISTS (SELECT 1 FROM offers o "
        "WHERE o.dispute_id = d.id AND o.status = 'proposed' "
        "AND (o.expires_on IS NULL OR o.expires_on >= ?)) AS offer_waiting "
        "FROM disputes d WHERE d.borrower_id = ? "
        "ORDER BY d.filed_at DESC, d.number DESC LIMIT ? OFFSET ?",
        (today, borrower_id, limit, offset)).dicts()


def count(tx) -> int:
    return tx.execute("SELECT count(*) FROM disputes").scalar()


def institutions(tx, limit: int) -> list[str]:
    """The institutions named most often."""
    return tx.execute("SELECT institution, count(*) AS n FROM disputes GROUP BY institution "
                      "ORDER BY n DESC, institution LIMIT ?", (limit,)).column()


def open_ids(tx) -> list[UUID]:
    return tx.execute("SELECT id FROM disputes WHERE stage <> 'closed'").column()


def all_ids(tx) -> list[UUID]:
    return tx.execute("SELECT id FROM disputes").column()


def parties(tx, dispute_id: UUID) -> dict[str, Any] | None:
    """Who a dispute concerns: its number, borrower and handler (the notification rules)."""
    return tx.execute("SELECT number, borrower_id, handler_id FROM disputes WHERE id = ?",
                      (dispute_id,)).first()
def numbers_of_borrower(tx, borrower_id: UUID) -> list[str]:
    """Every dispute number of one borrower, oldest first."""
    return tx.execute("SELECT number FROM disputes WHERE borrower_id = ? ORDER BY filed_at, "
                      "number", (borrower_id,)).column()
