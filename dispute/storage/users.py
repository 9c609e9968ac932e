"""The `users` table: accounts, with names, phone numbers and emails sealed at rest. An account
is found by its email through the email's blind index (`email_idx`), never by the column."""

from __future__ import annotations

from typing import Any, Iterable
from uuid import UUID

from dispute.storage.sealing import (USER_NAME, USER_PHONE, Field, email_index, name_index,
                                     open_email, open_text, opened, seal_email, seal_text)

_OPENED = {"name": (USER_NAME, "id"), "phone": (USER_PHONE, "id")}


def _user(tx, row: dict[str, Any] | None) -> dict[str, Any] | None:
    if row is not None and "email" in row:
        row["email"] = open_email(tx.keys, row["email"], row["id"])
    return opened(tx.keys, row, _OPENED)


def by_email(tx, email: str) -> dict[str, Any] | None:
    """Every column of the account with this email, name, phone and email opened."""
    return _user(tx, tx.execute("SELECT * FROM users WHERE email_idx = ?",
                                (email_index(tx.keys, email),)).first())


def by_id(tx, user_id: UUID) -> dict[str, Any] | None:
    return _user(tx, tx.execute("SELECT * FROM users WHERE id = ?", (user_id,)).first())


def email_taken(tx, email: str) -> bool:
    return tx.execute("SELECT 1 FROM users WHERE email_idx = ?",
                      (email_index(tx.keys, email),)).first() is not None


def id_by_email(tx, email: str) -> UUID | None:
    return tx.execute("SELECT id FROM users WHERE email_idx = ?",
                      (email_index(tx.keys, email),)).scalar()


def count(tx) -> int:
    return tx.execute("SELECT count(*) FROM users").scalar()


def _search(tx, search: str | None) -> tuple[str, tuple]:
    """Accounts whose whole email or whole name `search` is (both are sealed: only an exact
    value can be found, through its blind index)."""
    text = " ".join((search or "").split()).lower()
    if not text:
        return "", ()
    return ("WHERE email_idx = ? OR name_idx = ?",
            (email_index(tx.keys, text), name_index(tx.keys, search)))


def page(tx, limit: int, offset: int, search: str | None = None) -> list[dict[str, Any]]:
    where, params = _search(tx, search)
    rows = tx.execute(f"SELECT * FROM users {where} ORDER BY created_at, id LIMIT ? OFFSET ?",
                      (*params, limit, offset)).dicts()
    return [_user(tx, r) for r in rows]


def count_matching(tx, search: str | None = None) -> int:
    where, params = _search(tx, search)
    return tx.execute(f"SELECT count(*) FROM users {where}", params).scalar()


def insert(tx, *, user_id: UUID, email: str, name: str, phone: str | None, role: str,
           password_hash: str, language: str | None, created_at) -> None:
    sealed_email, email_idx = seal_email(tx.keys, email, user_id)
    tx.execute("INSERT INTO users (id, email, name, phone, role, password_hash, language, "
               "disabled, created_at, name_idx, email_idx) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, false, ?, ?, ?)",
               (user_id, sealed_email, seal_text(tx.keys, name, USER_NAME, user_id, user_id),
                seal_text(tx.keys, phone, USER_PHONE, user_id, user_id), role, password_hash,
                language, created_at, name_index(tx.keys, name), email_idx))


def set_name_and_phone(tx, user_id: UUID, name: str, phone: str | None) -> None:
    """Replace the sealed name (and its index) and phone number."""
    tx.execute("UPDATE users SET name = ?, phone = ?, name_idx = ? WHERE id = ?",
               (seal_text(tx.keys, name, USER_NAME, user_id, user_id),
                seal_text(tx.keys, phone, USER_PHONE, user_id, user_id),
                name_index(tx.keys, name), user_id))


def update(tx, user_id: UUID, **changes: Any) -> None:
    """Change plain columns (role, disabled, language, password_hash, …)."""
    sets = ", ".join(f"{column} = ?" for column in changes)
    tx.execute(f"UPDATE users SET {sets} WHERE id = ?", (*changes.values(), user_id))


def role_and_disabled(tx, user_id: UUID) -> dict[str, Any] | None:
    return tx.execute("SELECT role, disabled FROM users WHERE id = ?", (user_id,)).first()


def other_active_admins(tx, user_id: UUID) -> int:
    return tx.execute("SELECT count(*) FROM users WHERE role = 'admin' AND NOT disabled "
                      "AND id <> ?", (user_id,)).scalar()


def names(tx, user_ids: Iterable[UUID]) -> dict[UUID, str]:
    """Display names of these accounts, opened."""
    ids = list(dict.fromkeys(user_ids))
    if not ids:
        return {}
    marks = ", ".join("?" for _ in ids)
    rows = tx.execute(f"SELECT id, name FROM users WHERE id IN ({marks})", ids)
    return {r["id"]: opened(tx.keys, r, {"name": (USER_NAME, "id")})["name"] for r in rows}


def by_role(tx, roles: Iterable[str], *, active_only: bool = True) -> list[dict[str, Any]]:
    """Id, name and role of the accounts with these roles, names opened, by name."""
    roles = list(roles)
    marks = ", ".join("?" for _ in roles)
    active = " AND NOT disabled" if active_only else ""
    rows = tx.execute(f"SELECT id, name, role, email FROM users WHERE role IN ({marks}){active} "
                      "ORDER BY created_at, id", roles).dicts()
    found = [opened(tx.keys, {**r, "email": open_email(tx.keys, r["email"], r["id"])},
                    {"name": (USER_NAME, "id")}) for r in rows]
    return sorted(found, key=lambda r: (r["name"].casefold(), str(r["id"])))


def borrower_ids_named(tx, name: str) -> list[UUID]:
    """Borrowers whose whole name is `name` (case, width and spacing ignored): names are sealed,
    so they are found by their blind index."""
    return tx.execute("SELECT id FROM users WHERE role = 'borrower' AND name_idx = ?",
                      (name_index(tx.keys, name),)).column()


def first_of_role(tx, role: str) -> UUID | None:
    return tx.execute("SELECT id FROM users WHERE role = ? AND NOT disabled "
                      "ORDER BY created_at LIMIT 1", (role,)).scalar()


def phone(tx, user_id: UUID) -> str | None:
    value = tx.execute("SELECT phone FROM users WHERE id = ?", (user_id,)).scalar()
    return opened(tx.keys, {"phone": value, "id": user_id}, {"phone": (USER_PHONE, "id")})["phone"]


def sealed_for_event(tx, user_id: UUID, what: str, value: str | None) -> str | None:
    """`value` sealed under the user's own key for an event payload (`what`: e.g. "name_before"),
    so erasing the person makes it unreadable without rewriting the event."""
    return seal_text(tx.keys, value, Field("events", what, "user"), user_id, user_id)


def open_from_event(tx, user_id: UUID, what: str, sealed: str | None) -> str | None:
    """A value `sealed_for_event` wrote; ERASED once the person was erased."""
    return open_text(tx.keys, sealed, Field("events", what, "user"), user_id, user_id)
