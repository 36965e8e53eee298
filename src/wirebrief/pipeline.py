"""Runs the stages in data-flow order: ingest → normalise → dedupe → cluster → extract → enrich →
classify → write → verify → store → publish.

Everything is kept in the store, so a run costs what is new, not what is stored:

- reports already stored with the same text are skipped at ingest;
- the story clusterer's working state (its open window) is saved in the store after each run
  (``pipeline_state``), so the next run places only the articles stored since, in time order. That
  equals clustering everything from scratch; where it could not (an article older than the newest
  already placed, a revised article, other clustering settings or code), the run clusters everything
  again, as before;
- extractions and per-article categories are stored and read back in bulk; extraction runs only on
  new or revised articles, streamed in chunks and saved as they come;
- a brief is written, verified and exported again only when the key of its inputs changes: the
  story's membership and articles, the settings that shape a brief, the reference records and the
  program itself. A ``brief`` with nothing new does almost nothing.

The parallel stages (extraction, writing+verifying) run over an :mod:`executor <wirebrief.execute>`:
in this process, a local process pool or a Dask cluster. The store and the ordered steps (dedupe,
story assignment) stay in this process.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import wirebrief
from wirebrief.errors import InputError
from wirebrief.execute import Executor, LocalExecutor, make_executor
from wirebrief.execute.tasks import BriefWriter as BriefWriter
from wirebrief.execute.tasks import ExtractJob, WriteJob, chunked, extract_articles, stages, write_brief
from wirebrief.ingest import iter_reports
from wirebrief.ingest.fetch import Fetched
from wirebrief.intake import IngestSummary as IngestSummary
from wirebrief.intake import ReportIngester
from wirebrief.publish import SUFFIX, SourceIndex, export_brief
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

if TYPE_CHECKING:
    from wirebrief.alerts.outbox import AlertHook
    from wirebrief.classify import Classifier
    from wirebrief.cluster import StoryClusterer
    from wirebrief.cluster.dense import Embedder
    from wirebrief.dedupe import Deduplicator
    from wirebrief.enrich import Enricher
    from wirebrief.extract import Extractor
    from wirebrief.verify import Verifier

log = logging.getLogger(__name__)

ProgressCallback = Callable[[str, int, int], None]  # stage, done, total

# Names of the pipeline's working state in the store.
CLUSTER_STATE = "clusterer"
CLUSTER_META = "clusterer-meta"
PENDING = "pending-stories"  # stories placed but not yet briefed (a run stopped in between)
# How many stories have enough independent reports, as of the last run, and per story whether it has
# (b"1"/b"0"): a run reads and writes these for the stories it touched only.
BRIEFED_COUNT = "briefed-count"
BRIEFED_PREFIX = "briefed:"
BRIEFED = "briefed-stories"  # what earlier versions kept instead: one list of them all (converted once)
INPUTS_PREFIX = "brief-inputs:"
BRIEF_FINGERPRINT = "brief-fingerprint"  # the settings, program and reference records of the last run
CLASSIFIER_KEY = "classifier"  # the settings and program the stored per-article categories come from
# Articles per extraction task, and stories per group (what is held in memory at once).
EXTRACT_CHUNK = 16
STORY_GROUP = 128
CATEGORIES_CHUNK = 256  # articles' classifications saved per transaction
# Fewest articles to extract, and stories to write, for which a local process pool is started (each worker
# loads spaCy once, a few seconds; below these counts one process is done sooner).
POOL_MIN_ARTICLES = 200
POOL_MIN_STORIES = 40
_IN_PROCESS = LocalExecutor(1)
# Settings that say where things are kept, not what a brief says: they do not change a brief's inputs.
_PLACE_SETTINGS = frozenset(
    {
        "data_dir",
        "database_url",
        "export_dir",
        "executor",
        "workers",
        "dask_scheduler",
        "serve_host",
        "serve_port",
        "public_base_url",
        "feed_token",
        "saved_searches",
    }
)
# Settings of what is served and sent, not of what a brief says: changing them rewrites nothing.
_OUTPUT_SIDE_PREFIXES = ("alerts_", "web_", "push_", "serve_")
_CLASSIFY_SETTINGS = ("taxonomy_file", "classify_threshold")
_CLUSTER_SETTINGS = (
    "cluster_threshold",
    "cluster_window_days",
    "cluster_idf_window_days",
    "cluster_dense",
    "cluster_embedder",
    "cluster_static_model_dir",
)


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
    deduplicator: Deduplicator | None = None,
    seed: bool = True,
) -> IngestSummary:
    """Read, normalise and dedupe the inputs into the store. Bad records are reported and skipped.

    ``fetched`` maps URLs among ``locations`` to answers the caller already received (the watcher's
    conditional GET), which are read instead of fetching those URLs again. ``deduplicator``: one the
    caller keeps between calls (it learns this call's articles); with ``seed=False`` it already holds the
    dedupe window and is not seeded from the store again, which reads the whole window."""
    summary = IngestSummary()
    if not locations:
        return summary  # nothing to read: the deduplicator's window is not even loaded

    def problem(error: InputError) -> None:
        log.warning("%s", error)
        summary.problems.append(str(error))

    ingester = ReportIngester(store, settings, summary, problem, deduplicator=deduplicator, seed=seed)
    for location in locations:
        try:
            prefetched = fetched.get(location) if fetched else None
            for raw in iter_reports(location, on_problem=problem, settings=settings, fetched=prefetched):
                ingester.add(raw)
                progress("ingest", summary.reports_read, 0)
        except InputError as error:
            # One unusable input (missing path, broken feed) must not stop the others.
            problem(error)
            summary.unusable_inputs.append(location)
    progress("ingest", summary.reports_read, summary.reports_read)  # the count is known only now
    return summary


def _stories_to_brief(stories: Iterable[Story], articles: Mapping[str, Article], minimum: int) -> list[Story]:
    chosen = []
    for story in stories:
        sources = {articles[a].independent_source for a in story.article_ids if a in articles}
        if len(sources) >= minimum:
            chosen.append(story)
    return chosen


@functools.cache
def _program_fingerprint() -> str:
    """A hash of the installed program (code and bundled data): a new version rewrites every brief once."""
    root = Path(wirebrief.__file__).parent
    digest = hashlib.sha256(wirebrief.__version__.encode())
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _file_digest(path: Path | None) -> str:
    if path is None or not path.is_file():
        return ""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _settings_fingerprint(settings: Settings, names: Iterable[str] | None = None) -> str:
    """A hash of the settings that shape the output (``names``, else all but where things are kept), with
    the contents of the files they name."""
    dumped = settings.model_dump(mode="json")
    chosen = (
        sorted(names)
        if names is not None
        else sorted(n for n in set(dumped) - _PLACE_SETTINGS if not n.startswith(_OUTPUT_SIDE_PREFIXES))
    )
    values = {name: dumped[name] for name in chosen}
    files = {
        name: _file_digest(value) for name in chosen if isinstance(value := getattr(settings, name), Path)
    }
    if names is None:
        # The snapshot `wirebrief refresh` writes, which enrich.enricher.snapshot_path reads when no
        # reference_snapshot is set (that one is a Path setting, hashed above).
        files["refreshed snapshot"] = _file_digest(settings.data_dir / "reference" / "snapshot.json")
    blob = json.dumps({"settings": values, "files": files, "program": _program_fingerprint()}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


def _inputs_key(fingerprint: str, story: Story, articles: Mapping[str, Article]) -> bytes:
    """What a story's brief is written from: the settings and program, the story, its articles."""
    digest = hashlib.sha256(fingerprint.encode())
    digest.update(repr(story).encode())
    for article_id in story.article_ids:
        digest.update(repr(articles.get(article_id)).encode())
    return digest.hexdigest().encode()


def _key_of(article: Article) -> tuple[str, str]:
    return (article.published.isoformat(), article.id)


@dataclass(slots=True)
class _Placed:
    """What story assignment did in this run: the stories whose membership changed, and all articles
    read (by id) where the run read them all anyway."""

    touched: list[Story]
    articles: dict[str, Article]
    stories: int  # current stories in the store after this run


class Pipeline:
    """The whole job over one store. Stages are built on first use, once per process (so a ``brief``
    with nothing new loads no model)."""

    def __init__(self, settings: Settings, store: Store, *, executor: Executor | None = None) -> None:
        self.settings = settings
        self.store = store
        self._executor = executor
        self._own_executor = executor is None
        self._linked: dict[str, Entity] = {}  # entities linked in this run

    # ---------------------------------------------------------------------------------- stages

    # Stages and their modules load on first use: a `brief` with nothing new imports none of them.
    @functools.cached_property
    def enricher(self) -> Enricher:
        from wirebrief.enrich import Enricher

        return Enricher(self.settings)

    @functools.cached_property
    def alerts(self) -> AlertHook | None:
        """The alert rules' hook, or None when no rules are configured."""
        from wirebrief.alerts.outbox import alert_hook

        return alert_hook(self.settings, self.store)

    @functools.cached_property
    def classifier(self) -> Classifier:
        from wirebrief.classify import Classifier

        return Classifier(self.settings)

    @property
    def extractor(self) -> Extractor:
        return stages(self.settings).extractor

    @property
    def writer(self) -> BriefWriter:
        return stages(self.settings).writer

    @property
    def verifier(self) -> Verifier:
        return stages(self.settings).verifier

    @property
    def executor(self) -> Executor:
        if self._executor is None:
            self._executor = make_executor(self.settings)
        return self._executor

    def _executor_for(self, tasks: int, minimum: int) -> Executor:
        """The configured executor, except that a local pool is not started for fewer than ``minimum``
        tasks (starting worker processes and loading their models costs more than it saves); a given
        executor, or Dask, is always used."""
        if self._executor is None and self.settings.executor == "local" and tasks < minimum:
            return _IN_PROCESS
        return self.executor

    def close(self) -> None:
        """Stop the executor this pipeline started (a given one is the caller's to close)."""
        if self._own_executor and self._executor is not None:
            self._executor.close()
            self._executor = None

    # ----------------------------------------------------------------------------- clustering

    def _embedder(self) -> Embedder | None:
        if not self.settings.cluster_dense:
            return None
        from wirebrief.cluster.dense import make_embedder  # optional extra: imported only when asked

        return make_embedder(self.settings)

    def _place(
        self,
        meta: Mapping[str, Any],
        changes: Sequence[tuple[int, str, str]] | None,
        pending: list[str],
        *,
        everything: bool = False,
    ) -> _Placed:
        """Assign the articles stored since the last run (``changes``: the article log after the one the
        saved state has seen, None without a saved state) to stories (one ordered step, in this process),
        save the stories they change and the clusterer's state; everything again where needed (or asked:
        then every story is returned as touched)."""
        settings, store = self.settings, self.store
        cluster_key = _settings_fingerprint(settings, _CLUSTER_SETTINGS)
        new: list[Article] | None = None
        if (
            not everything
            and changes is not None
            and meta.get("settings") == cluster_key
            and all(change == "stored" for _, _, change in changes)
        ):
            if not changes:
                # Nothing new to place: the saved state is not even read back (nor its modules imported).
                return _Placed(touched=self._stories_named(pending), articles={}, stories=meta["stories"])
            last = tuple(meta["last"]) if meta.get("last") else None
            new = store.articles([article_id for _, article_id, _ in changes])
            if last is not None and any(_key_of(a) <= last for a in new):
                log.info("an article older than the newest placed was stored: clustering everything again")
                new = None
        saved_state = store.pipeline_state([CLUSTER_STATE]).get(CLUSTER_STATE) if new is not None else None
        from wirebrief.cluster import StoryClusterer
        from wirebrief.cluster.state import load_clusterer

        embedder = self._embedder()
        retired: list[Story] = []
        if new is not None and saved_state is not None:
            clusterer = load_clusterer(saved_state, embedder=embedder, on_retire=retired.append)
            everything = False
            ordered = sorted(new, key=lambda a: (a.published, a.id))
            seen = changes[-1][0] if changes else 0
        else:
            clusterer = StoryClusterer(settings, embedder=embedder, on_retire=retired.append)
            everything = True
            # The log's end is read first: an article stored in between is read now and logged after it,
            # and placing it again next time finds it placed already.
            seen = store.article_log_end()
            ordered = sorted(store.articles(), key=lambda a: (a.published, a.id))
            meta = {"last": None}
        from wirebrief.cluster.dense import dense_text
        from wirebrief.cluster.state import dump_clusterer

        embeddings = embedder.embed([dense_text(a) for a in ordered]) if embedder and ordered else None
        touched_ids: set[str] = set()
        for position, article in enumerate(ordered):
            story_id = clusterer.add(article, embedding=None if embeddings is None else embeddings[position])
            if story_id is not None:
                touched_ids.add(story_id)
        open_stories = clusterer.stories()
        if everything:
            touched = sorted([*retired, *open_stories], key=lambda s: (s.first_seen, s.id))
        else:
            # A story retired in this run was saved when it last changed; a new article joins an open one.
            touched = [s for s in open_stories if s.id in touched_ids]
        changed = store.save_stories(touched)
        stories = store.counts()["stories"] if everything else meta["stories"] + changed.active_change
        pending_ids = sorted({s.id for s in touched} | set(pending))
        last_article = ordered[-1] if ordered else None
        new_meta = {
            "settings": cluster_key,
            "log": seen,
            "last": list(_key_of(last_article)) if last_article else meta.get("last"),
            "stories": stories,
        }
        # The state and the stories still to brief are saved together: a run stopped after this point
        # briefs them next time.
        self.store.save_pipeline_state(
            {
                CLUSTER_STATE: dump_clusterer(clusterer),
                CLUSTER_META: json.dumps(new_meta).encode(),
                PENDING: json.dumps(pending_ids).encode(),
            }
        )
        if not everything and pending:
            known = {s.id for s in touched}
            touched += [s for s in self._stories_named(pending, clusterer) if s.id not in known]
        return _Placed(
            touched=touched, articles={a.id: a for a in ordered} if everything else {}, stories=stories
        )

    def _stories_named(self, ids: Sequence[str], clusterer: StoryClusterer | None = None) -> list[Story]:
        """The stories ``ids`` as the clusterer holds them, else as stored."""
        wanted = set(ids)
        found = {s.id: s for s in clusterer.stories() if s.id in wanted} if clusterer is not None else {}
        for story_id in wanted - set(found):
            stored = self.store.story(story_id)
            if stored is not None:
                found[story_id] = stored
        return sorted(found.values(), key=lambda s: (s.first_seen, s.id))

    # ------------------------------------------------------------------------- per-article data

    def _extractions(
        self, articles: Sequence[Article], revised: set[str], progress: ProgressCallback
    ) -> dict[str, Extraction]:
        """Stored extractions where the text is unchanged (read in bulk); the extractor runs on the rest
        only, in chunks over the executor, each saved as it comes."""
        extractions = self.store.extractions([a.id for a in articles if a.id not in revised])
        missing = [a for a in articles if a.id not in extractions]
        if not missing:
            return extractions
        progress("extract", 0, len(missing))
        done = 0
        jobs = (ExtractJob(self.settings, chunk) for chunk in chunked(missing, EXTRACT_CHUNK))
        executor = self._executor_for(len(missing), POOL_MIN_ARTICLES)
        for result in executor.map(extract_articles, jobs):
            self.store.save_entities(result.entities)
            for entity in result.entities:
                self._linked.setdefault(entity.id, entity)
            self.store.save_extractions(result.extractions)  # one transaction per chunk, as it comes
            for extraction in result.extractions:
                extractions[extraction.article_id] = extraction
            done += len(result.extractions)
            progress("extract", done, len(missing))
        return extractions

    def _categories(
        self, articles: Sequence[Article], revised: set[str]
    ) -> dict[str, tuple[CategoryScore, ...]]:
        """Per-article categories: stored ones where the text and the classifier are unchanged, the
        classifier on the rest (whose result is stored)."""
        classifier_key = _settings_fingerprint(self.settings, _CLASSIFY_SETTINGS).encode()
        if self.store.pipeline_state([CLASSIFIER_KEY]).get(CLASSIFIER_KEY) != classifier_key:
            # Another taxonomy or program: every stored article category is stale (dropped before the new
            # key is saved, so an interruption in between drops them again next time).
            self.store.drop_article_categories()
            self.store.save_pipeline_state({CLASSIFIER_KEY: classifier_key})
        stored = self.store.categories_of([a.id for a in articles if a.id not in revised])
        categories: dict[str, tuple[CategoryScore, ...]] = {}
        unsaved: dict[str, tuple[CategoryScore, ...]] = {}
        for article in articles:
            found = stored.get(article.id)
            if found is None:
                found = unsaved[article.id] = self.classifier.classify(article.title, article.text)
                if len(unsaved) >= CATEGORIES_CHUNK:  # saved in chunks, one transaction each, as they come
                    self.store.save_categories_of(unsaved)
                    unsaved = {}
            categories[article.id] = found
        self.store.save_categories_of(unsaved)
        return categories

    def _entities(self, extractions: Iterable[Extraction]) -> dict[str, Entity]:
        wanted = [
            m.entity_id for extraction in extractions for m in extraction.mentions if m.entity_id is not None
        ]
        entities: dict[str, Entity] = {}
        unknown = [e for e in dict.fromkeys(wanted) if e not in self._linked]
        from_store = {e.id: e for e in self.store.entities(unknown)} if unknown else {}
        for entity_id in dict.fromkeys(wanted):
            entity = self._linked.get(entity_id) or from_store.get(entity_id)
            if entity is not None:
                entities[entity.id] = entity
        return entities

    def bundle(
        self,
        story: Story,
        articles: Mapping[str, Article],
        extractions: Mapping[str, Extraction],
        categories: Mapping[str, tuple[CategoryScore, ...]],
    ) -> StoryBundle:
        from wirebrief.enrich import rank_facts, salient_entities

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

    # ----------------------------------------------------------------------------------- briefs

    def _exported(self, story_id: str) -> bool:
        directory = self.settings.resolved_export_dir
        suffixes = [SUFFIX.get(fmt, "") for fmt in self.settings.export_formats]
        return all((directory / f"{story_id}{suffix}").is_file() for suffix in suffixes)

    def brief_stories(self, summary: RunSummary, progress: ProgressCallback = _no_progress) -> None:
        """Place the new articles in stories and (re)write the briefs whose inputs changed."""
        try:
            self._brief_stories(summary, progress)
        finally:
            self.close()

    def _brief_stories(self, summary: RunSummary, progress: ProgressCallback) -> None:
        settings, store = self.settings, self.store
        summary.export_dir = settings.resolved_export_dir
        saved = store.pipeline_state([PENDING, BRIEFED_COUNT, CLUSTER_META, BRIEF_FINGERPRINT])
        pending: list[str] = json.loads(saved[PENDING]) if PENDING in saved else []
        meta: dict[str, Any] = json.loads(saved[CLUSTER_META]) if CLUSTER_META in saved else {}
        # What was stored since the saved state, from the article log (read from the entry it saw on, not
        # counted over the archive); without a saved state everything is clustered again.
        changes = store.article_log_since(meta["log"]) if "log" in meta else None
        # Articles revised since the state was saved (a separate `ingest`) are not in this run's summary.
        revised = set(summary.ingest.revised_ids)
        if changes is None:
            revised |= store.revised_article_ids()
        else:
            revised.update(article_id for _, article_id, change in changes if change == "revised")

        fingerprint = _settings_fingerprint(settings)
        # Other settings, program or reference records may change any brief: every story is looked at
        # again, as a run from scratch would (the briefs whose content is unchanged keep their version).
        everything = saved.get(BRIEF_FINGERPRINT) != fingerprint.encode()
        placed = self._place(meta, changes, pending, everything=everything)
        articles = placed.articles
        missing_ids = [a for s in placed.touched for a in s.article_ids if a not in articles]
        if missing_ids:
            articles.update((a.id, a) for a in store.articles(missing_ids))
        candidates = _stories_to_brief(placed.touched, articles, settings.min_independent_reports)
        touched_ids = {s.id for s in placed.touched}
        briefed_before, was_briefed, markers = self._briefed(saved, touched_ids)
        now_briefed = {s.id for s in candidates}
        briefed = briefed_before - len(was_briefed) + len(now_briefed)
        markers.update({BRIEFED_PREFIX + s: b"1" for s in now_briefed - was_briefed})
        markers.update({BRIEFED_PREFIX + s: b"0" for s in was_briefed - now_briefed})
        summary.stories = placed.stories
        summary.stories_briefed = briefed
        summary.briefs_unchanged += briefed - len(candidates)

        keys = {s.id: _inputs_key(fingerprint, s, articles) for s in candidates}
        stored_keys = store.pipeline_state([INPUTS_PREFIX + s.id for s in candidates]) if candidates else {}
        to_write = []
        for story in candidates:
            if stored_keys.get(INPUTS_PREFIX + story.id) == keys[story.id] and self._exported(story.id):
                summary.briefs_unchanged += 1
            else:
                to_write.append(story)
        for start in range(0, len(to_write), STORY_GROUP):
            group = to_write[start : start + STORY_GROUP]
            written = self._write_group(group, articles, revised, summary, progress, start, len(to_write))
            store.save_pipeline_state({INPUTS_PREFIX + s: keys[s] for s in written})
        finished = {
            PENDING: b"[]",
            BRIEFED_COUNT: str(briefed).encode(),
            BRIEF_FINGERPRINT: fingerprint.encode(),
        }
        if not placed.touched:
            # Nothing was placed (so the pending list was not rewritten): a run that changed nothing writes
            # nothing (no write lock taken, no state rewritten).
            finished = {name: value for name, value in finished.items() if saved.get(name) != value}
        store.save_pipeline_state({**markers, **finished})
        summary.provider_errors = [str(e) for e in self.enricher.errors] if to_write else []

    def _briefed(
        self, saved: Mapping[str, bytes], touched: set[str]
    ) -> tuple[int, set[str], dict[str, bytes]]:
        """How many stories were briefed as of the last run, which of ``touched`` were, and the per-story
        markers to write where the state comes from an earlier version (its one list, converted)."""
        if BRIEFED_COUNT in saved:
            names = [BRIEFED_PREFIX + s for s in sorted(touched)]
            found = self.store.pipeline_state(names) if names else {}
            was = {name.removeprefix(BRIEFED_PREFIX) for name, value in found.items() if value == b"1"}
            return int(saved[BRIEFED_COUNT]), was, {}
        listed = self.store.pipeline_state([BRIEFED]).get(BRIEFED)
        old: set[str] = set(json.loads(listed)) if listed is not None else set()
        return len(old), old & touched, {BRIEFED_PREFIX + s: b"1" for s in old}

    def _write_group(
        self,
        group: Sequence[Story],
        articles: Mapping[str, Article],
        revised: set[str],
        summary: RunSummary,
        progress: ProgressCallback,
        done_before: int,
        total: int,
    ) -> list[str]:
        """Extract, classify, enrich, write, verify, store and export the briefs of ``group``."""
        settings, store = self.settings, self.store
        needed = list(
            {a: articles[a] for story in group for a in story.article_ids if a in articles}.values()
        )
        extractions = self._extractions(needed, revised, progress)
        categories = self._categories(needed, revised)

        bundles: dict[str, StoryBundle] = {}

        def jobs() -> Iterator[WriteJob]:
            for story in group:
                bundle = self.bundle(story, articles, extractions, categories)
                store.save_facts(bundle.facts)
                store.save_categories(story.id, bundle.categories)
                bundles[story.id] = bundle
                yield WriteJob(settings, bundle)

        written: list[str] = []
        executor = self._executor_for(total, POOL_MIN_STORIES)
        for done, verified in enumerate(executor.map(write_brief, jobs()), start=done_before + 1):
            bundle = bundles.pop(verified.story_id)
            assert verified.support is not None
            summary.sentences_verified += verified.support.supported
            summary.sentences_rejected += len(verified.support.dropped)
            previous = store.brief_versions(verified.story_id)
            # A new version and the alerts it fires are stored together (the outbox, docs/alerts.md).
            with store.transaction():
                stored = store.save_brief(verified)
                if self.alerts is not None and stored.version not in previous:
                    self.alerts.brief_saved(store, stored, bundle)
            if stored.version in previous:
                summary.briefs_unchanged += 1
            else:
                summary.briefs_new_versions += 1
            formats: Any = settings.export_formats  # validated by publish (an unknown format is an error)
            export_brief(stored, SourceIndex.from_bundle(bundle), settings.resolved_export_dir, formats)
            summary.briefs.append(stored)
            written.append(verified.story_id)
            progress("write", done, total)
        return written


def run(
    settings: Settings,
    locations: Sequence[str],
    progress: ProgressCallback = _no_progress,
    *,
    executor: Executor | None = None,
) -> RunSummary:
    """Ingest ``locations`` and (re)write the brief of every story with enough independent reports whose
    inputs changed."""
    with Store.open(settings.resolved_database_url) as store:
        summary = RunSummary(ingest=ingest(store, locations, settings, progress))
        Pipeline(settings, store, executor=executor).brief_stories(summary, progress)
        return summary


BACKFILL_PREFIX = "backfill:"  # reports of an input read and briefed so far (a resumed backfill skips them)


@dataclass(slots=True)
class BackfillSummary:
    reports_read: int = 0
    reports_skipped: int = 0  # read and briefed by an earlier, interrupted backfill
    new_articles: int = 0
    revisions: int = 0
    duplicates_dropped: int = 0
    chunks: int = 0
    briefs_new_versions: int = 0
    problems: list[str] = field(default_factory=list)


def _checkpoint_name(location: str) -> str:
    if location.startswith(("http://", "https://")):
        return BACKFILL_PREFIX + location
    return BACKFILL_PREFIX + str(Path(location).resolve())


def backfill(
    settings: Settings,
    locations: Sequence[str],
    *,
    chunk_size: int = 2_000,
    progress: Callable[[int], None] | None = None,
    executor: Executor | None = None,
) -> BackfillSummary:
    """Ingest a large archive in chunks of ``chunk_size`` reports, briefing after each, so memory is bounded
    by a chunk and the clusterer's window, not by the archive.

    After each chunk the number of reports of each input done so far is saved in the store; a backfill of
    the same inputs after an interruption skips them without reading them into the store again (reports
    of an unfinished chunk are found already stored and cost a hash lookup each). ``progress`` is called
    with the number of reports read (skipped ones included) after each report."""
    summary = BackfillSummary()
    own_executor = executor is None
    with Store.open(settings.resolved_database_url) as store:
        executor = executor if executor is not None else make_executor(settings)
        try:
            names = {location: _checkpoint_name(location) for location in locations}
            saved = store.pipeline_state(list(names.values()))
            chunk = IngestSummary()

            def problem(error: InputError) -> None:
                log.warning("%s", error)
                chunk.problems.append(str(error))

            ingester = ReportIngester(store, settings, chunk, problem)

            def brief(done: Mapping[str, int]) -> None:
                nonlocal chunk, ingester
                summary.new_articles += chunk.new_articles
                summary.revisions += chunk.revisions
                summary.duplicates_dropped += chunk.duplicates_dropped
                summary.problems += chunk.problems
                run_summary = RunSummary(ingest=chunk)
                Pipeline(settings, store, executor=executor).brief_stories(run_summary)
                summary.briefs_new_versions += run_summary.briefs_new_versions
                summary.chunks += 1
                store.save_pipeline_state({names[loc]: str(count).encode() for loc, count in done.items()})
                chunk = IngestSummary()
                ingester = ReportIngester(store, settings, chunk, problem, deduplicator=ingester.deduplicator)

            done: dict[str, int] = {}
            for location in locations:
                skip = int(saved[names[location]]) if names[location] in saved else 0
                done[location] = 0
                try:
                    for raw in iter_reports(location, on_problem=problem, settings=settings):
                        done[location] += 1
                        summary.reports_read += 1
                        if done[location] > skip:
                            ingester.add(raw)
                            if chunk.reports_read >= chunk_size:
                                brief(done)
                        else:
                            summary.reports_skipped += 1
                        if progress is not None:
                            progress(summary.reports_read)
                except InputError as error:
                    problem(error)
            brief(done)
        finally:
            if own_executor:
                executor.close()
    return summary
