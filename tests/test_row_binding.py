"""Findings 11 and 12 of issue 19: a sealed value opens only in its own row (swapping two users'
sealed phone numbers in the database is refused, not shown), and rotating the portal key leaves
name search working; `keys rewrap` then lets the old key go."""

from __future__ import annotations

import dataclasses

import pytest

from dispute import accounts, cases, exhibits, keys, rewrap
from dispute.context import open_context
from dispute.queue import QueueFilter, queue
from dispute.sealed import SealBroken
from dispute.storage import users
from dispute.unmasking import unmask
from dispute.vocab import Role
from tests.conftest import filing_form, make_user, pdf_bytes, raw, upload


def _swap(ctx, table: str, column: str, a, b) -> None:
    """Exchange the stored (sealed) values of two rows, as someone with the database file could."""
    def write(uow):
        va = uow.execute(f"SELECT {column} FROM {table} WHERE id = ?", (a,)).scalar()
        vb = uow.execute(f"SELECT {column} FROM {table} WHERE id = ?", (b,)).scalar()
        uow.execute(f"UPDATE {table} SET {column} = ? WHERE id = ?", (vb, a))
        uow.execute(f"UPDATE {table} SET {column} = ? WHERE id = ?", (va, b))
    ctx.db.write(write)


def test_swapping_two_users_sealed_phones_is_refused_not_shown(ctx):
    wang = make_user(ctx, phone="+86 138 0013 8000")
    li = make_user(ctx, name="李雷", email="li.lei@example.com", phone="+86 139 1111 2222")
    staff = make_user(ctx, Role.STAFF, email="staff@example.com")
    number = cases.file_dispute(ctx, wang, filing_form())
    _swap(ctx, "users", "phone", wang.id, li.id)
    with pytest.raises(SealBroken, match="users.phone"):
        unmask(ctx, staff, number, {"field": "borrower_phone", "reason": "call back"})
    with pytest.raises(SealBroken, match="users.phone"):
        accounts.get_user(ctx, li.id)


def test_swapping_names_or_account_numbers_between_rows_of_one_person_is_refused(ctx):
    """The same person's key seals both rows: only the row id in the associated data tells."""
    wang = make_user(ctx)
    first = cases.file_dispute(ctx, wang, filing_form(account_ref="6225880211112222"))
    second = cases.file_dispute(ctx, wang, filing_form(account_ref="6225880233334444"))
    ids = [r["id"] for r in raw(ctx.db, "SELECT id FROM disputes ORDER BY number")]
    _swap(ctx, "disputes", "account_ref", *ids)
    for number in (first, second):
        with pytest.raises(SealBroken, match="disputes.account_ref"):
            cases.get_dispute(ctx, wang, number)


def test_a_name_moved_onto_another_user_is_refused(ctx):
    wang = make_user(ctx)
    li = make_user(ctx, name="李雷", email="li.lei@example.com")
    _swap(ctx, "users", "name", wang.id, li.id)
    with pytest.raises(SealBroken, match="users.name"):
        ctx.db.read(users.names, [wang.id])


def test_borrowers_are_still_found_by_name_after_a_new_key_is_put_first(settings):
    ctx = open_context(settings)
    wang = make_user(ctx)
    staff = make_user(ctx, Role.STAFF, email="staff@example.com")
    number = cases.file_dispute(ctx, wang, filing_form())
    old = ctx.keys.current.encoded()
    ctx.db.close()

    rotated = dataclasses.replace(settings, data_key=f"{keys.new_key_text()},{old}")
    ctx = open_context(rotated)
    assert [r.number for r in queue(ctx, staff, QueueFilter(text="王芳")).rows] == [number]
    li = make_user(ctx, name="李雷", email="li.lei@example.com")  # sealed after the rotation
    assert ctx.db.read(users.borrower_ids_named, "李 雷") == [li.id]
    ctx.db.close()


def test_keys_rewrap_lets_the_old_key_go_and_everything_still_opens(settings):
    ctx = open_context(settings)
    wang = make_user(ctx)
    staff = make_user(ctx, Role.STAFF, email="staff@example.com")
    number = cases.file_dispute(ctx, wang, filing_form())
    exhibits.attach_evidence(ctx, wang, number, [upload("statement.pdf", pdf_bytes("月结单"))])
    old = ctx.keys.current
    ctx.db.close()
    new = keys.new_key_text()
    ctx = open_context(dataclasses.replace(settings, data_key=f"{new},{old.encoded()}"))
    done = rewrap.rewrap(ctx)
    assert done.removable == (old.id_hex,) and done.key_files >= 3 and done.objects == 1
    ctx.db.close()

    ctx = open_context(dataclasses.replace(settings, data_key=new))  # the old key is gone
    assert [r.number for r in queue(ctx, staff, QueueFilter(text="王芳")).rows] == [number]
    assert cases.get_dispute(ctx, wang, number).account_ref.endswith("5678")
    [item] = exhibits.list_evidence(ctx, wang, number)
    with exhibits.open_evidence(ctx, wang, number, item.id) as fh:
        assert fh.read() == pdf_bytes("月结单")
    ctx.db.close()
