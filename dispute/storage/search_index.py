"""The queue's text index: `search_terms` (one row per dispute and term of its description),
`search_words` and `search_pairs` (every word, and every two words with a space between them,
the index has seen, for a search's word that is part of a longer one, with whether every
spelling of it was ASCII).

Written by `disputes.insert` and `disputes.touch` in the transaction that writes the description,
so the index is never behind the text, even after a crash. The terms are dispute/search_text.py's.
`rebuild` fills it from scratch (migration 0027, which replaced 0018's terms with longer ones;
`python -m dispute search reindex`).

How a search uses it (`lookup`, before the queue's statements are built; figures measured by
bench/queue.py, README's performance section):
- Exact where the index is exact: one to four CJK characters (征, 征信, 征信报告), one ASCII
  word, or two ASCII words with a space between them ("credit report"), are answered by postings
  alone, with no literal check on descriptions, and their counts per stage are kept.
- Elsewhere (phrases, parts of words with other text, longer CJK strings) the candidates are
  the disputes holding **every** term of the search (for a word, one of the vocabulary words
  containing it), and the literal check runs on those only. The terms are intersected rarest
  first: the rarest term's postings are read, and each of them is kept if the next rarer terms
  have a posting for the same dispute (dispute/storage/queue.py `_CHECKED`; on PostgreSQL a
  probe of the (term, dispute_id) B-tree or a merge of two of its ranges, on DuckDB a hash
  semi-join of the term-ordered table's ranges; each database plans its own). A search whose
  terms never occur together costs the rarest term's postings, not the literal check on them.
  Rarity is counted when the search is made, each term's postings counted up to `_CAP` (a range
  read of the term-ordered table on DuckDB, of the B-tree on PostgreSQL): always current and
  never written. A term no dispute holds answers "nothing" there and then.
- The terms are passed as constants, never as a sub-select of the vocabulary: DuckDB skips the
  blocks of `search_terms` by their min/max only for constant filters.
- Counts per stage: `search_term_stages` keeps, per term and stage, the disputes holding the
  term, written by filing, corrections and every stage move (all through `disputes.touch`), so a
  one-term search with no other filter reads one row per stage. The alternative, the stage beside
  each posting, measured 7× faster than joining a common term's postings to the disputes (90,000
  disputes: 2.5 against 17 ms) but a stage move would then rewrite the dispute's ~200 postings,
  found on DuckDB only by a scan of the whole table (185 ms at 90,000 disputes, about 2 s at a
  million) — a cost on every move, where the counts table costs two upserts of ~200 keyed rows.
  Writers of the counts serialise on their rows (DuckDB takes one writer at a time anyway; on
  PostgreSQL the rows are locked in key order, so concurrent filings wait, never deadlock).
- The page of a search with many matches reads a window of the queue in its order
  (dispute/storage/queue.py `page_window`): for one term joined with the term's postings, the
  window the smaller side; for any other search (a phrase) checked literally, row by row, as
  the scan would, so a common phrase is checked on a few hundred descriptions, not on every
  candidate. Other pages and the counts join the candidates to `disputes` by its key.
- A search whose rarest group is in a large share of the book (`_COMMON_SHARE` of the disputes,
  per backend) is `common`: its candidates are too many to check one by one, each found by its
  key, and the counts per stage read every description instead, in one pass (a parallel scan on
  PostgreSQL), which costs less there (dispute/storage/queue.py `count_statement`).
- What stays proportional to the matches: the counts per stage of a search the index cannot
  answer exactly (five CJK characters or more, three words or more, words and CJK mixed, a
  search with punctuation). Its exact count needs each candidate's text checked, as the postings
  hold no positions (a dispute holding 征信报告 and 报告上出 need not hold 征信报告上出), and a
  count kept per phrase cannot be, for a phrase nobody has searched before. The longer terms
  move that edge out to where most searches are: a Chinese search of up to four characters and
  an English one of up to two words is one term (migration 0027: about twice the postings of
  characters and bigrams alone; README's performance section has the write cost).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence
from uuid import UUID

from dispute.search_text import SEPARATOR, caseless, pairs, plan, terms, words

_BATCH = 5_000  # disputes per statement in a rebuild
_SORT_ROWS = 4_000_000  # postings sorted at once in a rebuild: its memory, whatever the book
_REBUILD_MEMORY = "3GB"  # DuckDB's limit during a rebuild
_CAP = 10_000  # postings counted per term when choosing the rarest (beyond it: ties, first term wins)
_MAX_WORDS = 64  # vocabulary words a search's word may expand to before the search scans
# From which share of the disputes a search's rarest group makes it `common` (its counts read
# every description), per backend and whether the literal check is a substring search
# (`caseless`) or a regular expression. Measured at a million disputes (bench/queue.py,
# README's performance section), a candidate found by its key and checked against a
# description read in a pass over all of them: PostgreSQL 9 against 0.4 µs (a substring),
# 12 against 0.86 µs (a regular expression); DuckDB 0.7 against 0.17 µs, 5.5 against 0.18 µs.
_COMMON_SHARE = {("postgresql", True): 0.05, ("postgresql", False): 0.07,
                 ("duckdb", True): 0.25, ("duckdb", False): 0.03}


# A dispute's terms travel joined by SEPARATOR and are split in SQL, each backend its way.
_SPLIT = {"duckdb": "string_split(t, ?)", "postgresql": "string_to_array(t, ?)"}


@dataclass(frozen=True)
class IndexQuery:
    """What a search takes from the index: disputes holding any of `exact` match as they are;
    disputes holding, for every group of `checked`, one of the group's terms match if the
    literal check says so (the groups rarest first: a group is a term, or the vocabulary words
    containing a word of the search). Both empty: nothing can match."""

    exact: tuple[str, ...] = ()
    checked: tuple[tuple[str, ...], ...] = ()
    common: bool = False  # the rarest group of `checked` is in a large share of the book


# The vocabularies a search's words and pairs are looked up in (dispute/search_text.py).
WORDS, PAIRS = "search_words", "search_pairs"


def _add_words(tx, vocab: dict[str, bool], table: str = WORDS) -> None:
    """Words (or pairs) into a vocabulary; an entry seen once in a spelling not ASCII stays not
    plain (the update writes only then, so concurrent filings do not conflict on common words)."""
    if vocab:
        items = sorted(vocab.items())
        tx.execute(f"INSERT INTO {table} (term, plain) SELECT t, p FROM "
                   "(SELECT unnest(CAST(? AS VARCHAR[])) AS t, "
                   "unnest(CAST(? AS BOOLEAN[])) AS p) x ON CONFLICT (term) "
                   f"DO UPDATE SET plain = FALSE WHERE {table}.plain AND NOT excluded.plain",
                   ([t for t, _ in items], [p for _, p in items]))


def _add_vocabularies(tx, vocab: dict[str, dict[str, bool]]) -> None:
    for table in (WORDS, PAIRS):
        _add_words(tx, vocab[table], table)


def _union(into: dict[str, dict[str, bool]], found: dict[str, dict[str, bool]]) -> None:
    """Entries of `found` added to `into`, per vocabulary; plain only if plain in both."""
    for table, entries in found.items():
        kept = into.setdefault(table, {})
        for entry, plain in entries.items():
            kept[entry] = kept.get(entry, True) and plain


def _insert(tx, rows: Sequence[tuple[UUID, str]],
            table: str = "search_terms") -> dict[str, dict[str, bool]]:
    """Many (dispute, description) pairs in one statement: one string of terms per dispute,
    the disputes as two arrays unnested side by side and the terms split in SQL (one round trip
    however many terms, and few Python objects for the driver to convert). Returns the words
    and pairs seen, per vocabulary."""
    ids, joined, vocab = [], [], {WORDS: {}, PAIRS: {}}
    for dispute_id, text in rows:
        ts = terms(text)
        if ts:
            ids.append(str(dispute_id))
            joined.append(SEPARATOR.join(ts))
            _union(vocab, {WORDS: words(text), PAIRS: pairs(text)})
    if ids:
        tx.execute(f"INSERT INTO {table} (dispute_id, term) "
                   f"SELECT CAST(i AS UUID), unnest({_SPLIT[tx.backend]}) FROM "
                   "(SELECT unnest(CAST(? AS VARCHAR[])) AS i, "
                   "unnest(CAST(? AS VARCHAR[])) AS t) x", (SEPARATOR, ids, joined))
    return vocab


def _count(tx, deltas: dict[tuple[str, str], int]) -> None:
    """Add to the disputes per term and stage. In key order, so that concurrent writers on
    PostgreSQL lock the rows they share in the same order (no deadlock)."""
    items = sorted((k, n) for k, n in deltas.items() if n)
    if items:
        tx.execute("INSERT INTO search_term_stages (term, stage, n) SELECT t, s, n FROM "
                   "(SELECT unnest(CAST(? AS VARCHAR[])) AS t, unnest(CAST(? AS VARCHAR[])) AS s, "
                   "unnest(CAST(? AS BIGINT[])) AS n) x ON CONFLICT (term, stage) "
                   "DO UPDATE SET n = search_term_stages.n + excluded.n",
                   ([t for (t, _), _ in items], [s for (_, s), _ in items],
                    [n for _, n in items]))


def index(tx, dispute_id: UUID, description: str, stage: str) -> None:
    """Index a new description (a filing): its terms, its words in the vocabulary, and one more
    dispute in `stage` for each of its terms."""
    _add_vocabularies(tx, _insert(tx, [(dispute_id, description)]))
    _count(tx, {(t, stage): 1 for t in terms(description)})


def reindex(tx, dispute_id: UUID, old_text: str, old_stage: str, text: str,
            stage: str) -> None:
    """A description or a stage changed (a correction, a move): the terms follow the text, the
    counts per stage follow both. Words stay in the vocabulary; one no description holds any
    more finds nothing. A stage change leaves the postings alone (they hold no stage)."""
    old_stage, stage = getattr(old_stage, "value", old_stage), getattr(stage, "value", stage)
    if text != old_text:
        tx.execute("DELETE FROM search_terms WHERE dispute_id = ?", (dispute_id,))
        _add_vocabularies(tx, _insert(tx, [(dispute_id, text)]))
    deltas: dict[tuple[str, str], int] = {}
    for t in terms(old_text):
        deltas[(t, old_stage)] = deltas.get((t, old_stage), 0) - 1
    for t in terms(text):
        deltas[(t, stage)] = deltas.get((t, stage), 0) + 1
    _count(tx, deltas)


def stage_counts(tx, term: str) -> dict[str, int]:
    """Disputes holding `term` per stage, without reading a posting."""
    return {s: n for s, n in tx.execute("SELECT stage, n FROM search_term_stages "
                                        "WHERE term = ? AND n > 0", (term,)).rows}


# PostgreSQL's B-trees on the postings (migration 0018), by name: a migration's rebuild drops
# them and makes them again after the postings are in.
PG_INDEXES = {"search_terms_term": "term, dispute_id", "search_terms_dispute": "dispute_id"}


def rebuild_in_migration(tx) -> int:
    """`rebuild` as a migration runs it, the portals stopped or waiting on its lock. On
    PostgreSQL the postings are emptied by TRUNCATE (not a DELETE leaving every old row to
    vacuum) and go in without their B-trees, which are made once at the end, as PostgreSQL's
    manual advises for a bulk load ("Populating a Database"): kept in place, the dispute
    B-tree takes one insert at a random place per posting. Both take the table's exclusive
    lock until the commit, which `search reindex` beside running portals must not."""
    if tx.backend != "postgresql":
        return rebuild(tx)
    tx.execute("TRUNCATE search_terms")
    for name in PG_INDEXES:
        tx.execute(f"DROP INDEX IF EXISTS {name}")
    done = rebuild(tx)
    for name, columns in PG_INDEXES.items():
        tx.execute(f"CREATE INDEX {name} ON search_terms ({columns})")
    return done


def rebuild(tx) -> int:
    """Index every description again from nothing; returns the disputes indexed. On DuckDB the
    process's memory is bounded by `_REBUILD_MEMORY` meanwhile (the work table spills to disk
    beyond it), then set back.

    The postings are made batch by batch into a work table, then moved into `search_terms` in
    term order, one range of terms at a time (about `_SORT_ROWS` postings each): on DuckDB
    (no index on the table: too large for its in-memory indexes) a term's rows then lie together
    and a search skips the rest by the blocks' min/max, and no sort holds the whole index."""
    if tx.backend != "duckdb":
        return _rebuild(tx)
    kept = tx.execute("SELECT current_setting('memory_limit')").scalar()  # e.g. '18.8 GiB'
    if _bytes(kept) <= _bytes(_REBUILD_MEMORY):  # a lower limit set by the deployment stays
        return _rebuild(tx)
    tx.execute(f"SET memory_limit = '{_REBUILD_MEMORY}'")
    try:
        return _rebuild(tx)
    finally:
        tx.execute(f"SET memory_limit = '{kept}'")


