"""Personal data at rest: people's names, phone numbers and account numbers are sealed (AES-GCM,
`dispute.sealed`) before they are written and opened in Python after they are read, here in the
storage layer, so the same rows come back from any database.

Each value is sealed under its person's own key (dispute/person_keys.py: the user for
`users.name`/`users.phone`, the borrower for `disputes.account_ref`) and bound to its table,
column and row id, so a value swapped between rows does not open (finding 11), and destroying a
person's key erases all of their values at once (PIPL erasure).

Sealed values live in the same text columns as clear text, `s2:` + base64url, so a raw look at
the database shows no name or number. Names also get a blind index (`users.name_idx`) for
exact-match search, under the index's own key, which a rotation of the portal key leaves alone.
The email people sign in with is sealed the same way (`users.email`), with a blind index of its
own (`users.email_idx`, unique) for sign-in, the "already registered" check and the accounts
search; an erased account's email is replaced by a placeholder and its index removed.
Anything else found in a sealed column after the upgrade (clear text, a value of the version
before row binding) is refused on read, not shown.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Mapping
from uuid import UUID

from dispute.errors import UserError
from dispute.i18n import N_
from dispute.keys import KeyProblem
from dispute.person_keys import PersonErased, SealingKeys
from dispute.sealed import blind_index, seal, unseal, unseal_v1

PREFIX = "s2:"
LEGACY_PREFIX = "s1:"
# Shown instead of a value whose person was erased (both languages: it is data, not a message).
ERASED = "已删除 · erased"
UPGRADE = "row-bound-v2"  # the name of the one-time re-seal in `sealing_upgrades`
EMAIL_UPGRADE = "sealed-email-v3"  # the one-time sealing of the emails (migration 0017)


@dataclass(frozen=True)
class Field:
    """A sealed column, and the column of its row that names the person it belongs to."""

    table: str
    column: str
    owner: str


USER_NAME = Field("users", "name", "id")
USER_PHONE = Field("users", "phone", "id")
USER_EMAIL = Field("users", "email", "id")
ACCOUNT_REF = Field("disputes", "account_ref", "borrower_id")
FIELDS = (USER_NAME, USER_PHONE, ACCOUNT_REF)


class NotSealed(UserError):
    """Clear or old-format text where only a sealed value may be: written behind the portal."""


def seal_text(keys: SealingKeys, value: str | None, field: Field, row_id: UUID,
              owner_id: UUID) -> str | None:
    """`value` sealed for `field` of row `row_id` under `owner_id`'s own key."""
    if value is None:
        return None
    blob = seal(keys.person(owner_id, create=True), value, table=field.table,
                column=field.column, row=str(row_id))
    return PREFIX + base64.urlsafe_b64encode(blob).decode("ascii")


def open_text(keys: SealingKeys, value: str | None, field: Field, row_id: UUID,
              owner_id: UUID) -> str | None:
    """The clear text of a sealed value; ERASED when its person's key was destroyed; SealBroken
    when it was altered or moved from another row; NotSealed for anything unsealed."""
    if value is None:
        return None
    if not value.startswith(PREFIX):
        raise NotSealed(N_("A protected value in {place} is not sealed: it was written to the "
                           "database behind the portal's back and is not shown."),
                        place=f"{field.table}.{field.column}")
    try:
        ring = keys.person(owner_id)
    except PersonErased:
        return ERASED
    return unseal(ring, base64.urlsafe_b64decode(value[len(PREFIX):]), table=field.table,
                  column=field.column, row=str(row_id))


def opened(keys: SealingKeys, row: dict[str, Any] | None,
           fields: Mapping[str, tuple[Field, str, str] | tuple[Field, str]],
           drop: tuple[str, ...] = (), memo: dict | None = None) -> dict[str, Any] | None:
    """`row` with the sealed values in `fields` opened: result column → (its field, the result
    column holding its row's id[, the one holding its owner's id, when not the row's id]);
    the columns in `drop` (ids fetched only to open a value) are removed after. Rows opened
    with one `memo` open each distinct value once (a page of the queue repeats its handlers'
    names; the same sealed value of the same row and owner can only open the same way)."""
    if row is None:
        return None
    for name, spec in fields.items():
        value = row[name]
        if value is None:
            continue
        field = spec[0]
        row_id = row[spec[1]]
        owner = row[spec[2]] if len(spec) > 2 else row_id
        if memo is None:
            row[name] = open_text(keys, value, field, row_id, owner)
            continue
        # Keyed by the sealed text alone (cheaper to hash than its row's ids); a hit counts only
        # for the same field, row and owner, so a value copied into another row is still opened,
        # and refused, there.
        hit = memo.get(value)
        if hit is not None and hit[0] is field and hit[1] == row_id and hit[2] == owner:
            row[name] = hit[3]
            continue
        row[name] = open_text(keys, value, field, row_id, owner)
        memo[value] = (field, row_id, owner, row[name])
    for name in drop:
        row.pop(name, None)
    return row


