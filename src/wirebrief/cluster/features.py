"""Sparse term features of an article for story clustering.

Clustering runs before extraction, so it cannot use the linked entities of the extract stage. It uses
cheap signals instead:

* word terms: lower-cased word tokens without English stop words; words of the title count
  ``TITLE_WEIGHT`` times and words of the lead (the opening ``LEAD_WORDS`` words, where reports state
  the event) ``LEAD_WEIGHT`` times;
* entity-like terms (optional): runs of capitalised words ("Troy Tulowitzki", "Colorado Rockies"), a
  proxy for named entities that works for most Latin-script languages and costs one regular
  expression. They are prefixed with ``ENTITY_PREFIX`` so they never collide with word terms.

Term weights are BM25's: a saturating term frequency normalised by the article's length against the
average length so far (``BM25_K1``, ``BM25_B``), times IDF. IDF and the average length come from an
online table (:class:`DocumentFrequencies`): each article is weighed against the articles seen so far
(itself included), so the stream needs no training corpus.
"""

from __future__ import annotations

import functools
import importlib
import math
import re
from collections import Counter, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from wirebrief.records import Article

TITLE_WEIGHT: Final = 3.0
LEAD_WEIGHT: Final = 2.0
LEAD_WORDS: Final = 40
ENTITY_WEIGHT: Final = 1.5
ENTITY_PREFIX: Final = "@"
# Only the heaviest terms of an article are kept: the tail adds cost and little signal.
MAX_ARTICLE_TERMS: Final = 120
# BM25 term frequency: ``count × (K1 + 1) / (count + K1 × (1 − B + B × length / average length))``.
# A repeated term gains less and less (K1), and a long report's counts are discounted against a short
# one's (B). These are BM25's customary values, not tuned here.
BM25_K1: Final = 1.2
BM25_B: Final = 0.75

# Reporting verbs and news furniture that every report uses whatever it is about.
_NEWS_STOP_WORDS: Final = frozenset(
    {
        "said",
        "says",
        "told",
        "according",
        "reported",
        "reports",
        "report",
        "reuters",
        "ap",
        "afp",
        "ll",
        "ve",
        "re",
        "don",
        "didn",
        "doesn",
        "isn",
        "wasn",
        "won",
        "just",
        "like",
        "year",
        "years",
        "new",
        "time",
        "people",
        "day",
        "week",
        "percent",
        "image",
        "photo",
        "caption",
        "copyright",
        "getty",
        "images",
        "advertisement",
        "share",
        "twitter",
        "facebook",
        "email",
        "comments",
    }
)
STOP_WORDS: Final = frozenset(ENGLISH_STOP_WORDS) | _NEWS_STOP_WORDS


@functools.cache
def stop_words_for(language: str) -> frozenset[str]:
    """English stop words plus those of ``language`` (spaCy's lists; no model is loaded).

    English ones always apply: English words are common in reports in any language. An unknown
    language code gets the English list alone.
    """
    base = language.split("-")[0].lower()
    if base == "en" or not base.isalpha():
        return STOP_WORDS
    try:
        module = importlib.import_module(f"spacy.lang.{base}.stop_words")
    except ImportError:
        return STOP_WORDS
    return STOP_WORDS | frozenset(word.lower() for word in getattr(module, "STOP_WORDS", ()))


# Word tokens of two or more letters/digits; an apostrophe splits ("obama's" -> "obama", "s").
_WORD: Final = re.compile(r"[^\W_]{2,}")


def _upper_case_class() -> str:
    """A regex character class of the upper- and title-case letters of the Basic Multilingual Plane.

    Python's ``re`` has no ``\\p{Lu}``; a class built once keeps matching in C.
    """
    letters = [chr(code) for code in range(0x10000) if chr(code).isupper() or chr(code).istitle()]
    return "[" + "".join(re.escape(letter) for letter in letters) + "]"


# A capitalised word: an upper-case letter, then letters/digits, with inner hyphens or apostrophes.
_CAP_WORD: Final = _upper_case_class() + r"[^\W_]*(?:['’-][^\W_]+)*"
_CONNECTOR: Final = r"(?:of|de|del|der|van|von|al|bin|la|le|du)"
# Runs of capitalised words, allowing short lower-case connectors inside ("Bank of England"), each
# with what precedes it when that ends a sentence or a line (group 1), to tell sentence starts.
_ENTITY: Final = re.compile(
    rf"""([.!?:;"“”\n][ \t]*)?\b({_CAP_WORD}(?:[ \t]+(?:{_CONNECTOR}[ \t]+)?{_CAP_WORD})*)"""
)
_POSSESSIVE: Final = re.compile(r"['’]s?$")


def word_terms(text: str, stop_words: frozenset[str] = STOP_WORDS) -> list[str]:
    """Lower-cased content words of ``text`` (stop words and one-letter tokens dropped)."""
    return [token for token in _WORD.findall(text.lower()) if token not in stop_words]


def entity_terms(text: str, stop_words: frozenset[str] = STOP_WORDS) -> list[str]:
    """Entity-like terms: runs of capitalised words, lower-cased and prefixed with ``ENTITY_PREFIX``.

    A single capitalised word at the start of a sentence is usually just a sentence start ("The",
    "Officials"), so it counts only when it is not a stop word and is capitalised elsewhere too.
    """
    found: list[str] = []
    elsewhere: set[str] = set()
    starts: list[str] = []
    # A leading newline makes the text's first word a sentence start like any other.
    for sentence_start, phrase in _ENTITY.findall("\n" + text):
        if " " not in phrase and "\t" not in phrase:
            word = phrase.lower()
            if word in stop_words:
                continue
            if sentence_start:
                starts.append(word)
            else:
                elsewhere.add(word)
                found.append(word)
            continue
        # A run that begins a sentence often starts with a stop word ("The White House").
        words = phrase.lower().split()
        while words and words[0] in stop_words:
            del words[0]
        if words:
            found.append(" ".join(words))
    found.extend(word for word in starts if word in elsewhere)
    # "Turkey's" and "Turkey" name the same thing.
    return [
        ENTITY_PREFIX + (_POSSESSIVE.sub("", term) if "'" in term or "’" in term else term) for term in found
    ]


