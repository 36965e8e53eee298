"""Dedupe: decide, for articles in arrival order, which are copies of ones already kept.

Rules, checked in this order (see ``docs/ingest.md``):

1. same ``content_hash`` as a kept article -> ``EXACT_DUPLICATE`` (dropped);
2. same ``id`` (same canonical URL, or same outlet + title) with another hash -> ``REVISION`` (kept,
   family unchanged);
3. a copy of a kept article published within ``dedupe_window_days``: from the same outlet ->
   ``NEAR_DUPLICATE`` (dropped); only from other outlets -> ``SYNDICATED`` (kept, in the family of the
   earliest copy). A copy is an article whose set of word 3-gram shingles has an exact Jaccard
   similarity >= ``near_duplicate_threshold`` with the kept one, or of which at least
   ``near_duplicate_containment`` is contained in the kept one (a trimmed copy: it adds nothing);
4. otherwise ``NEW``, its own family.

Candidates are found with MinHash (128 hash functions) and LSH banding tuned well below the threshold
(:data:`LSH_THRESHOLD`), in a compact index of our own (:class:`_BandIndex`); every candidate is then
checked exactly on the stored shingle sets, so MinHash's estimation error only affects which pairs are
looked at, never the decision. Signatures are computed with numpy from cached per-word hashes; the hash
functions are fixed by a seed and the word hash is CRC-32, so results are identical on every run and
machine (Python's own ``hash`` is salted per process and is never used).

Memory is bounded by the window, not by the archive: everything the deduplicator holds about a kept
article (hash and id entries, shingles, band keys) is evicted once the article is more than
``dedupe_window_days`` older than the newest publication time seen. Undated articles (published at
:data:`wirebrief.normalise.UNDATED`) neither move the window nor are evicted by it.
"""

from __future__ import annotations

import functools
import heapq
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import numpy.typing as npt

from wirebrief.normalise import UNDATED, words
from wirebrief.records import Article, DedupeDecision, DedupeStatus
from wirebrief.settings import Settings

SHINGLE_WORDS = 3
NUM_PERM = 128
LSH_THRESHOLD = 0.4
"""Jaccard similarity the LSH banding is tuned for (32 bands of 4 rows): a pair at 0.6 is a candidate
with probability 0.99, at 0.5 (a copy trimmed to half) 0.87, at 0.2 0.05. Candidates are checked
exactly, so a low value costs a few more checks, never precision."""
MIN_CONTAINED_SHINGLES = 20
"""A text with fewer shingles (about a 20-word sentence) is never matched by containment alone: a short
line is contained in many long reports."""
_SEED = 20241125
_MAX_HASH = np.uint64((1 << 32) - 1)
# Odd 64-bit multipliers that mix the word hashes of a shingle into one value (wrapping arithmetic).
_SHINGLE_MIX = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93, 0xFF51AFD7ED558CCD],
    dtype=np.uint64,
)
# About 30 MiB at most; cleared when full (recomputing a CRC-32 is cheap), so the cache stays bounded.
_TOKEN_CACHE_LIMIT = 250_000

# Values are below 2**32 (the top half of a 64-bit product), so 32 bits hold them: 512 bytes a signature.
Signature = npt.NDArray[np.uint32]
Shingles = npt.NDArray[np.uint32]


class _WordHashes(dict[str, int]):
    """Word -> CRC-32 of its UTF-8 bytes, computed once per word (``__missing__`` runs only on a miss,
    so lookups stay in C through ``map``)."""

    def __missing__(self, word: str) -> int:
        if len(self) >= _TOKEN_CACHE_LIMIT:
            self.clear()
        value = zlib.crc32(word.encode("utf-8"))
        self[word] = value
        return value


