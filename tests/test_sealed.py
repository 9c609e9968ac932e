"""Sealed fields: they open only in their own column with a key that sealed them, and a blind
index matches equal values however they were typed."""

from __future__ import annotations

import pytest

from dispute import keys
from dispute.keys import KeyProblem, Keyring
from dispute.sealed import SealBroken, blind_index, normalise, seal, sealed_key_id, unseal

RING = Keyring.generate()
ID_NUMBER = "11010119900101123X"


def test_round_trip_and_no_plaintext_in_the_blob() -> None:
    blob = seal(RING, ID_NUMBER, table="users", column="national_id", row="r1")
    assert unseal(RING, blob, table="users", column="national_id", row="r1") == ID_NUMBER
    assert ID_NUMBER.encode() not in blob and b"1101011990" not in blob
    assert sealed_key_id(blob) == RING.current.id_hex


def test_each_seal_is_different() -> None:
    assert seal(RING, "x", table="t", column="c", row="r1") != \
        seal(RING, "x", table="t", column="c", row="r1")


def test_chinese_text_round_trips() -> None:
    blob = seal(RING, "招商银行 6225 8802", table="disputes", column="account_ref", row="r1")
    assert unseal(RING, blob, table="disputes", column="account_ref",
                  row="r1") == "招商银行 6225 8802"


@pytest.mark.parametrize(("table", "column"), [
    ("users", "phone"), ("disputes", "national_id"), ("users", "national_id\x01"),
])
def test_a_ciphertext_moved_to_another_column_does_not_open(table: str, column: str) -> None:
    blob = seal(RING, ID_NUMBER, table="users", column="national_id", row="r1")
    with pytest.raises(SealBroken, match=f"{table}.{column}"):
        unseal(RING, blob, table=table, column=column, row="r1")


@pytest.mark.parametrize("position", [0, 1, 5, 10, 20, -1])
def test_any_changed_byte_is_detected(position: int) -> None:
    blob = bytearray(seal(RING, ID_NUMBER, table="users", column="national_id", row="r1"))
    blob[position] ^= 0x01
    with pytest.raises((SealBroken, KeyProblem)):
        unseal(RING, bytes(blob), table="users", column="national_id", row="r1")


@pytest.mark.parametrize("blob", [b"", b"\x01", b"\x01" + bytes(20)])
def test_short_blobs_are_broken_not_crashes(blob: bytes) -> None:
    with pytest.raises(SealBroken):
        unseal(RING, blob, table="users", column="national_id", row="r1")


def test_an_old_key_still_opens_after_rotation_and_another_key_does_not() -> None:
    blob = seal(RING, ID_NUMBER, table="users", column="national_id", row="r1")
    rotated = Keyring((Keyring.generate().current, RING.current), "DISPUTE_KEY")
    assert unseal(rotated, blob, table="users", column="national_id", row="r1") == ID_NUMBER
    assert sealed_key_id(seal(rotated, "y", table="t", column="c",
                              row="r1")) == rotated.current.id_hex
    with pytest.raises(SealBroken):  # another person's key: the value does not belong here
        unseal(Keyring.generate(), blob, table="users", column="national_id", row="r1")


@pytest.mark.parametrize("row", ["r2", "r1\x01", "r"])
def test_a_ciphertext_moved_to_another_row_does_not_open(row: str) -> None:
    blob = seal(RING, ID_NUMBER, table="users", column="phone", row="r1")
    with pytest.raises(SealBroken, match="users.phone"):
        unseal(RING, blob, table="users", column="phone", row=row)


def test_blind_index_matches_equal_values_however_typed() -> None:
    token = blind_index(RING, ID_NUMBER, scope="national_id")
    assert blind_index(RING, "110101 1990-0101 123x", scope="national_id") == token
    assert blind_index(RING, "１１０１０１１９９００１０１１２３Ｘ", scope="national_id") == token
    assert blind_index(RING, "110101199001011234", scope="national_id") != token
    assert len(token) == 64 and ID_NUMBER.lower() not in token


def test_blind_index_depends_on_scope_and_key() -> None:
    token = blind_index(RING, ID_NUMBER, scope="national_id")
    assert blind_index(RING, ID_NUMBER, scope="account_number") != token
    assert blind_index(Keyring.generate(), ID_NUMBER, scope="national_id") != token


def test_normalise() -> None:
    assert normalise(" 6225 8802-1234.5678 ") == "6225880212345678"
    assert normalise("（+86）138 0013 8000") == "+8613800138000"


def test_key_text_is_base64url() -> None:
    text = keys.new_key_text()
    assert len(text) == 43 and set(text) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
