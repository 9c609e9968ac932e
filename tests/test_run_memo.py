"""A dispute's row is read once per page run (dispute/storage/run_memo.py, opened by portal.py
through dispute/case_reads.py), and any write on the thread forgets it: on both backends."""

from __future__ import annotations

import threading

import pytest

from dispute import assignment, case_reads, cases
from dispute.errors import NotFound, StaleWrite
from dispute.vocab import Role
from tests.conftest import filing_form, make_user

pytestmark = pytest.mark.both_backends


def _people(ctx):
    borrower = make_user(ctx)
    staff = make_user(ctx, Role.STAFF, email="staff@example.com", name="李静")
    return borrower, staff, cases.file_dispute(ctx, borrower, filing_form())


def _elsewhere(fn) -> None:
    """`fn` on another thread: another session's run, whose writes this run does not see."""
    worker = threading.Thread(target=fn)
    worker.start()
    worker.join()


def test_inside_a_page_run_the_row_is_read_once_and_a_write_elsewhere_is_seen_next_run(ctx):
    borrower, staff, number = _people(ctx)
    with case_reads.one_page_run():
        before = cases.get_dispute(ctx, staff, number)
        _elsewhere(lambda: assignment.assign(ctx, staff, number, staff.id,
                                             expected_version=before.version))
        # the same moment for the whole run: the other session's change comes next run
        assert cases.get_dispute(ctx, staff, number).version == before.version
    assert cases.get_dispute(ctx, staff, number).version == before.version + 1
    with case_reads.one_page_run():
        assert cases.get_dispute(ctx, staff, number).handler_id == staff.id


def test_a_write_in_the_run_forgets_what_the_run_read(ctx):
    _borrower, staff, number = _people(ctx)
    with case_reads.one_page_run():
        before = cases.get_dispute(ctx, staff, number)
        assignment.assign(ctx, staff, number, staff.id, expected_version=before.version)
        after = cases.get_dispute(ctx, staff, number)
    assert after.version == before.version + 1 and after.handler_id == staff.id


def test_a_refused_write_forgets_too_and_access_is_checked_on_every_read(ctx):
    borrower, staff, number = _people(ctx)
    other = make_user(ctx, email="other@example.com", name="李四", phone="+86 138 0013 8001")
    with case_reads.one_page_run():
        before = cases.get_dispute(ctx, staff, number)
        _elsewhere(lambda: assignment.assign(ctx, staff, number, staff.id,
                                             expected_version=before.version))
        with pytest.raises(StaleWrite):  # this run's write, on what it read: refused
            assignment.assign(ctx, staff, number, None, expected_version=before.version)
        assert cases.get_dispute(ctx, staff, number).version == before.version + 1
        assert cases.get_dispute(ctx, borrower, number).number == number
        with pytest.raises(NotFound):  # the remembered row is not for someone who may not see it
            cases.get_dispute(ctx, other, number)