class MinHasher:
    """MinHash signatures of word-shingle sets, vectorised with numpy; deterministic across processes.

    Each of the ``num_perm`` hash functions is a multiply-shift hash ``(a * x + b) >> 32`` over 64-bit
    wrapping arithmetic with fixed random odd ``a`` and random ``b`` (a universal family, and much
    cheaper than a modulo).
    """

    def __init__(
        self, num_perm: int = NUM_PERM, shingle_words: int = SHINGLE_WORDS, seed: int = _SEED
    ) -> None:
        if not 1 <= shingle_words <= len(_SHINGLE_MIX):
            raise ValueError(f"shingle_words must be 1 to {len(_SHINGLE_MIX)}")
        generator = np.random.default_rng(seed)
        self._a = generator.integers(0, 1 << 63, size=num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
        self._b = generator.integers(0, 1 << 63, size=num_perm, dtype=np.uint64)
        self.num_perm = num_perm
        self.shingle_words = shingle_words
        self._word_hashes = _WordHashes()

    def shingle_hashes(self, text: str) -> Shingles:
        """Sorted distinct 32-bit hashes of the word n-grams of ``text`` (lower-cased words split at
        whitespace and punctuation, :func:`wirebrief.normalise.words`; n = shingle_words, or all words
        when there are fewer)."""
        tokens = words(text)
        if not tokens:
            return np.empty(0, dtype=np.uint32)
        hashed = np.fromiter(map(self._word_hashes.__getitem__, tokens), dtype=np.uint64, count=len(tokens))
        width = min(self.shingle_words, len(hashed))
        count = len(hashed) - width + 1
        mixed = hashed[:count] * _SHINGLE_MIX[0]
        for offset in range(1, width):
            mixed += hashed[offset : offset + count] * _SHINGLE_MIX[offset]
        mixed ^= mixed >> np.uint64(31)
        mixed *= np.uint64(0xBF58476D1CE4E5B9)
        mixed ^= mixed >> np.uint64(29)
        hashes = np.sort((mixed & _MAX_HASH).astype(np.uint32))
        # Sorted, so duplicates are neighbours (several times faster than np.unique on short arrays).
        keep = np.empty(hashes.size, dtype=bool)
        keep[0] = True
        np.not_equal(hashes[1:], hashes[:-1], out=keep[1:])
        distinct: Shingles = hashes[keep]
        return distinct

    def signature_of(self, shingles: Shingles) -> Signature | None:
        """The MinHash signature of a shingle set, or None for an empty one."""
        if shingles.size == 0:
            return None
        permuted = np.outer(shingles.astype(np.uint64), self._a)
        permuted += self._b
        permuted >>= np.uint64(32)
        result: Signature = permuted.min(axis=0).astype(np.uint32)
        return result

    def signature(self, text: str) -> Signature | None:
        """The MinHash signature of ``text``, or None when it has no words."""
        return self.signature_of(self.shingle_hashes(text))


@functools.lru_cache(maxsize=32)
def lsh_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) minimising the summed false-positive and false-negative probability mass around
    ``threshold`` (the criterion datasketch uses, integrated here once per setting with numpy instead of
    scipy at every index construction)."""
    grid = np.linspace(0.0, 1.0, 401)
    below = grid <= threshold
    best: tuple[float, int, int] = (float("inf"), 1, num_perm)
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            candidate = 1.0 - (1.0 - grid**rows) ** bands
            false_positive = float(np.trapezoid(np.where(below, candidate, 0.0), grid))
            false_negative = float(np.trapezoid(np.where(below, 0.0, 1.0 - candidate), grid))
            error = false_positive + false_negative
            if error < best[0]:
                best = (error, bands, rows)
    return best[1], best[2]


def estimated_jaccard(first: Signature, second: Signature) -> float:
    return float(np.count_nonzero(first == second)) / len(first)


def overlap(first: Shingles, second: Shingles) -> int:
    """How many shingles two sorted distinct shingle arrays share."""
    return int(np.intersect1d(first, second, assume_unique=True).size)


def jaccard(first: Shingles, second: Shingles) -> float:
    """Exact Jaccard similarity of two sorted distinct shingle arrays (0.0 when both are empty)."""
    shared = overlap(first, second)
    union = first.size + second.size - shared
    return shared / union if union else 0.0


class _BandIndex:
    """LSH banding: a signature is cut into ``bands`` bands of ``rows`` values, and two signatures are
    candidates when any band is equal. One dict maps a 64-bit hash of (band number, band values) to the
    kept index, or a list of them.

    This replaces datasketch's ``MinHashLSH`` (whose band parameters :func:`lsh_bands` reproduces)
    because its in-memory tables cost about 5.4 KiB per article against 0.9 KiB here (measured with
    50,000 signatures, 16 bands); a band-hash collision only adds a candidate, which is then checked.
    """

    def __init__(self, bands: int, rows: int, seed: int) -> None:
        generator = np.random.default_rng(seed)
        self.bands = bands
        self.rows = rows
        self._mix = generator.integers(0, 1 << 63, size=rows, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
        self._salt = generator.integers(0, 1 << 63, size=bands, dtype=np.uint64)
        self._table: dict[int, int | list[int]] = {}
        self._removed = 0

    def __len__(self) -> int:
        return len(self._table)

    def keys(self, signature: Signature) -> npt.NDArray[np.uint64]:
        values = signature[: self.bands * self.rows].astype(np.uint64).reshape(self.bands, self.rows)
        mixed = (values * self._mix).sum(axis=1, dtype=np.uint64) ^ self._salt
        mixed ^= mixed >> np.uint64(31)
        mixed *= np.uint64(0x94D049BB133111EB)
        keys: npt.NDArray[np.uint64] = mixed
        return keys

    def insert(self, keys: list[int], index: int) -> None:
        table = self._table
        for key in keys:
            present = table.get(key)
            if present is None:
                table[key] = index
            elif isinstance(present, list):
                present.append(index)
            else:
                table[key] = [present, index]

    def remove(self, keys: list[int], index: int) -> None:
        table = self._table
        for key in keys:
            present = table.get(key)
            if present == index:
                del table[key]
            elif isinstance(present, list) and index in present:
                present.remove(index)
                if len(present) == 1:
                    table[key] = present[0]
        # CPython never shrinks a dict on deletion, and once insertions have used up its free slots it
        # resizes to about three times its live entries: under the window's steady insert/delete churn
        # the table would settle at twice the size it needs. A copy is sized for the live entries only,
        # so copying before that happens keeps it compact (measured: 10.5 MB instead of 21 MB at 7,000
        # articles). Amortised, a copy costs about two dict insertions per removal.
        self._removed += len(keys)
        if self._removed > len(table) // 2:
            self._table = dict(table)
            self._removed = 0

    def query(self, keys: list[int]) -> set[int]:
        found: set[int] = set()
        table = self._table
        for key in keys:
            present = table.get(key)
            if present is None:
                continue
            if isinstance(present, list):
                found.update(present)
            else:
                found.add(present)
        return found


@dataclass(slots=True)
class _Kept:
    article_id: str
    content_hash: str
    outlet_key: str
    published: datetime
    family: str
    order: int
    shingles: Shingles
    band_keys: npt.NDArray[np.uint64] | None


class Deduplicator:
    """Keeps what it has seen (or was seeded with) within the window and decides for each new article;
    deterministic."""

    def __init__(self, settings: Settings, *, num_perm: int = NUM_PERM) -> None:
        self.threshold = settings.near_duplicate_threshold
        self.containment = settings.near_duplicate_containment
        self.window_seconds = settings.dedupe_window_days * 86_400.0
        self.hasher = MinHasher(num_perm=num_perm)
        bands, rows = lsh_bands(min(LSH_THRESHOLD, self.threshold), num_perm)
        self._lsh = _BandIndex(bands, rows, seed=_SEED + 1)
        self._kept: dict[int, _Kept] = {}
        self._next_order = 0
        self._by_hash: dict[str, int] = {}
        self._by_id: dict[str, int] = {}
        # (publication timestamp, order) of every dated kept article, oldest first, for eviction.
        self._expiry: list[tuple[float, int]] = []
        self._newest: float | None = None

    def __len__(self) -> int:
        """How many kept articles are held (those within the window, and undated ones)."""
        return len(self._kept)

    def _advance(self, published: datetime) -> None:
        """Move the window's end to ``published`` if it is newer, and forget what fell out of it."""
        if published == UNDATED:
            return
        stamp = published.timestamp()
        if self._newest is not None and stamp <= self._newest:
            return
        self._newest = stamp
        horizon = stamp - self.window_seconds
        expiry = self._expiry
        while expiry and expiry[0][0] < horizon:
            _, order = heapq.heappop(expiry)
            self._forget(order)

    def _behind_window(self, published: datetime) -> bool:
        """Whether a dated ``published`` is more than the window older than the newest time seen."""
        if self._newest is None or published == UNDATED:
            return False
        return published.timestamp() < self._newest - self.window_seconds

    def _forget(self, order: int) -> None:
        kept = self._kept.pop(order)
        if self._by_hash.get(kept.content_hash) == order:
            del self._by_hash[kept.content_hash]
        if self._by_id.get(kept.article_id) == order:
            del self._by_id[kept.article_id]
        if kept.band_keys is not None:
            self._lsh.remove(kept.band_keys.tolist(), order)

    def _band_keys(self, shingles: Shingles) -> npt.NDArray[np.uint64] | None:
        signature = self.hasher.signature_of(shingles)
        return None if signature is None else self._lsh.keys(signature)

    def _remember(
        self, article: Article, family: str, shingles: Shingles, band_keys: npt.NDArray[np.uint64] | None
    ) -> None:
        order = self._next_order
        self._next_order += 1
        self._kept[order] = _Kept(
            article_id=article.id,
            content_hash=article.content_hash,
            outlet_key=article.outlet.casefold(),
            published=article.published,
            family=family,
            order=order,
            shingles=shingles,
            band_keys=band_keys,
        )
        self._by_hash.setdefault(article.content_hash, order)
        # The newest version of an id answers for it (older versions may leave the window first).
        self._by_id[article.id] = order
        if band_keys is not None:
            self._lsh.insert(band_keys.tolist(), order)
        if article.published != UNDATED:
            heapq.heappush(self._expiry, (article.published.timestamp(), order))

    def seed(self, articles: Iterable[Article]) -> None:
        """Prime with already-stored articles (in their original order) so later runs see them.

        Only those within the window of the newest of them (or of anything decided before) are held,
        and only those are hashed: older ones could never be matched again. Undated ones always are.
        """
        stored = list(articles)
        for article in stored:  # the window's end first, so nothing outside it is hashed
            self._advance(article.published)
        for article in stored:
            if article.content_hash in self._by_hash or self._behind_window(article.published):
                continue
            shingles = self.hasher.shingle_hashes(article.text)
            self._remember(article, article.family or article.id, shingles, self._band_keys(shingles))

    def _match_score(self, shingles: Shingles, kept: _Kept) -> float | None:
        """Jaccard similarity when it reaches the threshold, else the share of ``shingles`` contained in
        the kept article when that reaches the containment threshold, else None."""
        shared = overlap(shingles, kept.shingles)
        union = shingles.size + kept.shingles.size - shared
        similarity = shared / union if union else 0.0
        if similarity >= self.threshold:
            return similarity
        if shingles.size >= MIN_CONTAINED_SHINGLES:
            contained = shared / shingles.size
            if contained >= self.containment:
                return contained
        return None

    def _matches(
        self, article: Article, shingles: Shingles, band_keys: npt.NDArray[np.uint64] | None
    ) -> list[tuple[_Kept, float]]:
        if band_keys is None:
            return []
        found: list[tuple[_Kept, float]] = []
        for order in sorted(self._lsh.query(band_keys.tolist())):
            kept = self._kept[order]
            if abs((article.published - kept.published).total_seconds()) > self.window_seconds:
                continue
            score = self._match_score(shingles, kept)
            if score is not None:
                found.append((kept, score))
        return found

    def decide(self, article: Article) -> DedupeDecision:
        """The decision for the next article in arrival order; kept articles are remembered."""
        self._advance(article.published)
        hash_match = self._by_hash.get(article.content_hash)
        if hash_match is not None:
            first = self._kept[hash_match]
            return DedupeDecision(
                article_id=article.id,
                status=DedupeStatus.EXACT_DUPLICATE,
                family=first.family,
                duplicate_of=first.article_id,
                similarity=1.0,
            )
        shingles = self.hasher.shingle_hashes(article.text)
        band_keys = self._band_keys(shingles)
        id_match = self._by_id.get(article.id)
        if id_match is not None:
            earlier = self._kept[id_match]
            similarity = (
                jaccard(shingles, earlier.shingles) if shingles.size and earlier.shingles.size else None
            )
            self._remember(article, earlier.family, shingles, band_keys)
            return DedupeDecision(
                article_id=article.id,
                status=DedupeStatus.REVISION,
                family=earlier.family,
                similarity=similarity,
            )
        matches = self._matches(article, shingles, band_keys)
        outlet_key = article.outlet.casefold()
        same_outlet = [m for m in matches if m[0].outlet_key == outlet_key]
        if same_outlet:
            kept, similarity = max(same_outlet, key=lambda m: (m[1], -m[0].order))
            return DedupeDecision(
                article_id=article.id,
                status=DedupeStatus.NEAR_DUPLICATE,
                family=kept.family,
                duplicate_of=kept.article_id,
                similarity=similarity,
            )
        if matches:
            kept, similarity = min(matches, key=lambda m: (m[0].published, m[0].order))
            self._remember(article, kept.family, shingles, band_keys)
            return DedupeDecision(
                article_id=article.id,
                status=DedupeStatus.SYNDICATED,
                family=kept.family,
                duplicate_of=kept.article_id,
                similarity=similarity,
            )
        self._remember(article, article.id, shingles, band_keys)
        return DedupeDecision(article_id=article.id, status=DedupeStatus.NEW, family=article.id)


__all__ = [
    "LSH_THRESHOLD",
    "NUM_PERM",
    "SHINGLE_WORDS",
    "Deduplicator",
    "MinHasher",
    "estimated_jaccard",
    "jaccard",
]
