"""Score a report against every taxonomy category, and a story from its reports' scores.

The default scorer (see ``docs/taxonomy.md`` for why and how it was measured) combines two signals in
one calibrated head (:mod:`wirebrief.classify.semantic`): a static embedding of the report, so that
paraphrases and words no lexicon lists still land in the right category, and the weighted keyword
lexicon's masses, the precise cues. A category's score is its probability under the head against its
strongest rival; the fallback (``general-news``) is given when the head ranks it above every topical
category, or when none reaches the threshold.

The lexicon alone is used when the taxonomy is not the bundled one (the head's weights are per slug)
or when ``semantic=False``. Each category's *mass* is the sum, over its keywords found in the report, of

    weight x (1 + ln(occurrences in the body)) + title_weight x weight   (the second term if in the title)

so repetition counts, but with diminishing returns, and a keyword in the headline counts extra. The
strongest category's mass sets the confidence ``1 - exp(-mass / saturation)``; every category's score is
that confidence times its mass relative to the strongest (the lexicon-only score). A report that names
few topic words thus gets low scores everywhere and falls back to ``general-news``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import simplemma

from wirebrief.classify.lexicon import Hit, Lexicon, tokenize
from wirebrief.classify.semantic import Head, bundled_head
from wirebrief.classify.taxonomy import Category, Taxonomy, load_taxonomy
from wirebrief.records import CategoryScore
from wirebrief.settings import Settings

TITLE_WEIGHT = 1.0
"""A keyword in the title adds this many times its weight once more (headlines name the topic)."""

SATURATION = 10.0
"""Mass at which confidence reaches 1 - 1/e; one keyword alone stays below the default threshold."""

EVIDENCE_TERMS = 6
"""Most terms kept as a score's evidence."""

SCORE_DIGITS = 4
"""Scores are rounded so that equal inputs give byte-equal outputs on every platform."""


@dataclass(frozen=True, slots=True)
class TermEvidence:
    """One keyword behind a category's score."""

    term: str  # as written in the report (first occurrence)
    weight: float  # lexicon weight (strong 3, medium 2, weak 1)
    count: int  # occurrences in the body
    in_title: bool
    contribution: float  # its share of the category's mass


@dataclass(frozen=True, slots=True)
class CategoryExplanation:
    """Why a category was given: its score, the keywords behind it, and the sentence with most of them."""

    slug: str
    label: str
    score: float
    mass: float
    terms: tuple[TermEvidence, ...]
    sentence: str | None

    def describe(self) -> str:
        terms = ", ".join(
            f"{t.term} ×{t.count}{' +title' if t.in_title else ''} (w{t.weight:g})" for t in self.terms
        )
        line = f"{self.slug} {self.score:.2f}: {terms or 'no keywords'}"
        return f"{line}\n    sentence: {self.sentence}" if self.sentence else line


@dataclass(frozen=True, slots=True)
class _Analysis:
    masses: Mapping[str, float]
    terms: Mapping[str, tuple[TermEvidence, ...]]  # by slug, strongest first


def _round(value: float) -> float:
    return round(min(1.0, max(0.0, value)), SCORE_DIGITS)


SEMANTIC_EVIDENCE = "close in meaning to the category's definition and examples"
"""Evidence of a category given by the embedding alone (no keyword of it in the report)."""


