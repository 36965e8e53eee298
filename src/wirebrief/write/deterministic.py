"""The deterministic writer: an extractive, template-bound brief in which every sentence is cited.

No sentence is invented. The writer only

* picks report sentences (extractive multi-document synthesis: centrality to the story's centroid,
  maximal marginal relevance against redundancy, one copy per syndication family);
* shortens one central sentence into an event title along its dependency parse (subject, verb, object);
* renders reference records (Facts) through the statement their provider wrote for them;
* frames material with attribution words only ("Reports give different figures: A reported …").

The verifier checks each of these sentences afterwards like any other writer's.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from wirebrief.records import (
    Brief,
    BriefPart,
    BriefSentence,
    CategoryScore,
    Citation,
    Fact,
    Stakeholder,
    StoryBundle,
)
from wirebrief.settings import Settings
from wirebrief.write.insights import _bears_on, _insights
from wirebrief.write.select import (
    _PASSAGE_MAX_SENTENCES,
    BatchParser,
    SentenceParser,
    _disagreements,
    _in_order,
    _Material,
    _material,
    _names_introduced,
    _Passage,
    _select,
    _with_full_names,
    _without_dateline,
)
from wirebrief.write.stakeholders import _stakeholders
from wirebrief.write.titles import _headline, _title, event_title

WRITER_NAME = "deterministic"


class DeterministicWriter:
    """Writes a six-part brief from a story bundle; see the module docstring."""

    name = WRITER_NAME

    def __init__(
        self,
        settings: Settings,
        stakeholders: Sequence[Stakeholder],
        parse: SentenceParser,
        parse_many: BatchParser | None = None,
    ) -> None:
        self.settings = settings
        self.stakeholders = tuple(stakeholders)
        self.parse = parse
        # Parsing title candidates is most of the writer's time: a batch parser (nlp.pipe) halves it.
        self.parse_many: BatchParser = parse_many or (lambda texts: [parse(t) for t in texts])

    # ------------------------------------------------------------------------------ selection helpers

    def _article(
        self,
        material: _Material,
        facts: Sequence[Fact],
        max_words: int,
        disagreements: Sequence[BriefSentence] = (),
        categories: Sequence[CategoryScore] = (),
    ) -> list[BriefSentence]:
        chosen = _select(material, self.settings.article_max_sentences, max_words)
        picked = _in_order(chosen)
        # A passage is a paragraph; passages of one report in a row share one, up to four sentences.
        paragraphs: list[list[_Passage]] = []
        for passage in picked:
            last = paragraphs[-1] if paragraphs else None
            if (
                last
                and last[-1].article.id == passage.article.id
                and sum(len(p.sentences) for p in last) + len(passage.sentences) <= _PASSAGE_MAX_SENTENCES
            ):
                last.append(passage)
            else:
                paragraphs.append([passage])
        # One-sentence paragraphs in a row read as a list of fragments: join neighbours up to three.
        merged: list[list[_Passage]] = []
        for paragraph in paragraphs:
            size = sum(len(p.sentences) for p in paragraph)
            if (
                merged
                and (size == 1 or sum(len(p.sentences) for p in merged[-1]) == 1)
                and (sum(len(p.sentences) for p in merged[-1]) + size <= 3)
            ):
                merged[-1].extend(paragraph)
            else:
                merged.append(paragraph)
        merged = merged[:7]
        out: list[BriefSentence] = []
        introduced: set[str] = set()
        for number, paragraph in enumerate(merged):
            for sentence in (s for p in paragraph for s in p.sentences):
                text = sentence.text
                # Where a report was filed ("BASRA (CPA) — ") belongs at the head of a report, not in the
                # middle of a synthesis: only the article's opening sentence keeps its dateline.
                if out:
                    text = _without_dateline(text)
                # A name used alone ("…, Furness said") before the brief has given it in full is given
                # in full, citing the report sentence that names the person so.
                text, sources = _with_full_names(text, introduced, material.surnames)
                citations = (Citation("sentence", sentence.id), *(Citation("sentence", i) for i in sources))
                out.append(BriefSentence(BriefPart.ARTICLE, text, citations, paragraph=number))
        # Where reports disagree on a figure, the article says so after the reports' own paragraphs ...
        closing = len(merged)
        for disagreement in disagreements:
            out.append(dataclasses.replace(disagreement, paragraph=closing))
        closing += 1 if disagreements else 0
        # ... and folds the two most relevant reference records that bear on the story in as its
        # closing paragraph.
        for fact in [f for f in facts if _bears_on(f, categories)][:2]:
            out.append(
                BriefSentence(
                    BriefPart.ARTICLE, fact.statement, (Citation("fact", fact.id),), paragraph=closing
                )
            )
        return out

    # ------------------------------------------------------------------------------------------ write

    def article_sentences(self, bundle: StoryBundle, max_words: int | None = None) -> list[BriefSentence]:
        """The article part alone (what `wirebrief eval summarise` measures)."""
        budget = max_words or self.settings.article_max_words
        return self._article(_material(bundle), list(bundle.facts), budget, (), bundle.categories)

    def write(self, bundle: StoryBundle) -> Brief:
        material = _material(bundle)
        representatives, scored = material.representatives, material.candidates
        facts = list(bundle.facts)
        sentences: list[BriefSentence] = []
        title = None
        if scored:
            ranked = sorted(scored, key=lambda c: (-c.score, c.sentence.id))
            title = _title(self.parse_many, ranked, representatives)
        headline = _headline(material)
        sentences.append(title or BriefSentence(BriefPart.TITLE, headline.text, headline.citations))
        sentences.append(headline)
        article_part = (
            self._article(
                material,
                facts,
                self.settings.article_max_words,
                _disagreements(bundle, paragraph=0),
                bundle.categories,
            )
            if material.passages
            else []
        )
        sentences += article_part
        sentences += _insights(facts, self.settings.max_insights)
        used = {c.ref for s in article_part for c in s.citations}
        # In a stakeholder's paragraph, as in the article, a name used alone is given in full unless the
        # article has named the person.
        introduced = {name for s in article_part for name in _names_introduced(s.text)}
        sentences += _stakeholders(
            self.stakeholders,
            self.settings.max_insights,
            bundle,
            scored,
            used,
            facts,
            material.surnames,
            introduced,
        )
        metadata = {"stakeholders": ", ".join(s.name for s in self.stakeholders)}
        return Brief.for_story(bundle, _without_repeats(sentences), self.name, metadata)


def _without_repeats(sentences: list[BriefSentence]) -> list[BriefSentence]:
    """No sentence is printed twice within a part (a stakeholder may restate an article sentence)."""
    seen: set[tuple[str, str | None, str]] = set()
    out: list[BriefSentence] = []
    for sentence in sentences:
        key = (sentence.part.value, sentence.stakeholder, " ".join(sentence.text.lower().split()))
        if key in seen:
            continue
        seen.add(key)
        out.append(sentence)
    return out


__all__ = ["DeterministicWriter", "event_title"]
