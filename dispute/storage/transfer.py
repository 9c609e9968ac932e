"""Whole tables, read from one database and written into another as they are, for moving an
embedded portal onto PostgreSQL (`migrate-to`): every column copied byte for byte (sealed fields
stay sealed, the event chain keeps its hashes), tables in an order that satisfies the foreign keys.

Portable SQL through information_schema, which both DuckDB and PostgreSQL have; the bookkeeping
of migrations is not copied (the target ran its own).
"""

from __future__ import annotations

from typing import Any, Iterator

NOT_COPIED = frozenset({"schema_migrations"})


def tables(tx) -> list[str]:
    """The data tables of the current schema, by name."""
    names = tx.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
        "AND table_type = 'BASE TABLE' ORDER BY table_name").column()
    return [n for n in names if n not in NOT_COPIED]


def columns(tx, table: str) -> list[str]:
    return tx.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND table_name = ? ORDER BY ordinal_position", (table,)).column()


def count(tx, table: str) -> int:
    return tx.execute(f'SELECT count(*) FROM "{_name(table)}"').scalar()


def counts(tx) -> dict[str, int]:
    """Rows in every data table."""
    return {t: count(tx, t) for t in tables(tx)}


def rows(tx, table: str, names: list[str]) -> Iterator[tuple[Any, ...]]:
    """Every row of `table` as a tuple of `names`, in a stable order, streamed."""
    cols = ", ".join(f'"{_name(c)}"' for c in names)
    for row in tx.stream(f'SELECT {cols} FROM "{_name(table)}" ORDER BY {cols}'):
        yield tuple(row[c] for c in names)


def insert(uow, table: str, names: list[str], batch: list[tuple[Any, ...]]) -> None:
    cols = ", ".join(f'"{_name(c)}"' for c in names)
    marks = ", ".join("?" for _ in names)
    uow.executemany(f'INSERT INTO "{_name(table)}" ({cols}) VALUES ({marks})', batch)


def dependency_order(tx, names: list[str]) -> list[str]:
    """`names` ordered so that a table comes after every table its foreign keys point to."""
    edges = tx.execute(
        "SELECT tc.table_name AS child, ccu.table_name AS parent "
        "FROM information_schema.table_constraints tc "
        "JOIN information_schema.constraint_column_usage ccu "
        "  ON ccu.constraint_name = tc.constraint_name "
        " AND ccu.constraint_schema = tc.constraint_schema "
        "WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema()").rows
    parents: dict[str, set[str]] = {n: set() for n in names}
    for child, parent in edges:
        if child in parents and parent in parents and child != parent:
            parents[child].add(parent)
    ordered: list[str] = []
    done: set[str] = set()
    while len(ordered) < len(names):
        ready = sorted(n for n in names if n not in done and parents[n] <= done)
        if not ready:  # a cycle: keep the rest alphabetical (the insert will say if it fails)
            ready = sorted(n for n in names if n not in done)
        ordered.extend(ready)
        done.update(ready)
    return ordered


def reset_sequences(uow) -> None:
    """After rows were inserted with their own ids: every serial/identity column's sequence moves
    past the largest id, so the next insert does not collide (PostgreSQL only)."""
    found = uow.execute(
        "SELECT table_name, column_name, pg_get_serial_sequence(quote_ident(table_name), "
        "column_name) AS seq FROM information_schema.columns "
        "WHERE table_schema = current_schema()").rows
    for table, column, seq in found:
        if seq and table not in NOT_COPIED:
            uow.execute(f'SELECT setval(?, coalesce((SELECT max("{_name(column)}") FROM '
                        f'"{_name(table)}"), 0) + 1, false)', (seq,))


def _name(identifier: str) -> str:
    """An identifier read from the catalog, refused if it could break out of its quotes."""
    if '"' in identifier or "\x00" in identifier:
        raise ValueError(f"unexpected identifier {identifier!r}")
    return identifier


def clear(uow, table: str) -> None:
    """Empty a table of the target (only the rows its migrations seeded are there)."""
    uow.execute(f'DELETE FROM "{_name(table)}"')
