"""Keyword lexicon matching: tokens, lemmas and longest-match lookup of taxonomy keywords.

Words are lemmatised with simplemma (a dictionary lemmatiser, no model to load), so ``profits`` matches
``profit`` and ``authorities`` stays apart from ``author`` (a stemmer would merge them). An entry written
with a capital letter (``Labour``, ``UN``, ``WHO``) matches that exact surface form only, which keeps
proper names apart from common words. Where entries overlap the longest wins, and at equal length the
exact-case entry wins: ``labour market`` is labour, ``Labour Party`` is politics, ``AIDS`` is health.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import simplemma

# Letters and digits; hyphens and apostrophes split words, so "cease-fire" and "cease fire" both read
# as two tokens, on the text side and on the lexicon side alike.
_TOKEN = re.compile(r"[^\W_]+")


@lru_cache(maxsize=262_144)
def lemma(word: str) -> str:
    """Lowercase lemma of one word (cached: news vocabulary repeats heavily)."""
    lowered = word.lower()
    # simplemma guesses wildly on very short words ("ai" and "m" both become "be", so every "were"
    # scored as technology): they are kept as written.
    if len(lowered) <= 2:
        return lowered
    return simplemma.lemmatize(lowered, lang="en").lower()


@dataclass(frozen=True, slots=True)
class Tokens:
    surfaces: tuple[str, ...]
    lemmas: tuple[str, ...]


def tokenize(text: str) -> Tokens:
    surfaces = tuple(_TOKEN.findall(text))
    return Tokens(surfaces=surfaces, lemmas=tuple(lemma(s) for s in surfaces))


def _is_exact_case(term: str) -> bool:
    return any(ch.isupper() for ch in term)


@dataclass(frozen=True, slots=True)
class Hit:
    """One keyword occurrence: the lexicon entry, the words as written, where it was found."""

    entry: str
    surface: str
    position: int  # token index of its first word
    weights: Mapping[str, float]  # category slug -> weight


class Lexicon:
    """All categories' keywords in one lookup table, matched in one left-to-right pass."""

    def __init__(self, keywords_by_category: Mapping[str, Mapping[str, float]]) -> None:
        exact: dict[tuple[str, ...], dict[str, float]] = {}
        folded: dict[tuple[str, ...], dict[str, float]] = {}
        names: dict[tuple[bool, tuple[str, ...]], str] = {}
        for slug, keywords in keywords_by_category.items():
            for term, weight in keywords.items():
                words = tuple(_TOKEN.findall(term))
                if not words:
                    continue
                case_sensitive = _is_exact_case(term)
                key = words if case_sensitive else tuple(lemma(w) for w in words)
                table = exact if case_sensitive else folded
                table.setdefault(key, {})
                table[key][slug] = max(table[key].get(slug, 0.0), weight)
                names.setdefault((case_sensitive, key), term)
        self._exact = exact
        self._folded = folded
        self._names = names
        self.longest = max((len(k) for k in (*exact, *folded)), default=1)
        # Most words start no entry: checking the first word before trying every length is what
        # keeps matching close to the cost of tokenising.
        self._exact_first = {k[0] for k in exact}
        self._folded_first = {k[0] for k in folded}

    def __len__(self) -> int:
        return len(self._exact) + len(self._folded)

    def match(self, tokens: Tokens) -> list[Hit]:
        hits: list[Hit] = []
        count = len(tokens.surfaces)
        position = 0
        while position < count:
            if (
                tokens.surfaces[position] not in self._exact_first
                and tokens.lemmas[position] not in self._folded_first
            ):
                position += 1
                continue
            matched = 0
            for size in range(min(self.longest, count - position), 0, -1):
                surface_key = tokens.surfaces[position : position + size]
                weights = self._exact.get(surface_key)
                key: tuple[bool, tuple[str, ...]] = (True, surface_key)
                if weights is None:
                    lemma_key = tokens.lemmas[position : position + size]
                    weights = self._folded.get(lemma_key)
                    key = (False, lemma_key)
                if weights is not None:
                    hits.append(Hit(self._names[key], " ".join(surface_key), position, weights))
                    matched = size
                    break
            position += matched or 1
        return hits


def terms_of(hits: Iterable[Hit], slug: str) -> list[Hit]:
    return [hit for hit in hits if slug in hit.weights]