@dataclass(slots=True)
class DocumentFrequencies:
    """Online document-frequency table: how many articles contain each term, and their total
    (weighted) length, for BM25's length normalisation.

    With a ``window``, only the articles of the last ``window`` (by their time, in whole days) are
    counted: a day's counts are taken back when it leaves the window. A wire's vocabulary never stops
    growing (every story brings new names), so an all-time table grows with the archive; the windowed
    one holds the vocabulary of the window only. It is also the IDF of the news of the moment, which
    is what similarity between current reports needs.
    """

    window: timedelta | None = None
    documents: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    total_length: float = 0.0
    # Per day in the window (oldest first): its day number, article count, total length, and terms.
    _days: deque[tuple[int, int, float, Counter[str]]] = field(default_factory=deque)

    def add(self, term_counts: Mapping[str, float], when: datetime | None = None) -> None:
        """Count one article, given its weighted term counts and (with a window) its time."""
        length = sum(term_counts.values())
        self.documents += 1
        self.total_length += length
        counts = self.counts
        for term in term_counts:
            counts[term] = counts.get(term, 0) + 1
        if self.window is None or when is None:
            return
        day = when.toordinal()
        if not self._days or self._days[-1][0] < day:
            self._days.append((day, 0, 0.0, Counter()))
            self._expire(day)
        # An article older than the newest day (input slightly out of order) joins the newest day.
        newest, articles, total, terms = self._days[-1]
        terms.update(term_counts.keys())
        self._days[-1] = (newest, articles + 1, total + length, terms)

    def _expire(self, today: int) -> None:
        assert self.window is not None
        first_kept = today - max(1, math.ceil(self.window / timedelta(days=1))) + 1
        counts = self.counts
        while self._days and self._days[0][0] < first_kept:
            _, articles, total, terms = self._days.popleft()
            self.documents -= articles
            self.total_length -= total
            for term, number in terms.items():
                left = counts[term] - number
                if left > 0:
                    counts[term] = left
                else:
                    del counts[term]

    @property
    def average_length(self) -> float:
        return self.total_length / self.documents if self.documents else 0.0

    def idf(self, term: str) -> float:
        # Smoothed IDF (as scikit-learn's TfidfVectorizer): terms never seen get the highest weight.
        return math.log((1 + self.documents) / (1 + self.counts.get(term, 0))) + 1.0

    def idfs(self, terms: Iterable[str]) -> list[float]:
        """``idf`` of each term (the same formula, computed in bulk)."""
        log, get = math.log, self.counts.get
        log_documents = log(1 + self.documents) + 1.0
        return [log_documents - log(1 + get(term, 0)) for term in terms]


@dataclass(frozen=True, slots=True)
class TermCounts:
    """Weighted term counts of one article, before IDF weighting."""

    counts: Mapping[str, float]


def term_counts(article: Article, *, use_entities: bool) -> TermCounts:
    """Field-weighted term counts of ``article`` (title, lead and body words; entity-like terms)."""
    stop_words = stop_words_for(article.language)
    body = word_terms(article.text, stop_words)
    counts: dict[str, float] = dict(Counter(body))  # Counter counts in C: the bulk of the work
    weighted: list[tuple[list[str], float]] = [
        (word_terms(article.title, stop_words), TITLE_WEIGHT),
        (body[:LEAD_WORDS], LEAD_WEIGHT - 1.0),  # the lead counts once more on top of the body count
    ]
    if use_entities:
        weighted.append((entity_terms(article.title, stop_words), TITLE_WEIGHT * ENTITY_WEIGHT))
        weighted.append((entity_terms(article.text, stop_words), ENTITY_WEIGHT))
    for terms, weight in weighted:
        for term in terms:
            counts[term] = counts.get(term, 0.0) + weight
    return TermCounts(counts)


def tfidf_vector(counts: TermCounts, frequencies: DocumentFrequencies) -> dict[str, float]:
    """Unit-length BM25-weighted vector of the ``MAX_ARTICLE_TERMS`` heaviest terms.

    ``frequencies`` should already count the article (its IDF and average length include it).
    """
    terms = list(counts.counts)
    length = sum(counts.counts.values())
    average = frequencies.average_length or length or 1.0
    # The per-article part of BM25's denominator: K1 × (1 − B + B × length / average length).
    saturation = BM25_K1 * (1.0 - BM25_B + BM25_B * length / average)
    scale = BM25_K1 + 1.0
    weighted = [
        (term, count * scale / (count + saturation) * idf)
        for term, count, idf in zip(terms, counts.counts.values(), frequencies.idfs(terms), strict=True)
    ]
    # Sort by weight, then term, so that truncation does not depend on dict order.
    weighted.sort(key=lambda item: (-item[1], item[0]))
    del weighted[MAX_ARTICLE_TERMS:]
    norm = math.sqrt(sum(weight * weight for _, weight in weighted))
    if norm == 0.0:
        return {}
    return {term: weight / norm for term, weight in weighted}