def opened_rows(keys: SealingKeys, rows: list[dict[str, Any]],
                fields: Mapping[str, tuple[Field, str, str] | tuple[Field, str]],
                drop: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Every row `opened`, each distinct sealed value once: a list's names repeat (a history's
    actors, a page's handlers), and opening one costs a decryption."""
    memo: dict = {}
    return [opened(keys, row, fields, drop, memo) for row in rows]


def name_index(keys: SealingKeys, name: str) -> str:
    """The token that finds a person by their exact name (case, width and spacing ignored)."""
    return blind_index(keys.index(), " ".join(name.split()), scope="person_name")


def email_index(keys: SealingKeys, email: str) -> str:
    """The token that finds an account by its email (trimmed, lower case: as accounts keep it)."""
    return blind_index(keys.index(), email.strip().lower(), scope="email",
                       normalised=lambda v: v)


def erased_email(user_id: UUID) -> str:
    """What an erased account holds in place of its email: nobody's address, unique."""
    return f"erased-{user_id}@erased.invalid"


def open_email(keys: SealingKeys, value: str | None, user_id: UUID) -> str | None:
    """An account's email, opened (an erased account's placeholder as it is)."""
    if value == erased_email(user_id):
        return value
    opened_value = open_text(keys, value, USER_EMAIL, user_id, user_id)
    return erased_email(user_id) if opened_value == ERASED else opened_value


def seal_email(keys: SealingKeys, email: str, user_id: UUID) -> tuple[str, str]:
    """The sealed email of account `user_id` and its blind index token."""
    return seal_text(keys, email, USER_EMAIL, user_id, user_id), email_index(keys, email)


def upgrade_done(tx) -> bool:
    return tx.execute("SELECT 1 FROM sealing_upgrades WHERE name = ?", (UPGRADE,)).first() \
        is not None


def reseal_all(db, keys: SealingKeys, now: datetime) -> int:
    """The one-time upgrade to row-bound values under per-person keys: every value in clear
    (before sealing) or sealed with version 1 is re-sealed, and every name re-indexed under the
    index key. Done once (recorded in `sealing_upgrades`); a crash half-way redoes the rest, as
    values already re-sealed are skipped. Returns how many values were re-sealed."""
    if db.read(upgrade_done):
        return 0
    done = 0
    for field in FIELDS:
        rows = db.read(lambda tx, f=field: tx.execute(
            f"SELECT id, {f.owner} AS owner, {f.column} AS value FROM {f.table} "
            f"WHERE {f.column} IS NOT NULL AND {f.column} NOT LIKE ?", (PREFIX + "%",)).dicts())

        def write(uow, rows=rows, field=field) -> None:
            for r in rows:
                value = r["value"]
                if value.startswith(LEGACY_PREFIX):
                    value = unseal_v1(keys.portal, base64.urlsafe_b64decode(
                        value[len(LEGACY_PREFIX):]), table=field.table, column=field.column)
                uow.execute(f"UPDATE {field.table} SET {field.column} = ? WHERE id = ?",
                            (seal_text(keys, value, field, r["id"], r["owner"]), r["id"]))

        if rows:
            db.write(write)
        done += len(rows)
    reindex_names(db, keys)
    db.write(lambda uow: uow.execute("INSERT INTO sealing_upgrades VALUES (?, ?)",
                                     (UPGRADE, now)))
    return done


def seal_emails(db, keys: SealingKeys, now: datetime) -> int:
    """The one-time upgrade of migration 0017: every email still in clear is sealed under its
    account's own key and given its blind index, in one write. Done once (recorded in
    `sealing_upgrades`); erased accounts' placeholders stay as they are. Returns how many."""
    if db.read(lambda tx: tx.execute("SELECT 1 FROM sealing_upgrades WHERE name = ?",
                                     (EMAIL_UPGRADE,)).first() is not None):
        return 0

    def write(uow) -> int:
        # read inside the write: another portal process starting at the same moment on the
        # same PostgreSQL database may have sealed some (its commit makes this one retry)
        rows = [r for r in uow.execute("SELECT id, email FROM users WHERE email NOT LIKE ?",
                                       (PREFIX + "%",)).dicts()
                if r["email"] != erased_email(r["id"])]
        for r in rows:
            sealed, token = seal_email(keys, r["email"], r["id"])
            uow.execute("UPDATE users SET email = ?, email_idx = ? WHERE id = ?",
                        (sealed, token, r["id"]))
        uow.execute("INSERT INTO sealing_upgrades VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
                    (EMAIL_UPGRADE, now))
        return len(rows)

    return db.write(write)


def reindex_names(db, keys: SealingKeys) -> int:
    """Recompute every name's and email's blind index under the index key (after the upgrade, or
    when the index key file had to be made again); erased people keep no token."""
    rows = db.read(lambda tx: tx.execute("SELECT id, name, email FROM users").dicts())

    def write(uow) -> None:
        for r in rows:
            name = open_text(keys, r["name"], USER_NAME, r["id"], r["id"])
            token = None if name == ERASED else name_index(keys, name)
            if not r["email"].startswith(PREFIX):  # in clear until migration 0017's upgrade,
                uow.execute("UPDATE users SET name_idx = ? WHERE id = ?", (token, r["id"]))
                continue                            # which indexes it; or erased: no token
            email = open_email(keys, r["email"], r["id"])
            mail_token = None if email == erased_email(r["id"]) else email_index(keys, email)
            uow.execute("UPDATE users SET name_idx = ?, email_idx = ? WHERE id = ?",
                        (token, mail_token, r["id"]))

    if rows:
        db.write(write)
    return len(rows)


def newest_indexed_user(tx) -> dict[str, Any] | None:
    """The account made last whose name is indexed (not erased): what a start checks its sealing
    keys folder against (`check_sealing_folder`)."""
    return tx.execute("SELECT id, name, name_idx FROM users WHERE name_idx IS NOT NULL "
                      "ORDER BY created_at DESC, id DESC LIMIT 1").first()


class WrongSealingFolder(UserError):
    """The sealing keys folder is not the one the database's names were sealed with."""


def check_sealing_folder(db, keys: SealingKeys) -> None:
    """Refuse to start on a sealing keys folder other portal processes do not share. Every
    process over one database must read the same folder (DISPUTE_SEALING_DIR): one that made its
    own keys would seal new people's data under keys the others cannot find, and index names
    under an index key of its own. The newest account's name must open here, and its index
    token must be the one this folder's index key gives."""
    row = db.read(lambda tx: newest_indexed_user(tx) if upgrade_done(tx) else None)
    if row is None:  # no one yet, or names still in clear until the upgrade at this start
        return
    try:
        name = open_text(keys, row["name"], USER_NAME, row["id"], row["id"])
    except KeyProblem:
        name = None
    except NotSealed:  # written behind the portal's back: said where it is shown, not here
        return
    if name == ERASED:
        return
    if name is None or not keys.index_exists() or name_index(keys, name) != row["name_idx"]:
        raise WrongSealingFolder(N_(
            "The sealing keys folder {path} is not the one this database's personal data was "
            "sealed with (the key of account {account} is missing there, or the name index key "
            "differs). Every portal process of one database must use the same folder: set "
            "DISPUTE_SEALING_DIR to the folder the others use (on several machines, a shared "
            "mount), or restore this folder from the backup."),
            path=str(keys.root), account=str(row["id"]))


def legacy_key_ids(tx) -> set[str]:
    """Portal key ids named by version-1 values still in the database (before the upgrade)."""
    found = set()
    for field in FIELDS:
        for value in tx.execute(f"SELECT {field.column} FROM {field.table} WHERE {field.column} "
                                f"LIKE ?", (LEGACY_PREFIX + "%",)).column():
            found.add(base64.urlsafe_b64decode(value[len(LEGACY_PREFIX):])[1:5].hex())
    return found