_UNITS = {"B": 1, "BYTES": 1, "KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12, "KIB": 2**10,
          "MIB": 2**20, "GIB": 2**30, "TIB": 2**40}


def _bytes(setting: str) -> float:
    """A DuckDB memory setting ('18.8 GiB', '3GB') in bytes; unreadable ones count as no limit."""
    number = setting.rstrip("ABEGIKMTYSabegikmtys ")
    try:
        return float(number) * _UNITS[setting[len(number):].strip().upper()]
    except (ValueError, KeyError):
        return float("inf")


def _rebuild(tx) -> int:
    tx.execute("DELETE FROM search_terms")
    tx.execute("DELETE FROM search_words")
    tx.execute("DELETE FROM search_pairs")
    tx.execute("DELETE FROM search_term_stages")
    tx.execute("CREATE TEMP TABLE search_rebuild (dispute_id UUID NOT NULL, "
               "term VARCHAR NOT NULL)")
    vocab: dict[str, dict[str, bool]] = {WORDS: {}, PAIRS: {}}
    done, last = 0, None
    while True:
        batch = tx.execute("SELECT id, description FROM disputes"
                           + (" WHERE id > ?" if last else "") + " ORDER BY id LIMIT ?",
                           ((last,) if last else ()) + (_BATCH,)).rows
        if not batch:
            break
        _union(vocab, _insert(tx, batch, "search_rebuild"))
        done, last = done + len(batch), batch[-1][0]
    lo, rows = None, 0
    per_term = tx.execute("SELECT term, count(*) FROM search_rebuild GROUP BY term "
                          "ORDER BY term").rows
    for i, (term, n) in enumerate(per_term):
        lo = term if lo is None else lo
        rows += n
        if rows >= _SORT_ROWS or i == len(per_term) - 1:
            tx.execute("INSERT INTO search_terms (dispute_id, term) SELECT dispute_id, term "
                       "FROM search_rebuild WHERE term >= ? AND term <= ? "
                       "ORDER BY term, dispute_id", (lo, term))
            lo, rows = None, 0
    tx.execute("INSERT INTO search_term_stages (term, stage, n) SELECT r.term, d.stage, count(*) "
               "FROM search_rebuild r JOIN disputes d ON d.id = r.dispute_id "
               "GROUP BY r.term, d.stage")
    tx.execute("DROP TABLE search_rebuild")
    _add_vocabularies(tx, vocab)
    return done


