"""The event history is hash-chained; any tampering in the database file is found."""

import pytest

from dispute import audit, cases, workflow
from dispute.exhibits import attach_evidence
from tests.conftest import raw, filing_form, make_user, pdf_bytes, upload


@pytest.fixture
def history(ctx):
    borrower = make_user(ctx)
    number = cases.file_dispute(ctx, borrower, filing_form(), [upload("a.pdf", pdf_bytes())])
    attach_evidence(ctx, borrower, number, [upload("b.pdf", pdf_bytes("b"))])
    workflow.move(ctx, borrower, number, 'withdraw', {"reason": "settled"})
    return ctx


def test_an_untouched_chain_verifies(history):
    count, problem = audit.verify_chain(history.db)
    assert problem is None
    kinds = [r["kind"] for r in raw(history.db, "SELECT kind FROM events ORDER BY seq")]
    assert kinds == ["AccountCreated", "DisputeFiled", "EvidenceAttached", "EvidenceAttached",
                     "DisputeWithdrawn"]
    assert count == 5


def test_a_modified_event_is_found(history):
    raw(history.db, "UPDATE events SET payload = replace(payload, 'settled', 'forced') "
                     "WHERE seq = 5")
    assert audit.verify_chain(history.db)[1].seq == 5


def test_a_deleted_event_is_found(history):
    raw(history.db, "DELETE FROM events WHERE seq = 3")
    assert audit.verify_chain(history.db)[1].seq == 4


def test_a_deleted_last_event_is_found(history):
    raw(history.db, "DELETE FROM events WHERE seq = 5")
    assert audit.verify_chain(history.db)[1] is not None


def test_reordered_events_are_found(history):
    # Through negative numbers: PostgreSQL checks the key after each row, not each statement.
    raw(history.db, "UPDATE events SET seq = -seq WHERE seq IN (3, 4)")
    raw(history.db, "UPDATE events SET seq = CASE seq WHEN -3 THEN 4 ELSE 3 END WHERE seq < 0")
    assert audit.verify_chain(history.db)[1].seq == 3


def test_an_inserted_event_is_found(history):
    row = raw(history.db, "SELECT * FROM events WHERE seq = 5").first()
    raw(history.db, "UPDATE events SET seq = -(seq + 1) WHERE seq >= 3")
    raw(history.db, "UPDATE events SET seq = -seq WHERE seq < 0")
    raw(history.db, "INSERT INTO events VALUES (3, ?, ?, ?, 'EvidenceWithdrawn', '{}', ?, ?)",
                     (row["dispute_id"], row["actor_id"], row["occurred_at"], row["prev_hash"],
                      row["hash"]))
    assert audit.verify_chain(history.db)[1].seq == 3
