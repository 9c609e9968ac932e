"""Personal data is sealed before it reaches DuckDB and evidence is encrypted in the store: the
raw files show none of the demo data's names, numbers or file contents."""

from __future__ import annotations

import base64

import pytest

from dispute import accounts, cases, demo
from dispute.context import open_context
from dispute.errors import Forbidden, InvalidInput, UserError
from dispute.storage import users
from dispute.storage.sealing import (ACCOUNT_REF, EMAIL_UPGRADE, USER_NAME, USER_PHONE, NotSealed,
                                     open_email, open_text)
from dispute.timeline import timeline
from dispute.unmasking import unmask
from dispute.vocab import Role
from tests.conftest import raw, filing_form, make_user


def _database_bytes(settings, request) -> bytes:
    """Everything the database holds, as bytes: the DuckDB files, or a dump of the PostgreSQL
    database (what a backup or a look at the server's disk would show)."""
    if settings.database_url:
        import subprocess

        cluster = request.getfixturevalue("pg_cluster")
        return subprocess.run([str(cluster.bin / "pg_dump"), "--dbname", settings.database_url],
                              check=True, capture_output=True).stdout
    return b"".join(p.read_bytes() for p in settings.data_dir.glob("*.duckdb*"))


def test_the_raw_database_and_store_hold_no_names_numbers_or_file_contents(settings, request):
    ctx = open_context(settings)
    demo.create_demo(ctx, cases_count=9)
    people = [{"name": open_text(ctx.sealing, r["name"], USER_NAME, r["id"], r["id"]),
               "phone": open_text(ctx.sealing, r["phone"], USER_PHONE, r["id"], r["id"])}
              for r in raw(ctx.db, "SELECT id, name, phone FROM users")]
    refs = [open_text(ctx.sealing, r["account_ref"], ACCOUNT_REF, r["id"], r["borrower_id"])
            for r in raw(ctx.db, "SELECT id, borrower_id, account_ref FROM disputes")]
    emails = [open_email(ctx.sealing, r["email"], r["id"])
              for r in raw(ctx.db, "SELECT id, email FROM users")]
    assert all("@" in e for e in emails)
    secrets = [p["name"] for p in people] + [p["phone"] for p in people] + refs + emails
    assert len(secrets) > 20 and all(secrets)
    samples = []
    for sha in {r["sha256"] for r in raw(ctx.db, "SELECT sha256 FROM evidence")}:
        with ctx.store.open(sha) as fh:
            data = fh.read()
        samples.append(data[len(data) // 2: len(data) // 2 + 48])
    ctx.db.close()  # checkpoint: everything is in the database file now

    on_disk = _database_bytes(settings, request)
    stored = b"".join(p.read_bytes() for p in settings.store_dir.rglob("*") if p.is_file())
    assert len(on_disk) > 100_000 and len(stored) > 10_000
    for secret in secrets:
        for form in {secret, secret.replace(" ", "")}:
            assert form.encode("utf-8") not in on_disk, f"{form!r} is in the database file"
    for sample in samples:
        assert sample not in stored and sample not in on_disk


@pytest.fixture
def case(ctx):
    borrower = make_user(ctx)
    staff = make_user(ctx, Role.STAFF, email="staff@example.com")
    number = cases.file_dispute(ctx, borrower, filing_form())
    return number, borrower, staff


def test_staff_unmask_a_field_with_a_reason_and_it_is_logged_internally(ctx, case):
    number, borrower, staff = case
    with pytest.raises(InvalidInput):
        unmask(ctx, staff, number, {"field": "account_ref", "reason": ""})
    assert unmask(ctx, staff, number, {"field": "account_ref",
                                       "reason": "法院要求核对账号"}) == "6225880212345678"
    assert unmask(ctx, staff, number, {"field": "borrower_phone",
                                       "reason": "call back about the offer"}) == \
        "+86 138 0013 8000"
    logged = [e for e in timeline(ctx, staff, number) if e.kind == "FieldUnmasked"]
    assert [e.payload["field"] for e in logged] == ["account_ref", "borrower_phone"]
    assert "FieldUnmasked" not in [e.kind for e in timeline(ctx, borrower, number)]
    with pytest.raises(Forbidden):
        unmask(ctx, borrower, number, {"field": "account_ref", "reason": "I want to see it"})


def test_values_written_in_clear_before_sealing_are_sealed_by_the_upgrade(settings):
    """A database from before the row-bound upgrade: its clear and version-1 values are re-sealed
    once at the next start, bound to their rows under each person's key."""
    ctx = open_context(settings)
    borrower = make_user(ctx)
    number = cases.file_dispute(ctx, borrower, filing_form())
    v1 = "s1:" + base64.urlsafe_b64encode(
        _seal_v1(ctx.keys, "6222 0000 1111", "disputes", "account_ref")).decode()
    ctx.db.write(lambda uow: uow.execute("UPDATE users SET name = '旧名字'"))
    ctx.db.write(lambda uow: uow.execute("UPDATE disputes SET account_ref = ?", (v1,)))
    ctx.db.write(lambda uow: uow.execute("DELETE FROM sealing_upgrades"))  # as before 0014
    ctx.db.close()
    ctx = open_context(settings)
    assert raw(ctx.db, "SELECT count(*) FROM users WHERE name = '旧名字'").scalar() == 0
    assert raw(ctx.db, "SELECT count(*) FROM disputes WHERE account_ref LIKE 's2:%'"
               ).scalar() == 1
    dispute = cases.get_dispute(ctx, borrower, number)
    assert dispute.borrower_name == "旧名字" and dispute.account_ref.endswith("1111")
    assert ctx.db.read(users.borrower_ids_named, "旧名字") == [borrower.id]
    ctx.db.close()


def test_emails_in_clear_before_0017_are_sealed_and_indexed_once_by_the_upgrade(settings):
    """A database from before migration 0017: every email is sealed under its account's key at
    the next start and found again through its blind index; sign-in, "already registered" and
    the accounts search work as before; an erased account's placeholder stays as it is."""
    ctx = open_context(settings)
    borrower = make_user(ctx)
    admin = make_user(ctx, Role.ADMIN, email="admin@example.com", name="管理员")
    gone = make_user(ctx, email="gone@example.com", name="赵六")
    ctx.db.write(lambda uow: uow.execute(  # as migration 0016 left them: in clear, no index
        "UPDATE users SET email = CASE WHEN id = ? THEN ? WHEN id = ? THEN ? ELSE ? END, "
        "email_idx = NULL", (borrower.id, borrower.email, admin.id, admin.email,
                             f"erased-{gone.id}@erased.invalid")))
    ctx.db.write(lambda uow: uow.execute("DELETE FROM sealing_upgrades WHERE name = ?",
                                         (EMAIL_UPGRADE,)))
    ctx.db.close()

    ctx = open_context(settings)
    rows = {r["id"]: r for r in raw(ctx.db, "SELECT id, email, email_idx FROM users")}
    assert rows[borrower.id]["email"].startswith("s2:") and rows[admin.id]["email_idx"]
    assert rows[gone.id] == {"id": gone.id, "email": f"erased-{gone.id}@erased.invalid",
                             "email_idx": None}
    assert accounts.authenticate(ctx, "Wang.Fang@Example.com ", "correct horse battery"
                                 ).id == borrower.id
    with pytest.raises(UserError, match="already exists"):
        make_user(ctx, email="WANG.FANG@example.com", name="冒名")
    admin_user = accounts.get_user(ctx, admin.id)
    assert [u.id for u in accounts.list_accounts(ctx, admin_user, search=" WANG.fang@example.com")
            ] == [borrower.id]
    assert accounts.list_accounts(ctx, admin_user, search="wang.fang") == []  # whole values only
    ctx.db.close()
    ctx = open_context(settings)  # once: the second start changes nothing
    assert {r["id"]: r for r in raw(ctx.db, "SELECT id, email, email_idx FROM users")} == rows
    ctx.db.close()


def test_clear_text_written_into_a_sealed_column_after_the_upgrade_is_refused(ctx):
    borrower = make_user(ctx)
    number = cases.file_dispute(ctx, borrower, filing_form())
    ctx.db.write(lambda uow: uow.execute("UPDATE users SET name = '冒名顶替'"))
    with pytest.raises(NotSealed, match="users.name"):
        cases.get_dispute(ctx, borrower, number)
    with pytest.raises(NotSealed):
        ctx.db.read(users.names, [borrower.id])
    ctx.db.write(lambda uow: uow.execute("UPDATE users SET email = 'x@example.com'"))
    with pytest.raises(NotSealed, match="users.email"):
        ctx.db.read(users.by_id, borrower.id)


def _seal_v1(keys, value: str, table: str, column: str) -> bytes:
    """A value as version 1 sealed it (table and column bound, no row): the format to upgrade."""
    import os
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    key = keys.current
    header = bytes([1]) + key.id
    nonce = os.urandom(12)
    return header + nonce + AESGCM(key.subkey(b"field/aes-gcm/v1")).encrypt(
        nonce, value.encode(), header + table.encode() + b"\x00" + column.encode())


def test_a_list_opens_each_repeated_name_once_and_a_moved_value_still_refuses(ctx, monkeypatch):
    """opened_rows opens a name repeated down a list (a history's actors) once; the same sealed
    text under another row id is opened on its own, and refused there as moved."""
    from dispute.sealed import SealBroken
    from dispute.storage import sealing
    a = make_user(ctx, name="张三", email="a@example.com")
    b = make_user(ctx, name="李四", email="b@example.com")
    sealed = {r["id"]: r["name"] for r in raw(ctx.db, "SELECT id, name FROM users").dicts()}
    calls = []
    real = sealing.open_text
    monkeypatch.setattr(sealing, "open_text", lambda *args: (calls.append(args), real(*args))[1])
    fields = {"name": (USER_NAME, "id")}
    rows = [{"id": a.id, "name": sealed[a.id]}, {"id": b.id, "name": sealed[b.id]},
            {"id": a.id, "name": sealed[a.id]}, {"id": b.id, "name": None}]
    assert [r["name"] for r in sealing.opened_rows(ctx.sealing, rows, fields)] == \
        ["张三", "李四", "张三", None]
    assert len(calls) == 2
    moved = [{"id": a.id, "name": sealed[a.id]}, {"id": b.id, "name": sealed[a.id]}]
    with pytest.raises(SealBroken):
        sealing.opened_rows(ctx.sealing, moved, fields)


def test_a_persons_key_destroyed_in_this_process_no_longer_opens_their_values(ctx):
    """The keyring kept for a person goes with their key (erasure)."""
    from datetime import datetime, timezone
    borrower = make_user(ctx, name="王五")
    row = raw(ctx.db, "SELECT id, name FROM users WHERE id = ?", [borrower.id]).dicts()[0]
    assert open_text(ctx.sealing, row["name"], USER_NAME, row["id"], row["id"]) == "王五"
    ctx.sealing.destroy(borrower.id, datetime.now(timezone.utc))
    assert open_text(ctx.sealing, row["name"], USER_NAME, row["id"], row["id"]) == "已删除 · erased"
