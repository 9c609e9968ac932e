"""What the queue's text index holds for a description, and which of its terms a search needs.

Chinese has no spaces, so text is cut into runs: a CJK run (Han, kana, Hangul) gives each of its
characters and each pair of neighbours (character bigrams); a run of other letters and digits
gives the run case-folded (a word; casefold, not lower, so that the long s and the Kelvin sign meet
's' and 'k' as the regular expression's case-insensitive match does). Everything else (spaces, punctuation) separates runs.

A search is literal and ignores case (dispute/storage/queue.py `CONTAINS`). Any description that
contains the search text also holds, in the index, every term of the search's CJK runs and, for
each word run of the search, a word that contains it (a search's word may be part of a longer
word: "loan" is in "loans"). So the index gives a superset of the matches, and the literal check
runs on those candidates only. The index answers exactly, with no check, when the search is one
CJK run of one or two characters (its character or bigram is a term as it is), or one word of
ASCII letters and digits (every description word containing it case-insensitively is, folded, a
word of the vocabulary containing it; where every original spelling of that vocabulary word was
ASCII, `plain`, containing it folded is containing it literally).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# A search of up to 200 characters has up to 199 bigrams: the index is asked for a few of them
# (a superset still), the literal check decides the rest.
MAX_TERMS = 8

# A separator that never occurs in a term: the storage joins a description's terms with it.
SEPARATOR = "\x1f"


# Characters written without spaces between words (indexed by character and bigram): Han,
# kana, Hangul syllables, the ideographic zero.
_CJK = "\u3007\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003ffff"
# A CJK run, or a run of other letters and digits ([^\W_] is str.isalnum's class).
_RUN = re.compile(f"([{_CJK}]+)|([^\\W_{_CJK}]+)")


def runs(text: str) -> list[tuple[bool, str]]:
    """(is_cjk, run) in order: maximal CJK runs and maximal runs of other letters and digits."""
    return [(m.lastindex == 1, m.group()) for m in _RUN.finditer(text)]


def _cjk_terms(run: str) -> set[str]:
    return set(run) | {run[i:i + 2] for i in range(len(run) - 1)}


def terms(text: str) -> set[str]:
    """Every term the index keeps for `text` (CJK characters and bigrams, case-folded words)."""
    out: set[str] = set()
    for cjk, run in runs(text):
        out |= _cjk_terms(run) if cjk else {run.casefold()}
    return out


def words(text: str) -> dict[str, bool]:
    """The case-folded non-CJK words of `text` (the vocabulary a word search looks through),
    each with whether it was written in ASCII (`plain`: its folded form is its lower case, so
    a search's ASCII word inside it is inside the text, literally, ignoring case)."""
    out: dict[str, bool] = {}
    for cjk, run in runs(text):
        if not cjk:
            folded = run.casefold()
            out[folded] = out.get(folded, True) and run.isascii()
    return out


@dataclass(frozen=True)
class SearchTerms:
    """What a search needs from the index: `terms` each present as they are, `words` each
    contained in one of the dispute's words; `exact` when those alone decide a match."""

    terms: tuple[str, ...]
    words: tuple[str, ...]
    exact: bool
    word: bool = False  # the search is one ASCII word: exact through the plain vocabulary words


def plan(text: str) -> SearchTerms | None:
    """The index terms of a (stripped) search; None when it has no letter, digit or CJK
    character (punctuation alone), which the index cannot narrow down."""
    found = runs(text)
    if not found:
        return None
    need: set[str] = set()
    word_runs: set[str] = set()
    for cjk, run in found:
        if cjk:
            need |= {run} if len(run) == 1 else {run[i:i + 2] for i in range(len(run) - 1)}
        else:
            word_runs.add(run.casefold())
    if len(need) + len(word_runs) > MAX_TERMS:  # a long search: a few of its terms narrow
        kept_words = sorted(word_runs, key=lambda w: (-len(w), w))[:MAX_TERMS // 2]
        need = set(sorted(need)[:MAX_TERMS - len(kept_words)])  # enough; the check decides
        word_runs = set(kept_words)
    # Case folding is wider than the literal check's case-insensitivity ("strasse" finds the
    # word "straße" in the index, not in the text): a word is exact only through vocabulary words
    # written in ASCII alone (search_index.lookup); the others take the literal check.
    whole = len(found) == 1 and found[0][1] == text
    exact = whole and found[0][0] and len(text) <= 2
    word = whole and not found[0][0] and text.isascii()
    return SearchTerms(tuple(sorted(need)), tuple(sorted(word_runs)), exact, word)


_NO_CASE = frozenset({"Lo", "Nd", "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Zs"})


def caseless(text: str) -> bool:
    """Whether ignoring case changes nothing for `text`: each character is of a category with no
    case (CJK and other letters without case, digits, punctuation, spaces) and is its own upper,
    lower and folded case; no character folds onto one of these either (folding maps only onto
    cased letters)."""
    return all(unicodedata.category(c) in _NO_CASE and c.lower() == c.upper() == c.casefold() == c
               for c in text)
