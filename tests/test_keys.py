"""The data key: from DISPUTE_KEY or an owner-only key file made once; never silently replaced."""

from __future__ import annotations

import base64
import dataclasses
import stat
from pathlib import Path

import pytest

from dispute import accounts, keys
from dispute.config import Settings, load_settings
from dispute.context import open_context
from dispute.keys import DataKey, KeyProblem, Keyring
from tests.conftest import make_user, raw


def test_first_start_makes_an_owner_only_key_file_and_keeps_it(settings: Settings) -> None:
    ctx = open_context(settings)
    ctx.db.close()
    path = settings.data_dir / keys.KEY_FILE_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(settings.data_dir.stat().st_mode) == 0o700
    first = path.read_bytes()
    again = open_context(settings)
    again.db.close()
    assert path.read_bytes() == first
    assert again.keys.current.encoded() in first.decode()


def test_a_key_file_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / keys.KEY_FILE_NAME
    keys.create_key_file(path)
    before = path.read_bytes()
    with pytest.raises(FileExistsError):
        keys.create_key_file(path)
    assert path.read_bytes() == before


def test_dispute_key_wins_and_no_key_file_is_made(settings: Settings) -> None:
    secret = keys.new_key_text()
    ctx = open_context(dataclasses.replace(settings, data_key=secret))
    ctx.db.close()
    assert ctx.keys.current.encoded() == secret and ctx.keys.source == "DISPUTE_KEY"
    assert not (settings.data_dir / keys.KEY_FILE_NAME).exists()


def test_load_settings_reads_dispute_key_and_never_shows_it() -> None:
    secret = keys.new_key_text()
    settings = load_settings({"DISPUTE_KEY": secret})
    assert settings.data_key == secret
    assert secret not in repr(settings)
    assert load_settings({}).data_key is None


GOOD = keys.encode_key(bytes(range(32)))


@pytest.mark.parametrize("bad", [
    "not a key",
    base64.urlsafe_b64encode(bytes(16)).decode(),  # 16 bytes
    base64.urlsafe_b64encode(bytes(33)).decode(),  # 33 bytes
    GOOD[:-1] + "+",  # standard base64, not base64url
    GOOD + "AA",
    ",",
], ids=["words", "16 bytes", "33 bytes", "standard base64", "too long", "empty list"])
def test_a_malformed_dispute_key_is_refused_clearly(settings: Settings, bad: str) -> None:
    with pytest.raises(KeyProblem) as refused:
        open_context(dataclasses.replace(settings, data_key=bad))
    message = str(refused.value)
    assert "DISPUTE_KEY" in message and ("base64url" in message or "no key" in message)
    assert bad.strip(",") == "" or bad not in message  # the key is never repeated back
    open_context(settings).db.close()  # the refused start left the database usable


def test_a_key_file_others_can_read_is_refused(settings: Settings) -> None:
    open_context(settings).db.close()
    path = settings.data_dir / keys.KEY_FILE_NAME
    path.chmod(0o644)
    with pytest.raises(KeyProblem, match="chmod 600"):
        open_context(settings)


def test_a_lost_key_file_is_reported_not_replaced(settings: Settings) -> None:
    ctx = open_context(settings)
    key_id = ctx.keys.current.id_hex
    ctx.db.close()
    (settings.data_dir / keys.KEY_FILE_NAME).unlink()
    with pytest.raises(KeyProblem, match=f"missing.*{key_id}"):
        open_context(settings)
    assert not (settings.data_dir / keys.KEY_FILE_NAME).exists()


def test_a_different_key_is_refused_while_data_needs_the_old_one(settings: Settings) -> None:
    ctx = open_context(settings)
    make_user(ctx)  # the user's key file is wrapped by the portal key: data needs it
    old = ctx.keys.current
    ctx.db.close()
    with pytest.raises(KeyProblem, match=old.id_hex):
        open_context(dataclasses.replace(settings, data_key=keys.new_key_text()))


def test_a_key_put_first_by_mistake_can_be_dropped_while_nothing_is_sealed_under_it(
        settings: Settings, caplog) -> None:
    ctx = open_context(settings)
    borrower = make_user(ctx)
    old = ctx.keys.current.encoded()
    ctx.db.close()
    mistake = keys.new_key_text()
    ctx = open_context(dataclasses.replace(settings, data_key=f"{mistake},{old}"))
    mistaken_id = ctx.keys.current.id_hex
    ctx.db.close()
    ctx = open_context(dataclasses.replace(settings, data_key=old))  # the mistake taken back
    assert mistaken_id not in {r["id"] for r in raw(ctx.db, "SELECT id FROM data_keys")}
    assert f"Key {mistaken_id} is no longer offered and nothing is sealed under it" in caplog.text
    assert accounts.get_user(ctx, borrower.id).name == borrower.name
    ctx.db.close()


def test_a_key_that_sealed_something_cannot_be_dropped(settings: Settings) -> None:
    ctx = open_context(settings)
    old = ctx.keys.current.encoded()
    ctx.db.close()
    ctx = open_context(dataclasses.replace(settings, data_key=f"{keys.new_key_text()},{old}"))
    newer = ctx.keys.current.id_hex
    make_user(ctx)  # sealed under a person key wrapped by the new key
    ctx.db.close()
    with pytest.raises(KeyProblem, match=newer):
        open_context(dataclasses.replace(settings, data_key=old))


def test_rotation_new_key_first_old_key_kept_for_reading(settings: Settings) -> None:
    ctx = open_context(settings)
    old = ctx.keys.current
    ctx.db.close()
    new = keys.new_key_text()
    rotated = open_context(dataclasses.replace(settings, data_key=f"{new},{old.encoded()}"))
    recorded = {r["id"] for r in raw(rotated.db, "SELECT id FROM data_keys")}
    rotated.db.close()
    assert rotated.keys.current.encoded() == new
    assert rotated.keys.get(old.id) == old
    assert recorded == {old.id_hex, rotated.keys.current.id_hex}


def test_key_ids_are_stable_and_reveal_nothing() -> None:
    key = DataKey(bytes(32))
    assert key.id == DataKey(bytes(32)).id and len(key.id) == keys.KEY_ID_BYTES
    assert key.id != DataKey(bytes(31) + b"\x01").id
    assert key.secret.hex() not in repr(key) and "secret" not in repr(key)


def test_subkeys_differ_by_purpose_and_salt() -> None:
    key = Keyring.generate().current
    assert len({key.subkey(b"a"), key.subkey(b"b"), key.subkey(b"a", salt=b"x" * 16)}) == 3


def test_unknown_key_id_names_the_missing_key() -> None:
    ring = Keyring.generate("DISPUTE_KEY")
    with pytest.raises(KeyProblem, match="0a0b0c0d.*DISPUTE_KEY"):
        ring.get(bytes.fromhex("0a0b0c0d"))


def test_the_same_key_twice_is_refused() -> None:
    text = keys.new_key_text()
    with pytest.raises(KeyProblem, match="same key twice"):
        keys.parse_keys(f"{text},{text}", "DISPUTE_KEY")


def test_key_file_comments_and_lines() -> None:
    a, b = keys.new_key_text(), keys.new_key_text()
    ring = keys.parse_keys(f"# comment\n{a}\n\n{b}=\n", "file")
    assert [k.encoded() for k in ring.keys] == [a, b]
