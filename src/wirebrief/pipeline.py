"""Runs the stages in data-flow order: ingest → normalise → dedupe → cluster → extract → enrich →
classify → write → verify → store → publish.

Everything is kept in the store, so a run is incremental: reports already stored with the same text
are skipped, extraction runs only on new or revised articles, and a brief gets a new version only
when its content changes (so a second run on the same input writes nothing new, and a run with two
new reports touches only the stories they join).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from wirebrief.classify import Classifier
from wirebrief.cluster import cluster_articles
from wirebrief.enrich import Enricher, rank_facts, salient_entities
from wirebrief.errors import InputError
from wirebrief.extract import Extractor
from wirebrief.ingest import iter_reports
from wirebrief.ingest.fetch import Fetched
from wirebrief.intake import IngestSummary as IngestSummary
from wirebrief.intake import ReportIngester
from wirebrief.publish import SourceIndex, export_brief
from wirebrief.records import (
    Article,
    Brief,
    CategoryScore,
    Entity,
    Extraction,
    Story,
    StoryBundle,
)
from wirebrief.settings import Settings
from wirebrief.store import Store
from wirebrief.verify import Verifier, VerifierConfig
from wirebrief.write import DeterministicWriter, ensure_title, load_stakeholders

log = logging.getLogger(__name__)

ProgressCallback = Callable[[str, int, int], None]  # stage, done, total


class BriefWriter(Protocol):
    """What the pipeline needs of a writer: the deterministic one, or the LLM one with its fallback."""

    def write(self, bundle: StoryBundle) -> Brief: ...


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


@dataclass(slots=True)
class RunSummary:
    ingest: IngestSummary
    stories: int = 0
    stories_briefed: int = 0
    briefs_new_versions: int = 0
    briefs_unchanged: int = 0
    sentences_verified: int = 0
    sentences_rejected: int = 0
    export_dir: Path | None = None
    briefs: list[Brief] = field(default_factory=list)
    provider_errors: list[str] = field(default_factory=list)


def ingest(
    store: Store,
    locations: Sequence[str],
    settings: Settings,
    progress: ProgressCallback = _no_progress,
    *,
    fetched: Mapping[str, Fetched] | None = None,
) -> IngestSummary:
    """Read, normalise and dedupe the inputs into the store. Bad records are reported and skipped.

    ``fetched`` maps URLs among ``locations`` to answers the caller already received (the watcher's
    conditional GET), which are read instead of fetching those URLs again."""
    summary = IngestSummary()

    def problem(error: InputError) -> None:
        log.warning("%s", error)
        summary.problems.append(str(error))

    ingester = ReportIngester(store, settings, summary, problem)
    for location in locations:
        try:
            prefetched = fetched.get(location) if fetched else None
            for raw in iter_reports(location, on_problem=problem, settings=settings, fetched=prefetched):
                ingester.add(raw)
                progress("ingest", summary.reports_read, 0)
        except InputError as error:
            # One unusable input (missing path, broken feed) must not stop the others.
            problem(error)
    progress("ingest", summary.reports_read, summary.reports_read)  # the count is known only now
    return summary


def _stories_to_brief(stories: Iterable[Story], articles: dict[str, Article], minimum: int) -> list[Story]:
    chosen = []
    for story in stories:
        sources = {articles[a].independent_source for a in story.article_ids if a in articles}
        if len(sources) >= minimum:
            chosen.append(story)
    return chosen


class Pipeline:
    """The whole job over one store; stages are built once and reused across stories."""

    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings = settings
        self.store = store
        self.extractor = Extractor(settings)
        self.enricher = Enricher(settings)
        self.classifier = Classifier(settings)
        stakeholders = load_stakeholders(settings.stakeholders_file)
        deterministic = DeterministicWriter(
            settings, stakeholders, parse=self._parse, parse_many=self._parse_many
        )
        self.writer: BriefWriter = deterministic
        self.verifier = Verifier(
            VerifierConfig(min_coverage=settings.verifier_min_coverage, spacy_model=settings.spacy_model)
        )
        if settings.writer == "llm":
            from wirebrief.write.llm import LLMWriter

            self.writer = LLMWriter(settings, stakeholders, deterministic, verifier=self.verifier)

    def _parse(self, text: str) -> object:
        # The writer parses a few sentences for event titles with the extractor's already loaded pipeline.
        return self.extractor.nlp(text)

    def _parse_many(self, texts: list[str]) -> Iterable[object]:
        # Titles need the parse and lemmas, not statistical NER (a third of the parsing time).
        docs: Iterable[object] = self.extractor.nlp.pipe(texts, disable=["ner"])
        return docs

    def _extractions(
        self, articles: Sequence[Article], revised: set[str], progress: ProgressCallback
    ) -> dict[str, Extraction]:
        """Stored extractions where the text is unchanged; the extractor runs on the rest only."""
        extractions: dict[str, Extraction] = {}
        missing: list[Article] = []
        for article in articles:
            stored = None if article.id in revised else self.store.extraction(article.id)
            if stored is None:
                missing.append(article)
            else:
                extractions[article.id] = stored
        progress("extract", 0, len(missing))  # extract_many parses the batch at once
        for done, extraction in enumerate(self.extractor.extract_many(missing), start=1):
            self.store.save_extraction(extraction)
            extractions[extraction.article_id] = extraction
            progress("extract", done, len(missing))
        self.store.save_entities(self.extractor.entities.values())
        return extractions

    def _entities(self, extractions: Iterable[Extraction]) -> dict[str, Entity]:
        entities: dict[str, Entity] = {}
        for extraction in extractions:
            for mention in extraction.mentions:
                if mention.entity_id and mention.entity_id not in entities:
                    entity = self.extractor.entity(mention.entity_id) or self.store.entity(mention.entity_id)
                    if entity is not None:
                        entities[entity.id] = entity
        return entities

    def bundle(
        self,
        story: Story,
        articles: dict[str, Article],
        extractions: dict[str, Extraction],
        categories: dict[str, tuple[CategoryScore, ...]],
    ) -> StoryBundle:
        story_articles = tuple(articles[a] for a in story.article_ids if a in articles)
        story_extractions = {a.id: extractions[a.id] for a in story_articles if a.id in extractions}
        entities = self._entities(story_extractions.values())
        mention_counts: Counter[str] = Counter(
            m.entity_id for e in story_extractions.values() for m in e.mentions if m.entity_id
        )
        # Only the entities the story is about bring reference records, not those it names in passing;
        # a place it is about brings its country's (a cup final in Wellington: New Zealand's).
        salient = salient_entities(story_extractions.values(), {a.id: a for a in story_articles})
        subjects = {e.id: e for e in entities.values() if e.id in salient}
        for place in list(subjects.values()):
            country = self.extractor.country_of(place)
            if country is not None:
                subjects.setdefault(country.id, country)
        facts = rank_facts(self.enricher.facts_for(subjects.values()), mention_counts, story.last_seen)
        article_categories = {a.id: categories[a.id] for a in story_articles}
        return StoryBundle(
            story=story,
            articles=story_articles,
            extractions=story_extractions,
            entities=entities,
            facts=tuple(facts),
            categories=self.classifier.aggregate([article_categories[a.id] for a in story_articles]),
            article_categories=article_categories,
        )

    def brief_stories(self, summary: RunSummary, progress: ProgressCallback = _no_progress) -> None:
        settings = self.settings
        all_articles = self.store.articles()
        articles = {a.id: a for a in all_articles}
        embedder = None
        if settings.cluster_dense:
            from wirebrief.cluster.dense import make_embedder  # optional extra: imported only when asked

            embedder = make_embedder(settings)
        stories = cluster_articles(all_articles, settings, embedder=embedder)
        self.store.save_stories(stories)
        summary.stories = len(stories)
        chosen = _stories_to_brief(stories, articles, settings.min_independent_reports)
        summary.stories_briefed = len(chosen)
        needed = [articles[a] for story in chosen for a in story.article_ids]
        extractions = self._extractions(needed, summary.ingest.revised_ids, progress)
        categories = {a.id: self.classifier.classify(a.title, a.text) for a in needed}
        export_dir = settings.resolved_export_dir
        summary.export_dir = export_dir
        for done, story in enumerate(chosen, start=1):
            bundle = self.bundle(story, articles, extractions, categories)
            self.store.save_facts(bundle.facts)
            self.store.save_categories(story.id, bundle.categories)
            draft = self.writer.write(bundle)
            # The LLM writer verifies its own draft (to decide on falling back); verifying again would
            # replace its support report with one that no longer lists what it dropped.
            verified = draft if draft.support is not None else self.verifier.verify(draft, bundle)
            assert verified.support is not None
            summary.sentences_verified += verified.support.supported
            summary.sentences_rejected += len(verified.support.dropped)
            verified = ensure_title(verified)  # a dropped title gives way to the verified opening sentence
            previous = self.store.brief_versions(story.id)
            stored = self.store.save_brief(verified)
            if stored.version in previous:
                summary.briefs_unchanged += 1
            else:
                summary.briefs_new_versions += 1
            export_brief(stored, SourceIndex.from_bundle(bundle), export_dir, settings.export_formats)  # type: ignore[arg-type]
            summary.briefs.append(stored)
            progress("write", done, len(chosen))
        summary.provider_errors = [str(e) for e in self.enricher.errors]


def run(
    settings: Settings, locations: Sequence[str], progress: ProgressCallback = _no_progress
) -> RunSummary:
    """Ingest ``locations`` and (re)write the brief of every story with enough independent reports."""
    with Store.open(settings.resolved_database_url) as store:
        summary = RunSummary(ingest=ingest(store, locations, settings, progress))
        Pipeline(settings, store).brief_stories(summary, progress)
        return summary