class Classifier:
    """Scores reports against the taxonomy; deterministic and offline. The static embedding and the head
    are loaded once per process, on the first report (numpy only, no torch)."""

    def __init__(
        self, settings: Settings, *, taxonomy: Taxonomy | None = None, semantic: bool = True
    ) -> None:
        self.settings = settings
        self.taxonomy = taxonomy if taxonomy is not None else load_taxonomy(self.settings.taxonomy_file)
        self.threshold = self.settings.classify_threshold
        self.lexicon = Lexicon({c.slug: c.keywords for c in self.taxonomy.categories})
        self._categories = {c.slug: c for c in self.taxonomy.categories}
        self.semantic = semantic and self.taxonomy.slugs == bundled_head().slugs

    @property
    def method(self) -> str:
        """What scores the reports, in words (for eval and bench output)."""
        return (
            "static embedding + keyword lexicons (calibrated head)" if self.semantic else "keyword lexicons"
        )

    def lexicon_masses(self, title: str, text: str) -> dict[str, float]:
        """Each category's keyword mass in a report (0 where none of its keywords occurs)."""
        return dict(self._analyse(title, text).masses)

    # ------------------------------------------------------------------------------------ scoring

    def _analyse(self, title: str, text: str) -> _Analysis:
        title_hits = self.lexicon.match(tokenize(title))
        body_hits = self.lexicon.match(tokenize(text))
        counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        in_title: dict[str, set[str]] = defaultdict(set)
        surface: dict[str, str] = {}
        weights: dict[str, Mapping[str, float]] = {}
        for hit in body_hits:
            for slug in hit.weights:
                counts[slug][hit.entry] += 1
            surface.setdefault(hit.entry, hit.surface)
            weights[hit.entry] = hit.weights
        for hit in title_hits:
            for slug in hit.weights:
                in_title[slug].add(hit.entry)
            surface.setdefault(hit.entry, hit.surface)
            weights[hit.entry] = hit.weights
        masses: dict[str, float] = {}
        terms: dict[str, tuple[TermEvidence, ...]] = {}
        for slug in self._categories:
            entries = set(counts.get(slug, {})) | in_title.get(slug, set())
            evidence = []
            for entry in entries:
                weight = weights[entry][slug]
                count = counts[slug][entry] if slug in counts else 0
                titled = entry in in_title.get(slug, set())
                contribution = (weight * (1.0 + math.log(count)) if count else 0.0) + (
                    TITLE_WEIGHT * weight if titled else 0.0
                )
                evidence.append(TermEvidence(surface[entry], weight, count, titled, contribution))
            # Strongest first; the term text breaks ties so the order never depends on set order.
            evidence.sort(key=lambda t: (-t.contribution, t.term.lower()))
            masses[slug] = sum(t.contribution for t in evidence)
            terms[slug] = tuple(evidence)
        return _Analysis(masses=masses, terms=terms)

    def _raw_scores(self, analysis: _Analysis) -> dict[str, float]:
        top_mass = max(analysis.masses.values(), default=0.0)
        if top_mass <= 0.0:
            lexical = dict.fromkeys(analysis.masses, 0.0)
        else:
            confidence = 1.0 - math.exp(-top_mass / SATURATION)
            lexical = {slug: confidence * mass / top_mass for slug, mass in analysis.masses.items()}
        return lexical

    def _fallback(self, best: tuple[str, float] | None) -> CategoryScore:
        category = self.taxonomy.fallback_category
        if best is None or best[1] <= 0.0:
            return CategoryScore(
                category.slug, category.label, 1.0, category.iptc, ("no topic keywords found",)
            )
        slug, score = best
        return CategoryScore(
            category.slug,
            category.label,
            _round(1.0 - score),
            category.iptc,
            (f"no category reached {self.threshold:g}; strongest was {slug} at {score:.2f}",),
        )

    def _score(self, category: Category, score: float, terms: Sequence[TermEvidence]) -> CategoryScore:
        evidence = tuple(t.term for t in terms[:EVIDENCE_TERMS]) or (SEMANTIC_EVIDENCE,)
        return CategoryScore(category.slug, category.label, _round(score), category.iptc, evidence)

    def _semantic_scores(self, title: str, text: str, analysis: _Analysis) -> dict[str, float]:
        from wirebrief.classify.embedding import load_embedder

        joined = f"{title}\n{text}".strip()
        if not joined:
            return dict.fromkeys(analysis.masses, 0.0)
        head: Head = bundled_head()
        embedding = load_embedder().embed([joined])
        return dict(zip(head.slugs, head.rival_scores(embedding, [analysis.masses])[0].tolist(), strict=True))

    def classify(self, title: str, text: str) -> tuple[CategoryScore, ...]:
        """Every category scoring at least the threshold, best first (ties by slug); the fallback
        category alone when none does."""
        analysis = self._analyse(title, text)
        raw = self._semantic_scores(title, text, analysis) if self.semantic else self._raw_scores(analysis)
        fallback = self.taxonomy.fallback
        ranked = sorted(
            ((slug, _round(score)) for slug, score in raw.items() if slug != fallback),
            key=lambda item: (-item[1], item[0]),
        )
        if ranked and raw.get(fallback, 0.0) >= ranked[0][1] > 0.0:
            # The head finds the report more like one that names no topic than like any category.
            category = self.taxonomy.fallback_category
            reason = f"reads as general news; strongest category was {ranked[0][0]} at {ranked[0][1]:.2f}"
            return (
                CategoryScore(category.slug, category.label, _round(raw[fallback]), category.iptc, (reason,)),
            )
        passed = [(slug, score) for slug, score in ranked if score >= self.threshold and score > 0.0]
        if not passed:
            return (self._fallback(ranked[0] if ranked else None),)
        return tuple(
            self._score(self._categories[slug], score, analysis.terms[slug]) for slug, score in passed
        )

    def top(self, title: str, text: str) -> str:
        """The slug of the best category (the fallback when none passes)."""
        return self.classify(title, text)[0].slug

    def explain(self, title: str, text: str, top: int = 3) -> tuple[CategoryExplanation, ...]:
        """The ``top`` best categories with the keywords and the sentence behind each score."""
        analysis = self._analyse(title, text)
        scores = self.classify(title, text)[:top]
        sentences = [s for s in (title, *simplemma.split_sentences(text, lang="en")) if s.strip()]
        sentence_hits = [self.lexicon.match(tokenize(s)) for s in sentences]
        explanations = []
        for score in scores:
            mass = analysis.masses.get(score.slug, 0.0)
            best_sentence = _best_sentence(score.slug, sentences, sentence_hits)
            explanations.append(
                CategoryExplanation(
                    slug=score.slug,
                    label=score.label,
                    score=score.score,
                    mass=round(mass, SCORE_DIGITS),
                    terms=analysis.terms.get(score.slug, ())[:EVIDENCE_TERMS],
                    sentence=best_sentence,
                )
            )
        return tuple(explanations)

    def aggregate(self, per_article: Sequence[tuple[CategoryScore, ...]]) -> tuple[CategoryScore, ...]:
        return aggregate(per_article, threshold=self.threshold, taxonomy=self.taxonomy)