def is_stale(tx) -> bool:
    """Disputes exist but the index is empty (a database filled before the index existed)."""
    return bool(tx.execute("SELECT EXISTS (SELECT 1 FROM disputes) AND NOT EXISTS "
                           "(SELECT 1 FROM search_terms)").scalar())


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" for _ in values)


def lookup(tx, text: str) -> IndexQuery | None:
    """The index's answer for a (stripped) search, or None when it cannot narrow the search
    down (punctuation alone, or a word inside too many words) and every description is read."""
    p = plan(text)
    if p is None:
        return None
    if p.exact:
        return IndexQuery(exact=p.terms)
    choices: list[tuple[str, ...]] = [(t,) for t in p.terms]
    for table, entries, alone in ((WORDS, p.words, p.word), (PAIRS, p.pairs, p.pair)):
        for entry in entries:  # letters, digits, a space: nothing LIKE would read as a wildcard
            found = tx.execute(f"SELECT term, plain FROM {table} WHERE term LIKE ? "
                               "ORDER BY term LIMIT ?", (f"%{entry}%", _MAX_WORDS + 1)).rows
            if not found:
                return IndexQuery()  # no description has a word (pair) containing it
            if len(found) > _MAX_WORDS:
                continue  # too wide to narrow anything down
            if alone:
                other = tuple(t for t, plain in found if not plain)
                return IndexQuery(exact=tuple(t for t, plain in found if plain),
                                  checked=(other,) if other else ())
            choices.append(tuple(t for t, _ in found))
    if not choices:
        return None
    if len(choices) == 1:
        return IndexQuery(checked=(choices[0],), common=_is_common(tx, text, choices[0]))
    counted = " UNION ALL ".join(
        f"SELECT {i} AS k, (SELECT count(*) FROM (SELECT 1 FROM search_terms "
        f"WHERE term IN ({_marks(c)}) LIMIT {_CAP}) x) AS n" for i, c in enumerate(choices))
    sizes = sorted(tx.execute(counted, [t for c in choices for t in c]).rows,
                   key=lambda r: (r[1], r[0]))
    if sizes[0][1] == 0:  # a term no description holds: no description holds them all
        return IndexQuery()
    checked = tuple(choices[k] for k, _ in sizes)
    return IndexQuery(checked=checked,
                      common=sizes[0][1] >= _CAP and _is_common(tx, text, checked[0]))


def _is_common(tx, text: str, group: tuple[str, ...]) -> bool:
    """Whether `group`'s postings reach `_COMMON_SHARE` of the disputes for this backend and
    search (counted up to there; the disputes from the kept counts per stage, no pass over
    them)."""
    book = tx.execute("SELECT CAST(coalesce(sum(n), 0) AS BIGINT) FROM queue_counts").scalar()
    limit = max(_CAP, int(book * _COMMON_SHARE[(tx.backend, caseless(text))]))
    held = tx.execute(f"SELECT count(*) FROM (SELECT 1 FROM search_terms WHERE term IN "
                      f"({_marks(group)}) LIMIT {limit}) x", list(group)).scalar()
    return held >= limit


def count(tx) -> int:
    return tx.execute("SELECT count(*) FROM search_terms").scalar()


def terms_of(tx, dispute_id: UUID) -> Sequence[str]:
    return tx.execute("SELECT term FROM search_terms WHERE dispute_id = ? ORDER BY term",
                      (dispute_id,)).column()
