"""The queue's text index: `search_terms` (one row per dispute and term of its description) and
`search_words` (every word the index has seen, for a search's word that is part of a longer one).

Written by `disputes.insert` and `disputes.touch` in the transaction that writes the description,
so the index is never behind the text, even after a crash. The terms are dispute/search_text.py's.
`rebuild` fills it from scratch (migration 0018, `python -m dispute search reindex`).
"""

from __future__ import annotations

from typing import Any, Sequence
from uuid import UUID

from dispute.search_text import SEPARATOR, SearchTerms, terms, words

_BATCH = 5_000  # disputes per statement in a rebuild


# A dispute's terms travel joined by SEPARATOR and are split in SQL, each backend its way.
_SPLIT = {"duckdb": "string_split(t, ?)", "postgresql": "string_to_array(t, ?)"}


def _insert(tx, rows: Sequence[tuple[UUID, str]], table: str = "search_terms") -> None:
    """Many (dispute, description) pairs in two statements: one string of terms per dispute,
    the disputes as two arrays unnested side by side and the terms split in SQL (one round trip
    however many terms, and few Python objects for the driver to convert)."""
    ids, joined, vocab = [], [], set()
    for dispute_id, text in rows:
        ts = terms(text)
        if ts:
            ids.append(str(dispute_id))
            joined.append(SEPARATOR.join(ts))
            vocab |= words(text)
    if ids:
        tx.execute(f"INSERT INTO {table} (dispute_id, term) "
                   f"SELECT CAST(i AS UUID), unnest({_SPLIT[tx.backend]}) FROM "
                   "(SELECT unnest(CAST(? AS VARCHAR[])) AS i, "
                   "unnest(CAST(? AS VARCHAR[])) AS t) x", (SEPARATOR, ids, joined))
    if vocab:
        tx.execute("INSERT INTO search_words (term) SELECT DISTINCT t FROM "
                   "(SELECT unnest(CAST(? AS VARCHAR[])) AS t) x ON CONFLICT (term) DO NOTHING",
                   (sorted(vocab),))


def index(tx, dispute_id: UUID, description: str) -> None:
    """Index a new description (a filing): its terms, and its words in the vocabulary."""
    _insert(tx, [(dispute_id, description)])


def reindex(tx, dispute_id: UUID, description: str) -> None:
    """A description changed (a correction): its old terms go, the new ones come. Words stay in
    the vocabulary; one no description holds any more finds nothing."""
    tx.execute("DELETE FROM search_terms WHERE dispute_id = ?", (dispute_id,))
    _insert(tx, [(dispute_id, description)])


def rebuild(tx) -> int:
    """Index every description again from nothing; returns the disputes indexed. The rows go in
    term order, so that on DuckDB (no index on the table: too large for its in-memory indexes)
    a term's rows lie together and the scan skips the rest by the blocks' min/max."""
    tx.execute("DELETE FROM search_terms")
    tx.execute("DELETE FROM search_words")
    tx.execute("CREATE TEMP TABLE search_rebuild (dispute_id UUID NOT NULL, "
               "term VARCHAR NOT NULL)")
    described = tx.execute("SELECT id, description FROM disputes").rows
    for at in range(0, len(described), _BATCH):
        _insert(tx, described[at:at + _BATCH], "search_rebuild")
    tx.execute("INSERT INTO search_terms (dispute_id, term) SELECT dispute_id, term "
               "FROM search_rebuild ORDER BY term, dispute_id")
    tx.execute("DROP TABLE search_rebuild")
    return len(described)


def is_stale(tx) -> bool:
    """Disputes exist but the index is empty (a database filled before the index existed)."""
    return bool(tx.execute("SELECT EXISTS (SELECT 1 FROM disputes) AND NOT EXISTS "
                           "(SELECT 1 FROM search_terms)").scalar())


def candidates(s: SearchTerms) -> tuple[str, list[Any]]:
    """A sub-select of the ids of disputes holding every term of the search: each term as it
    is, each word inside one of the dispute's words (found through the vocabulary)."""
    parts, params = [], []
    for term in s.terms:
        parts.append("SELECT dispute_id FROM search_terms WHERE term = ?")
        params.append(term)
    for word in s.words:  # letters and digits only: nothing LIKE would read as a wildcard
        parts.append("SELECT dispute_id FROM search_terms WHERE term IN "
                     "(SELECT term FROM search_words WHERE term LIKE ?)")
        params.append(f"%{word}%")
    return " INTERSECT ".join(parts), params


def count(tx) -> int:
    return tx.execute("SELECT count(*) FROM search_terms").scalar()


def terms_of(tx, dispute_id: UUID) -> Sequence[str]:
    return tx.execute("SELECT term FROM search_terms WHERE dispute_id = ? ORDER BY term",
                      (dispute_id,)).column()