def _best_sentence(slug: str, sentences: Sequence[str], hits: Sequence[list[Hit]]) -> str | None:
    best: tuple[float, int] | None = None
    for index, sentence_hits in enumerate(hits):
        weight = sum(hit.weights[slug] for hit in sentence_hits if slug in hit.weights)
        if weight > 0 and (best is None or weight > best[0]):
            best = (weight, index)
    return sentences[best[1]] if best is not None else None


def aggregate(
    per_article: Sequence[tuple[CategoryScore, ...]],
    *,
    threshold: float = 0.3,
    taxonomy: Taxonomy | None = None,
) -> tuple[CategoryScore, ...]:
    """A story's categories from its reports' categories.

    A category's story score is the mean of its report scores, a report that did not give it counting
    0: a story is about war when its reports broadly say so, not when one report of ten mentions it.
    Categories reaching ``threshold`` are kept, best first (ties by slug); evidence is the reports'
    terms, most widely shared first. When none reaches it, the fallback category is given. No reports,
    no categories.
    """
    if not per_article:
        return ()
    taxonomy = taxonomy if taxonomy is not None else load_taxonomy()
    fallback = taxonomy.fallback
    totals: dict[str, float] = defaultdict(float)
    template: dict[str, CategoryScore] = {}
    term_reports: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    term_order: dict[str, dict[str, int]] = defaultdict(dict)
    term_text: dict[str, str] = {}
    for scores in per_article:
        for report_score in scores:
            slug = report_score.slug
            if slug == fallback:
                continue
            totals[slug] += report_score.score
            template.setdefault(slug, report_score)
            for rank, term in enumerate(report_score.evidence):
                term_reports[slug][term.lower()] += 1
                term_order[slug].setdefault(term.lower(), rank)
                term_text.setdefault(term.lower(), term)
    count = len(per_article)
    ranked = sorted(
        ((slug, _round(total / count)) for slug, total in totals.items()), key=lambda i: (-i[1], i[0])
    )
    passed = [(slug, mean) for slug, mean in ranked if mean >= threshold and mean > 0.0]
    if not passed:
        category = taxonomy.fallback_category
        if not ranked:
            return (
                CategoryScore(
                    category.slug, category.label, 1.0, category.iptc, ("no topic keywords found",)
                ),
            )
        best_slug, best = ranked[0]
        reason = f"no category reached {threshold:g} in {count} reports; best was {best_slug} at {best:.2f}"
        return (CategoryScore(category.slug, category.label, _round(1.0 - best), category.iptc, (reason,)),)
    result = []
    for slug, story_score in passed:
        shared = term_reports[slug]
        terms = sorted(shared, key=lambda t: (-shared[t], term_order[slug][t], t))[:EVIDENCE_TERMS]
        base = template[slug]
        result.append(
            CategoryScore(slug, base.label, story_score, base.iptc, tuple(term_text[t] for t in terms))
        )
    return tuple(result)
