"""Personal data in DuckDB: people's names, phone numbers and account numbers are sealed
(AES-GCM, `dispute.sealed`) before they are written and opened only when read.

Sealed values live in the same VARCHAR columns as text, `s1:` + base64url, so a raw look at
the database file shows no name or number. Reads open them inside SQL: `open_context`
registers `reveal_name(x)`, `reveal_phone(x)` and `reveal_account(x)` as DuckDB functions bound
to the data key, so a query writes `reveal_name(u.name) AS author_name` and nothing else changes.
Names also get a blind index (`users.name_idx`) for exact-match search.
"""

from __future__ import annotations

import base64

from dispute.db import Database
from dispute.keys import Keyring
from dispute.sealed import blind_index, seal, unseal

PREFIX = "s1:"
# (function name, table, column): what each reveal function opens.
FIELDS = (("reveal_name", "users", "name"), ("reveal_phone", "users", "phone"),
          ("reveal_account", "disputes", "account_ref"))
_COLUMN = {(table, column): fn for fn, table, column in FIELDS}

# Every user column as the application reads it.
USER_COLUMNS = "* REPLACE (reveal_name(name) AS name, reveal_phone(phone) AS phone)"


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


def name_index(keys: Keyring, name: str) -> str:
    """The token that finds a person by their exact name (case, width and spacing ignored)."""
    return blind_index(keys, " ".join(name.split()), scope="person_name")


def register(db: Database, keys: Keyring) -> None:
    """Make the reveal functions available to every query on this database handle."""
    def opener(table: str, column: str):
        def reveal(value: str | None) -> str | None:
            return open_text(keys, value, table, column)
        return reveal

    for fn, table, column in FIELDS:
        db.register_function(fn, opener(table, column))


def seal_legacy(db: Database, keys: Keyring) -> int:
    """Seal values written in clear by a version before sealing (a one-time upgrade)."""
    done = 0
    for _fn, table, column in FIELDS:
        key = "id"
        rows = db.query(f"SELECT {key}, {column} FROM {table} WHERE {column} IS NOT NULL AND "
                        f"NOT starts_with({column}, ?)", (PREFIX,)).dicts()
        if not rows:
            continue

        def write(uow, rows=rows, table=table, column=column) -> None:
            for r in rows:
                extra = ""
                params = [seal_text(keys, r[column], table, column)]
                if (table, column) == ("users", "name"):
                    extra = ", name_idx = ?"
                    params.append(name_index(keys, r[column]))
                uow.execute(f"UPDATE {table} SET {column} = ?{extra} WHERE id = ?",
                            (*params, r["id"]))

        db.write(write)
        done += len(rows)
    return done
