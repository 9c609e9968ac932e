"""What the queue's text index holds for a description, and which of its terms a search needs.

Chinese has no spaces, so text is cut into runs: a CJK run (Han, kana, Hangul) gives every piece
of it from one to `MAX_GRAM` characters long (characters, bigrams, trigrams and four-character
grams); a run of other letters and digits gives the run case-folded (a word; casefold, not lower,
so that the long s and the Kelvin sign meet 's' and 'k' as the regular expression's
case-insensitive match does), and two such runs with exactly one space between them give that
pair too ("credit report"). Everything else (spaces, punctuation) separates runs.

A search is literal and ignores case (dispute/storage/queue.py `CONTAINS`). Any description that
contains the search text also holds, in the index, each CJK run of the search (up to
`MAX_GRAM` characters; every `MAX_GRAM`-gram of a longer one) and, for each word of the search,
a word that contains it (a search's word may be part of a longer word: "loan" is in "loans"), and
for each two words of the search with one space between them, a pair containing them. So the
index gives a superset of the matches, and the literal check runs on those candidates only.

The index answers exactly, with no check, when the search is one CJK run of up to `MAX_GRAM`
characters (a term as it is), one word of ASCII letters and digits, or two such words with one
space between them ("credit report"): every description word (pair) containing it
case-insensitively is, folded, a word (pair) of the vocabulary containing it; where every
original spelling of that vocabulary entry was ASCII, `plain`, containing it folded is
containing it literally. Four characters cover most Chinese words and set phrases (征信报告,
逾期记录, 自动扣款) and two words most English ones, so a common phrase's counts come from the
counts kept per term rather than from a literal check of every description holding it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# A search of up to 200 characters has up to 197 four-character grams: the index is asked for a
# few of them (a superset still), the literal check decides the rest.
MAX_TERMS = 8

# The longest CJK piece indexed as a term: a search's CJK run up to this long is one term.
MAX_GRAM = 4

# A separator that never occurs in a term: the storage joins a description's terms with it.
SEPARATOR = "\x1f"

# What stands between the two words of an indexed pair: one space, as a phrase is typed.
PAIR_GAP = " "


# Characters written without spaces between words (indexed by pieces of 1–4 characters): Han,
# kana, Hangul syllables, the ideographic zero.
_CJK = "\u3007\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003ffff"
# A CJK run, or a run of other letters and digits ([^\W_] is str.isalnum's class).
_RUN = re.compile(f"([{_CJK}]+)|([^\\W_{_CJK}]+)")


def _found(text: str) -> list[re.Match]:
    return list(_RUN.finditer(text))


def runs(text: str) -> list[tuple[bool, str]]:
    """(is_cjk, run) in order: maximal CJK runs and maximal runs of other letters and digits."""
    return [(m.lastindex == 1, m.group()) for m in _found(text)]


def _pairs(found: list[re.Match]) -> list[tuple[str, str]]:
    """Each two word runs (not CJK) with exactly `PAIR_GAP` between them, in order."""
    return [(a.group(), b.group()) for a, b in zip(found, found[1:])
            if a.lastindex == 2 and b.lastindex == 2
            and a.string[a.end():b.start()] == PAIR_GAP]


def _cjk_terms(run: str) -> set[str]:
    return {run[i:i + n] for n in range(1, MAX_GRAM + 1) for i in range(len(run) - n + 1)}


def terms(text: str) -> set[str]:
    """Every term the index keeps for `text` (CJK pieces of up to `MAX_GRAM` characters,
    case-folded words, case-folded pairs of words)."""
    found = _found(text)
    out: set[str] = set()
    for m in found:
        out |= _cjk_terms(m.group()) if m.lastindex == 1 else {m.group().casefold()}
    out |= {(a + PAIR_GAP + b).casefold() for a, b in _pairs(found)}
    return out


def _plain(entries: list[tuple[str, bool]]) -> dict[str, bool]:
    out: dict[str, bool] = {}
    for folded, ascii_ in entries:
        out[folded] = out.get(folded, True) and ascii_
    return out


def words(text: str) -> dict[str, bool]:
    """The case-folded non-CJK words of `text` (the vocabulary a word search looks through),
    each with whether it was written in ASCII (`plain`: its folded form is its lower case, so
    a search's ASCII word inside it is inside the text, literally, ignoring case)."""
    return _plain([(m.group().casefold(), m.group().isascii())
                   for m in _found(text) if m.lastindex == 2])


def pairs(text: str) -> dict[str, bool]:
    """The case-folded pairs of `text` (the vocabulary a two-word search looks through), each
    with whether both words were written in ASCII (`plain`, as for `words`)."""
    return _plain([((a + PAIR_GAP + b).casefold(), (a + b).isascii())
                   for a, b in _pairs(_found(text))])


@dataclass(frozen=True)
class SearchTerms:
    """What a search needs from the index: `terms` each present as they are, `words` each
    contained in one of the dispute's words, `pairs` each contained in one of its pairs; `exact`
    when the one term alone decides a match."""

    terms: tuple[str, ...]
    words: tuple[str, ...]
    exact: bool
    word: bool = False  # the search is one ASCII word: exact through the plain vocabulary words
    pairs: tuple[str, ...] = ()
    pair: bool = False  # the search is two ASCII words and one space: exact through plain pairs


def plan(text: str) -> SearchTerms | None:
    """The index terms of a (stripped) search; None when it has no letter, digit or CJK
    character (punctuation alone), which the index cannot narrow down."""
    found = _found(text)
    if not found:
        return None
    need: set[str] = set()
    word_runs: set[str] = set()
    paired = _pairs(found)
    in_pairs = {w.casefold() for pair in paired for w in pair}
    for m in found:
        run = m.group()
        if m.lastindex == 1:
            need |= ({run} if len(run) <= MAX_GRAM else
                     {run[i:i + MAX_GRAM] for i in range(len(run) - MAX_GRAM + 1)})
        elif run.casefold() not in in_pairs:  # a pair holding it is the narrower test
            word_runs.add(run.casefold())
    pair_runs = {(a + PAIR_GAP + b).casefold() for a, b in paired}
    if len(need) + len(word_runs) + len(pair_runs) > MAX_TERMS:  # a few terms narrow enough
        budget = MAX_TERMS // 2
        kept_pairs = sorted(pair_runs, key=lambda w: (-len(w), w))[:budget]
        kept_words = sorted(word_runs, key=lambda w: (-len(w), w))[:budget - len(kept_pairs)]
        need = set(sorted(need)[:MAX_TERMS - len(kept_pairs) - len(kept_words)])
        word_runs, pair_runs = set(kept_words), set(kept_pairs)
    # Case folding is wider than the literal check's case-insensitivity ("strasse" finds the
    # word "straße" in the index, not in the text): a word or pair is exact only through
    # vocabulary entries written in ASCII alone (search_index.lookup); the others take the
    # literal check.
    whole = len(found) == 1 and found[0].group() == text
    exact = whole and found[0].lastindex == 1 and len(text) <= MAX_GRAM
    word = whole and found[0].lastindex == 2 and text.isascii()
    pair = (len(found) == 2 and len(paired) == 1 and text.isascii()
            and text == paired[0][0] + PAIR_GAP + paired[0][1])
    return SearchTerms(tuple(sorted(need)), tuple(sorted(word_runs)), exact, word,
                       tuple(sorted(pair_runs)), pair)


_NO_CASE = frozenset({"Lo", "Nd", "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Zs"})


def caseless(text: str) -> bool:
    """Whether ignoring case changes nothing for `text`: each character is of a category with no
    case (CJK and other letters without case, digits, punctuation, spaces) and is its own upper,
    lower and folded case; no character folds onto one of these either (folding maps only onto
    cased letters)."""
    return all(unicodedata.category(c) in _NO_CASE and c.lower() == c.upper() == c.casefold() == c
               for c in text)
