"""Personal data at rest: people's names, phone numbers and account numbers are sealed (AES-GCM,
`dispute.sealed`) before they are written and opened in Python after they are read, here in the
storage layer, so the same rows come back from any database.

Sealed values live in the same text columns as clear text, `s1:` + base64url, so a raw look at
the database shows no name or number. Names also get a blind index (`users.name_idx`) for
exact-match search.
"""

from __future__ import annotations

import base64
from typing import Any, Mapping

from dispute.keys import Keyring
from dispute.sealed import blind_index, seal, unseal

PREFIX = "s1:"
# (table, column) of every sealed column.
FIELDS = (("users", "name"), ("users", "phone"), ("disputes", "account_ref"))
USER_NAME = ("users", "name")
USER_PHONE = ("users", "phone")
ACCOUNT_REF = ("disputes", "account_ref")


def seal_text(keys: Keyring, value: str | None, table: str, column: str) -> str | None:
    if value is None:
        return None
    blob = seal(keys, value, table=table, column=column)
    return PREFIX + base64.urlsafe_b64encode(blob).decode("ascii")


def open_text(keys: Keyring, value: str | None, table: str, column: str) -> str | None:
    """The clear text of a sealed value (a value written before sealing passes through)."""
    if value is None or not value.startswith(PREFIX):
        return value
    return unseal(keys, base64.urlsafe_b64decode(value[len(PREFIX):]), table=table,
                  column=column)


def opened(keys: Keyring, row: dict[str, Any] | None,
           fields: Mapping[str, tuple[str, str]]) -> dict[str, Any] | None:
    """`row` with the sealed values in `fields` (result column → its table and column) opened."""
    if row is None:
        return None
    for name, (table, column) in fields.items():
        row[name] = open_text(keys, row[name], table, column)
    return row


def name_index(keys: Keyring, name: str) -> str:
    """The token that finds a person by their exact name (case, width and spacing ignored)."""
    return blind_index(keys, " ".join(name.split()), scope="person_name")


def seal_legacy(db, keys: Keyring) -> int:
    """Seal values written in clear by a version before sealing (a one-time upgrade)."""
    done = 0
    for table, column in FIELDS:
        rows = db.read(lambda tx: tx.execute(
            f"SELECT id, {column} FROM {table} WHERE {column} IS NOT NULL AND "
            f"{column} NOT LIKE ?", (PREFIX + "%",)).dicts())
        if not rows:
            continue

        def write(uow, rows=rows, table=table, column=column) -> None:
            for r in rows:
                extra = ""
                params = [seal_text(keys, r[column], table, column)]
                if (table, column) == USER_NAME:
                    extra = ", name_idx = ?"
                    params.append(name_index(keys, r[column]))
                uow.execute(f"UPDATE {table} SET {column} = ?{extra} WHERE id = ?",
                            (*params, r["id"]))

        db.write(write)
        done += len(rows)
    return done
